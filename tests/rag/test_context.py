import numpy as np

from rag.bm25 import scores
from rag.context import lean, ranked
from rag.errors import NotFound
from rag.types import Passage

BODY = ("Alpha opens the story. Bravo talks about rain. Charlie counts the votes. "
        "Delta reports the harbour fire. Echo closes the story.")


class WordEmbedder:
    """A bag-of-words embedder: a sentence scores by the question words it shares."""

    name = "words"

    def embed_batch(self, texts):
        vocab = sorted({w for t in texts for w in self._words(t)})
        out = []
        for t in texts:
            v = np.array([1.0 if w in self._words(t) else 0.0 for w in vocab])
            out.append(list(v / (np.linalg.norm(v) or 1.0)))
        return out

    @staticmethod
    def _words(text):
        return {w.strip(".,?").lower() for w in text.split()}


def passage(start: int, end: int, doc_id: str = "a", body: str = BODY) -> Passage:
    return Passage(chunk_id=f"{doc_id}#{start}", doc_id=doc_id, text=body[start:end], start=start, end=end,
                   score=0.5)


def test_the_best_sentence_comes_with_a_neighbour_each_side_verbatim():
    p = passage(0, len(BODY))
    [got] = lean("Who counts the votes?", [p], WordEmbedder(), {"a": BODY}.__getitem__, neighbours=1, share=0)
    assert got.text == "Bravo talks about rain. Charlie counts the votes. Delta reports the harbour fire."
    assert BODY[got.start:got.end] == got.text


def test_a_neighbour_beyond_the_passage_edge_is_taken_from_the_article():
    start = BODY.index("Charlie")
    p = passage(start, BODY.index("Delta") - 1)  # the passage holds Charlie's sentence only
    [got] = lean("Who counts the votes?", [p], WordEmbedder(), {"a": BODY}.__getitem__, neighbours=1, share=0)
    assert got.text.startswith("Bravo") and got.text.endswith("harbour fire.")


def test_selections_of_one_article_that_meet_are_read_once():
    first = passage(0, BODY.index("Delta") - 1)
    second = passage(BODY.index("Charlie"), len(BODY))
    got = lean("Charlie counts votes", [first, second], WordEmbedder(), {"a": BODY}.__getitem__, neighbours=1,
               share=0)
    assert len(got) == 1
    assert BODY[got[0].start:got[0].end] == got[0].text


def test_passages_of_other_articles_stay_apart():
    other = "Foxtrot sails home. Golf counts the votes twice. Hotel waves."
    got = lean("Who counts the votes?", [passage(0, len(BODY)), passage(0, len(other), "b", other)],
               WordEmbedder(), {"a": BODY, "b": other}.__getitem__, neighbours=0, share=0)
    assert [p.text for p in got] == ["Charlie counts the votes.", "Golf counts the votes twice."]


def test_more_sentences_are_added_best_first_within_the_share_of_the_passages_length():
    p = passage(0, len(BODY))
    got = lean("Who counts the votes in the story?", [p], WordEmbedder(), {"a": BODY}.__getitem__, neighbours=0,
               share=0.5)
    texts = [g.text for g in got]
    assert texts[0].startswith("Alpha opens the story.")  # article order, not score order
    assert "Charlie counts the votes." in " ".join(texts) and "harbour" not in " ".join(texts)
    assert all(BODY[g.start:g.end] == g.text for g in got)


def test_an_article_replaced_or_deleted_since_the_search_is_given_whole():
    p = passage(0, 40)

    def gone(doc_id):
        raise NotFound(doc_id)

    assert lean("votes?", [p], WordEmbedder(), gone) == [p]
    assert lean("votes?", [p], WordEmbedder(), lambda d: "A different body altogether, longer than forty.") == [p]


class BlurryEmbedder:
    """Every text gets the same vector: cosine similarity cannot tell sentences apart."""

    name = "blurry"

    def embed_batch(self, texts):
        return [[1.0, 0.0] for _ in texts]


def test_a_sentence_naming_what_the_question_names_ranks_first_when_the_embedder_blurs():
    texts = ["Alpha opens the story.", "The harbour fire burned for days.", "Echo closes the story."]
    assert ranked("How long did the harbour fire burn?", texts, BlurryEmbedder())[0] == 1
    assert ranked("Who?", texts, BlurryEmbedder()) == [0, 1, 2]  # no shared words: cosine order


def test_bm25_scores_rare_shared_words_and_nothing_else():
    got = scores("harbour fires", ["A harbour fire.", "The fire spread.", "Rain fell."])
    assert got[0] > got[1] > 0 and got[2] == 0
    assert scores("", ["A harbour fire."]).tolist() == [0.0]
