"""AI_SCORING_POOL=process: answers scored in worker processes of lower priority give the evaluations the threads
give, survive a worker that dies, and an interview served that way is evaluated like any other."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from candidatex.ai.providers.local import LocalProvider
from candidatex.ai.schemas import InterviewContext
from candidatex.app import create_app
from tests.ai.labelled import load_labelled, question_for
from tests.auth.apps import served_beside
from tests.conftest import make_settings, register
from tests.interviews.test_sessions_api import STRONG_ANSWER, started

CTX = InterviewContext(job_title="Interview", experience_level="mid")
NICE = 7
# every family of the labelled set (strong, weak, wrong, off topic, keyword dump, cue stuffing, copy, language)
QUESTIONS = ("be-password-storage", "bh-conflict")
CASES = [(item.question, family, answers[0]) for item in load_labelled("tune") if item.question in QUESTIONS
         for family, answers in sorted(item.answers.items())]


@pytest.fixture(scope="module")
def process_app(mongo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return create_app(make_settings(mongo_url, tmp_path_factory.mktemp("scoring"), AI_SCORING_POOL="process",
                                    AI_SCORING_NICE=str(NICE)))


@pytest.fixture(scope="module")
async def process_client(client: AsyncTestClient, process_app: Any) -> AsyncIterator[AsyncTestClient]:
    async with served_beside(client, process_app) as served:
        yield served


@pytest.fixture
def in_processes(process_client: AsyncTestClient) -> LocalProvider:
    """The served app's local provider: its scoring runs in the processes the app started."""
    provider = process_client.app.state.ai_service.fallback
    assert provider.processes is not None
    return provider


@pytest.fixture
def in_threads(in_processes: LocalProvider) -> LocalProvider:
    return LocalProvider(in_processes.embedder)


def workers(provider: LocalProvider) -> set[tuple[int, int]]:
    assert provider.processes is not None
    return provider.processes.start()


async def test_an_interview_served_with_scoring_processes_is_evaluated(process_client: AsyncTestClient) -> None:
    account = await register(process_client)
    session = (await started(process_client, account))["session"]
    question = session["questions"][0]
    reply = await process_client.post(f"/interview/sessions/{session['session_id']}/answer",
                                      headers=account.headers,
                                      json={"question_id": question["id"], "content": STRONG_ANSWER})
    assert reply.status_code == 200, reply.text
    evaluation = reply.json()["data"]["evaluation"]
    assert evaluation["provider"] == "local" and 0 < evaluation["score"] <= 100
    assert evaluation["strengths"] or evaluation["weaknesses"]


async def test_processes_score_every_family_exactly_as_the_threads_do(in_threads: LocalProvider,
                                                                     in_processes: LocalProvider) -> None:
    assert {family for _, family, _ in CASES} >= {"strong", "weak", "wrong", "off_topic", "keyword_dump"}
    for question_id, family, answer in CASES:
        question = question_for(question_id, CTX)
        expected = await in_threads.evaluate_answer(CTX, question, answer)
        got = await in_processes.evaluate_answer(CTX, question, answer)
        assert got == expected, (question_id, family)


def test_the_scoring_process_is_not_this_one_and_yields_the_cpu(in_processes: LocalProvider) -> None:
    (pid, niceness), = workers(in_processes)
    assert pid != os.getpid()
    assert niceness == min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE)


async def test_a_scoring_process_that_dies_is_replaced_and_the_answer_still_scored(
        in_threads: LocalProvider, in_processes: LocalProvider) -> None:
    (pid, _), = workers(in_processes)
    os.kill(pid, signal.SIGKILL)
    question = question_for("be-password-storage", CTX)
    answer = CASES[0][2]
    got = await in_processes.evaluate_answer(CTX, question, answer)
    assert got == await in_threads.evaluate_answer(CTX, question, answer)
    (new_pid, _), = workers(in_processes)
    assert new_pid != pid
