"""Keyword search against a real SecantusDB, which has no text indexes."""

from __future__ import annotations

from pymongo import ASCENDING, MongoClient

from candidatex.resumes.search import keyword_match_stages
from candidatex.resumes.taxonomy import keywords

RESUMES = {
    "platform": "Platform engineer: managed k8s clusters, Python tooling, postgres on AWS.",
    "data": "Data scientist using Python, pandas and machine-learning models in production.",
    "chef": "Head chef managing a restaurant kitchen and its suppliers.",
}


def test_keyword_search_uses_the_multikey_index(secantus_url: str) -> None:
    client = MongoClient(secantus_url)
    collection = client.search_test.resumes
    collection.drop()
    collection.create_index([("keywords", ASCENDING)])
    collection.insert_many([{"_id": name, "keywords": keywords(text)} for name, text in RESUMES.items()])

    def search(query: str) -> set[str]:
        return {doc["_id"] for doc in collection.aggregate(keyword_match_stages(query))}

    assert search("Kubernetes") == {"platform"}  # the resume only says "k8s"
    assert search("python") == {"platform", "data"}
    assert search("ML python") == {"data"}  # "ML" is Machine Learning, written "machine-learning"
    assert search("managing kitchens") == {"chef"}  # word forms meet
    assert search("PostgreSQL Kubernetes AWS") == {"platform"}
    assert search("Rust") == set()

    plan = client.search_test.command(
        "explain", {"aggregate": "resumes", "pipeline": keyword_match_stages("Kubernetes engineer"), "cursor": {}}
    )
    assert "IXSCAN" in str(plan)
    client.close()
