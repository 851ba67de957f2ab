"""Model output -> sentences with [n] citations, each checked against the passage it cites.

Markers that name no passage are dropped. Citations are renumbered 1.. in order of
first use. A sentence is `supported` when most of its content words (names, numbers,
nouns) occur in the passages it cites. A sentence the model left uncited, or cited to
a passage that does not support it, is attributed to the retrieved passage that
supports it best, if one does; otherwise it keeps what the model gave and is marked
unsupported. Every quote is a verbatim slice of the article body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.dates import iso_date
from rag.prompts import ABSTAIN_PHRASE
from rag.types import Citation, Passage, Sentence

MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=\S)")
_BOUNDARY = re.compile(r"(?<=[.!?])(?P<q>[\"'\u201d\u2019)]*)\s+|\n+")
_WORD = re.compile(r"[\w\u2019'%$£€.-]+")
SUPPORT_THRESHOLD = 0.6
STOPWORDS = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been
being it its this that these those he she they them his her their we our you your i not no do does did
has have had will would can could should may might must shall said says say about into over than then
there here which who whom whose what when where why how also only very more most such any all some""".split())


@dataclass
class ParsedAnswer:
    answer: str
    abstained: bool
    sentences: list[Sentence]
    citations: list[Citation]


def is_abstention(text: str) -> bool:
    return _normalise(ABSTAIN_PHRASE) in _normalise(text)


def parse_answer(raw: str, passages: list[Passage]) -> ParsedAnswer:
    text = re.sub(r"^\s*answer\s*:\s*", "", raw.strip(), flags=re.I)
    if not text or is_abstention(text) or not passages:
        return ParsedAnswer(ABSTAIN_PHRASE, True, [], [])
    numbering: dict[int, int] = {}  # passage index (0-based) -> citation id
    quotes: dict[int, list[tuple[int, int]]] = {}  # passage index -> supporting spans
    sentences, rendered = [], []
    for sentence_text, cited in split_sentences(text, len(passages)):
        supported = bool(cited) and support(sentence_text, [passages[i].text for i in cited]) >= SUPPORT_THRESHOLD
        if not supported:
            best = best_passage(sentence_text, passages)  # it supports the sentence, or is None
            if best is not None:
                cited, supported = [best], True
        ids = []
        for i in cited:
            numbering.setdefault(i, len(numbering) + 1)
            ids.append(numbering[i])
            quotes.setdefault(i, []).append(best_span(sentence_text, passages[i].text))
        sentences.append(Sentence(sentence_text, ids, supported))
        rendered.append(_render(sentence_text, ids))
    citations = [_citation(cid, passages[i], quotes[i]) for i, cid in sorted(numbering.items(), key=lambda x: x[1])]
    return ParsedAnswer(" ".join(rendered), False, sentences, citations)


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


def _indexes(text: str, n_passages: int, already: list[int]) -> list[int]:
    found: list[int] = []
    for group in MARKER.findall(text):
        for num in re.split(r"\s*[,;]\s*", group):
            i = int(num) - 1
            if 0 <= i < n_passages and i not in found and i not in already:
                found.append(i)
    return found


def _render(sentence: str, ids: list[int]) -> str:
    if not ids:
        return sentence
    marks = "".join(f"[{i}]" for i in ids)
    m = re.search(r"[.!?]+[\"'\u201d\u2019)]*$", sentence)
    if m:
        return f"{sentence[:m.start()]} {marks}{sentence[m.start():]}"
    return f"{sentence} {marks}."


def content_words(text: str) -> set[str]:
    words = (w.strip(".-'\u2019").lower() for w in _WORD.findall(text))
    return {w for w in words if w and w not in STOPWORDS and (len(w) > 2 or w.isdigit())}


def support(sentence: str, texts: list[str]) -> float:
    """Share of the sentence's content words found in the texts (1.0 when it has none)."""
    words = content_words(sentence)
    if not words:
        return 1.0
    have = set().union(*(content_words(t) for t in texts)) if texts else set()
    return len(words & have) / len(words)


def best_passage(sentence: str, passages: list[Passage]) -> int | None:
    scores = [support(sentence, [p.text]) for p in passages]
    best = max(range(len(passages)), key=scores.__getitem__)
    return best if scores[best] >= SUPPORT_THRESHOLD else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line in text, whitespace trimmed."""
    spans, start = [], 0
    for m in [*_BOUNDARY.finditer(text), None]:
        end = len(text) if m is None else m.start() + len(m.group("q") or "")
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        if m is not None:
            start = m.end()
    return spans


def best_span(sentence: str, passage_text: str) -> tuple[int, int]:
    """Offsets (within the passage) of the passage sentence that best supports `sentence`."""
    words = content_words(sentence)
    spans = sentence_spans(passage_text) or [(0, len(passage_text))]
    return max(spans, key=lambda sp: len(words & content_words(passage_text[sp[0]:sp[1]])))


def _citation(cid: int, p: Passage, spans: list[tuple[int, int]]) -> Citation:
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    return Citation(id=cid, doc_id=p.doc_id, title=p.title, source=p.source,
                    published=iso_date(p.published), chunk_id=p.chunk_id,
                    quote=p.text[start:end], start=p.start + start, end=p.start + end)


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("\u2019", "'")).split())
