"""What makes a password acceptable (NCSC guidance): long enough, not one of the passwords
everyone tries first, not the email address. No rules about symbols or case, no expiry,
and pasting (from a password manager) always allowed."""

from functools import cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _squashed(text: str) -> str:
    return "".join(text.lower().split())


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why ``password`` cannot be used, in words for the person choosing it, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    squashed = _squashed(password)
    if squashed in common_passwords() or len(set(squashed)) <= 2:
        return "Password is too easy to guess: it is one of the most common passwords. " \
            "Try three random words"
    if email and squashed in {_squashed(email), _squashed(email.split("@")[0])}:
        return "Password must not be your email address"
    return None
