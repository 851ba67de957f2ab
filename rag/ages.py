"""People's ages, read from the passages by code, for questions that compare two ages
("Who is older: A or B?", "How many years older was A than B?").

News gives an age in a few fixed forms: "Bell, 30, ...", "the 30-year-old Bath prop Bell",
"Bell (30)", "At 30, Bell", "Brando, who died last July at the age of 80". `read_ages` finds the age of each
of the question's two people in the passages (the Answerer gives it the rest of their
articles too when the ranked passages lack one), states each as a cited sentence ("Bell,
aged 30 [1].") and computes the comparison, as rag.compare does for figures the model
states. A person is found by surname (the last capitalised word the question gives them);
one with no age, or two different ages, in the passages is not read: the model answers as
before.
"""

from __future__ import annotations

import re

from rag.citations import ParsedAnswer, citation, render_all
from rag.compare import CAPITALISED, Choice
from rag.types import Passage, Sentence
from rag.words import MONTHS, sentence_spans

_GLUE = "of|a|an|the|in|on|at|for|with|by|from|to|and|or|as|his|her|their|its"
_MONTHS = "|".join(m.capitalize() for m in MONTHS)
_FORMS = (
    # "Bell, 30, had", "Mr Ebbers, 63, directed", "Brown, who is 42,"
    r"{name}(?:'s)?,\s+(?:who (?:is|was|turns|turned) |aged |now )?(?P<age>\d{{2,3}})"
    r"(?=,|\s+(?:is|was|has|had|said|says|will|who|and)\b)",
    # "the 30-year-old Bath prop Bell", "18-year-old actress Sara Forestier"
    # (not "a 40-year-old clip of a clean-cut Jim Morrison": no "of", "a", ... between)
    r"\b(?P<age>\d{{2,3}})-year-old\s+(?:(?!(?:{glue})\b)[\w'-]+\s+){{0,4}}?{name}",
    # "Bell (30)"
    r"{name}\s+\((?P<age>\d{{2,3}})\)",
    # "At 23, Henson has the rugby world at his feet"
    r"\bAt (?P<age>\d{{2,3}}),\s+{name}\b",
    # "Brando, who died last July at the age of 80", "Hailey died aged 84", "Viotti ... has died
    # in Germany at 50"
    r"{name}\b[^.!?]{{0,80}}?\b(?:aged|at the age of|died\b[^.!?]{{0,40}}?\bat)\s+(?P<age>\d{{2,3}})\b"
    r"(?!\s+(?:{months}|per|%|mph|km|metres|miles|points|goals))",
)
_AGE_WORDS = re.compile(r"\b(?:older|oldest|younger|youngest)\b", re.I)
_OLDER = re.compile(r"\b(?:older|oldest)\b", re.I)
# "How many years older was A (when ...) than B (was at ...)?"
_YEARS_APART = re.compile(r"\bhow many years (?:older|younger)\s+(?:was|is|were|are)\s+(?P<a>.+?)"
                          r"(?:\s+(?:when|at|in|on|during|while)\b.*?)?\s+than\s+"
                          r"(?P<b>.+?)(?:\s+(?:was|is|were|are|when|at|in|on|during|while)\b.*)?\?*\s*$", re.I)


# where a description of someone turns to what they did: "Gavin Henson when his penalty beat England"
_CLAUSE = re.compile(r"\s+(?:when|who|whose|whom|which|that|after|before|while|during|as|at|in|on|for|with|by)\s")


def surname(person: str) -> str | None:
    """The last capitalised word of how the question names someone ("England's uncapped Bath
    prop Bell" -> "Bell"; "Daniel Day-Lewis, who was to ..." -> "Day-Lewis"; "Welsh centre
    Gavin Henson when his penalty beat England" -> "Henson"), or None when the description
    ends without a name ("the Greek sprinter who took 200m gold")."""
    head = _CLAUSE.split(person.split(",")[0])[0].strip()
    words = head.split()
    return words[-1] if words and CAPITALISED.fullmatch(words[-1]) else None


def age_of(name: str, passages: list[Passage]) -> tuple[int, int, tuple[int, int]] | None:
    """(age, passage index, span of the passage sentence that gives it) when the passages
    give `name` exactly one age between 10 and 110, else None."""
    found: dict[int, tuple[int, tuple[int, int]]] = {}
    forms = [re.compile(f.format(name=re.escape(name), months=_MONTHS, glue=_GLUE)) for f in _FORMS]
    for i, p in enumerate(passages):
        for form in forms:
            for m in form.finditer(p.text):
                age = int(m.group("age"))
                if 10 <= age <= 110 and age not in found:
                    at = m.start("age")
                    span = next(((s, e) for s, e in sentence_spans(p.text) if s <= at < e), (0, len(p.text)))
                    found[age] = (i, span)
    if len(found) != 1:
        return None
    (age, (i, span)), = found.items()
    return age, i, span


def people(question: str, options: Choice | None) -> tuple[str, str] | None:
    """The surnames of the two people whose ages the question compares, or None."""
    if options is not None:
        pair = options.options if _AGE_WORDS.search(options.stem) else None
    else:
        m = _YEARS_APART.search(" ".join(question.split()))
        pair = (m.group("a"), m.group("b")) if m else None
    names = tuple(map(surname, pair)) if pair else None
    return names if names and all(names) and names[0] != names[1] else None  # type: ignore[return-value]


def read_ages(question: str, options: Choice | None, passages: list[Passage]) -> ParsedAnswer | None:
    """When the passages give both people's ages: each stated and cited ("Bell, aged 30 [1].")
    and the comparison computed from them, in the form rag.compare gives its own
    (the winner first for "A or B?", named alone; the difference after the ages otherwise).
    None when they do not."""
    names = people(question, options)
    if names is None:
        return None
    read = [age_of(name, passages) for name in names]
    if read[0] is None or read[1] is None:
        return None
    numbering: dict[int, int] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    claims = []
    for name, (age, i, span) in zip(names, read):
        cid = numbering.setdefault(i, len(numbering) + 1)
        spans.setdefault(i, []).append(span)
        claims.append(Sentence(f"{name}, aged {age}.", [cid], True))
    citations = [citation(cid, passages[i], spans[i]) for i, cid in numbering.items()]
    (a, ca), (b, cb) = [(age, claim.citations[0]) for (age, _, _), claim in zip(read, claims)]
    gap = abs(a - b)
    years = "year" if gap == 1 else "years"
    if options is not None:
        if a == b:
            return None
        first = (a > b) == bool(_OLDER.search(options.stem))  # the first person is the answer
        (won, cw, name), (lost, cl) = ((a, ca, names[0]), (b, cb)) if first else ((b, cb, names[1]), (a, ca))
        note = f"{gap} {years} {'older' if won > lost else 'younger'} (computed by Byline)."
        sentence = Sentence(f"{name}: aged {won}, against {lost}: {note}", sorted({cw, cl}), True, kind="computed")
        rendered = f"{name}: aged {won} [{cw}], against {lost} [{cl}]: {note}"
        winner = claims[0] if first else claims[1]
        return ParsedAnswer(f"{rendered} {render_all([winner])}", False, [sentence, winner], citations)
    how = "the same age as" if a == b else f"{gap} {years} {'older' if a > b else 'younger'} than"
    sentence = Sentence(f"{names[0]} ({a}) is {how} {names[1]} ({b}) (computed by Byline).", sorted({ca, cb}),
                        True, kind="computed")
    rendered = f"{names[0]} ({a}) [{ca}] is {how} {names[1]} ({b}) [{cb}] (computed by Byline)."
    return ParsedAnswer(f"{render_all(claims)} {rendered}", False, [*claims, sentence], citations)
