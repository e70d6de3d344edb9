"""The local interviewer asks questions that fit the profession, the posting and the resume."""

from __future__ import annotations

import pytest

from candidatex.ai.bank import load_bank
from candidatex.ai.planner import DIFFICULTY_RANK
from candidatex.ai.providers.local import LocalProvider
from candidatex.ai.schemas import GeneratedQuestion, InterviewContext
from candidatex.embeddings import Embedder

LOCAL = LocalProvider()
SOFTWARE_QUESTIONS = {
    q.id for f in load_bank().families if f.software and f.family != "product" for q in f.questions
}
FAMILY_OF = {q.id: q.family for q in load_bank().all_questions()}

GO_OPERATORS = InterviewContext(
    job_title="Senior Platform Engineer",
    job_description="You will build Kubernetes operators in Go for our managed PostgreSQL service. "
    "Requirements: Go, Kubernetes, gRPC, Terraform.",
    experience_level="senior",
    resume_text="Platform engineer, 7 years.\n- Led the Kubernetes migration at Acme, moving 40 services off VMs\n"
    "- Built a Terraform module library used by 12 teams",
    question_count=6,
    seed="session-1",
)


async def plan(ctx: InterviewContext) -> list[GeneratedQuestion]:
    return await LOCAL.generate_questions(ctx)


@pytest.mark.parametrize(
    ("title", "description", "family"),
    [
        ("Nurse Manager", "Lead a 30-bed surgical ward; staffing, patient safety and audits.", "nursing"),
        (
            "Senior Accountant",
            "Own the month-end close, reconciliations and revenue recognition.",
            "accounting",
        ),
        (
            "Account Executive",
            "Close new business with mid-market customers; manage your pipeline in Salesforce.",
            "sales",
        ),
        ("Year 6 Teacher", "Plan and teach lessons for a mixed-ability class.", "teaching"),
        (
            "Customer Support Specialist",
            "Answer tickets and calls, de-escalate unhappy customers.",
            "customer_support",
        ),
    ],
)
async def test_professions_outside_software_get_their_own_questions(
    title: str, description: str, family: str
) -> None:
    questions = await plan(
        InterviewContext(
            job_title=title,
            job_description=description,
            experience_level="senior",
            question_count=5,
            seed="s",
        )
    )

    technical = [q for q in questions if q.kind == "technical"]
    assert technical and all(FAMILY_OF.get(q.id) == family for q in technical if q.id in FAMILY_OF)
    assert not any(q.id in SOFTWARE_QUESTIONS for q in questions)  # no refactoring or CAP theorem for a nurse


async def test_go_kubernetes_operator_job_gets_go_and_operator_questions_and_a_resume_question() -> None:
    questions = await plan(GO_OPERATORS)

    ids = {q.id for q in questions}
    assert ids & {"be-go-concurrency", "ops-k8s-operator"}
    resume = [q for q in questions if q.id.startswith("resume-")]
    assert resume and "Kubernetes migration at Acme" in resume[0].text
    assert len(questions) == 6 and len({q.text for q in questions}) == 6


async def test_a_requirement_the_bank_does_not_cover_becomes_a_requirement_question() -> None:
    ctx = GO_OPERATORS.model_copy(
        update={"job_description": GO_OPERATORS.job_description + " Experience with gRPC."}
    )

    questions = await plan(ctx)

    requirement = [q for q in questions if q.id.startswith("requirement-")]
    assert requirement and "gRPC" in requirement[0].text
    assert requirement[0].expected_concepts  # it carries its own key points


async def test_two_sessions_with_the_same_set_up_get_different_questions() -> None:
    ctx = InterviewContext(
        job_title="Backend Engineer", job_description="Python services on PostgreSQL.", question_count=5
    )
    plans = [[q.id for q in await plan(ctx.model_copy(update={"seed": f"session-{n}"}))] for n in range(4)]

    assert len({tuple(p) for p in plans}) > 1
    # the same session asks again: the same plan
    assert [q.id for q in await plan(ctx.model_copy(update={"seed": "session-0"}))] == plans[0]


async def test_senior_questions_are_harder_than_entry_level_ones() -> None:
    base = InterviewContext(
        job_title="Data Scientist", job_description="Models and experiments.", question_count=5, seed="s"
    )
    entry = [
        q for q in await plan(base.model_copy(update={"experience_level": "entry"})) if q.kind == "technical"
    ]
    senior = [
        q for q in await plan(base.model_copy(update={"experience_level": "senior"})) if q.kind == "technical"
    ]

    assert not any(q.difficulty == "hard" for q in entry)
    assert not any(q.difficulty == "easy" for q in senior)
    assert sum(DIFFICULTY_RANK[q.difficulty] for q in senior) > sum(
        DIFFICULTY_RANK[q.difficulty] for q in entry
    )


async def test_behavioral_interview_opens_with_motivation_and_covers_focus_areas() -> None:
    ctx = InterviewContext(
        job_title="Engineering Manager",
        mode="behavioral",
        experience_level="lead",
        focus_areas=["conflict resolution", "mentoring"],
        question_count=5,
        seed="s",
    )

    questions = await plan(ctx)

    assert {q.kind for q in questions} == {"behavioral"}
    assert questions[0].id == "bh-motivation" and "Engineering Manager" in questions[0].text
    assert {"conflict resolution", "mentoring"} <= {q.category for q in questions}


@pytest.mark.parametrize("count", [1, 3, 8, 15])
async def test_question_count_is_respected_without_duplicates(count: int) -> None:
    questions = await plan(GO_OPERATORS.model_copy(update={"question_count": count}))

    assert len(questions) == count and len({q.id for q in questions}) == count
    for q in questions:
        assert "{" not in q.text and q.speak_text and q.expected_concepts and q.time_limit_seconds >= 60


def counting(local: LocalProvider) -> list[int]:
    """How many texts the model itself computes (not the cache) for ``local`` from now on."""
    computed: list[int] = []
    model_call = local.embedder._run

    def counted(token_ids: list[list[int]]) -> object:
        computed.append(len(token_ids))
        return model_call(token_ids)

    local.embedder._run = counted
    return computed


async def test_after_the_warm_up_a_plan_embeds_only_what_is_new_to_the_session() -> None:
    cold, warm = LocalProvider(Embedder()), LocalProvider(Embedder())
    warm.warm()  # what the app does once per process after start-up
    computed_cold, computed_warm = counting(cold), counting(warm)
    ctx = GO_OPERATORS.model_copy(update={"seed": "warm-session"})

    planned_cold, planned_warm = await cold.generate_questions(ctx), await warm.generate_questions(ctx)

    assert [q.id for q in planned_cold] == [q.id for q in planned_warm]  # the same plan
    # the bank's families, questions, key points and misconceptions come from the cache; what is left is the
    # posting and the questions built from it and from the résumé
    assert sum(computed_warm) * 4 < sum(computed_cold)
