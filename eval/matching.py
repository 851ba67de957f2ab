"""Whether a text mentions a gold string: case-insensitive, on word and number boundaries.

A gold string matches only as a whole word or a whole number: "Rutte" matches "Rutte's"
but not "Ruttes"; "40" matches "40", "40%", "40-year-old", "40th" (an ordinal suffix,
so "December 3" matches "December 3rd") and "40." at the end of a sentence, but not
"400", "140", "1940", "40,000", "40.5", "4.40" or "40m" (a number never matches part of
a longer number, including its decimal or thousands part, nor a number with a unit). Boundaries
are only required where the gold string itself starts or ends with a letter or digit,
so "40%" or "£9m" match exactly those characters. Runs of whitespace count as one space,
curly apostrophes as "'" and en/em dashes and the minus sign as "-".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")
_LOOKALIKES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_BEFORE_WORD = r"(?<!\w)"
_AFTER_WORD = r"(?!\w)"
_BEFORE_NUMBER = r"(?<!\w)(?<!\d[.,])"  # not "1.40" or "1,040" for "40"
_AFTER_NUMBER = r"(?:(?:st|nd|rd|th)(?!\w)|(?!\w))(?![.,]\d)"  # "3rd" for "3"; not "40.5", "40,000", "40m"


def normalize(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_LOOKALIKES)).casefold()


def pattern(needle: str) -> re.Pattern:
    """The regex for one gold string, with boundaries where it starts/ends with a letter or digit."""
    text = normalize(needle.strip())
    before = _BEFORE_NUMBER if text[:1].isdigit() else _BEFORE_WORD if _is_word(text[:1]) else ""
    after = _AFTER_NUMBER if text[-1:].isdigit() else _AFTER_WORD if _is_word(text[-1:]) else ""
    return re.compile(before + re.escape(text) + after)


def _is_word(char: str) -> bool:
    return bool(char) and (char.isalnum() or char == "_")


def mentions(text: str, needle: str) -> bool:
    return pattern(needle).search(normalize(text)) is not None


def mentions_any(text: str, needles: Iterable[str]) -> bool:
    normalized = normalize(text)
    return any(pattern(n).search(normalized) for n in needles)


def mentioned(text: str, needles: Iterable[str]) -> list[str]:
    """The needles that `text` mentions, in their order."""
    normalized = normalize(text)
    return [n for n in needles if pattern(n).search(normalized)]
