"""Does the model give the same answer when it reads the same passages in another order?

A sentence that answers the question stays the answer wherever its passage sits in the
prompt. When the passages hold no answer, the small local model picks some related
sentence instead ("Salman Rushdie" for the winner of a prize no article names), and which
one it picks moves with the order. So Byline asks twice, the second time with the
passages reversed, and withholds the first answer when the second states something else.
The model also misses answers that are there, depending on the order, so when only the
second reading answers, that answer is given (rag.answer.Answerer._read_again;
bench/bench_agreement.py measures both).

The second answer states something else when both state facts (numbers or names the
question does not already hold) and share none, or, when neither states one, when they
share few content words. A second answer that abstains contradicts nothing (the model also
abstains on reordered passages that do answer: 10 of 79 right answers), nor does one that
states no fact where the first does (it restates the question: "G7 countries announced
the agreements in 2023" against "Vilnius").
"""

from __future__ import annotations

import re

from rag.citations import ParsedAnswer
from rag.types import Answer
from rag.words import NUMBER_WORDS, STOPWORDS, content_words

REASON = "the model stated something else when it read the same passages in reverse order"
_FACT = re.compile(r"\d+(?:[.,]\d+)*|(?<![\w'\u2019-])[A-Z][\w'\u2019-]*"
                   r"|\b(?i:" + "|".join(NUMBER_WORDS) + r")\b")
_WORD = re.compile(r"[\w'\u2019-]+")


def facts(text: str, question: str) -> set[str]:
    """The numbers and capitalised words of `text` that are not in the question, lowercased
    (number words as digits; a capitalised stopword, "The", is not a name)."""
    asked = {w.lower() for w in _WORD.findall(question)}
    found = (NUMBER_WORDS.get(w.lower(), w.lower()).replace(",", "") for w in _FACT.findall(text))
    return {w for w in found if w not in asked and w not in STOPWORDS}


def said(answer: ParsedAnswer | Answer) -> str | None:
    """What an answer claims (its gap sentences left out), or None when it abstains."""
    return None if answer.abstained else " ".join(s.text for s in answer.sentences if s.kind == "claim")


def contradicts(first: str, again: str | None, question: str) -> bool:
    """Whether the claims of a second answer (None: it abstained) state something other than
    the first's: both state facts and share none, or neither states one and they share few
    content words. A second answer that abstains, or states no fact where the first does
    (it restates the question), contradicts nothing."""
    if again is None:
        return False
    fa, fb = facts(first, question), facts(again, question)
    if fa or fb:
        return bool(fa and fb) and not fa & fb
    wa, wb = content_words(first), content_words(again)
    return len(wa & wb) < 0.5 * max(1, min(len(wa), len(wb)))
