"""How Byline reads a text: its sentences, words, numbers and names.

Shared by the checks of rag.verify, rag.attribution and rag.relevance, so that a number or a
name means the same thing to all of them: "1,200" and "1200" are one number, "three" is 3,
"exploited" and "exploits" are one word, and a name is a capitalised word after a
sentence's first.
"""

from __future__ import annotations

import re

WINDOW = 2  # consecutive passage sentences a claim may draw on
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
# How questions are read: a question (or a part of one) opens at the start or after a
# sentence of context; the words before what "which"/"what" asks for are not auxiliaries
# ("Which Welsh replacement", not "What position does the official")
QUESTION_OPENS = r"(?:^\W*|[.?!]\s+)"
MODIFIER = r"(?!(?:did|does|do|was|were|is|are|has|had|have|will|would|could)\b)[\w'-]+ "
STOPWORDS = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been
being it its this that these those he she they them his her their we our you your i not no do does did
has have had will would can could should may might must shall said says say about into over than then
there here which who whom whose what when where why how also only very more most such any all some
article articles passage passages according report reports reported state states stated""".split())

_WORD = re.compile(r"[\w\u2019'%$£€.-]+")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
YEAR = re.compile(r"(?:19|20)\d\d")
_NAME = re.compile(r"(?<![\w'\u2019-])[A-Z][\w\u2019'-]*")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n+")
NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split()) if n >= 2}
NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "dozen": "12"})


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("\u2019", "'")).split())


# An age is one fact however it is put: "85 years old", "an 85-year-old", "aged 85",
# "at the age of 85" all come down to the number.
_AGE = re.compile(r"\b(\d+)[- ]years?[- ]old\b|\baged (\d+)\b|\bat the age of (\d+)\b", re.I)


def content_words(text: str) -> set[str]:
    """Lowercased words that carry content: hyphenated ones split, possessive and plural -s
    and verb endings -ed/-ing dropped, number words as digits, an age as its number."""
    text = _AGE.sub(lambda m: next(g for g in m.groups() if g), text)
    words = (part.strip(".'\u2019").lower() for w in _WORD.findall(text) for part in w.split("-"))
    return {stem(NUMBER_WORDS.get(w, w)) for w in words
            if w and w not in STOPWORDS and (len(w) > 2 or w.isdigit())}


def without_possessive(word: str) -> str:
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


def stem(word: str) -> str:
    """Possessive, plural -s and verb endings dropped ("exploits", "exploited" -> "exploit"),
    an irregular past as its verb ("grew" -> "grow"), and a final -e, so that "agreed",
    "agrees" and "agree" meet ("agre"); a short word stays whole."""
    word = without_possessive(word)
    if word in IRREGULAR:
        return stem(IRREGULAR[word])
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


def names(sentence: str, first: bool = False) -> list[str]:
    """Capitalised words after the first word (with `first`, the first too: "Preston's roll
    fell" is about Preston), possessive dropped, in order."""
    found = _NAME.findall(sentence)
    opening = re.match(r"\W*(\w+)", sentence)
    out: list[str] = []
    for i, word in enumerate(found):
        if i == 0 and not first and opening and sentence.find(word) == opening.start(1):
            continue
        word = without_possessive(word).strip("'\u2019-")
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


def folded(text: str) -> str:
    """Lower case, typographic apostrophes straightened: how names are compared."""
    return text.lower().replace("\u2019", "'")


def present(word: str, text_lower: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text_lower) is not None


def mentions(name: str, text: str) -> bool:
    """Whether the text names `name` as a whole word, case and apostrophes aside."""
    return present(folded(name), folded(text))


def spelled_out(name: str, text: str) -> bool:
    """An acronym the text writes out: "UCL" in "University College London research"."""
    if not (2 <= len(name) <= 6 and name.isupper() and name.isalpha()):
        return False
    words = r"\W+(?:(?:of|and|for|the|de)\W+)?".join(rf"{letter}[a-z]+" for letter in name)
    return re.search(rf"\b{words}\b", text) is not None


# A time of day: "1300 GMT", "10:30", "7.45pm", "7pm", "1800 hours" (not "12 hours")
_ZONE = r"\s?(?:am|pm|gmt|bst|cet|et)\b"
CLOCK = re.compile(rf"\b\d{{1,2}}[:.]\d\d(?:{_ZONE}|\b)|\b\d{{1,4}}{_ZONE}|\b\d{{4}}\s?(?:hrs|hours)\b", re.I)
