"""Is an answer sentence stated by the passage it cites? Checks that need no model.

A sentence is shown only when every check passes against the passages it cites:

- it does not repeat the prompt's worked examples (words found there and not in the passage);
- every number in it occurs in the passage ("40" is not "400"), and not only as a time of day;
- every name in it (a capitalised word after the first) occurs in the passage;
- whom or what of the question's it speaks of, the passage or the rest of its article names;
- most of its content words occur together in one place of the passage (a sentence
  and its neighbour), so words picked from unrelated sentences do not add up to support;
- a number given for "How many <things>?" stands in the passage next to those things, a
  match score is the one the passage gives to the match the sentence names, and a figure is
  not one the passage gives only for another country than the question's, nor only as
  expected or sued for.

`problem()` returns the reason a sentence fails, or None. A refusal ("The passages do
not mention the coach.") is recognised by `is_refusal` and never checked as a claim.
Whether a stated sentence answers the question is rag.relevance's; orders planted in
articles are rag.instructions'.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from rag.compare import two_sided
from rag.prompts import ABSTAIN_PHRASE, EXAMPLE_TEXTS

SUPPORT_THRESHOLD = 0.6
WINDOW = 2  # consecutive passage sentences a claim may draw on
STOPWORDS = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been
being it its this that these those he she they them his her their we our you your i not no do does did
has have had will would can could should may might must shall said says say about into over than then
there here which who whom whose what when where why how also only very more most such any all some
article articles passage passages according report reports reported state states stated""".split())

_WORD = re.compile(r"[\w\u2019'%$£€.-]+")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_NAME = re.compile(r"(?<![\w'\u2019-])[A-Z][\w\u2019'-]*")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n+")
NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split()) if n >= 2}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "dozen": "12"})
_META = re.compile(r"\b(?:articles?|passages?|texts?|reports?|sources?|information|details?|data|mention)\b", re.I)
_NOT_STATED = re.compile(r"\b(?:is|are|was|were)(?:n['\u2019]t| not) (?:stated|mentioned|specified|reported|given|"
                         r"provided|disclosed|revealed)\b", re.I)
_REFUSAL = re.compile(
    r"\b(?:do|does|did)(?:n['\u2019]t| not) (?:say|mention|state|specify|report|give|provide|include|"
    r"contain|indicate|reveal|name|list|cover|tell)\b"
    r"|\b(?:is|are|was|were)(?:n['\u2019]t| not) (?:stated|mentioned|specified|reported|given|provided|"
    r"included|named|listed|covered|known|available|clear|disclosed|revealed)\b"
    r"|\bno (?:information|mention|details?|data|indication)\b"
    r"|\b(?:cannot|can['\u2019]t|unable to) (?:be )?(?:determine|determined|answer|answered|find|found|tell|say)\b"
    r"|\bnot (?:enough|sufficient) information\b",
    re.I)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("\u2019", "'")).split())


def is_refusal(sentence: str) -> bool:
    """The sentence says the articles do not hold something: the abstention phrase, or a
    paraphrase that names the articles ("The passages do not mention the coach.") or says
    a thing is not stated. "The deal does not include guarantees." is a claim, not a refusal."""
    if normalise(ABSTAIN_PHRASE) in normalise(sentence) or _NOT_STATED.search(sentence):
        return True
    return bool(_REFUSAL.search(sentence) and _META.search(sentence))


# An age is one fact however it is put: "85 years old", "an 85-year-old", "aged 85",
# "at the age of 85" all come down to the number.
_AGE = re.compile(r"\b(\d+)[- ]years?[- ]old\b|\baged (\d+)\b|\bat the age of (\d+)\b", re.I)


def content_words(text: str) -> set[str]:
    """Lowercased words that carry content: hyphenated ones split, possessive and plural -s
    and verb endings -ed/-ing dropped, number words as digits, an age as its number."""
    text = _AGE.sub(lambda m: next(g for g in m.groups() if g), text)
    words = (part.strip(".'\u2019").lower() for w in _WORD.findall(text) for part in w.split("-"))
    return {_stem(NUMBER_WORDS.get(w, w)) for w in words
            if w and w not in STOPWORDS and (len(w) > 2 or w.isdigit())}


def _without_possessive(word: str) -> str:
    for tail in ("'s", "\u2019s"):
        if word.endswith(tail):
            return word[: -len(tail)]
    return word


# The past forms of irregular verbs news reports use, as the verb: "Exports grew" says what
# "did exports grow" asks, "rose" what "rise" states.
IRREGULAR = {past: verb for verb, forms in (
    ("rise", "rose risen"), ("grow", "grew grown"), ("fall", "fell fallen"), ("win", "won"),
    ("sell", "sold"), ("buy", "bought"), ("pay", "paid"), ("spend", "spent"), ("lose", "lost"),
    ("make", "made"), ("take", "took taken"), ("give", "gave given"),
    ("hold", "held"), ("meet", "met"), ("tell", "told"), ("find", "found"), ("beat", "beaten"),
    ("bring", "brought"), ("begin", "began begun"), ("become", "became"), ("choose", "chose chosen"),
    ("drive", "drove driven"), ("draw", "drew drawn"), ("fight", "fought"), ("lead", "led"),
    ("run", "ran"), ("see", "saw seen"), ("send", "sent"), ("shoot", "shot"), ("speak", "spoke spoken"),
    ("steal", "stole stolen"), ("strike", "struck"), ("swim", "swam"), ("throw", "threw thrown"),
    ("write", "wrote written"), ("sink", "sank sunk"), ("build", "built"), ("keep", "kept"),
) for past in forms.split()}


def _stem(word: str) -> str:
    """Possessive, plural -s and verb endings dropped ("exploits", "exploited" -> "exploit"),
    an irregular past as its verb ("grew" -> "grow"), and a final -e, so that "agreed",
    "agrees" and "agree" meet ("agre"); a short word stays whole."""
    word = _without_possessive(word)
    if word in IRREGULAR:
        return _stem(IRREGULAR[word])
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss") and not word[-2].isdigit():
        word = word[:-1]
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def numbers(text: str) -> set[str]:
    """The numbers in the text, in digits ("1,200" -> "1200"; "three" and "a dozen" too)."""
    words = {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    return {n.replace(",", "") for n in _NUMBER.findall(text)} | words


def names(sentence: str) -> list[str]:
    """Capitalised words after the first word, possessive dropped, in order."""
    found = _NAME.findall(sentence)
    first = re.match(r"\W*(\w+)", sentence)
    out: list[str] = []
    for i, word in enumerate(found):
        if i == 0 and first and sentence.find(word) == first.start(1):
            continue
        word = _without_possessive(word).strip("'\u2019-")
        if word and word.lower() not in STOPWORDS and word not in out:
            out.append(word)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line in text, whitespace trimmed."""
    spans, start = [], 0
    for m in [*_BOUNDARY.finditer(text), None]:
        end = len(text) if m is None else m.start() + len(m.group(0)) - len(m.group(0).lstrip("\"'\u201d\u2019)"))
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        if m is not None:
            start = m.end()
    return spans


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """Spans of `size` consecutive sentences (or the whole text when it is shorter)."""
    spans = sentence_spans(text) or [(0, len(text))]
    if len(spans) <= size:
        return [(spans[0][0], spans[-1][1])]
    return [(spans[i][0], spans[i + size - 1][1]) for i in range(len(spans) - size + 1)]


def local_support(sentence: str, texts: Sequence[str]) -> float:
    """Support of the sentence by the best window of consecutive sentences of each text, together."""
    return support(content_words(sentence), texts)


def support(words: set[str], texts: Sequence[str]) -> float:
    """The share of `words` (content words) found in the best window of each text, together."""
    if not words:
        return 1.0
    found: set[str] = set()
    for text in texts:
        found |= max((words & content_words(text[s:e]) for s, e in windows(text)), key=len)
    return len(found) / len(words)


def _folded(text: str) -> str:
    """Lower case, typographic apostrophes straightened: how names are compared."""
    return text.lower().replace("\u2019", "'")


def _present(word: str, text_lower: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text_lower) is not None


def mentions(name: str, text: str) -> bool:
    """Whether the text names `name` as a whole word, case and apostrophes aside."""
    return _present(_folded(name), _folded(text))


@functools.cache
def _example_words() -> frozenset[str]:
    """The worked examples' content words, computed once."""
    return frozenset().union(*map(content_words, EXAMPLE_TEXTS))


_QUESTION_WORDS = {"who", "what", "which", "when", "where", "why", "how", "whose", "did", "does", "was", "is"}
EXAMPLE_REASON = "repeats the prompt's worked example, not the articles"


def repeats_example(sentence: str, passages: Sequence[str], question: str) -> bool:
    """Two or more words of the prompt's worked examples that neither the passages nor the
    question contain: the sentence comes from an example ("The articles do not say which
    brand sold best."), not from the articles."""
    own = content_words("\n".join(passages)) | content_words(question) | content_words(ABSTAIN_PHRASE)
    return len((content_words(sentence) & _example_words()) - own) >= 2


def problem(sentence: str, cited: Sequence[str], question: str = "", kin: Sequence[str] = ()) -> str | None:
    """Why the cited passage texts (each its headline, a line, then its text) do not state
    `sentence`, or None.

    What the sentence repeats from the question is its premise, in the reader's words:
    numbers and names taken from the question need not recur in the passage, and the
    support check weighs what the sentence adds (or, when it adds nothing, all of it). But
    the passage must be about what the question asks: when the question names someone or
    something, the passage names at least one of them (an acronym may be written out), and
    the ones the sentence speaks of are named there or in `kin`, the other passages the model
    read of the cited passages' articles (rag.verify.elsewhere)."""
    if not cited:
        return "cites no passage"
    joined = "\n".join(cited)
    low = _folded(joined)
    if repeats_example(sentence, cited, question):
        return EXAMPLE_REASON
    asked_names = [n for n in names(question) if n.lower() not in _QUESTION_WORDS]
    # a country is the scene, not the subject, unless the question has two sides (each
    # passage names only its own side, and maybe just the country they share)
    subjects = [n for n in asked_names if n.lower() not in SCENE_NAMES]
    asked_names = asked_names if two_sided(question) else subjects
    if asked_names and not any(_present(_folded(n), low) or spelled_out(n, joined) for n in asked_names):
        return f"the cited passage names none of the question's names ({', '.join(asked_names)})"
    missing = sorted(numbers(sentence) - numbers(joined) - numbers(question))
    if missing:
        return f"the number {missing[0]} is not in the cited passage"
    elsewhen = other_year(sentence, joined) or clock_time(sentence, joined)
    if elsewhen:
        return elsewhen
    asked = _folded(question)
    absent = [n for n in names(sentence) if not any(_present(_folded(n), t) for t in (low, asked))]
    if absent:
        return f"the name {absent[0]!r} is not in the cited passage"
    unnamed = elsewhere(sentence, "\n".join([joined, *kin]), question)
    if unnamed:
        return unnamed
    said = content_words(sentence)
    if support(said - content_words(question) or said, cited) < SUPPORT_THRESHOLD:
        return "the cited passage does not state it"
    return detached(sentence, cited, question) or miscounted(sentence, cited, question) \
        or misscored(sentence, cited, question) or other_country(sentence, cited, question) \
        or hedged(sentence, cited, question)


_HOW_MANY = re.compile(r"\b(?i:how many) (?:more |fewer |extra )?(?:of (?:his|her|their|its|the|these|those) )?"
                       r"((?:[\w'-]+ ){0,3}?)([a-z][\w'-]*s|people|staff)\b")
TIME_UNITS = frozenset("seconds minutes hours days weeks months years decades centuries".split())
PEOPLE = frozenset(_stem(w) for w in """people persons spectators fans crowd visitors supporters viewers
residents users customers workers staff employees members students delegates voters players passengers adults
children men women jobs deaths lives dead victims casualties fatalities""".split())
# Things a reader and a reporter count in different words ("photos" for "600 single snaps")
KINDS = [frozenset(_stem(w) for w in group.split()) for group in (
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
    thing = _stem(m.group(2).lower())
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
    asked = _folded(question)
    about = {n.lower() for n in names(sentence) if _present(n.lower(), asked)}
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


def spelled_out(name: str, text: str) -> bool:
    """An acronym the text writes out: "UCL" in "University College London research"."""
    if not (2 <= len(name) <= 6 and name.isupper() and name.isalpha()):
        return False
    words = r"\W+(?:(?:of|and|for|the|de)\W+)?".join(rf"{letter}[a-z]+" for letter in name)
    return re.search(rf"\b{words}\b", text) is not None


def other_year(sentence: str, passages: str) -> str | None:
    """A year the sentence names (from the question, else the number check would catch it)
    that the passage does not, while it names other years: "Japan won the 2022 World Cup"
    cited to a passage about the 2002 one is about another event."""
    said = {n for n in numbers(sentence) if _YEAR.fullmatch(n)}
    stated = {n for n in numbers(passages) if _YEAR.fullmatch(n)}
    if said and stated and not said & stated:
        return f"the cited passage speaks of {min(stated)}, not {min(said)}"
    return None


# A time of day: "1300 GMT", "10:30", "7.45pm", "7pm", "1800 hours" (not "12 hours")
_ZONE = r"\s?(?:am|pm|gmt|bst|cet|et)\b"
CLOCK = re.compile(rf"\b\d{{1,2}}[:.]\d\d(?:{_ZONE}|\b)|\b\d{{1,4}}{_ZONE}|\b\d{{4}}\s?(?:hrs|hours)\b", re.I)


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
    asked = _folded(question)
    low = _folded("\n".join(cited))
    about = [n.lower() for n in names(sentence) if _present(n.lower(), asked) and _present(n.lower(), low)]
    added = ([n for n in numbers(sentence) if n not in numbers(question)]
             + [n.lower() for n in names(sentence) if not _present(n.lower(), asked)])
    headlines = _folded("\n".join(text.split("\n", 1)[0] for text in cited))
    if not added or all(n in SCENE_NAMES for n in about) or any(_present(n, headlines) for n in about):
        return None
    spans = [_folded(text[a:b]) for text in cited for a, b in windows(text)]
    for fact in added:
        near = [w for w in spans if (fact in numbers(w) if fact[:1].isdigit() else _present(fact, w))]
        if near and not any(_present(name, w) for w in near for name in about):
            return f"the cited passage does not say {fact!r} of {about[0]!r}"
    return None


def elsewhere(sentence: str, passages: str, question: str) -> str | None:
    """A sentence that adds a figure or name to someone or something the question names,
    cited to a passage that never names them ("Karen Whitefield represents Bethnal Green
    and Bow" from a passage about another MP's seat): the passage speaks of someone else."""
    asked, low = _folded(question), _folded(passages)
    first = re.match(r"\W*([A-Z][\w'-]*)", sentence)
    said = [*([_without_possessive(first.group(1)).strip("'-")] if first else []), *names(sentence)]
    subjects = [n for n in said if _present(n.lower(), asked) and n.lower() not in SCENE_NAMES
                and n.lower() not in STOPWORDS]
    added = [n for n in numbers(sentence) if n not in numbers(question)] \
        + [n for n in names(sentence) if not _present(n.lower(), asked)]
    if not subjects or not added or any(_present(n.lower(), low) or spelled_out(n, passages) for n in subjects):
        return None
    return f"the cited passage does not name {subjects[0]!r}"


def best_span_text(sentence: str, cited: Sequence[str], size: int) -> str:
    """The run of `size` passage sentences that shares most content words with the sentence."""
    words = content_words(sentence)
    spans = [text[s:e] for text in cited for s, e in windows(text, size)]
    return max(spans, key=lambda span: len(words & content_words(span)), default="")
