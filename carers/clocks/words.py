"""Wording the domain's sentences share (plain Python, like the rest of the domain core)."""


def plural(n: int, unit: str) -> str:
    """``n`` and its unit, singular for one: "1 working day", "10 working days"."""
    return f"{n} {unit if n == 1 else unit + 's'}"
