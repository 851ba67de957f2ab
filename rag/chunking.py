"""Article -> Chunks: sentence-aware pieces (llama-index SentenceSplitter) with offsets.

The splitter returns text; each piece is located in the article body so that
`article.body[chunk.start:chunk.end] == chunk.text` always holds.
"""

from __future__ import annotations

from llama_index.core.node_parser import SentenceSplitter

from rag.types import Article, Chunk


class Chunker:
    def __init__(self, chunk_size: int = 180, chunk_overlap: int = 30):
        if not 0 <= chunk_overlap < chunk_size:
            raise ValueError(f"need 0 <= chunk_overlap < chunk_size, got {chunk_overlap}, {chunk_size}")
        self._splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap,
                                          paragraph_separator="\n")

    def run(self, article: Article) -> list[Chunk]:
        body = article.body
        chunks: list[Chunk] = []
        prev_start, prev_end = -1, 0
        for piece in self._splitter.split_text(body):
            start, end = locate(body, piece.strip(), prev_start + 1, _next_visible(body, prev_end))
            if start < 0:
                continue  # cannot happen for text the splitter took from the body
            chunks.append(Chunk(article.doc_id, len(chunks), body[start:end], start, end))
            prev_start, prev_end = start, end
        return chunks


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
