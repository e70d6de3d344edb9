"""Keyword search that works without text indexes (SecantusDB): a multikey index on a keyword array.

Store ``keywords(text)`` in the document's ``keywords`` field under an ascending index, then run
``keyword_match_stages(query)`` as the first stages of an aggregation. Checked on SecantusDB: a single
equality ``$match`` on the array uses the multikey index (IXSCAN), while ``$all`` or ``$and`` over
several terms falls back to a collection scan. So the most selective term anchors the index lookup and
the other terms filter the few documents it returns.
"""

from __future__ import annotations

from typing import Any

from candidatex.resumes.taxonomy import SKILL_KEYWORD_PREFIX, SkillTaxonomy, search_keywords


def _selectivity(term: str) -> tuple[bool, int]:
    # Skill terms are rarer than plain words; among equals, longer words are rarer than short ones.
    return term.startswith(SKILL_KEYWORD_PREFIX), len(term)


def keyword_match_stages(
    query: str, field: str = "keywords", taxonomy: SkillTaxonomy | None = None
) -> list[dict[str, Any]]:
    """Aggregation stages matching documents whose keyword array holds every keyword of ``query``.

    An empty list means the query had no searchable words (match everything, or refuse the search).
    """
    terms = search_keywords(query, taxonomy)
    if not terms:
        return []
    anchor = max(terms, key=_selectivity)
    stages: list[dict[str, Any]] = [{"$match": {field: anchor}}]
    rest = [term for term in terms if term != anchor]
    if rest:
        stages.append({"$match": {field: {"$all": rest}}})
    return stages
