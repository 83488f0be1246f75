"""Small wording helpers shared by every shell."""


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 flag``, ``2 flags``; ``plural_form`` for irregular nouns."""
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"
