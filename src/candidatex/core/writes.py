"""Conditional writes that SecantusDB serves by key, for the stores outside interviews/.

`findAndModify` is never used: SecantusDB re-asserts its query as `{_id, $and: [query]}` for the write, and its
planner serves a filter with a top-level operator by scanning the whole collection, so every findAndModify cost
grew with the collection (users, refresh-token families and login throttles only grow). An `update_one` whose
filter leads with the `_id` is a point write; the document after it is a point read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


async def update_then_read(collection: Any, where: Mapping[str, Any], update: Mapping[str, Any],
                           **options: Any) -> dict[str, Any] | None:
    """One conditional update of the document ``where["_id"]``, then that document as it is after it: None
    when ``where`` did not hold, so nothing was written. The write is atomic on the fields it changes; the read may
    also show a later writer's change, never an earlier state than this write left."""
    result = await collection.update_one(dict(where), dict(update), **options)
    if not result.matched_count:
        return None
    return await collection.find_one({"_id": where["_id"]})
