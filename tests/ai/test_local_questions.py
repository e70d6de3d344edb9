"""The local interviewer picks and adapts questions from the role, the candidate and the focus areas."""

from __future__ import annotations

import pytest

from candidatex.ai.providers.local import DIFFICULTY_RANK, LocalProvider
from candidatex.ai.question_bank import all_questions, extract_skills
from candidatex.ai.schemas import GeneratedQuestion, InterviewContext

PYTHON_BACKEND = InterviewContext(
    job_title="Backend Engineer",
    job_description="Build REST APIs in Python (FastAPI) backed by PostgreSQL and Redis.",
    experience_level="mid",
    mode="technical",
    resume_text="Five years of Python and Django; tuned PostgreSQL queries; asyncio services.",
    question_count=5,
)


async def questions_for(ctx: InterviewContext) -> list[GeneratedQuestion]:
    return await LocalProvider().generate_questions(ctx)


def mean_difficulty(questions: list[GeneratedQuestion]) -> float:
    return sum(DIFFICULTY_RANK[q.difficulty] for q in questions) / len(questions)


async def test_python_backend_role_gets_python_and_database_questions() -> None:
    questions = await questions_for(PYTHON_BACKEND)

    categories = {q.category for q in questions}
    assert "python" in categories
    assert "databases" in categories
    assert not any(q.category in {"react", "css", "kubernetes"} for q in questions)


async def test_frontend_role_gets_frontend_questions() -> None:
    ctx = InterviewContext(job_title="Frontend Developer (React)", experience_level="mid", question_count=5)

    questions = await questions_for(ctx)

    frontend = {
        "react",
        "javascript",
        "css",
        "accessibility",
        "typescript",
        "performance",
        "web architecture",
    }
    technical = [q for q in questions if q.kind == "technical"]
    assert sum(q.category in frontend for q in technical) >= 3


async def test_resume_skills_steer_questions_toward_them() -> None:
    base = InterviewContext(job_title="Software Engineer", question_count=4, experience_level="mid")
    with_k8s = base.model_copy(
        update={"resume_text": "Ran Kubernetes clusters with Docker, Terraform and CI/CD."}
    )

    plain = {q.category for q in await questions_for(base)}
    steered = {q.category for q in await questions_for(with_k8s)}

    ops = {"kubernetes", "containers", "ci/cd", "infrastructure as code"}
    assert not plain & ops
    assert steered & ops


async def test_senior_gets_harder_questions_than_entry_level() -> None:
    entry = await questions_for(PYTHON_BACKEND.model_copy(update={"experience_level": "entry"}))
    senior = await questions_for(PYTHON_BACKEND.model_copy(update={"experience_level": "senior"}))

    assert mean_difficulty(senior) > mean_difficulty(entry)
    assert any(q.difficulty == "hard" for q in senior)
    assert not any(q.difficulty == "hard" for q in entry)


async def test_senior_questions_ask_for_trade_offs_at_scale() -> None:
    senior = await questions_for(PYTHON_BACKEND.model_copy(update={"experience_level": "senior"}))

    not_hard = [q for q in senior if q.kind == "technical" and q.difficulty != "hard"]
    assert all("trade-offs" in q.text for q in not_hard)


@pytest.mark.parametrize(
    ("focus", "category"),
    [
        ("system design", "system design"),
        ("caching", "caching"),
        ("security", "security"),
        ("testing", "testing"),
    ],
)
async def test_focus_area_is_covered(focus: str, category: str) -> None:
    questions = await questions_for(PYTHON_BACKEND.model_copy(update={"focus_areas": [focus]}))

    assert category in {q.category for q in questions}


async def test_behavioral_focus_areas_are_covered() -> None:
    ctx = InterviewContext(
        job_title="Engineering Manager",
        mode="behavioral",
        experience_level="lead",
        focus_areas=["conflict resolution", "mentoring"],
        question_count=4,
    )

    questions = await questions_for(ctx)

    assert {q.kind for q in questions} == {"behavioral"}
    assert {"conflict resolution", "mentoring"} <= {q.category for q in questions}


@pytest.mark.parametrize("count", [1, 3, 7, 12, 25])
async def test_question_count_is_respected_without_duplicates(count: int) -> None:
    questions = await questions_for(PYTHON_BACKEND.model_copy(update={"question_count": count}))

    assert len(questions) == count
    assert len({q.id for q in questions}) == count
    assert len({q.text for q in questions}) == count


async def test_same_inputs_give_the_same_questions() -> None:
    first = await questions_for(PYTHON_BACKEND)
    second = await questions_for(PYTHON_BACKEND.model_copy())

    assert [q.model_dump() for q in first] == [q.model_dump() for q in second]


async def test_technical_interview_closes_with_a_behavioral_question() -> None:
    questions = await questions_for(PYTHON_BACKEND.model_copy(update={"question_count": 5}))

    assert [q.kind for q in questions] == ["technical"] * 4 + ["behavioral"]
    # Warm-up first: difficulty never drops among the technical questions.
    ranks = [DIFFICULTY_RANK[q.difficulty] for q in questions[:4]]
    assert ranks == sorted(ranks)


async def test_questions_are_ready_to_ask_and_to_speak() -> None:
    ctx = InterviewContext(job_title="Product Manager", mode="behavioral", question_count=8)

    questions = await questions_for(ctx)

    for q in questions:
        assert "{" not in q.text and "`" not in q.speak_text
        assert q.speak_text and q.time_limit_seconds >= 60
        assert q.expected_concepts
    assert any("Product Manager" in q.text for q in questions)  # the motivation question names the role


def test_every_bank_question_lists_concepts_with_cues() -> None:
    for question in all_questions():
        assert len(question.concepts) >= 4, question.key
        assert question.text.endswith(("?", ".")), question.key


def test_resume_skill_extraction() -> None:
    text = "Python/Django developer; PostgreSQL, Redis, Docker and k8s. Some React. JavaScript, not Java."

    skills = extract_skills(text)

    assert {
        "python",
        "django",
        "postgresql",
        "redis",
        "docker",
        "kubernetes",
        "react",
        "javascript",
    } <= skills
    assert "java" in skills  # "not Java" still names it: a keyword match, on purpose
    assert "golang" not in skills and "aws" not in skills
