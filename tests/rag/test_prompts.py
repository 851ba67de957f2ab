from rag.prompts import ABSTAIN_PHRASE, FEW_SHOT, SYSTEM_PROMPT, messages


def test_messages_are_a_stable_prefix_then_the_question():
    a, b = messages("first question"), messages("second question")
    assert a[:-1] == b[:-1]  # identical prefix: llama.cpp reuses its evaluation
    assert a[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert a[-1] == {"role": "user", "content": "first question"}
    roles = [m["role"] for m in a[1:-1]]
    assert roles == ["user", "assistant"] * (len(FEW_SHOT) // 2)


def test_abstention_phrase_is_taught_and_shown():
    assert ABSTAIN_PHRASE in SYSTEM_PROMPT
    assert any(m["content"] == ABSTAIN_PHRASE for m in FEW_SHOT if m["role"] == "assistant")
