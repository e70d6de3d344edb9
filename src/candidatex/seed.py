"""Demo accounts (and later demo data) for a fresh install."""

from __future__ import annotations

from candidatex.auth.service import AuthService
from candidatex.core.errors import Conflict
from candidatex.users.models import Role, User

DEMO_ACCOUNTS = [
    ("admin@candidatex.dev", "Ada Admin", Role.admin),
    ("recruiter@candidatex.dev", "Rita Recruiter", Role.recruiter),
    ("candidate@candidatex.dev", "Carl Candidate", Role.candidate),
]


async def ensure_demo_accounts(auth: AuthService, password: str) -> list[tuple[str, str, Role]]:
    """Creates the demo users that are missing; existing ones (and their passwords) are left alone."""
    for email, name, role in DEMO_ACCOUNTS:
        if await User.find_one(User.email == email):
            continue
        try:
            await auth.create_user(email, password, name, role, email_verified=True)
        except Conflict:
            pass
    return [(email, password, role) for email, _, role in DEMO_ACCOUNTS]


def banner(url: str, accounts: list[tuple[str, str, Role]]) -> str:
    lines = ["", "=" * 64, f"  CandidateX is running: open {url}", f"  API docs: {url}/schema/swagger", "",
             "  Demo accounts (password for all shown below):"]
    lines += [f"    {role.value:<10} {email}" for email, _, role in accounts]
    lines += [f"  Password: {accounts[0][1]}" if accounts else "", "=" * 64, ""]
    return "\n".join(lines)
