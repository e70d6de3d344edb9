"""The session indexes nothing reads are dropped at start-up (db/registry.py), on a database that has them."""

from __future__ import annotations

import uuid

from pymongo import ASCENDING, AsyncMongoClient, MongoClient

from candidatex.db.registry import document_models, drop_retired_indexes
from candidatex.interviews.models import InterviewSession

OLD = [[("recruiter_id", ASCENDING), ("status", ASCENDING)], [("job_recruiter_id", ASCENDING), ("status", ASCENDING)]]


async def test_a_database_from_before_loses_the_retired_indexes_and_keeps_the_declared_ones(mongo_url: str) -> None:
    name = f"retired_{uuid.uuid4().hex[:8]}"
    with MongoClient(mongo_url) as sync:
        sessions = sync[name].interview_sessions
        for keys in [*(m.document["key"].items() for m in InterviewSession.Settings.indexes), *OLD]:
            sessions.create_index(list(keys))
        before = set(sessions.index_information())
        assert {"recruiter_id_1_status_1", "job_recruiter_id_1_status_1"} <= before
        client: AsyncMongoClient = AsyncMongoClient(mongo_url)
        try:
            dropped = await drop_retired_indexes(client[name], document_models())
            again = await drop_retired_indexes(client[name], document_models())  # a second worker, a restart
        finally:
            await client.close()
        after = set(sessions.index_information())
        sync.drop_database(name)
    assert sorted(dropped) == ["interview_sessions.job_recruiter_id_1_status_1",
                               "interview_sessions.recruiter_id_1_status_1"]
    assert again == []
    assert after == before - {"recruiter_id_1_status_1", "job_recruiter_id_1_status_1"}
    assert {"candidate_id_1_created_at_-1", "status_1_ends_at_1", "job_id_1_candidate_id_1"} <= after
