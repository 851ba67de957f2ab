"""Every prompt Byline sends, in one place. The system prompt is a stable prefix so
llama.cpp can reuse its cached evaluation between questions."""

ABSTAIN_PHRASE = "The articles do not say."

SYSTEM_PROMPT = (
    "You answer questions about news articles using only the numbered passages given. "
    "Answer in one to three short sentences. End every sentence with the number of the "
    "passage it comes from in square brackets, for example [1] or [2]. "
    "Do not use outside knowledge. If the passages do not contain the answer, reply "
    f"exactly: {ABSTAIN_PHRASE}"
)

PASSAGE_TEMPLATE = "[{n}] {title}{date}\n{text}"

USER_TEMPLATE = "Passages:\n\n{passages}\n\nQuestion: {question}"
