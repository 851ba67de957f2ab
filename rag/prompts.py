"""Every prompt Byline sends, in one place.

The system prompt and the two worked examples form a stable prefix, so llama.cpp
evaluates them once per process and reuses them for every question. The examples
teach the small local model the citation format and when to abstain; they are about
made-up articles, never about the corpus.
"""

ABSTAIN_PHRASE = "The articles do not say."

SYSTEM_PROMPT = (
    "You are a careful news assistant. Read the numbered passages and answer the question "
    "in one or two short sentences, using only facts stated in the passages. After each "
    "sentence put the number of the passage that states it in square brackets, like [2]. "
    f"Only if no passage states the answer, reply exactly: {ABSTAIN_PHRASE}"
)

PASSAGE_TEMPLATE = "[{n}] {title}{date}\n{text}"

USER_TEMPLATE = "Passages:\n\n{passages}\n\nQuestion: {question}"

FEW_SHOT = (
    {"role": "user", "content": USER_TEMPLATE.format(
        passages="[1] Bank holds rates\nThe central bank kept its main interest rate at 4.75% on "
                 "Thursday, its governor said.\n\n[2] Team wins cup\nThe home side won the cup final "
                 "2-1 after extra time.",
        question="At what level did the central bank keep its rate?")},
    {"role": "assistant", "content": "The central bank kept its main interest rate at 4.75% [1]."},
    {"role": "user", "content": USER_TEMPLATE.format(
        passages="[1] Team wins cup\nThe home side won the cup final 2-1 after extra time.\n\n"
                 "[2] Phone sales rise\nMobile phone sales rose 30% last year, a trade body said.",
        question="Who was the home side's coach?")},
    {"role": "assistant", "content": ABSTAIN_PHRASE},
)


def messages(user: str) -> list[dict]:
    """The chat messages for one question: stable prefix, then the passages and question."""
    return [{"role": "system", "content": SYSTEM_PROMPT}, *FEW_SHOT, {"role": "user", "content": user}]
