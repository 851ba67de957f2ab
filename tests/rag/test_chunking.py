import pytest

from rag.chunking import Chunker, locate
from rag.corpus import read_file
from rag.types import Article
from tests.conftest import SEED_FILE


def check_offsets(article, chunks):
    assert chunks, "no chunks"
    for i, c in enumerate(chunks):
        assert c.index == i
        assert article.body[c.start:c.end] == c.text
        assert c.text.strip() == c.text
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    visible = {i for i, ch in enumerate(article.body) if not ch.isspace()}
    assert visible <= covered, "some article text is in no chunk"


def test_seed_article_chunks_are_exact_slices():
    [article] = read_file(SEED_FILE, SEED_FILE.parent)
    chunks = Chunker(180, 30).run(article)
    check_offsets(article, chunks)
    assert len(chunks) >= 3  # ~2,400 characters at 180 tokens a chunk


@pytest.mark.parametrize("size,overlap", [(40, 0), (64, 16), (180, 30)])
def test_messy_whitespace_and_repeated_sentences(size, overlap):
    body = ("Prices rose.  Prices rose.\n\n\tThe bank  said so.\r\n" * 8) + "Last line without stop"
    article = Article(doc_id="x", title="t", body=body)
    check_offsets(article, Chunker(size, overlap).run(article))


def test_bbc_articles_chunk_exactly(bbc):
    chunker = Chunker(180, 30)
    for path in sorted((bbc / "business").glob("*.txt"))[:40]:
        for article in read_file(path, bbc):
            check_offsets(article, chunker.run(article))


def test_locate_tolerates_changed_whitespace():
    body = "alpha  beta\ngamma delta"
    assert locate(body, "beta gamma", 0, 0) == (7, 17)
    assert locate(body, "zeta", 0, 0) == (-1, -1)


def test_locate_prefers_the_last_match_that_keeps_chunks_contiguous():
    body = "ab ab ab ab"
    assert locate(body, "ab ab", 1, 6) == (6, 11)


def test_overlap_must_be_smaller_than_size():
    with pytest.raises(ValueError):
        Chunker(50, 50)
