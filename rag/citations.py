"""Model output -> verified sentences with [n] citations, the rest withheld.

Markers that name no passage are dropped. Every sentence is checked against the
passages it cites (rag.verify); one that fails is moved to the retrieved passage that
does state it, if one does, and otherwise withheld with the reason. A refusal sentence
("The articles do not say which brand.") is kept uncited beside verified claims (a
partial answer); when nothing verified is left the answer is an abstention, with the
reason: "model" (the model declined) or "unsupported" (nothing it wrote was stated).
Citations are renumbered 1.. in order of first use; every quote is a verbatim slice of
the article body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from rag import instructions, verify, words
from rag.dates import iso_date
from rag.prompts import ABSTAIN_PHRASE
from rag.types import Citation, Passage, Sentence, Withheld

MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_CLOSER = "[\"'\u201d\u2019)]"  # a quote or bracket closing a sentence stays with it
_SENTENCE_SPLIT = re.compile(rf"(?:(?<=[.!?])|(?<=[.!?]{_CLOSER})|(?<=[.!?]{_CLOSER}{_CLOSER}))\s+(?=\S)")


@dataclass
class ParsedAnswer:
    answer: str
    abstained: bool
    sentences: list[Sentence]
    citations: list[Citation]
    withheld: list[Withheld] = field(default_factory=list)
    abstain_reason: str | None = None


def abstention(reason: str, withheld: list[Withheld] | None = None) -> ParsedAnswer:
    return ParsedAnswer(ABSTAIN_PHRASE, True, [], [], withheld or [], reason)


def evidence(p: Passage) -> str:
    """What the model read of a passage and a sentence may rest on: its headline (the first
    line, empty when it has none, as rag.verify expects) and its text."""
    return f"{p.title}\n{p.text}"


def parse_answer(raw: str, passages: list[Passage], question: str = "",
                 articles: Mapping[str, str] | None = None) -> ParsedAnswer:
    """The reply's sentences checked against the passages they cite (rag.verify); `articles`:
    the whole text of the passages' articles, by doc_id, where a cited passage's subject may
    be named outside it ("Its electoral roll fell" after "Preston City Council")."""
    text = re.sub(r"^\s*answer\s*:\s*", "", raw.strip(), flags=re.I)
    if not passages:
        return abstention("no_evidence")
    pieces = [part for piece in split_sentences(text, len(passages)) for part in _split_refusal(*piece)]
    if not pieces:
        return abstention("model")
    numbering: dict[int, int] = {}  # passage index (0-based) -> citation id
    quotes: dict[int, list[tuple[int, int]]] = {}  # passage index -> supporting spans
    sentences: list[Sentence] = []
    withheld: list[Withheld] = []
    refused = False
    for sentence_text, cited in pieces:
        if verify.is_refusal(sentence_text):  # says, uncited, what the articles do not cover
            if verify.repeats_example(sentence_text, [evidence(p) for p in passages], question):
                withheld.append(Withheld(sentence_text, verify.EXAMPLE_REASON))
                continue
            refused = True
            sentences.append(Sentence(sentence_text, [], False, kind="gap"))
            continue
        reason = verify.problem(sentence_text, [evidence(passages[i]) for i in cited], question,
                                kin(cited, passages, articles))
        if reason:
            best = best_passage(sentence_text, passages, question, articles)
            if best is None:
                withheld.append(Withheld(sentence_text, reason))
                continue
            cited = [best]
        if instructions.planted(sentence_text, [passages[i].text for i in cited]):
            withheld.append(Withheld(sentence_text, "obeys an instruction written in an article"))
            continue
        ids = []
        for i in cited:
            numbering.setdefault(i, len(numbering) + 1)
            ids.append(numbering[i])
            quotes.setdefault(i, []).append(best_span(sentence_text, passages[i].text, question))
        sentences.append(Sentence(sentence_text, ids, True))
    if not any(s.kind == "claim" for s in sentences):
        return abstention("model" if refused else "unsupported", withheld)
    citations = [citation(cid, passages[i], quotes[i]) for i, cid in sorted(numbering.items(), key=lambda x: x[1])]
    return ParsedAnswer(render_all(sentences), False, sentences, citations, withheld, None)


def split_sentences(text: str, n_passages: int) -> list[tuple[str, list[int]]]:
    """(sentence without markers, 0-based passage indexes it cites), markers after a
    sentence's full stop counted with that sentence."""
    pieces = [p for p in _SENTENCE_SPLIT.split(text) if p.strip()]
    out: list[tuple[str, list[int]]] = []
    for piece in pieces:
        lead = re.match(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+", piece)
        if lead and out:  # "[1]" opening this piece closes the previous sentence
            out[-1][1].extend(_indexes(lead.group(0), n_passages, out[-1][1]))
            piece = piece[lead.end():]
        cited = _indexes(piece, n_passages, [])
        clean = re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", piece)).strip()
        if clean and re.search(r"\w", clean):
            out.append((clean, cited))
        elif cited and out:
            out[-1][1].extend(i for i in cited if i not in out[-1][1])
    return out


def _split_refusal(sentence: str, cited: list[int]) -> list[tuple[str, list[int]]]:
    """"The articles do not say who won, but the final ended 2-1 [1]": a refusal and a
    claim, each judged on its own."""
    m = re.search(r",?\s+but\s+", sentence)
    if not m or not verify.is_refusal(sentence[:m.start()]):
        return [(sentence, cited)]
    claim = sentence[m.end():]
    return [(sentence[:m.start()] + ".", []), (claim[:1].upper() + claim[1:], cited)]


def _indexes(text: str, n_passages: int, already: list[int]) -> list[int]:
    found: list[int] = []
    for group in MARKER.findall(text):
        for num in re.split(r"\s*[,;]\s*", group):
            i = int(num) - 1
            if 0 <= i < n_passages and i not in found and i not in already:
                found.append(i)
    return found


def render(sentence: str, ids: list[int]) -> str:
    if not ids:
        return sentence
    marks = "".join(f"[{i}]" for i in ids)
    m = re.search(r"[.!?]+[\"'\u201d\u2019)]*$", sentence)
    if m:
        return f"{sentence[:m.start()]} {marks}{sentence[m.start():]}"
    return f"{sentence} {marks}."


def keeping(parsed: ParsedAnswer, sentences: list[Sentence]) -> ParsedAnswer:
    """`parsed` with only `sentences` (in this order): citations no kept sentence uses are
    dropped and the rest renumbered 1.. in order of first use."""
    new = {old: n for n, old in enumerate(dict.fromkeys(i for s in sentences for i in s.citations), 1)}
    parsed.sentences = [replace(s, citations=[new[i] for i in s.citations]) for s in sentences]
    parsed.citations = sorted((replace(c, id=new[c.id]) for c in parsed.citations if c.id in new),
                              key=lambda c: c.id)
    parsed.answer = render_all(parsed.sentences)
    return parsed


def render_all(sentences: list[Sentence]) -> str:
    """The answer text: each sentence with its citation markers."""
    return " ".join(render(s.text, s.citations) for s in sentences)


def kin(cited: list[int], passages: list[Passage], articles: Mapping[str, str] | None = None) -> list[str]:
    """The rest of the cited passages' articles: their whole text when given, else the other
    passages the model read of them."""
    docs = dict.fromkeys(passages[i].doc_id for i in cited)
    if articles and all(doc in articles for doc in docs):
        return [articles[doc] for doc in docs]
    return [evidence(p) for i, p in enumerate(passages) if p.doc_id in docs and i not in cited]


def best_passage(sentence: str, passages: list[Passage], question: str = "",
                 articles: Mapping[str, str] | None = None) -> int | None:
    """The retrieved passage that states the sentence best, or None when none states it."""
    ok = [i for i, p in enumerate(passages)
          if verify.problem(sentence, [evidence(p)], question, kin([i], passages, articles)) is None]
    return max(ok, key=lambda i: verify.local_support(sentence, [passages[i].text]), default=None)


def best_span(sentence: str, passage_text: str, question: str = "") -> tuple[int, int]:
    """Offsets (within the passage) of the passage sentence, or pair of sentences, that best
    supports `sentence`: the one that holds most of the figures and names it adds to the
    question, so a reader finds them in the quote, then most of its words (a pair only when
    it covers more of the sentence than one does)."""
    said = words.content_words(sentence)
    figures = words.numbers(sentence) - words.numbers(question)
    names = [n for n in words.names(sentence) if not words.mentions(n, question)]

    def score(span: tuple[int, int]) -> tuple[int, int, int]:
        text = passage_text[span[0]:span[1]]
        held = len(figures & words.numbers(text)) + sum(words.mentions(n, text) for n in names)
        return held, len(said & words.content_words(text)), span[0] - span[1]

    return max([*words.windows(passage_text, 1), *words.windows(passage_text, words.WINDOW)], key=score)


def citation(cid: int, p: Passage, spans: list[tuple[int, int]]) -> Citation:
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    return Citation(id=cid, doc_id=p.doc_id, title=p.title, source=p.source,
                    published=iso_date(p.published), chunk_id=p.chunk_id,
                    quote=p.text[start:end], start=p.start + start, end=p.start + end)
