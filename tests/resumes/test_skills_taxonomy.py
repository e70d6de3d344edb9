from __future__ import annotations

from collections import Counter

from candidatex.resumes.search import keyword_match_stages
from candidatex.resumes.taxonomy import (
    default_taxonomy,
    extract_skills,
    keywords,
    normalize_skill,
    search_keywords,
)


def test_the_taxonomy_is_large_and_unambiguous() -> None:
    taxonomy = default_taxonomy()
    assert len(taxonomy) >= 200
    names = Counter(skill.name.casefold() for skill in taxonomy.skills)
    assert max(names.values()) == 1
    aliases = Counter(a.casefold() for skill in taxonomy.skills for a in (skill.name, *skill.aliases))
    assert [alias for alias, count in aliases.items() if count > 1] == []
    assert all(skill.category for skill in taxonomy.skills)


def test_synonyms_normalise_to_one_name() -> None:
    assert normalize_skill("k8s") == "Kubernetes"
    assert normalize_skill("JS") == "JavaScript"
    assert normalize_skill("postgres") == "PostgreSQL"
    assert normalize_skill("ML") == "Machine Learning"
    assert normalize_skill("Vue JS") == "Vue.js"
    assert normalize_skill("  Underwater  Basket Weaving ") == "Underwater Basket Weaving"


def test_skills_with_symbols_are_found_in_text() -> None:
    found = extract_skills("Wrote C++ and C# tools, .NET services, Node.js APIs; machine-learning with sklearn.")
    assert found == ["C++", "C#", ".NET", "Node.js", "Machine Learning", "scikit-learn"]


def test_links_do_not_count_as_skills() -> None:
    assert extract_skills("Portfolio: https://github.com/jane and jane@gitlab.io") == []


def test_keyword_search_finds_synonyms_and_word_forms() -> None:
    """The array + $all search SecantusDB supports: the query's keywords must all be in the document's."""
    resume = keywords("Managed k8s clusters and mentored engineers at a fintech startup.")
    other = keywords("Managed a restaurant kitchen and mentored junior cooks.")

    def matches(query: str, document: list[str]) -> bool:
        return set(search_keywords(query)) <= set(document)

    assert matches("Kubernetes", resume)
    assert matches("managing engineers", resume)
    assert not matches("Kubernetes", other)
    assert "the" not in resume and "and" not in resume


def test_search_stages_anchor_on_one_indexed_term() -> None:
    stages = keyword_match_stages("Senior k8s engineer")
    # One equality on the skill term (served by the multikey index), then the remaining words.
    assert stages == [
        {"$match": {"keywords": "skill:kubernetes"}},
        {"$match": {"keywords": {"$all": ["engineer", "senior"]}}},
    ]
    assert keyword_match_stages("the and of") == []


def test_spanish_french_and_german_skills_are_found_with_or_without_accents() -> None:
    taxonomy = default_taxonomy()
    text = ("Rapprochements bancaires et clôture mensuelle; comptabilité générale.\n"
            "Administración de medicamentos y ventilación mecánica.\nIntensivpflege und Beatmung.\n"
            "Planificacion de clases; gestión del aula.")
    found = taxonomy.extract(text)
    assert {"Account Reconciliation", "Month-End Close", "General Ledger", "Medication Administration",
            "Ventilator Management", "Critical Care", "Lesson Planning"} <= set(found)
    assert taxonomy.extract("cloture mensuelle") == taxonomy.extract("Clôture mensuelle") == ["Month-End Close"]
    mentions = taxonomy.find_mentions("Administración de medicamentos")
    assert mentions["Medication Administration"] == ["Administración de medicamentos"]  # the resume's own spelling


def test_skills_written_verb_first_are_found() -> None:
    # "managed the pipeline" is Pipeline Management, as "pipeline management" is
    assert extract_skills("Closed deals and managed the pipeline in Salesforce.") == ["Pipeline Management",
                                                                                     "Salesforce"]
    assert extract_skills("Planned and taught algebra and geometry lessons to five classes.") == ["Lesson Planning"]
    assert extract_skills("Read blueprints for tenant fit-outs.") == ["Blueprint Reading"]
    # the verb's object must be the skill's, in the same clause, and not another skill's name
    assert extract_skills("Managed accounts payable for three entities.") == ["Accounts Payable"]
    assert "Account Management" not in extract_skills("Managed Active Directory accounts and groups.")
    assert extract_skills("Managed the store, then sorted the pipeline of parcels.") == []
