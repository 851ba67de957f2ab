from rag.citations import parse_answer, sentence_spans, split_sentences, support
from rag.prompts import ABSTAIN_PHRASE
from rag.types import Passage

BODY = ("Rutte said the alliance is not discussing an invitation. He spoke in Brussels. "
        "Zelensky said on December 1 that Ukraine would never accept a partial invitation. "
        "Ukraine has signed over a dozen bilateral agreements.")


def passage(text: str, n: int) -> Passage:
    start = BODY.index(text)
    return Passage(chunk_id=f"a#{n}", doc_id="a.txt", text=text, start=start, end=start + len(text),
                   score=0.5, title="NATO")


P1 = passage("Rutte said the alliance is not discussing an invitation. He spoke in Brussels.", 0)
P2 = passage("Zelensky said on December 1 that Ukraine would never accept a partial invitation. "
             "Ukraine has signed over a dozen bilateral agreements.", 1)


def test_markers_renumbered_in_order_of_use_with_verbatim_quotes():
    parsed = parse_answer("Ukraine signed over a dozen bilateral agreements [2]. "
                          "Rutte said the alliance is not discussing an invitation [1].", [P1, P2])
    assert not parsed.abstained
    assert parsed.answer == ("Ukraine signed over a dozen bilateral agreements [1]. "
                             "Rutte said the alliance is not discussing an invitation [2].")
    assert [c.doc_id for c in parsed.citations] == ["a.txt", "a.txt"]
    first, second = parsed.citations
    assert (first.id, first.chunk_id, second.id, second.chunk_id) == (1, "a#1", 2, "a#0")
    assert first.quote == "Ukraine has signed over a dozen bilateral agreements."
    assert second.quote == "Rutte said the alliance is not discussing an invitation."
    for c in parsed.citations:
        assert BODY[c.start:c.end] == c.quote
    assert [s.citations for s in parsed.sentences] == [[1], [2]]
    assert all(s.supported for s in parsed.sentences)


def test_marker_naming_no_passage_is_dropped():
    parsed = parse_answer("He spoke in Brussels [7].", [P1, P2])
    # the bogus [7] is dropped; the sentence is then attributed to the passage that supports it
    assert parsed.answer == "He spoke in Brussels [1]."
    assert parsed.citations[0].chunk_id == "a#0"


def test_uncited_unsupported_sentence_stays_uncited():
    parsed = parse_answer("The summit will be held in Paris next year.", [P1, P2])
    assert parsed.citations == []
    assert parsed.sentences[0].citations == [] and not parsed.sentences[0].supported


def test_citation_to_a_passage_that_does_not_support_the_sentence_is_moved():
    parsed = parse_answer("Ukraine has signed over a dozen bilateral agreements [1].", [P1, P2])
    assert parsed.citations[0].chunk_id == "a#1"
    assert parsed.citations[0].quote == "Ukraine has signed over a dozen bilateral agreements."
    assert parsed.sentences[0].supported


def test_cited_but_unsupported_sentence_is_flagged():
    parsed = parse_answer("Macron hosted the Paris summit in July [1].", [P1, P2])
    assert parsed.sentences[0].citations == [1]
    assert not parsed.sentences[0].supported


def test_marker_after_full_stop_and_grouped_markers():
    parts = split_sentences("Rutte spoke. [1] Zelensky refused [1, 2]. Done [2][3]", 2)
    assert parts == [("Rutte spoke.", [0]), ("Zelensky refused.", [0, 1]), ("Done", [1])]


def test_abstention_phrase_means_abstained_without_citations():
    for raw in (ABSTAIN_PHRASE, f"  {ABSTAIN_PHRASE.lower()}  ", f"Sorry. {ABSTAIN_PHRASE} [1]"):
        parsed = parse_answer(raw, [P1])
        assert parsed.abstained and parsed.citations == [] and parsed.answer == ABSTAIN_PHRASE


def test_empty_output_or_no_passages_abstains():
    assert parse_answer("", [P1]).abstained
    assert parse_answer("Rutte spoke [1].", []).abstained


def test_answer_prefix_is_stripped():
    assert parse_answer("Answer: He spoke in Brussels [1].", [P1]).answer == "He spoke in Brussels [1]."


def test_support_counts_content_words():
    assert support("Rutte spoke in Brussels", [P1.text]) == 1.0
    assert support("Macron spoke in Paris", [P1.text]) < 0.6


def test_sentence_spans_keep_decimals_and_quotes_together():
    text = 'Profit rose to $1.13bn. "It is good," he said.\nNext line'
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Profit rose to $1.13bn.", '"It is good," he said.', "Next line"]
