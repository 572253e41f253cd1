"""Numbers written for a language: ``en`` (1,234.5) or ``id`` (1.234,5), in one place."""

from __future__ import annotations

LANGUAGES = ("en", "id")


def localise(text: str, lang: str) -> str:
    """A number formatted the English way (``1,234.5``), rewritten for *lang*.

    >>> localise("1,234.5", "id"), localise("1,234.5", "en")
    ('1.234,5', '1,234.5')
    """
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text
