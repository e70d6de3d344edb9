"""Who may do what with an interview session: the one policy for REST, both WebSockets and the media paths.

A pure function of the user and the session document, so every path answers the same and none of them
needs a lookup of its own. The facts it needs are on the session (copied when it is created, updated by
jobs/ when an application closes):

* ``candidate_id``: the candidate takes the interview; nobody else does;
* ``recruiter_id``: who runs it (the recruiter or admin who scheduled it; None for practice sessions);
* ``job_recruiter_id``: the owner of the job the interview is tied to; reviews it (watch, integrity report);
* ``application_closed``: the candidate's application to that job was rejected or withdrawn: recruiters'
  access ends (admins keep theirs; the candidate's stays).

A practice session (no ``recruiter_id``) is the candidate's alone (and admins'), whatever job it names.
Anyone without a role gets "not found", so ids of other people's interviews are not confirmed; anyone with
a role but not the right one for an action gets "forbidden".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from candidatex.interviews.models import InterviewSession
from candidatex.users.models import Role, User


class SessionRole(StrEnum):
    candidate = "candidate"  # the person interviewed
    interviewer = "interviewer"  # the recruiter (or admin) who scheduled and runs it
    reviewer = "reviewer"  # the recruiter of the job it is tied to, while the application is open
    admin = "admin"


class Action(StrEnum):
    view = "view"  # the session, its questions, answers, chat, summary, the stream and the room (watching)
    take = "take"  # precheck, start, answer, pause, resume, finalize, send anti-cheat signals
    review = "review"  # integrity report, chain check, snapshots
    end = "end"  # terminate it
    recording = "recording"  # download the recording


CAPABILITIES: dict[SessionRole, frozenset[Action]] = {
    SessionRole.candidate: frozenset({Action.view, Action.take}),
    SessionRole.interviewer: frozenset({Action.view, Action.review, Action.end, Action.recording}),
    SessionRole.reviewer: frozenset({Action.view, Action.review}),
    SessionRole.admin: frozenset({Action.view, Action.review, Action.end, Action.recording}),
}


@dataclass(frozen=True, slots=True)
class JobLink:
    """What an interview tied to a job needs to know of it (jobs/ answers): who owns the job, whether the
    candidate applied to it, and whether that application is closed (rejected or withdrawn)."""

    owner_id: str
    applied: bool
    application_closed: bool


JobLookup = Callable[[str, str], Awaitable[JobLink | None]]  # (job_id, candidate_id) -> link, None: no such job


def session_role(user: User | None, session: InterviewSession) -> SessionRole | None:
    """The user's role in the session, or None: no access at all."""
    if user is None:
        return None
    uid = str(user.id)
    if session.candidate_id == uid:
        return SessionRole.candidate
    if user.role == Role.admin:
        return SessionRole.interviewer if session.recruiter_id == uid else SessionRole.admin
    if user.role != Role.recruiter or session.application_closed or session.recruiter_id is None:
        return None
    if session.recruiter_id == uid:
        return SessionRole.interviewer
    if session.job_recruiter_id == uid:
        return SessionRole.reviewer
    return None


def allows(user: User | None, session: InterviewSession, action: Action) -> bool:
    role = session_role(user, session)
    return role is not None and action in CAPABILITIES[role]
