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


# ---- word pieces and headlines (the real embedder's tokenizer) -----------------------------

def test_the_default_settings_chunk_in_tiktoken_tokens_without_a_headline(components):
    """As main did: SentenceSplitter(120, 20) in tiktoken tokens, nothing added to the vector."""
    from llama_index.core.node_parser import SentenceSplitter

    [article] = read_file(SEED_FILE, SEED_FILE.parent)
    chunks = components.chunker.run(article)
    want = SentenceSplitter(chunk_size=120, chunk_overlap=20, paragraph_separator="\n").split_text(article.body)
    assert [c.text for c in chunks] == [w.strip() for w in want]
    assert components.chunker.prefix(article) == "" and components.chunker.word_pieces is None


def test_the_switches_give_the_chunker_word_pieces_and_the_headline(hybrid):
    chunker = hybrid.chunker
    assert chunker.word_pieces == hybrid.embedder.word_pieces and chunker.window == hybrid.embedder.window
    assert chunker.headline

def wp_chunker(embedder, size, overlap=20, headline=True):
    return Chunker(size, overlap, word_pieces=embedder.word_pieces, window=embedder.window, headline=headline)


def fits(embedder, chunker, article):
    prefix = chunker.prefix(article)
    return [len(embedder.word_pieces(chunker.embedding_text(prefix, c))) for c in chunker.run(article)]


@pytest.mark.parametrize("size", [64, 128, 400, 1024])
def test_headline_and_chunk_never_exceed_the_embedders_window(embedder, bbc, size):
    chunker = wp_chunker(embedder, size)
    for path in sorted((bbc / "politics").glob("*.txt"))[:15]:
        for article in read_file(path, bbc):
            check_offsets(article, chunker.run(article))
            lengths = fits(embedder, chunker, article)
            assert max(lengths) <= embedder.window
            assert all(n <= size + len(embedder.word_pieces(chunker.prefix(article))) + 1 for n in lengths)


def test_sizes_are_counted_in_word_pieces_not_tiktoken_tokens(embedder):
    # numbers and rare words are many word pieces each; tiktoken counts them differently
    body = " ".join(f"Zxq{i}vb {i * 7919}." for i in range(300))
    article = Article(doc_id="x", title="", body=body)
    chunker = wp_chunker(embedder, 100, headline=False)
    lengths = [len(embedder.word_pieces(c.text)) for c in chunker.run(article)]
    assert max(lengths) <= 100 and sum(lengths) >= len(embedder.word_pieces(body))


def test_a_sentence_longer_than_the_window_is_split_at_spaces(embedder):
    body = " ".join(["antidisestablishmentarianism"] * 400)  # one sentence, ~2,000 word pieces
    article = Article(doc_id="x", title="A headline", body=body)
    chunker = wp_chunker(embedder, 1024)
    chunks = chunker.run(article)
    check_offsets(article, chunks)
    assert max(fits(embedder, chunker, article)) <= embedder.window


def test_embedding_text_has_headline_and_dateline_while_chunks_stay_verbatim(embedder):
    [article] = read_file(SEED_FILE, SEED_FILE.parent)
    chunker = wp_chunker(embedder, 128)
    prefix = chunker.prefix(article)
    assert article.title.split()[0] in prefix and "BRUSSELS" in prefix
    chunks = chunker.run(article)
    check_offsets(article, chunks)
    assert chunker.embedding_text(prefix, chunks[1]) == f"{prefix}\n{chunks[1].text}"
    assert wp_chunker(embedder, 128, headline=False).prefix(article) == ""


def test_an_overlong_headline_is_cut_to_a_quarter_of_the_window(embedder):
    article = Article(doc_id="x", title=" ".join(["headline"] * 300), body="Short body. " * 50)
    chunker = wp_chunker(embedder, 1024)
    assert len(embedder.word_pieces(chunker.prefix(article))) <= embedder.window // 4
    assert max(fits(embedder, chunker, article)) <= embedder.window
