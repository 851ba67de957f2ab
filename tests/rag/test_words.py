from rag.words import content_words, names, numbers, sentence_spans


def test_sentence_spans_keep_decimals_and_quotes_together():
    text = 'Profit rose to $1.13bn. "It is good," he said.\nNext line'
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Profit rose to $1.13bn.", '"It is good," he said.', "Next line"]


def test_a_number_is_its_digits_whatever_its_form():
    assert numbers("It cost £1,200 and 4.75% in 2023") == {"1200", "4.75", "2023"}
    assert numbers("Three ministers and a dozen deals") == {"3", "12"}


def test_names_are_the_capitalised_words_after_the_first():
    assert names("In Paris, Macron met Rutte's team.") == ["Paris", "Macron", "Rutte"]


def test_verb_forms_and_irregular_pasts_are_one_word():
    assert content_words("Exports rose and grew") == content_words("exports rise and grow")
    assert content_words("Unilever agreed; prices priced") == content_words("Unilever agrees; price pricing")
    assert names("Rutte's team met Macron.", first=True) == ["Rutte", "Macron"]  # the first word too
