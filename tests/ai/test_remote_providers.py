"""The OpenAI and Gemini adapters against a local server speaking their HTTP APIs."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from litestar.stores.memory import MemoryStore

from candidatex.ai.providers.gemini import GeminiProvider
from candidatex.ai.providers.local import LocalProvider
from candidatex.ai.providers.openai import OpenAIProvider
from candidatex.ai.providers.remote import RemoteJSONProvider
from candidatex.ai.schemas import GeneratedQuestion, InterviewContext
from candidatex.ai.service import AIService, build_ai_service

from .fake_llm import API_KEY, FakeLLMServer
from .labelled import question_for

CTX = InterviewContext(
    job_title="Backend Engineer",
    job_description="Python services on PostgreSQL",
    experience_level="mid",
    mode="technical",
    question_count=3,
    seed="session-a",
)
# Generous: the first request of a fresh SDK client spends a good part of a second on setup.
DEADLINE_SECONDS = 5.0
HANG_DEADLINE_SECONDS = 1.0


def make_provider(kind: str, server: FakeLLMServer, api_key: str = API_KEY) -> RemoteJSONProvider:
    if kind == "openai":
        return OpenAIProvider(api_key, model="test-model", base_url=server.base_url + "/v1")
    return GeminiProvider(api_key, model="gemini-test", base_url=server.base_url)


def make_service(
    provider: RemoteJSONProvider,
    store: MemoryStore | None = None,
    retries: int = 1,
    deadline: float = DEADLINE_SECONDS,
    cooldown: float = 60.0,
) -> AIService:
    return AIService(
        provider,
        LocalProvider(),
        cache=store,
        timeout_seconds=deadline,
        retries=retries,
        backoff_base_seconds=0.01,
        circuit_cooldown_seconds=cooldown,
    )


@pytest.fixture(params=["openai", "gemini"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


async def test_questions_from_remote_provider_record_its_name(kind: str, llm_server: FakeLLMServer) -> None:
    service = make_service(make_provider(kind, llm_server))

    questions = await service.generate_questions(CTX)

    assert len(questions) == 3
    assert all(q.provider == kind for q in questions)
    assert questions[0].text.startswith("Remote question number 1")
    assert len({q.id for q in questions}) == 3
    assert llm_server.hits == 1


async def test_remote_request_asks_for_json_and_carries_the_context(
    kind: str, llm_server: FakeLLMServer
) -> None:
    await make_service(make_provider(kind, llm_server)).generate_questions(CTX)

    request = llm_server.requests[0]
    if kind == "openai":
        assert request["response_format"] == {"type": "json_object"}
        assert request["model"] == "test-model"
        prompt = request["messages"][-1]["content"]
        system = request["messages"][0]["content"]
    else:
        assert request["generationConfig"]["responseMimeType"] == "application/json"
        prompt = request["contents"][0]["parts"][0]["text"]
        system = request["systemInstruction"]["parts"][0]["text"]
    assert "Backend Engineer" in prompt and "PostgreSQL" in prompt
    assert "JSON" in system


async def test_evaluation_and_follow_up_from_remote_provider(kind: str, llm_server: FakeLLMServer) -> None:
    service = make_service(make_provider(kind, llm_server))
    question = GeneratedQuestion(text="How would you shard a database?", expected_concepts=["sharding"])

    evaluation = await service.evaluate_answer(CTX, question, "By user id.")

    assert evaluation.provider == kind
    assert evaluation.score == 72
    assert evaluation.follow_up_question is not None
    assert evaluation.follow_up_question.text == "What would you do if one shard became hot?"
    assert evaluation.follow_up_question.is_follow_up
    assert evaluation.follow_up_question.provider == kind


async def test_final_report_keeps_per_question_scores_from_the_evaluations(
    kind: str, llm_server: FakeLLMServer
) -> None:
    service = make_service(make_provider(kind, llm_server))
    local = LocalProvider()
    question = (await local.generate_questions(CTX))[0]
    evaluation = await local.evaluate_answer(CTX, question, "I would add an index.")

    report = await service.final_report(CTX, [(question, "I would add an index.", evaluation)])

    assert report.provider == kind
    assert report.summary == "A solid interview written by the remote model."
    assert [r.score for r in report.per_question] == [evaluation.score]


async def test_http_500_falls_back_to_local_and_logs_without_the_key(
    kind: str, llm_server: FakeLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    llm_server.behaviour = "error"
    service = make_service(make_provider(kind, llm_server), retries=2)

    with caplog.at_level(logging.WARNING, logger="candidatex.ai"):
        questions = await service.generate_questions(CTX)

    assert len(questions) == 3
    assert all(q.provider == "local" for q in questions)
    assert llm_server.hits == 3  # the first try and two retries
    assert "500" in caplog.text and "using local" in caplog.text
    assert API_KEY not in caplog.text


async def test_timeout_falls_back_to_local_within_the_deadline(kind: str, llm_server: FakeLLMServer) -> None:
    llm_server.behaviour = "hang"  # the server would answer only after 30 seconds
    service = make_service(make_provider(kind, llm_server), retries=1, deadline=HANG_DEADLINE_SECONDS)

    # Without the service's own deadline this would wait for the hanging server and trip this guard.
    async with asyncio.timeout(10):
        evaluation = await service.evaluate_answer(
            CTX, GeneratedQuestion(text="Explain database indexes."), "An index is a B-tree."
        )

    assert evaluation.provider == "local"
    assert llm_server.hits >= 1


async def test_malformed_reply_falls_back_to_local(kind: str, llm_server: FakeLLMServer) -> None:
    llm_server.behaviour = "malformed"
    service = make_service(make_provider(kind, llm_server))

    report_questions = await service.generate_questions(CTX)

    assert all(q.provider == "local" for q in report_questions)
    assert llm_server.hits == 2


async def test_json_in_the_wrong_shape_falls_back_to_local(kind: str, llm_server: FakeLLMServer) -> None:
    llm_server.reply = lambda prompt: {"score": 250, "rubric": {"depth": -4}}
    service = make_service(make_provider(kind, llm_server), retries=0)

    evaluation = await service.evaluate_answer(CTX, GeneratedQuestion(text="Explain indexes."), "B-trees.")

    assert evaluation.provider == "local"
    assert 0 <= evaluation.score <= 100


async def test_too_few_questions_counts_as_malformed(kind: str, llm_server: FakeLLMServer) -> None:
    llm_server.reply = lambda prompt: {"questions": [{"text": "Only one question, about Python?"}]}
    service = make_service(make_provider(kind, llm_server), retries=0)

    questions = await service.generate_questions(CTX)

    assert [q.provider for q in questions] == ["local"] * 3


async def test_bad_api_key_falls_back_without_retrying(kind: str, llm_server: FakeLLMServer) -> None:
    service = make_service(make_provider(kind, llm_server, api_key="wrong"), retries=3)

    questions = await service.generate_questions(CTX)

    assert all(q.provider == "local" for q in questions)
    assert llm_server.hits == 1


async def test_identical_call_is_served_from_the_cache(kind: str, llm_server: FakeLLMServer) -> None:
    store = MemoryStore()
    service = make_service(make_provider(kind, llm_server), store=store)

    first = await service.generate_questions(CTX)
    second = await service.generate_questions(CTX)

    assert llm_server.hits == 1
    assert [q.model_dump() for q in second] == [q.model_dump() for q in first]
    assert second[0].provider == kind
    # A different context is a different prompt: it must reach the provider.
    await service.generate_questions(CTX.model_copy(update={"job_title": "Data Engineer"}))
    assert llm_server.hits == 2


async def test_cache_entries_expire_after_a_week(kind: str, llm_server: FakeLLMServer) -> None:
    store = MemoryStore()
    service = make_service(make_provider(kind, llm_server), store=store)

    await service.generate_questions(CTX)

    key = service.cache_key("generate_questions", {"context": CTX.model_dump(mode="json")})
    remaining = await store.expires_in(key)
    assert remaining is not None and 6 * 24 * 3600 < remaining <= 7 * 24 * 3600
    assert json.loads(await store.get(key))[0]["provider"] == kind


async def test_fallback_results_are_not_cached(kind: str, llm_server: FakeLLMServer) -> None:
    llm_server.behaviour = "error"
    service = make_service(make_provider(kind, llm_server), store=MemoryStore(), retries=0, cooldown=0)
    await service.generate_questions(CTX)

    llm_server.behaviour = "ok"
    questions = await service.generate_questions(CTX)

    assert questions[0].provider == kind
    assert llm_server.hits == 2


async def test_build_ai_service_wires_openai_compatible_base_url(llm_server: FakeLLMServer) -> None:
    service = build_ai_service(
        "openai",
        openai_api_key=API_KEY,
        openai_base_url=llm_server.base_url + "/v1",
        openai_model="m",
        timeout=5,
    )

    questions = await service.generate_questions(CTX)

    assert service.provider_name == "openai"
    assert questions[0].provider == "openai"
    await service.aclose()


async def test_a_hanging_provider_costs_one_timeout_then_is_skipped_while_it_cools_off(
    kind: str, llm_server: FakeLLMServer
) -> None:
    llm_server.behaviour = "hang"
    service = make_service(make_provider(kind, llm_server), retries=2, deadline=HANG_DEADLINE_SECONDS)
    question = GeneratedQuestion(text="Explain database indexes.")

    first = await service.evaluate_answer(CTX, question, "An index is a B-tree.")
    assert llm_server.hits == 1  # a timeout is not retried
    async with asyncio.timeout(HANG_DEADLINE_SECONDS / 2):  # the next calls do not wait for the provider again
        later = [await service.evaluate_answer(CTX, question, f"Answer {n} about indexes.") for n in range(3)]
        await service.generate_questions(CTX)

    assert first.provider == "local" and {e.provider for e in later} == {"local"}
    assert llm_server.hits == 1 and service.circuit_open


async def test_the_circuit_closes_after_the_cooling_off_period(kind: str, llm_server: FakeLLMServer) -> None:
    llm_server.behaviour = "error"
    service = make_service(make_provider(kind, llm_server), retries=0, cooldown=0.2)
    await service.generate_questions(CTX)
    llm_server.behaviour = "ok"

    assert (await service.generate_questions(CTX))[0].provider == "local"  # still cooling off
    await asyncio.sleep(0.25)
    assert (await service.generate_questions(CTX))[0].provider == kind


async def test_remote_evaluation_prompt_carries_key_points_and_misconceptions(
    kind: str, llm_server: FakeLLMServer
) -> None:
    question = question_for("be-password-storage", CTX)

    await make_service(make_provider(kind, llm_server)).evaluate_answer(CTX, question, "I would use bcrypt.")

    request = llm_server.requests[0]
    prompt = request["messages"][-1]["content"] if kind == "openai" else request["contents"][0]["parts"][0]["text"]
    assert "Reference key points" in prompt and "random salt" in prompt
    assert "Known misconceptions" in prompt and "MD5 or SHA-1 is fine for hashing passwords" in prompt


async def test_no_provider_skips_the_guards(kind: str, llm_server: FakeLLMServer) -> None:
    """The fake model gives 72 to anything; a keyword list still ends up capped and explained."""
    question = question_for("be-password-storage", CTX)
    service = make_service(make_provider(kind, llm_server))

    dump = await service.evaluate_answer(CTX, question, "bcrypt, argon2, salt, pepper, work factor, rainbow tables")
    wrong = await service.evaluate_answer(
        CTX, question, "Just store an MD5 of the password. MD5 or SHA-1 is fine for hashing passwords, it is fast."
    )

    assert dump.provider == kind and "keyword_dump" in dump.guards and dump.score <= 25
    assert any("full sentences" in w for w in dump.weaknesses) and dump.follow_up_question is None
    assert wrong.factual_errors and wrong.score <= 72 - 25


async def test_remote_report_total_is_computed_from_the_per_question_scores(
    kind: str, llm_server: FakeLLMServer
) -> None:
    service = make_service(make_provider(kind, llm_server))
    local = LocalProvider()
    questions = [question_for("be-slow-query", CTX), question_for("be-caching", CTX)]
    evaluation = await local.evaluate_answer(CTX, questions[0], "I would add an index.")

    report = await service.final_report(CTX, [(questions[0], "I would add an index.", evaluation)], questions[1:])

    assert report.provider == kind and report.summary == "A solid interview written by the remote model."
    assert report.total_score == round(evaluation.score / 2, 1) != 70  # not the model's own total
    assert [r.answered for r in report.per_question] == [True, False]


async def test_question_plans_are_cached_per_session_not_per_set_up(kind: str, llm_server: FakeLLMServer) -> None:
    service = make_service(make_provider(kind, llm_server), store=MemoryStore())

    await service.generate_questions(CTX)
    await service.generate_questions(CTX)  # the same session asks again: cached
    await service.generate_questions(CTX.model_copy(update={"seed": "session-b"}))  # another user, same set-up
    await service.generate_questions(CTX.model_copy(update={"seed": ""}))
    await service.generate_questions(CTX.model_copy(update={"seed": ""}))  # unseeded plans are never cached

    assert llm_server.hits == 4


def test_the_default_provider_is_the_one_whose_key_is_configured() -> None:
    from candidatex.config import Settings

    assert Settings().ai_provider == "auto"
    assert build_ai_service("auto", openai_base_url="http://127.0.0.1:9/v1").provider_name == "openai"
    assert build_ai_service("auto", openai_api_key="k", gemini_api_key="g").provider_name == "gemini"


def test_build_ai_service_without_a_key_uses_local() -> None:
    assert build_ai_service("gemini").provider_name == "local"
    assert build_ai_service("auto").provider_name == "local"
    assert build_ai_service("auto", gemini_api_key="k").provider_name == "gemini"
