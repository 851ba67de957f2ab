"""Comparison questions ("how much more", "which was bigger", "how many years apart"):
the model states each figure with its own citation, and the arithmetic is done here.

`is_comparison` spots such a question; `COMPARE_HINT` is added to it so the model
quotes the figures instead of computing; `computed_sentence` takes the verified
sentences and, when they hold exactly two comparable figures from different
citations, states the difference ("£14m [1] is £4.5m more than £9.5m [2] (computed by Byline)").
A "how many times more" question gets the ratio instead.
`choice_sentence` answers an "A or B?" question ("Whose profit rose more: WPP or
Barclays?") the same way, naming only the option whose figure wins. When the model's
answer does not give a figure for each option, `option_questions` asks for them one at a
time (rag.answer sends both to the model with the same passages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    r"(?:\s?(?P<word>euros?|pounds?|dollars?|yen|yuan|rupees?|roubles?)\b)?"
    r"(?:[\s-](?P<span>years?|months?|weeks?|days?|hours?|minutes?|seconds?)\b)?", re.I)
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
    said: str = ""  # the sentence it is from
    span: str = ""  # a length of time it counts ("year" for "8 years"), or ""

    def comparable(self, other: Quantity) -> bool:
        return self.currency == other.currency and self.percent == other.percent and self.span == other.span


def is_comparison(question: str) -> bool:
    return bool(_QUESTION.search(question))


# "How many years older was A than B?" asks for a difference as well (measured 2026-12-07,
# session 23: told so by COMPARE_HINT, the model compares anyway, so it is not told).
_DIFFERENCE = re.compile(r"\bhow (?:much|many)\b.*\b(?:older|younger|longer|shorter|taller|heavier|lighter|faster|"
                         r"slower|earlier|later|cheaper|dearer|richer|poorer)\b.*\bthan\b"
                         r"|\bby how (?:much|many)\b.*\bexceed(?:s|ed)?\b", re.I)
# "80 years older than", "£4m more than", "exceeded B's earnings by $98m": a difference stated as such
_STATED = re.compile(r"(?<![\w.])(\d[\d,.]*)\s*(?:%|[a-z£$€]+\s+)?(?:more|less|fewer|older|younger|longer|shorter|"
                     r"higher|lower|bigger|larger|smaller|greater|earlier|later|cheaper|dearer|taller|heavier|"
                     r"lighter|faster|slower)\s+than\b"
                     r"|\bexceed(?:s|ed)?\b[^.]{0,80}?\bby\s+[^\d\s]{0,3}(\d[\d,.]*)", re.I)


def asks_difference(question: str) -> bool:
    """Whether the answer is a difference of two figures: a comparison question, or "how
    many <units> older (longer, ...) than"."""
    return is_comparison(question) or bool(_DIFFERENCE.search(question)) or asks_ratio(question)


def own_difference(sentence: str, quotes: list[str]) -> bool:
    """The sentence states a difference ("Brando was 80 years older than Morrison") that no
    quote it rests on states: the model's own arithmetic (here from "Brando, who died aged
    80"), which Byline does itself (computed_sentence)."""
    stated = [m.group(1) or m.group(2) for m in _STATED.finditer(sentence)]
    return bool(stated) and not any(stated[0] in [d.group(1) or d.group(2) for d in _STATED.finditer(q)]
                                    for q in quotes)


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
        span = (m.group("span") or "").lower().rstrip("s")
        out.append(Quantity(value, currency, percent, m.group(0).strip(), sentence.citations[0], unit,
                            sentence.text, span))
    return out


def _format(value: float, like: Quantity) -> str:
    for word, scale, units in (("bn", 1e9, ("bn", "billion")), ("m", 1e6, ("m", "mn", "million"))):
        if like.unit in units and value >= scale / 10:
            return f"{like.currency}{_trim(value / scale)}{word}"
    return f"{like.currency}{_trim(value)}"


def _trim(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _difference(big: Quantity, small: Quantity) -> str:
    gap = big.value - small.value
    if big.percent:
        unit = " percentage points"
    elif big.span:
        unit = f" {big.span}" if gap == 1 else f" {big.span}s"
    else:
        unit = ""
    return f"{_format(gap, big)}{unit}"


def figures(sentences: list[Sentence]) -> tuple[Quantity, Quantity] | None:
    """Exactly two comparable figures cited to different passages, the larger first (a
    figure stated twice from the same passage counts once)."""
    found = list({(q.value, q.currency, q.percent, q.span, q.citation): q
                  for s in sentences if s.kind == "claim" for q in quantities(s)}.values())
    for i, a in enumerate(found):
        pair = [b for b in found[i + 1:] if b.comparable(a) and b.citation != a.citation]
        if len(pair) == 1:
            big, small = sorted((a, pair[0]), key=lambda q: q.value, reverse=True)
            return big, small
    return None


# "How many times more did A cost than B?", "how many times as big": a ratio, not a difference
_RATIO = re.compile(r"\bhow many times (?:more|less|as|bigger|larger|higher|greater|over)\b", re.I)


def asks_ratio(question: str) -> bool:
    return bool(_RATIO.search(question))


def computed_sentence(sentences: list[Sentence], ratio: bool = False) -> tuple[Sentence, str] | None:
    """The difference (or, with `ratio`, the ratio) between exactly two comparable figures
    cited to different passages: the sentence, and its text with a citation after each figure."""
    pair = figures(sentences)
    if pair is None:
        return None
    big, small = pair
    if big.value == small.value:
        how = "is the same as"
    elif ratio and small.value > 0:
        how = f"is {_trim(round(big.value / small.value, 1))} times"
    else:
        how = f"is {_difference(big, small)} more than"
    note = " (computed by Byline)."
    text = f"{big.text} {how} {small.text}{note}"
    rendered = f"{big.text} [{big.citation}] {how} {small.text} [{small.citation}]{note}"
    return Sentence(text, [big.citation, small.citation], True, kind="computed"), rendered


_CHOICE = re.compile(r"^(?P<stem>.+)[:,]\s*(?P<a>[^:,]+?),?\s+or\s+(?P<b>[^:]+?)\s*\?\s*$", re.I)
# "Who was older: Andre Agassi, the four-time champion, or Carlos Moya, who ...?": after a
# colon, the options are split at ", or " (an option may have a comma of its own)
_COLON_CHOICE = re.compile(r"^(?P<stem>[^:]+):\s*(?P<a>.+?),\s+or\s+(?P<b>(?:(?!,\s+or\s).)+?)\s*\?\s*$", re.I)
_MORE = re.compile(r"\b(?:more|most|bigger|biggest|larger|largest|higher|highest|greater|greatest|older|oldest|"
                   r"longer|longest|richer|heavier|taller|faster|further|farther)\b", re.I)
_LESS = re.compile(r"\b(?:less|least|fewer|smaller|smallest|lower|lowest|cheaper|cheapest|younger|youngest|"
                   r"shorter|slower)\b", re.I)
CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-Z][\w-]*")


@dataclass(frozen=True)
class Choice:
    options: tuple[str, str]
    wants_larger: bool
    stem: str = ""  # the question before its options ("Who is older")

    def keys(self, option: str) -> set[str]:
        """The option's names ("Sony's PlayStation Portable" -> sony, playstation, portable)."""
        return {k.lower() for k in CAPITALISED.findall(option.split(",")[0])}

    def names(self, option: str, text: str) -> bool:
        low = text.lower()
        return any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", low) for k in self.keys(option))

    def option_of(self, text: str) -> str | None:
        """The one option the text names, or None (neither or both)."""
        named = [o for o in self.options if self.names(o, text)]
        return named[0] if len(named) == 1 else None


def choice(question: str) -> Choice | None:
    """An "A or B?" question with one direction ("Who is older: A or B?"), or None."""
    question = " ".join(question.split())
    m = _COLON_CHOICE.match(question) or _CHOICE.match(question)
    if not m:
        return None
    stem, options = m.group("stem"), (m.group("a").strip(), m.group("b").strip())
    larger, smaller = bool(_MORE.search(stem)), bool(_LESS.search(stem))
    c = Choice(options, larger, stem.strip())
    if larger == smaller or not all(c.keys(o) for o in options) or c.keys(options[0]) & c.keys(options[1]):
        return None
    return c


# "How much more did A earn than B?", "By how much did A exceed B?": what stands on each side
_HOW_MUCH = re.compile(r"\bhow (?:much|many)\b", re.I)  # a difference of figures, not "Why does A cost more than B?"
_OPENERS = frozenset("How What Which Who Whose When Where Why By Roughly About Did Does Do Was Were Is Are Has Had "
                     "Have In On At The A An".split())
_SIDES = re.compile(r"^(?P<a>.+?)\s+(?:than|exceeds?|exceeded|compared (?:with|to)|versus|vs\.?)\s+(?P<b>.+?)\W*$",
                    re.I)


def sides(question: str) -> list[str]:
    """The two things an "A or B?" or "how much more" question weighs, each as words to
    search for: the question's stem with each option, or what stands before and after
    "than" ("exceed", "compared with"), each naming something; [] for any other question."""
    question = " ".join(question.split())
    options = choice(question)
    if options:
        return [f"{options.stem} {option}" for option in options.options]
    m = _SIDES.match(question) if _HOW_MUCH.search(question) and asks_difference(question) else None
    parts = [m.group("a"), m.group("b")] if m else []
    return parts if all(map(_named, parts)) else []  # not "Did sales rise more than expected?"


def _named(words: str) -> bool:
    """Whether the words name something: a capitalised word that does not just open a question."""
    return any(k not in _OPENERS for k in CAPITALISED.findall(words))


def two_sided(question: str) -> bool:
    """An "A or B?" or comparison question: about two things, usually in two articles."""
    return bool(choice(question)) or is_comparison(question)


def verdict(c: Choice, sentence: str, quotes: list[str]) -> bool:
    """The sentence declares an option the winner ("The PlayStation Portable is cheaper")
    while no quote it rests on compares the two options: each article speaks of one, so
    only Byline's own comparison of the cited figures (choice_sentence) can settle it."""
    said = bool(_MORE.search(sentence) or _LESS.search(sentence)) and any(c.names(o, sentence) for o in c.options)
    stated = any((_MORE.search(q) or _LESS.search(q)) and all(c.names(o, q) for o in c.options) for q in quotes)
    return said and not stated


Owner = Callable[[Quantity], "str | None"]


def choice_sentence(c: Choice, sentences: list[Sentence],
                    owner: Owner | None = None) -> tuple[Sentence, str, str] | None:
    """When the verified sentences give one comparable figure for each option of the
    question: the answer sentence naming the winning option with both cited figures, its
    rendered text, and the losing option (None when the figures do not settle it). A
    figure's option is the one its sentence names, or what `owner` says."""
    pair = figures(sentences)
    if pair is None:
        return None
    big, small = pair
    owner = owner or (lambda q: c.option_of(q.said))
    owners = (owner(big), owner(small))
    if None in owners or owners[0] == owners[1] or big.value == small.value:
        return None
    (win, w), (lose, l) = ((owners[0], big), (owners[1], small)) if c.wants_larger else ((owners[1], small), (owners[0], big))
    more_or_less = "more" if c.wants_larger else "less"
    note = f": {_difference(big, small)} {more_or_less} (computed by Byline)."
    name = win.split(",")[0]
    name = name[:1].upper() + name[1:]  # "the one Illva bought" opens the answer
    text = f"{name}: {w.text}, against {l.text}{note}"
    rendered = f"{name}: {w.text} [{w.citation}], against {l.text} [{l.citation}]{note}"
    return Sentence(text, [w.citation, l.citation], True, kind="computed"), rendered, lose


def option_questions(c: Choice) -> list[str]:
    """One question per option, asking for that option's figure alone, so that each figure
    is stated and cited and the comparison is left to `choice_sentence`."""
    return [f"{c.stem}? Answer for {option} alone: state its figure in one sentence, with the number "
            f"of its passage." for option in c.options]
