"""Does a stated sentence answer the question asked? Checks that need no model.

`off_question`: a question for an amount, a date, an age or a sum of money is not answered
by sentences that give none beyond what the question says; a "When ...?" question needs a
time in the answer, and a "How many ...?" question a number (a time of day is not one); a
"Which player ...?" or "What is the name of ...?" question a name it does not hold itself (a
"Which city ...?" question one that is not a country), a "What percentage ...?" question a
share, a "Why ...?" question a reason, an "On what date ...?" question a day, a question about
one quarter of the year not a figure for another; and an answer
that only repeats the question answers none (unless it asks yes or no, "A or B?", or what
someone said)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.attribution import SCENE_NAMES
from rag.words import CLOCK, MODIFIER, MONTHS, NUMBER_WORDS, QUESTION_OPENS, STOPWORDS, WEEKDAYS, content_words, names

_WANTS_COUNT = re.compile(
    r"\bhow (?:much|many|old|big|large|tall|high|low|fast|heavy)\b|\bby how\b"
    r"|\b(?:what|which) (?:price|percentage|proportion|share|age|score|scoreline|amount|sum|value|figure|number|"
    r"fee|fine|rate|salary|cost|total|margin|size|attendance|crowd)\b|\bwhat was the (?:attendance|crowd)\b", re.I)
_WANTS_TIME = re.compile(
    r"\bhow (?:long|far)\b|\b(?:what|which) (?:year|month|date|day)\b|\bon what (?:date|day)\b"
    r"|^\W*when (?:did|was|were|is|are|will|does|do|had|has|have|would|could)\b", re.I)
_NUMERIC = (r"\d|\b(?:" + "|".join(NUMBER_WORDS) + r"|one|hundreds?|thousands?|millions?|billions?|dozens|half|"
            r"quarter|double|doubled|twice|triple|tripled|\w+fold)\b")
_COUNT = re.compile(_NUMERIC, re.I)
_AMOUNT = re.compile(
    _NUMERIC + r"|\b(?:" + "|".join(MONTHS + WEEKDAYS) + r"|yesterday|today|tomorrow|tonight|"
    r"spring|summer|autumn|winter|week|weeks|month|months|year|years|decade|century|ago|last|next|earlier|"
    r"later|recently|soon|now|since|until|before|after|during)\b", re.I)

# "On what date ...?" asks for a day: "next month" or "in 2005" does not give one
_WANTS_DAY = re.compile(r"\b(?:what|which)(?: exact)? (?:date|day)\b", re.I)
_DAY = re.compile(r"(?<![\d.,])(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?![\d%]|[.,]\d)"  # a day of the month, not 2023
                  r"|\b(?:" + "|".join(WEEKDAYS) + r"|yesterday|today|tomorrow|tonight|christmas|new year's)\b", re.I)
# A question for a yes or no, or for what someone said in words the question may already
# hold, may be answered in its own words; any other is not answered by repeating it
_YES_NO = re.compile(QUESTION_OPENS + r"(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b",
                     re.I)
_ASKS_WORDS = re.compile(r"\b(?:say|says|said|agree|agreed|call|called|describe|described|claim|claimed|tell|told|"
                         r"argue|argued|mean|means|meant)\b", re.I)

# "the third quarter" is not answered by a figure for "the final quarter"
_QUARTER = re.compile(r"\b(first|second|third|fourth|final|last) quarter\b|\bQ([1-4])\b", re.I)
_QUARTER_NO = {"first": "1", "second": "2", "third": "3", "fourth": "4", "final": "4", "last": "4"}

_TOKEN = re.compile(r"\w+(?:[.,]\d+)*")
# "How many ... built, and how many ... sold?" (or "..., and in what year ...?") asks two
# things; "in its London and Hong Kong flotation" asks one.
_SECOND_PART = re.compile(r"\band (?:\w+ ){0,2}?(?:how|what|which|who|whom|whose|when|where|why)\b", re.I)

_WANTS_MONEY = re.compile(
    r"\bhow much (?:money|cash)\b|\b(?:what|which) (?:price|sum|fee|salary|value)\b"
    r"|\bhow much\b.*\b(?:cost|costs|pay|paid|worth|spend|spent|earn|earned|raise|raised|fined?|charge|charged)\b"
    r"|\bwhat did\b.*\bcost\b"
    r"|\bwhat (?:(?:pre-tax|net|gross|annual|operating|full-year|half-year|quarterly|total) )*"
    r"(?:profits?|revenues?|turnover|earnings|losses|loss|income|bonus|budget)\b", re.I)
_MONEY = re.compile(r"[£$€¥]|\b(?:pounds?|dollars?|euros?|yen|francs?|rupees?|roubles?|pence|cents?)\b"
                    r"|\d\s?(?:m|bn|k|million|billion)\b", re.I)

# "Which player ...?", "What award ...?", "What is the name of ...?", "What was it called?" asks
# for someone or something by name. ("Who ...?" is not held to it: "his grandson" answers "Who
# found the body?") "Which team won: A or B?" names its answer already, so a question with
# "or" is not held to it either.
_WANTS_NAME = re.compile(
    r"(?:^\W*|[,;:.?!]\s+)(?:(?:in|at|on|for|from|to|by|with|of|under|against) )?(?:which|what) "
    rf"(?:{MODIFIER}){{0,2}}?(?:player|team|club|side|country|company|firm|city|town|party|band|singer|actor|"
    r"actress|director|minister|politician|leader|chairman|coach|manager|striker|athlete|driver|author|"
    r"writer|novel|film|album|song|award|prize|judge|lord|peer|official|spokesman|spokeswoman|executive|"
    r"boss|chief|president|goalkeeper|keeper|defender|midfielder|winger|jockey|boxer|golfer|sprinter|"
    r"runner|presenter|host|designer|referee|captain|candidate|mayor|bank|airline|broadcaster|newspaper|"
    r"website|network|channel|studio|label|agency|regulator|court|university|school|stadium|venue|theatre|"
    r"theater|hall|arena|hotel|hospital|prison|museum|gallery|church|festival|circuit|constituency)\b"
    rf"|{QUESTION_OPENS}what(?:'s| is| was| are| were)(?: the| its| his| her| their)?(?: \w+)? names?\b"
    rf"|{QUESTION_OPENS}what(?:'s| is| was| are| were)\b[^?]*?\b(?:called|named|known as)\b", re.I)
_OR = re.compile(r"[:,;\u2013\u2014-]\s.*\bor\b", re.I)  # "...: A or B?", not "which theatre or venue"
# "In which city ...?" is not answered by a country ("Switzerland" for Basel)
_WANTS_CITY = re.compile(r"\bwhich (?:city|town|village)\b", re.I)
_QUOTED = re.compile(r"(?<!\w)['\u2018\"\u201c]([^'\u2019\"\u201d]{1,40})['\u2019\"\u201d](?!\w)")
# "What percentage ...?" asks for a share: a count ("1.1m of the 1.6m") does not give it.
_WANTS_SHARE = re.compile(r"\b(?:what|which|by what) (?:percentage|proportion|share|fraction)\b", re.I)
_SHARE = re.compile(r"%|\bper ?cent\b|\bpercentage points?\b|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?)\b"
                    r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine) (?:in|out of) (?:\d+|ten|five|four|three)\b",
                    re.I)
# "Why ...?" asks for a reason: an answer gives one with a word that links it ("because",
# "for failing ...", "due to", "after ...", "to save money"), however it puts it.
_WANTS_REASON = re.compile(r"^\W*why\b|\bon what grounds\b|\bfor what reasons?\b|\bwhat (?:was|is|were|are) the "
                           r"(?:reasons?|cause|grounds)\b", re.I)
_REASON = re.compile(r"\b(?:because|as|since|after|for|due|over|amid|following|to|so|owing|thanks|reason|reasons|"
                     r"cause|caused|grounds|blamed|said|says|saying|citing|claimed|argued|felt|wanted|feared)\b", re.I)


def off_question(question: str, answer_sentences: Sequence[str]) -> str | None:
    """Why the sentences, though stated, do not answer the question, or None: a question
    asking for an amount, a date or an age is not answered by sentences without one, nor
    a question about money by sentences without a sum. What the sentences repeat from the
    question does not count ("How many delegates will attend the 2006 conference?" is not
    answered by "The 2006 conference will be in Manchester")."""
    two_part = bool(_SECOND_PART.search(question))  # a partial answer may give the other part only
    asked = {w.lower() for w in _TOKEN.findall(question)}
    if not (_YES_NO.search(question) or _ASKS_WORDS.search(question) or _OR.search(question) or two_part) \
            and not any(_adds(s, question, asked) for s in answer_sentences):
        return "does not answer the question: the answer only repeats it"
    if _WANTS_NAME.search(question) and not _OR.search(question) and not two_part \
            and not any(_new_names(s, asked) for s in answer_sentences):
        return "does not answer the question: it asks which one and the answer names none the question does not"
    if _WANTS_CITY.search(question) and not _OR.search(question) and not two_part \
            and not any(n.lower() not in SCENE_NAMES for s in answer_sentences for n in _new_names(s, asked)):
        return "does not answer the question: it asks which city and the answer names none, or only a country"
    given = [_TOKEN.sub(lambda m: " " if m.group(0).lower() in asked else m.group(0), s) for s in answer_sentences]
    if _WANTS_REASON.search(question) and not two_part and not any(_REASON.search(s) for s in given):
        return "does not answer the question: it asks why and the answer gives no reason"
    if _WANTS_SHARE.search(question) and not two_part and not any(_SHARE.search(s) for s in answer_sentences):
        return "does not answer the question: it asks for a percentage or share and the answer gives none"
    if _WANTS_MONEY.search(question) and not two_part and not any(_MONEY.search(s) for s in given):
        return "does not answer the question: it asks for a sum of money and the answer gives none"
    wants_count, wants_time = bool(_WANTS_COUNT.search(question)), bool(_WANTS_TIME.search(question))
    if wants_count and not wants_time and not two_part and not any(_COUNT.search(CLOCK.sub(" ", s)) for s in given):
        return "does not answer the question: it asks for an amount and the answer gives none"
    if (wants_count or wants_time) and not two_part and not any(_AMOUNT.search(s) for s in given):
        return "does not answer the question: it asks for an amount or a date and the answer gives none"
    asked_q, said_q = _quarters(question), {q for s in answer_sentences for q in _quarters(s)}
    if asked_q and said_q and not asked_q & said_q:
        return "does not answer the question: it asks about another quarter of the year than the answer"
    if _WANTS_DAY.search(question) and not two_part and not any(_DAY.search(s) for s in given):
        return "does not answer the question: it asks for a date and the answer gives no day"
    return None


def _quarters(text: str) -> set[str]:
    return {_QUARTER_NO.get((m.group(1) or "").lower(), m.group(2)) for m in _QUARTER.finditer(text)}


def _adds(sentence: str, question: str, asked: set[str]) -> bool:
    """Whether the sentence says anything the question does not: a content word, or a name
    or figure however short or however common a word it is otherwise ("G7", "from May")."""
    words = re.findall(r"\b[A-Z0-9]\w*", sentence.strip())
    first = words[0].lower() if words and sentence.strip().startswith(words[0]) else None
    named = {w.lower() for w in words} - ({first} & STOPWORDS)  # "It ..." opens, "from May" names
    return bool(content_words(sentence) - content_words(question) or named - asked)


def _new_names(sentence: str, asked: set[str]) -> list[str]:
    """The sentence's capitalised words, its first included, and the words it quotes (a name
    may be written in lower case: 'i-foot'), that the question does not hold."""
    first = sentence.split()[0].strip(".,'\"") if sentence.split() else ""
    quoted = [w for q in _QUOTED.findall(sentence) for w in q.split()]

    def new(word: str) -> bool:  # "Live-Shot" is held by a question that says "Live-Shot"
        return not all(part in asked for part in word.lower().split("-"))
    return [n for n in [first, *names(sentence)] if n[:1].isupper() and new(n)
            and n.lower() not in STOPWORDS] + [w for w in quoted if new(w)]
