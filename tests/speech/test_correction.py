"""Vocabulary correction: near misses of the interview's terms become the terms, and nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from candidatex.speech.correction import correct_text, correct_words
from candidatex.speech.transcriber import Word
from candidatex.speech.vocabulary import build_vocabulary, rare_words

SENTENCES = Path(__file__).parents[1] / "data" / "speech" / "technical_sentences.json"
SOFTWARE = ("PostgreSQL", "Redis", "Kubernetes", "idempotent", "OAuth", "gRPC", "Zendesk", "metoprolol", "SAP")


@pytest.mark.parametrize(("heard", "meant"), [
    ("Every payment handler is item potent, so a retried request is charged once.",
     "Every payment handler is idempotent, so a retried request is charged once."),
    ("We store the orders in post the SQL.", "We store the orders in PostgreSQL."),
    ("The services run on Cooper Netties with three replicas.", "The services run on Kubernetes with three replicas."),
    ("I logged it in Zen desk and promised an update.", "I logged it in Zendesk and promised an update."),
    ("We held the meta prolol because his heart rate dropped.", "We held the metoprolol because his heart rate dropped."),
    ("It runs on post GreSQL, mostly.", "It runs on PostgreSQL, mostly."),
])
def test_near_misses_of_the_vocabulary_become_its_terms(heard: str, meant: str) -> None:
    assert correct_text(heard, SOFTWARE) == meant


@pytest.mark.parametrize("heard", [
    "I am ready to start, and the session is stored in the database.",  # "ready" is not Redis
    "We reduced the cost and sent the report.",  # "reduced" is not Redis either
    "The sap in the tree rises in spring.",  # terms under five letters are never forced
    "Redis keeps the rate limits, and PostgreSQL keeps the orders.",  # already right: untouched
    "I would post the letter today.",  # close words, but not the letters of any term
])
def test_ordinary_words_are_left_alone(heard: str) -> None:
    assert correct_text(heard, SOFTWARE) == heard


def test_nothing_changes_without_a_vocabulary() -> None:
    assert correct_text("every handler is item potent", ()) == "every handler is item potent"


def test_a_run_is_not_joined_across_punctuation() -> None:
    # "item. Potent" are two sentences, not one misheard word.
    assert correct_text("We sold the item. Potent drugs are locked away.", SOFTWARE) == (
        "We sold the item. Potent drugs are locked away.")


def test_corrected_words_keep_their_timing_for_the_metrics() -> None:
    words = [Word(text="handler", start=0.0, end=0.4), Word(text="is", start=0.45, end=0.55),
             Word(text="item", start=0.6, end=0.9, probability=0.7), Word(text="potent.", start=0.9, end=1.3)]
    corrected = correct_words(words, SOFTWARE)
    assert [w.text for w in corrected] == ["handler", "is", "idempotent."]
    assert (corrected[-1].start, corrected[-1].end, corrected[-1].probability) == (0.6, 1.3, 0.7)


def test_every_profession_of_the_reference_set_gets_its_rare_words_in_the_vocabulary() -> None:
    """The clinical, finance and support interviews are biased too, not only software's acronyms."""
    professions = {p["name"]: p for p in json.loads(SENTENCES.read_text())["professions"]}
    clinical = professions["clinical"]
    terms = build_vocabulary(clinical["question"], (), clinical["title"], clinical["job_description"],
                             clinical["resume"]).terms
    assert {"metoprolol", "heparin", "tachycardia"} <= set(terms)
    assert "administration" not in terms  # a common word, one piece for Whisper's tokenizer
    assert rare_words("We reconcile the accruals in Zendesk") == ["accruals", "Zendesk"]


@pytest.mark.parametrize(("heard", "meant"), [
    ("I promised an update within two hours. SLA, CSAT,", "I promised an update within two hours."),
    ("We track it every quarter. Zendesk, Zendesk,", "We track it every quarter."),
])
def test_the_prompts_list_of_terms_echoed_after_the_last_sentence_is_dropped(heard: str, meant: str) -> None:
    terms = ("SLA", "CSAT", "Zendesk")
    assert correct_text(heard, terms) == meant
    words = [Word(text=t, start=i, end=i + 0.5) for i, t in enumerate(heard.split())]
    assert " ".join(w.text for w in correct_words(words, terms)) == meant


@pytest.mark.parametrize("heard", [
    "We use two tools. Zendesk, Jira.",  # a list the candidate said: it ends a sentence
    "Our SLA, CSAT and NPS all improved.",  # terms inside the answer
    "I like it. Honestly, CSAT,",  # not only terms
])
def test_terms_the_candidate_said_are_kept(heard: str) -> None:
    assert correct_text(heard, ("SLA", "CSAT", "Zendesk", "Jira", "NPS")) == heard
