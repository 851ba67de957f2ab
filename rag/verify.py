"""Is an answer sentence stated by the passage it cites? Checks that need no model.

A sentence is shown only when every check passes against the passages it cites:

- it does not repeat the prompt's worked examples (words found there and not in the passage);
- every number in it occurs in the passage ("40" is not "400"), and not only as a time of day;
- every name in it (a capitalised word after the first) occurs in the passage;
- whom or what of the question's it speaks of, the passage or the rest of its article names;
- most of its content words occur together in one place of the passage (a sentence
  and its neighbour), so words picked from unrelated sentences do not add up to support;
- what it adds is said, in the passage, of what the question asks (rag.attribution): a
  number given for "How many <things>?" stands next to those things, a match score is the
  one the passage gives to the match the sentence names, and a figure is not one the
  passage gives only for another country than the question's, nor only as expected or
  sued for, and a person named for "Which <role>?" holds a role of that kind.

`problem()` returns the reason a sentence fails, or None. A refusal ("The passages do
not mention the coach.") is recognised by `is_refusal` and never checked as a claim.
Whether a stated sentence answers the question is rag.relevance's; orders planted in
articles are rag.instructions'.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rag.attribution import (SCENE_NAMES, clock_time, detached, elsewhere, hedged, miscounted, misscored,
                             other_country, other_role, other_year)
from rag.compare import two_sided
from rag.prompts import ABSTAIN_PHRASE, EXAMPLE_TEXTS
from rag.words import content_words, folded, names, normalise, numbers, present, spelled_out, windows

SUPPORT_THRESHOLD = 0.6

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


def is_refusal(sentence: str) -> bool:
    """The sentence says the articles do not hold something: the abstention phrase, or a
    paraphrase that names the articles ("The passages do not mention the coach.") or says
    a thing is not stated. "The deal does not include guarantees." is a claim, not a refusal."""
    if normalise(ABSTAIN_PHRASE) in normalise(sentence) or _NOT_STATED.search(sentence):
        return True
    return bool(_REFUSAL.search(sentence) and _META.search(sentence))


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
    low = folded(joined)
    if repeats_example(sentence, cited, question):
        return EXAMPLE_REASON
    asked_names = [n for n in names(question) if n.lower() not in _QUESTION_WORDS]
    # a country is the scene, not the subject, unless the question has two sides (each
    # passage names only its own side, and maybe just the country they share)
    subjects = [n for n in asked_names if n.lower() not in SCENE_NAMES]
    asked_names = asked_names if two_sided(question) else subjects
    if asked_names and not any(present(folded(n), low) or spelled_out(n, joined) for n in asked_names):
        return f"the cited passage names none of the question's names ({', '.join(asked_names)})"
    missing = sorted(numbers(sentence) - numbers(joined) - numbers(question))
    if missing:
        return f"the number {missing[0]} is not in the cited passage"
    elsewhen = other_year(sentence, joined) or clock_time(sentence, joined)
    if elsewhen:
        return elsewhen
    asked = folded(question)
    absent = [n for n in names(sentence) if not any(present(folded(n), t) for t in (low, asked))]
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
        or hedged(sentence, cited, question) or other_role(sentence, cited, question)


def best_span_text(sentence: str, cited: Sequence[str], size: int) -> str:
    """The run of `size` passage sentences that shares most content words with the sentence."""
    words = content_words(sentence)
    spans = [text[s:e] for text in cited for s, e in windows(text, size)]
    return max(spans, key=lambda span: len(words & content_words(span)), default="")
