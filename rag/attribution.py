"""Is a figure or name an answer adds said, in the passage, of what the question asks?

A sentence can take real words and figures from its passage and still not be stated by it:
the number counts other things ("Nine embassies" for jobs), the score is another match's,
the figure is another country's or only a forecast, the year or time of day is not the
sentence's, the person it is said of is not the one the passage speaks of, or the person it
names holds another kind of role than the one asked for. Each check
returns why, or None; rag.verify.problem runs them after its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.compare import two_sided
from rag.words import (CLOCK, MODIFIER, MONTHS, WEEKDAYS, WINDOW, YEAR, content_words, folded, names,
                       numbers, present, sentence_spans, spelled_out, stem, windows)

_HOW_MANY = re.compile(r"\b(?i:how many) (?:more |fewer |extra )?(?:of (?:his|her|their|its|the|these|those) )?"
                       r"((?:[\w'-]+ ){0,3}?)([a-z][\w'-]*s|people|staff)\b")
TIME_UNITS = frozenset("seconds minutes hours days weeks months years decades centuries".split())
PEOPLE = frozenset(stem(w) for w in """people persons spectators fans crowd visitors supporters viewers
residents users customers workers staff employees members students delegates voters players passengers adults
children men women jobs deaths lives dead victims casualties fatalities""".split())
# Things a reader and a reporter count in different words ("photos" for "600 single snaps")
KINDS = [frozenset(stem(w) for w in group.split()) for group in (
    "photos photographs pictures images snaps shots", "films movies", "songs tracks singles",
    "cars vehicles", "phones handsets mobiles", "firms companies businesses", "books novels titles")]


def miscounted(sentence: str, cited: Sequence[str], question: str) -> str | None:
    """A "How many <things>?" answer whose number stands, in the passage, in no sentence that
    speaks of those things ("Nine embassies will close" for "How many jobs will be lost?"):
    it counts something else. Kinds of people count one another ("jobs", "staff", "fans",
    "deaths", "lives"), as do a few kinds of things readers and reporters name differently
    ("photos", "snaps"; KINDS); time is not held to it (an age or a span often stands
    without its unit)."""
    m = _HOW_MANY.search(question)
    if not m or m.group(2).lower() in TIME_UNITS:  # "Dr Greenspan, 79," gives an age in years
        return None
    thing = stem(m.group(2).lower())
    one = thing[:-1] if thing.endswith("s") and not thing.endswith("ss") else thing  # "caps": "92-cap"

    def counts_else(window: str, _: str) -> bool:
        words = content_words(window)
        return not (thing in words or one in words or any(thing in kind and words & kind for kind in (PEOPLE, *KINDS)))

    n = _figure_only(sentence, cited, question, counts_else, size=WINDOW)
    return f"the cited passage does not count {m.group(2)} with {n}" if n else None


def _figure_only(sentence: str, cited: Sequence[str], question: str, where: Callable[[str, str], bool],
                 size: int = 1) -> str | None:
    """The first figure the sentence adds to the question whose every passage window (of
    `size` sentences) that holds it satisfies `where(window, figure)`, or None."""
    spans = [text[a:b] for text in cited for a, b in windows(text, size)]
    for n in sorted(numbers(sentence) - numbers(question)):
        near = [w for w in spans if n in numbers(w)]
        if near and all(where(w, n) for w in near):
            return n
    return None


# A match score: "6-2 6-4", "7-6 (7-4) 6-3", "17-12"; the sets outside brackets are the score
_SCORE = re.compile(r"(?<![\w.-])\d{1,2}-\d{1,2}(?:,?\s+(?:\(\d{1,2}-\d{1,2}\)\s*)?\d{1,2}-\d{1,2})*(?:\s+\(\d{1,2}-\d{1,2}\))?")
_SETS = re.compile(r"\(\d{1,2}-\d{1,2}\)|(\d{1,2}-\d{1,2})")


def _sets(score: str) -> tuple[str, ...]:
    """The sets of a score, tie-breaks left out: "7-6 (7-4) 6-3" -> ("7-6", "6-3")."""
    return tuple(m.group(1) for m in _SETS.finditer(score) if m.group(1))


def misscored(sentence: str, cited: Sequence[str], question: str) -> str | None:
    """A score the sentence gives to the question's players or teams that the passage gives,
    wherever it has it, to a match between others: "Melzer beat Agassi 6-2 6-4" from
    "Saulnier beat Spadea 6-2 6-4" in a round-up that names Melzer a sentence later. The
    names before a score in its sentence (back to the previous score) say whose it is; a
    score with no name there ("The top seed went down 7-6 6-3") is not held against it. A
    score the passage does not give at all ("6-4 6-4" from "6-4 5-7 6-3") fails too."""
    asked = folded(question)
    about = {n.lower() for n in names(sentence) if present(n.lower(), asked)}
    claimed = [_sets(m.group(0)) for m in _SCORE.finditer(sentence) if m.group(0) not in question]
    if not about or not claimed:
        return None
    for sets in claimed:
        owners = []  # for each place the passage gives this score: the names before it
        for text in cited:
            for a, b in sentence_spans(text):
                part, start = text[a:b], 0
                for m in _SCORE.finditer(part):
                    given = _sets(m.group(0))
                    if any(given[i:i + len(sets)] == sets for i in range(len(given) - len(sets) + 1)):
                        owners.append({n.lower() for n in names(" " + part[start:m.start()])})
                    start = m.end()
        if not owners:
            return f"the cited passage gives no score {' '.join(sets)}"
        if all(o and not o & about for o in owners):
            return f"the cited passage gives {' '.join(sets)} to another match"
    return None





def other_year(sentence: str, passages: str) -> str | None:
    """A year the sentence names (from the question, else the number check would catch it)
    that the passage does not, while it names other years: "Japan won the 2022 World Cup"
    cited to a passage about the 2002 one is about another event."""
    said = {n for n in numbers(sentence) if YEAR.fullmatch(n)}
    stated = {n for n in numbers(passages) if YEAR.fullmatch(n)}
    if said and stated and not said & stated:
        return f"the cited passage speaks of {min(stated)}, not {min(said)}"
    return None





def clock_time(sentence: str, passages: str) -> str | None:
    """A number the sentence states as a plain number while the passage has it only as a time
    of day ("The attendance was 1300" from a match report's "1300 GMT" kick-off)."""
    plain = numbers(CLOCK.sub(" ", sentence))
    timed = {n for m in CLOCK.finditer(passages) for n in numbers(m.group(0))}
    only_timed = sorted(plain & timed - numbers(CLOCK.sub(" ", passages)))
    return f"the cited passage gives {only_timed[0]} as a time of day" if only_timed else None


# A country by any of its names ("British" and "UK" are one); the UK's nations count as the UK
_COUNTRIES = """uk:uk,britain,british,briton,england,english,scotland,scottish,wales,welsh
ireland:ireland,irish us:us,usa,america,american france:france,french germany:germany,german
italy:italy,italian spain:spain,spanish portugal:portugal,portuguese netherlands:netherlands,dutch
belgium:belgium,belgian switzerland:switzerland,swiss austria:austria,austrian sweden:sweden,swedish
norway:norway,norwegian denmark:denmark,danish finland:finland,finnish poland:poland,polish
russia:russia,russian ukraine:ukraine,ukrainian greece:greece,greek turkey:turkey,turkish
china:china,chinese japan:japan,japanese india:india,indian pakistan:pakistan,pakistani
australia:australia,australian canada:canada,canadian mexico:mexico,mexican brazil:brazil,brazilian
argentina:argentina,argentine iran:iran,iranian iraq:iraq,iraqi israel:israel,israeli egypt:egypt,egyptian
korea:korea,korean"""
COUNTRY_OF = {name: country for entry in _COUNTRIES.split() for country, names in [entry.split(":")]
              for name in names.split(",")}
_ASKS_COUNTRY = re.compile(r"\b(?:which|what|whose) (?:country|countries|nation|nations)\b|\bwhere\b", re.I)


def countries(text: str) -> set[str]:
    """The countries a text names, by name or nationality, capitalised ("UK", "Spanish")."""
    return {COUNTRY_OF[w.lower()] for w in re.findall(r"\b[A-Z][A-Za-z]*\b", text) if w.lower() in COUNTRY_OF}


def other_country(sentence: str, cited: Sequence[str], question: str) -> str | None:
    """A figure the sentence adds that the passage gives only beside another country than
    the question's ("2.8 million" DS consoles sold in the US and Japan, for a question about
    the UK; "£775" for British children, asked about Spanish ones): every passage sentence
    that holds it names some country and none names the question's. Not for a question that
    asks for a country or compares two."""
    asked = countries(question)
    if not asked or _ASKS_COUNTRY.search(question) or two_sided(question):
        return None
    n = _figure_only(sentence, cited, question, lambda text, _: bool(countries(text)) and not countries(text) & asked)
    return f"the cited passage gives {n} for another country than the question's" if n else None


# A figure a passage gives as a forecast or as what a lawsuit asks for, not as what happened
_HEDGES = r"expected|expects|expecting|forecasts?|predicted|predicts|sued|suing|sues|seeking|sought"
_HEDGED = re.compile(rf"\b(?:{_HEDGES})\b", re.I)
_SPEAKS_OF_HEDGES = re.compile(rf"\b(?:{_HEDGES}|expect|claims?|claiming|claimed|damages|suit|lawsuit)\b", re.I)


def hedged(sentence: str, cited: Sequence[str], question: str) -> str | None:
    """A figure the sentence states as fact that the passage gives only as expected or as
    sued for: within the few words after such a word ("expected to fetch up to $1m" for what
    a saxophone sold for; "sued by his ex-girlfriend for $10 million" for what a court
    awarded), not merely in the same sentence ("an 11% rise in profits, reaffirming its
    forecasts"). A question or sentence that speaks of expectations or lawsuits itself is not
    held to it."""
    if _SPEAKS_OF_HEDGES.search(question) or _SPEAKS_OF_HEDGES.search(sentence):
        return None
    n = _figure_only(sentence, cited, question, lambda text, figure: figure in _hedged_figures(text))
    return f"the cited passage gives {n} as expected or sued for, not as what happened" if n else None


def _hedged_figures(text: str) -> set[str]:
    """The numbers within the eight words after each hedging word of the text."""
    return {n for m in _HEDGED.finditer(text) for n in numbers(" ".join(text[m.end():].split()[:8]))}


# Countries, their short forms and their peoples, and regions, set a news story's scene ("the
# failed UK e-University"); a sentence that is about nothing else is not held to stand next to them.
SCENE_NAMES = frozenset(COUNTRY_OF) | {"europe", "european", "eu", "africa", "african", "asia", "asian"}


def detached(sentence: str, cited: Sequence[str], question: str) -> str | None:
    """A number or name the sentence adds must stand, in the passage, next to one of the
    question's names that the sentence says it is about: "The Washington summit was held on
    December 3" is not stated by a dateline "December 3" two paragraphs from "Washington".
    A country alone is the scene, not the subject (SCENE_NAMES); a name in the headline is
    what the whole article is about, so a fact anywhere in it is said of that name
    ("California sets fines for spyware": "up to $1,000 in damages" three sentences on).
    Why it is detached, or None."""
    asked = folded(question)
    low = folded("\n".join(cited))
    about = [n.lower() for n in names(sentence) if present(n.lower(), asked) and present(n.lower(), low)]
    added = ([n for n in sorted(numbers(sentence)) if n not in numbers(question)]  # sorted: one reason every run
             + [n.lower() for n in names(sentence) if not present(n.lower(), asked)])
    headlines = folded("\n".join(text.split("\n", 1)[0] for text in cited))
    if not added or all(n in SCENE_NAMES for n in about) or any(present(n, headlines) for n in about):
        return None
    spans = [folded(text[a:b]) for text in cited for a, b in windows(text)]
    for fact in added:
        near = [w for w in spans if (fact in numbers(w) if fact[:1].isdigit() else present(fact, w))]
        if near and not any(present(name, w) for w in near for name in about):
            return f"the cited passage does not say {fact!r} of {about[0]!r}"
    return None


# Days and months are capitalised but name no one ("Who took the Wednesday show?")
CALENDAR = frozenset(WEEKDAYS + MONTHS)


def elsewhere(sentence: str, passages: str, question: str) -> str | None:
    """A sentence that adds a figure or name to someone or something the question names,
    cited to a passage that never names them ("Karen Whitefield represents Bethnal Green
    and Bow" from a passage about another MP's seat): the passage speaks of someone else.
    A country or a day is not whom a passage speaks of."""
    asked, low = folded(question), folded(passages)
    subjects = [n for n in names(sentence, first=True)
                if present(n.lower(), asked) and n.lower() not in SCENE_NAMES and n.lower() not in CALENDAR]
    added = [n for n in numbers(sentence) if n not in numbers(question)] \
        + [n for n in names(sentence) if not present(n.lower(), asked)]
    if not subjects or not added or any(present(n.lower(), low) or spelled_out(n, passages) for n in subjects):
        return None
    return f"the cited passage does not name {subjects[0]!r}"


# Roles a question asks for and a passage gives people, in families whose members one
# another may answer ("Which Chelsea player?": a striker; "Which coach?": the manager)
_FAMILIES = [frozenset(f.split()) for f in (
    "player players captain skipper replacement substitute striker goalkeeper keeper defender midfielder winger "
    "forward lock prop flanker centre hooker wing batsman bowler",
    "coach manager boss trainer",
    "boss chief executive director chairman chairwoman president head manager founder owner",
    "spokesman spokeswoman official officer representative",
    "minister secretary chancellor",
    "journalist reporter editor presenter host correspondent writer columnist",
    "judge lawyer barrister",
    "analyst economist")]
_ROLES = frozenset().union(*_FAMILIES)
_ASKS_ROLE = re.compile(rf"\b(?:which|what) (?:{MODIFIER}){{0,3}}?(" + "|".join(sorted(_ROLES)) + r")\b", re.I)


def _roles(words: list[str]) -> set[str]:
    return {w.lower().strip(".,'\u2019") for w in words} & _ROLES


def other_role(sentence: str, cited: Sequence[str], question: str) -> str | None:
    """A person the sentence names for "Which <role> ...?" whom the passage gives only
    another kind of role ("Mike Ruddock" for "Which Welsh replacement ...?" from "Wales coach
    Mike Ruddock"): the words just before the name, or after it and a comma, say who they are."""
    m = _ASKS_ROLE.search(question)
    if not m:
        return None
    asked = m.group(1).lower()
    family = set().union(*(f for f in _FAMILIES if asked in f))
    low_q = folded(question)
    for n in names(sentence):
        if present(n.lower(), low_q) or n.lower() in CALENDAR:
            continue
        given: set[str] = set()
        for text in cited:
            for hit in re.finditer(rf"(?<![\w'-]){re.escape(n)}(?![\w'-])", text):
                before = re.findall(r"[\w'-]+", text[max(0, hit.start() - 60):hit.start()])[-4:]
                after = text[hit.end():hit.end() + 80]
                given |= _roles(before)
                if after.startswith(","):
                    given |= _roles(re.findall(r"[\w'-]+", after)[:5])
        if given and not given & family:
            return f"the cited passage calls {n} a {sorted(given)[0]}, not a {asked}"
    return None
