"""Article -> Chunks: sentence-aware pieces (llama-index SentenceSplitter) with offsets.

The splitter returns text; each piece is located in the article body so that
`article.body[chunk.start:chunk.end] == chunk.text` always holds.

Two switches, both off by default (then a vector is of the chunk text alone, sized in
tiktoken tokens): with `headline`, the headline (and dateline) is embedded before the chunk
(`embedding_text`) while the stored text and offsets stay the verbatim chunk; with the
embedder's word-piece counter, chunk length is measured in its word pieces and the
headline plus chunk never exceed its window (nothing is silently truncated).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from llama_index.core.node_parser import SentenceSplitter

from rag.types import Article, Chunk

# Part of the store's vector identity when on (rag.components.vector_name), so a store built
# the other way is refused (not mixed) and the eval builds a new one.
EMBED_FORMAT = "headline-v1"  # what a vector is computed from with the headline on
WORD_PIECES = "word-pieces"  # chunks sized in the embedder's word pieces
MIN_BUDGET = 32  # word pieces left for the chunk when the headline is long


class Chunker:
    def __init__(self, chunk_size: int = 180, chunk_overlap: int = 30, *,
                 word_pieces: Callable[[str], list] | None = None, window: int | None = None,
                 headline: bool = False):
        """`word_pieces(text)` -> the embedder's pieces of text (no special tokens) and
        `window` its most pieces per text; without them sizes are tiktoken tokens."""
        if not 0 <= chunk_overlap < chunk_size:
            raise ValueError(f"need 0 <= chunk_overlap < chunk_size, got {chunk_overlap}, {chunk_size}")
        if window is not None and window < 2 * MIN_BUDGET:
            raise ValueError(f"window too small: {window}")
        self.chunk_size, self.chunk_overlap = chunk_size, chunk_overlap
        self.word_pieces, self.window, self.headline = word_pieces, window, headline
        self._splitters: dict[int, SentenceSplitter] = {}

    def prefix(self, article: Article) -> str:
        """The headline and dateline embedded with every chunk ("" when off or absent);
        at most a quarter of the window."""
        if not self.headline:
            return ""
        dateline = article.metadata.get("dateline")
        dateline = dateline if isinstance(dateline, dict) else {}
        where = ", ".join(str(x) for x in (dateline.get("place"), dateline.get("date_text")) if x)
        parts = [p.strip() for p in (article.title, where) if p and p.strip()]
        text = " ".join(p if p[-1] in ".!?" else p + "." for p in parts)
        if self.window and self.word_pieces:
            words = text.split()
            while words and self._count(" ".join(words)) > self.window // 4:
                words.pop()
            text = " ".join(words)
        return re.sub(r"\s+", " ", text).strip()

    def embedding_text(self, prefix: str, chunk: Chunk) -> str:
        return f"{prefix}\n{chunk.text}" if prefix else chunk.text

    def run(self, article: Article) -> list[Chunk]:
        body = article.body
        prefix = self.prefix(article)
        budget = self._budget(prefix)
        chunks: list[Chunk] = []
        prev_start, prev_end = -1, 0
        for piece in self._splitter(budget).split_text(body):
            start, end = locate(body, piece.strip(), prev_start + 1, _next_visible(body, prev_end))
            if start < 0:
                continue  # cannot happen for text the splitter took from the body
            for s, e in self._fit(body, start, end, budget):
                chunks.append(Chunk(article.doc_id, len(chunks), body[s:e], s, e))
            prev_start, prev_end = start, end
        return chunks

    def _count(self, text: str) -> int:
        return len(self.word_pieces(text)) if self.word_pieces else 0

    def _budget(self, prefix: str) -> int:
        if not (self.window and self.word_pieces):
            return self.chunk_size
        room = self.window - (self._count(prefix) + 1 if prefix else 0)  # +1: the newline's piece, if any
        return max(MIN_BUDGET, min(self.chunk_size, room))

    def _splitter(self, size: int) -> SentenceSplitter:
        if size not in self._splitters:
            overlap = self.chunk_overlap if size == self.chunk_size else min(self.chunk_overlap, size // 4)
            self._splitters[size] = SentenceSplitter(chunk_size=size, chunk_overlap=overlap,
                                                     paragraph_separator="\n", tokenizer=self.word_pieces)
        return self._splitters[size]

    def _fit(self, body: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
        """[start, end) split at spaces into pieces of at most `budget` word pieces (the
        splitter counts pieces of sentences joined anew, so it can overshoot a little)."""
        if not self.word_pieces or self._count(body[start:end]) <= budget:
            return [(start, end)]
        spans = [m.span() for m in re.finditer(r"\S+", body[start:end])]
        out, first = [], 0
        while first < len(spans):
            last = first
            while last + 1 < len(spans) and self._count(body[start + spans[first][0]:start + spans[last + 1][1]]) <= budget:
                last += 1
            out.append((start + spans[first][0], start + spans[last][1]))  # a lone overlong word stays whole
            first = last + 1
        return out


def _next_visible(body: str, pos: int) -> int:
    while pos < len(body) and body[pos].isspace():
        pos += 1
    return pos


def locate(body: str, piece: str, lo: int, hi: int) -> tuple[int, int]:
    """Offsets of `piece` in `body`, starting in [lo, hi] (the last such match, so that
    repeated text still advances), else the first match after lo; tolerant of changed
    whitespace. (-1, -1) when absent."""
    best, pos = -1, body.find(piece, lo)
    while 0 <= pos <= hi:
        best, pos = pos, body.find(piece, pos + 1)
    if best < 0:
        best = body.find(piece, lo)
    if best >= 0:
        return best, best + len(piece)
    return _locate_words(body, piece.split(), lo)


def _locate_words(body: str, words: list[str], lo: int) -> tuple[int, int]:
    """The splitter may have normalised whitespace: match word by word."""
    start = body.find(words[0], lo) if words else -1
    if start < 0:
        return -1, -1
    pos = start
    for word in words:
        pos = body.find(word, pos)
        if pos < 0:
            return -1, -1
        pos += len(word)
    return start, pos
