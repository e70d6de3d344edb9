"""Conditional writes that SecantusDB serves by key, for the stores outside interviews/.

`findAndModify` is never used: SecantusDB re-asserts its query as `{_id, $and: [query]}` for the write, and its
planner serves a filter with a top-level operator by scanning the whole collection, so every findAndModify cost
grew with the collection (users, refresh-token families and login throttles only grow). An `update_one` whose
filter leads with the `_id` is a point write; the document after it is a point read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bson import MaxKey, MinKey, ObjectId

# what SecantusDB's planner tries to serve from a secondary index (storage.py `_RANGE_OPS`); a condition of
# another shape is only checked against the document the `_id` found
_INDEXABLE_OPS = frozenset({"$eq", "$gt", "$gte", "$lt", "$lte", "$in"})
_SCALARS = (str, int, float, datetime, ObjectId)  # bool is an int


def by_key(where: Mapping[str, Any]) -> dict[str, Any]:
    """``where`` (an `_id` and the write's preconditions) as a filter SecantusDB serves from the `_id` alone.

    Its planner looks for a secondary index for every equality or range condition of a filter before it takes the
    `_id` (three reads of the index catalog per condition: an 8-condition write spent 0.7 ms of its 2.3 on it,
    docs/performance.md). A condition that also says `$exists: true` is not such a candidate. Every rewrite here
    matches exactly the documents the original does, on SecantusDB and mongod alike: `{f: v}` for a non-null
    scalar is `{f: {$eq: v}}` and requires `f` to exist; a comparison with a non-null value never matches a
    missing field. Conditions on null, arrays, embedded documents and other operators are kept as they are."""
    out: dict[str, Any] = {"_id": where["_id"]} if "_id" in where else {}
    for field, condition in where.items():
        if field == "_id":
            continue
        if isinstance(condition, _SCALARS) and not field.startswith("$"):
            out[field] = {"$eq": condition, "$exists": True}
        elif (isinstance(condition, Mapping) and condition and set(condition) <= _INDEXABLE_OPS
              and all(_non_null(operand) for operand in condition.values())):
            out[field] = {**condition, "$exists": True}
        else:
            out[field] = condition
    return out


def _non_null(operand: Any) -> bool:
    """An operand no missing field can satisfy. MinKey and MaxKey are outside mongod's type bracketing: `{f: {$lt:
    MaxKey}}` also matches a document without ``f`` (compared as null), so `$exists` would change what matches."""
    if isinstance(operand, list):
        return all(_non_null(item) for item in operand)
    return operand is not None and not isinstance(operand, (MinKey, MaxKey))


async def update_then_read(collection: Any, where: Mapping[str, Any], update: Mapping[str, Any],
                           **options: Any) -> dict[str, Any] | None:
    """One conditional update of the document ``where["_id"]``, then that document as it is after it: None
    when ``where`` did not hold, so nothing was written. The write is atomic on the fields it changes; the read may
    also show a later writer's change, never an earlier state than this write left."""
    result = await collection.update_one(by_key(where), dict(update), **options)
    if not result.matched_count:
        return None
    return await collection.find_one({"_id": where["_id"]})
