"""core/writes.by_key: a write's filter reshaped so that SecantusDB takes the `_id` without looking for an index for
each condition, matching exactly the documents the original filter matches (missing fields, nulls, arrays)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from bson import MaxKey, MinKey, ObjectId
from pymongo import IndexModel
from pymongo.database import Database

from candidatex.core.writes import by_key

T0, T1 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
DOCUMENTS: list[dict[str, Any]] = [
    {"status": "active", "n": 2, "ends_at": T1, "tags": ["a", "b"], "result": None, "flag": True},
    {"status": "active", "n": 2, "ends_at": None, "tags": "a", "flag": False},
    {"status": "paused", "ends_at": T0, "tags": [], "result": {"x": 1}},
    {"n": 3, "tags": [["a"]], "result": 5},
    {"answers": [{"question_id": "q1"}, {"content": "no id"}], "questions": [{"id": "a"}, {"id": "b"}]},
    {"answers": [], "questions": [{"id": "b"}]},
    {},
]
CONDITIONS: list[dict[str, Any]] = [
    {"status": "active"}, {"status": "active", "n": 2}, {"n": 2}, {"n": 3.0}, {"tags": "a"}, {"tags": ["a", "b"]},
    {"ends_at": {"$gt": T0}}, {"ends_at": {"$gte": T0, "$lt": T1}}, {"ends_at": {"$lte": None}}, {"ends_at": None},
    {"result": None}, {"n": {"$in": [2, 3]}}, {"n": {"$in": [None, 3]}}, {"n": {"$lt": 3}}, {"flag": True},
    {"flag": False}, {"status": {"$ne": "active"}}, {"tags": {"$size": 0}}, {"result": {"x": 1}},
    {"status": {"$in": ["active", "paused"]}, "ends_at": {"$gt": T0}, "n": 2, "result": None},
    # dotted paths through arrays of documents, as the answer's write has them
    {"answers.question_id": "q1"}, {"questions.1.id": "b"}, {"questions.0.id": "b"},
    {"answers.question_id": {"$in": ["q1", "q2"]}}, {"answers.question_id": {"$ne": "q1"}},
]


@pytest.fixture
def stored(db: Database) -> Any:
    collection = db[f"by_key_{ObjectId()}"]
    collection.create_indexes([IndexModel([("status", 1), ("ends_at", 1)]), IndexModel([("n", 1)])])
    ids = collection.insert_many([dict(d) for d in DOCUMENTS]).inserted_ids
    yield collection, ids
    collection.drop()


@pytest.mark.parametrize("condition", CONDITIONS, ids=[str(c) for c in CONDITIONS])
def test_the_reshaped_filter_matches_the_same_documents(stored: Any, condition: dict[str, Any]) -> None:
    collection, ids = stored
    for oid in ids:
        where = {"_id": oid, **condition}
        assert (collection.find_one(by_key(where)) is None) == (collection.find_one(where) is None), (oid, where)
    # and a write through it changes exactly what the original write would
    wanted = {d["_id"] for d in collection.find(condition)}
    written = {oid for oid in ids if collection.update_one(by_key({"_id": oid, **condition}),
                                                           {"$inc": {"writes": 1}}).matched_count}
    assert written == wanted, condition


def test_the_id_leads_and_no_condition_is_an_index_candidate() -> None:
    oid = ObjectId()
    shaped = by_key({"status": "active", "_id": oid, "ends_at": {"$gt": T0}, "result": None,
                     "answers.question_id": {"$ne": "q1"}})
    assert list(shaped)[0] == "_id"
    assert shaped == {"_id": oid, "status": {"$eq": "active", "$exists": True},
                      "ends_at": {"$gt": T0, "$exists": True}, "result": None,
                      "answers.question_id": {"$ne": "q1"}}


def test_min_and_max_key_operands_are_left_as_they_are() -> None:
    """Outside mongod's type bracketing (a missing field compares as null below MaxKey): `$exists` would narrow them."""
    oid = ObjectId()
    where = {"_id": oid, "n": {"$lt": MaxKey()}, "m": {"$gt": MinKey()}, "k": {"$in": [1, MaxKey()]}}
    assert by_key(where) == where
