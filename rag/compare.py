"""Comparison questions ("how much more", "which was bigger", "how many years apart"):
the model states each figure with its own citation, and the arithmetic is done here.

`is_comparison` spots such a question; `COMPARE_HINT` is added to it so the model
quotes the figures instead of computing; `computed_sentence` takes the verified
sentences and, when they hold exactly two comparable figures from different
citations, states the difference ("£14m [1] is £4.5m more than £9.5m [2] (computed by Byline)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.types import Sentence

COMPARE_HINT = ("(A comparison: state each figure in its own sentence with the number of its passage; "
                "do not do the arithmetic.)")

_QUESTION = re.compile(
    r"\bhow (?:much|many)\b.*\b(?:more|less|fewer|higher|lower|bigger|larger|smaller|greater|apart|"
    r"difference|between)\b"
    r"|\bwhich\b.*\b(?:more|less|fewer|higher|lower|bigger|larger|smaller|greater|earlier|later)\b"
    r"|\bdifference\b|\bcompared? (?:to|with)\b|\b(?:more|less|fewer) than\b", re.I)

_SCALE = {"m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9, "k": 1e3, "thousand": 1e3,
          "trillion": 1e12, "tn": 1e12}
_QUANTITY = re.compile(
    r"(?<![\w.$])(?P<cur>(?:A|AU|C|HK|NZ|S|US)?\$|[£€¥])?\s?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s?"
    r"(?P<unit>%|per ?cent|percent|bn|billion|mn|million|m|k|thousand|tn|trillion)?(?!\w)"
    r"(?:\s?(?P<word>euros?|pounds?|dollars?|yen|yuan|rupees?|roubles?)\b)?", re.I)
_CURRENCY_WORDS = {"euro": "€", "pound": "£", "dollar": "$", "yen": "¥", "yuan": "yuan", "rupee": "rupee",
                   "rouble": "rouble"}


@dataclass(frozen=True)
class Quantity:
    value: float  # in base units (a "£14m" is 14e6)
    currency: str
    percent: bool
    text: str  # as written
    citation: int
    unit: str = ""  # "m", "bn", "%", ... as written (lower case)

    def comparable(self, other: Quantity) -> bool:
        return self.currency == other.currency and self.percent == other.percent


def is_comparison(question: str) -> bool:
    return bool(_QUESTION.search(question))


def quantities(sentence: Sentence) -> list[Quantity]:
    if len(sentence.citations) != 1:
        return []
    out = []
    for m in _QUANTITY.finditer(sentence.text):
        unit = (m.group("unit") or "").lower().replace(" ", "")
        value = float(m.group("num").replace(",", ""))
        percent = unit in ("%", "percent")
        if not m.group("cur") and not unit and 1900 <= value <= 2100:
            continue  # a year, not an amount
        value *= _SCALE.get(unit, 1.0)
        word = (m.group("word") or "").lower().rstrip("s")
        currency = (m.group("cur") or "").upper() or _CURRENCY_WORDS.get(word, "")
        out.append(Quantity(value, currency, percent, m.group(0).strip(), sentence.citations[0], unit))
    return out


def _format(value: float, like: Quantity) -> str:
    for word, scale, units in (("bn", 1e9, ("bn", "billion")), ("m", 1e6, ("m", "mn", "million"))):
        if like.unit in units and value >= scale / 10:
            return f"{like.currency}{_trim(value / scale)}{word}"
    return f"{like.currency}{_trim(value)}"


def _trim(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def computed_sentence(sentences: list[Sentence]) -> tuple[Sentence, str] | None:
    """The difference between exactly two comparable figures cited to different passages:
    the sentence, and its text with a citation after each figure."""
    found = [q for s in sentences if s.kind == "claim" for q in quantities(s)]
    for i, a in enumerate(found):
        pair = [b for b in found[i + 1:] if b.comparable(a) and b.citation != a.citation]
        if len(pair) != 1:
            continue
        big, small = sorted((a, pair[0]), key=lambda q: q.value, reverse=True)
        if big.value == small.value:
            how = "is the same as"
        else:
            points = " percentage points" if big.percent else ""
            how = f"is {_format(big.value - small.value, big)}{points} more than"
        note = " (computed by Byline)."
        text = f"{big.text} {how} {small.text}{note}"
        rendered = f"{big.text} [{big.citation}] {how} {small.text} [{small.citation}]{note}"
        return Sentence(text, [big.citation, small.citation], True, kind="computed"), rendered
    return None
