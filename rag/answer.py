"""Question -> retrieve -> (enough evidence?) -> prompt -> LLM -> verified, cited Answer."""

from __future__ import annotations

import time
from collections.abc import Callable

from rag import agreement, instructions, relevance
from rag.ages import people, read_ages
from rag.citations import ParsedAnswer, abstention, keeping, parse_answer, render, split_sentences
from rag.compare import (COMPARE_HINT, Choice, Owner, Quantity, asks_difference, asks_ratio, choice,
                          choice_sentence, computed_sentence, is_comparison, option_questions, own_difference, sides,
                          two_sided, verdict)
from rag.context import Bodies, lean
from rag.embedding import Embedder
from rag.errors import InvalidInput
from rag.llm import LLM
from rag.prompts import PASSAGE_META, PASSAGE_TEMPLATE, USER_TEMPLATE, messages
from rag.retrieval import Lead, Retriever, distinct, diverse, with_lead, with_sides
from rag.types import Answer, Filters, Passage, Withheld

OnToken = Callable[[str], None]
OnCheck = Callable[[], None]  # the streamed reply is written; the model is asked again to check it
Article = Callable[[str], list[Passage]]  # doc_id -> the article's chunks in reading order
VERDICT_REASON = "names the winner of an either-or question that no cited passage compares"
DIFFERENCE_REASON = "states a difference no cited passage states: Byline computes differences from the cited figures"
CANDIDATES = 3  # passages retrieved per passage given to the model, to choose diverse ones from
_FORGEABLE = str.maketrans({"<": "(", ">": ")", "[": "(", "]": ")", '"': "'"})


def fence(text: str) -> str:
    """Article text made safe to place inside a <passage> element: one line, no character
    that could close the element, open another or forge a [n] marker, and no sentence that
    gives the model orders (rag.instructions.defang)."""
    return " ".join(instructions.defang(text).translate(_FORGEABLE).split())


def build_prompt(question: str, passages: list[Passage]) -> str:
    """The user message: the passages, fenced, then the question. What a reader sees of an
    article (headline, dateline, agency, date) heads its first passage only; a later passage
    of the same article names that passage instead (`same_article_as=1`)."""
    blocks, first = [], {}  # doc_id -> number of its first passage
    for n, p in enumerate(passages, 1):
        values = {"title": p.title or p.doc_id, "place": p.place.title(), "dated": p.dated,
                  "agency": p.source, "published": p.published.isoformat() if p.published else ""}
        meta = (f" same_article_as={first[p.doc_id]}" if p.doc_id in first
                else "".join(f' {k}="{fence(values[k])}"' for k in PASSAGE_META if values.get(k)))
        first.setdefault(p.doc_id, n)
        blocks.append(PASSAGE_TEMPLATE.format(n=n, meta=meta, text=fence(p.text)))
    question = " ".join(question.split())
    if is_comparison(question):
        question = f"{question} {COMPARE_HINT}"
    return USER_TEMPLATE.format(passages="\n\n".join(blocks), question=question)


def select(retriever: Retriever, question: str, k: int, filters: Filters | None = None,
           margin: float | None = None, lead_of: Lead | None = None) -> list[Passage]:
    """The k passages the model reads, of k * CANDIDATES retrieved: each text once, then
    diverse (rag.retrieval). An "A or B?" or comparison question is about two articles
    however they score, so it always keeps a slot for a second one; another question only
    when one comes within `margin`. Each side of such a question (an option, or what stands
    before and after "than": rag.compare.sides) is searched for too, and its best passage
    (scored against that search) takes a slot when its article is missing
    (rag.retrieval.with_sides). Given `lead_of`, the best article's opening takes its
    weakest slot (rag.retrieval.with_lead)."""
    candidates = distinct(retriever.retrieve(question, k * CANDIDATES, filters))
    chosen = diverse(candidates, k, margin=None if two_sided(question) else margin)
    found = [retriever.retrieve(side, 1, filters) for side in sides(question)]
    if found:  # each side's own best passage (scored against that side's search)
        chosen = with_sides(chosen, [hits[0] for hits in found if hits])
    return with_lead(question, chosen, lead_of) if lead_of else chosen


def on_question(question: str, parsed: ParsedAnswer) -> ParsedAnswer:
    """An answer whose verified sentences do not give what the question asks for (an
    amount, a date) is an abstention; its sentences are withheld with the reason."""
    claims = [s.text for s in parsed.sentences if s.kind == "claim"]
    reason = None if parsed.abstained else relevance.off_question(question, claims)
    if reason is None:
        return parsed
    return abstention("off_question", [Withheld(c, reason) for c in claims] + parsed.withheld)


def with_computation(question: str, parsed: ParsedAnswer, owner: Owner | None = None) -> ParsedAnswer:
    """A comparison answer gains the difference of its two cited figures, computed here (a
    difference the model worked out itself is withheld); an
    "A or B?" answer whose figures settle it names the winner with both figures (first),
    and keeps only the sentences that do not name the other option (the answer is the
    winner). `owner` tells which option a figure is about when its sentence does not say."""
    if parsed.abstained:
        return parsed
    options = choice(question)
    chosen = choice_sentence(options, parsed.sentences, owner) if options else None
    cited = {i for s in parsed.sentences for i in s.citations}
    if chosen is not None and cited <= set(chosen[0].citations):
        sentence, rendered, loser = chosen
        keep = [s for s in parsed.sentences if not options.names(loser, s.text)]
        parsed.sentences = [sentence, *keep]
        parsed.answer = " ".join([rendered, *(render(s.text, s.citations) for s in keep)])
        return parsed
    difference = asks_difference(question)
    if options:
        parsed = without_verdicts(options, parsed)
    elif difference:
        parsed = without_own_differences(parsed)
    if not difference or parsed.abstained:
        return parsed
    computed = computed_sentence(parsed.sentences, asks_ratio(question))
    if computed is None:
        return parsed
    sentence, rendered = computed
    parsed.sentences.append(sentence)
    parsed.answer = f"{parsed.answer} {rendered}"
    return parsed


def without_own_differences(parsed: ParsedAnswer) -> ParsedAnswer:
    """A difference answer keeps its sentences of fact but not a difference the model worked
    out itself ("80 years older than" from an age of 80): Byline computes it from the cited
    figures instead (rag.compare.computed_sentence)."""
    return withholding(parsed, own_difference, DIFFERENCE_REASON)


def without_verdicts(options: Choice, parsed: ParsedAnswer) -> ParsedAnswer:
    """An "A or B?" answer that the cited figures do not settle keeps its sentences of fact
    but not the model's own verdict ("B is cheaper [1]" from an article about B alone)."""
    return withholding(parsed, lambda text, quotes: verdict(options, text, quotes), VERDICT_REASON)


def withholding(parsed: ParsedAnswer, guessed: Callable[[str, list[str]], bool], reason: str) -> ParsedAnswer:
    """The answer without the claims that `guessed` (a claim's text and its quotes) finds to
    be the model's own conclusion, withheld with `reason`; when no claim is left, an
    abstention."""
    quotes = {c.id: c.quote for c in parsed.citations}
    moved = [s for s in parsed.sentences
             if s.kind == "claim" and guessed(s.text, [quotes[i] for i in s.citations if i in quotes])]
    if not moved:
        return parsed
    kept = [s for s in parsed.sentences if s not in moved]
    withheld = [Withheld(s.text, reason) for s in moved] + parsed.withheld
    if not any(s.kind == "claim" for s in kept):
        return abstention("unsupported", withheld)
    parsed.withheld = withheld
    return keeping(parsed, kept)


def settled(parsed: ParsedAnswer) -> bool:
    """Whether an "A or B?" answer names the winner from its figures (with_computation puts
    that sentence first)."""
    return bool(parsed.sentences) and parsed.sentences[0].kind == "computed"


class Answerer:
    """Answers from the top passages; declines without asking the model when the best
    passage scores below `min_evidence` (a cosine similarity: nothing relevant was found).
    Given an embedder and the articles' bodies, the model reads only the retrieved articles'
    sentences closest to the question (rag.context.lean), not whole passages.

    With `check_order`, the model reads the passages twice, the second time in reverse
    order: an answer is withheld when the other reading states something else, and when
    only the second reading answers, its answer is given (rag.agreement). The second
    reading costs a second answer's time (timed as "verify"). Not for one passage, nor for
    two-sided questions: their answer has a figure from each side, which side the model
    names first moves with the order, and rag.compare checks those figures."""

    def __init__(self, retriever: Retriever, llm: LLM, *, top_k: int = 4, max_tokens: int = 200,
                 temperature: float = 0.0, model_name: str | None = None, min_evidence: float = 0.0,
                 embedder: Embedder | None = None, body_of: Bodies | None = None, neighbours: int = 0,
                 share: float = 0.5, article_margin: float | None = None, check_order: bool = False,
                 lead_of: Lead | None = None, article_of: Article | None = None):
        if top_k < 1 or max_tokens < 1:
            raise ValueError("top_k and max_tokens must be >= 1")
        self.retriever = retriever
        self.llm = llm
        self.top_k = top_k
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.model_name = model_name
        self.min_evidence = min_evidence
        self.embedder = embedder
        self.body_of = body_of
        self.neighbours = neighbours
        self.share = share
        self.article_margin = article_margin
        self.check_order = check_order
        self.lead_of = lead_of
        self.article_of = article_of

    def run(self, question: str, *, top_k: int | None = None, filters: Filters | None = None,
            on_token: OnToken | None = None, on_check: OnCheck | None = None) -> Answer:
        """The verified answer. `on_token` gets the first reading's reply as it is written;
        `on_check` is called once when more model time follows it (the second reading, or
        the question asked again for each option), so a reader can be told why it waits."""
        if not question or not question.strip():
            raise InvalidInput("the question is empty")
        t0 = time.perf_counter()
        k = top_k or self.top_k
        passages = select(self.retriever, question, k, filters, self.article_margin, self.lead_of)
        t_retrieved = time.perf_counter()
        enough = bool(passages) and max(p.score for p in passages) >= self.min_evidence
        if enough and self.embedder is not None and self.body_of is not None:
            passages = lean(question, passages, self.embedder, self.body_of, self.neighbours, self.share)
        t_selected = time.perf_counter()
        prompt = messages(build_prompt(question, passages))
        options = choice(question) if enough else None
        aged = self._ages(question, options, passages) if enough else None  # Byline compares them itself
        raw, t_first = self._generate(prompt, on_token) if enough and aged is None else ("", None)
        t_done = time.perf_counter()
        articles = self._articles(passages) if enough and aged is None else {}
        parsed = aged or (parse_answer(raw, passages, question, articles) if enough else abstention("no_evidence"))
        if self.check_order and aged is None and enough and len(passages) > 1 and not two_sided(question):
            if on_check:
                on_check()
            parsed = self._read_again(question, passages, parsed, articles)
        if aged is None:
            parsed = with_computation(question, on_question(question, parsed))
        if options and not settled(parsed):
            if on_check:
                on_check()
            t_asked = time.perf_counter()
            parsed = self._by_option(question, options, passages, prompt, parsed, articles)
            t_done += time.perf_counter() - t_asked  # the model's time, not the checks'
        t_verified = time.perf_counter()
        t_first = t_first or t_done
        ms = lambda a, b: round((b - a) * 1000)  # noqa: E731
        return Answer(
            question=question, answer=parsed.answer, abstained=parsed.abstained,
            citations=parsed.citations, sentences=parsed.sentences,
            model=self.model_name or self.llm.model,
            timings_ms={"retrieve": ms(t0, t_retrieved), "select": ms(t_retrieved, t_selected),
                        "prompt": ms(t_selected, t_first), "generate": ms(t_selected, t_done),
                        "verify": ms(t_done, t_verified), "total": ms(t0, t_verified)},
            passages=passages, withheld=parsed.withheld, abstain_reason=parsed.abstain_reason)

    def _articles(self, passages: list[Passage]) -> dict[str, str]:
        """The whole text of the passages' articles, given `article_of` (verification looks
        there for whom a passage speaks of), by doc_id."""
        if self.article_of is None:
            return {}
        docs = dict.fromkeys(p.doc_id for p in passages)
        return {doc: "\n".join(c.text for c in self.article_of(doc)) for doc in docs}

    def _ages(self, question: str, options: Choice | None, passages: list[Passage]) -> ParsedAnswer | None:
        """The answer to a question comparing two people's ages, read by code (rag.ages) from
        the passages or, given `article_of`, from the rest of their articles (an age is often
        given once, at a person's first mention, outside the passages that rank best)."""
        found = read_ages(question, options, passages)
        if found is not None or self.article_of is None or people(question, options) is None:
            return found
        seen = {p.chunk_id for p in passages}
        rest = [c for doc in dict.fromkeys(p.doc_id for p in passages) for c in self.article_of(doc)
                if c.chunk_id not in seen]
        return read_ages(question, options, passages + rest)

    def _generate(self, prompt: list[dict], on_token: OnToken | None = None,
                  after: list[dict] | None = None) -> tuple[str, float | None]:
        """The model's reply to the prompt's messages, and when its first piece came; `after`:
        the prompt this one follows up (the same passages, another question)."""
        raw, t_first = "", None
        for piece in self.llm.stream(prompt, max_tokens=self.max_tokens, temperature=self.temperature, after=after):
            t_first = t_first or time.perf_counter()
            raw += piece
            if on_token:
                on_token(piece)
        return raw, t_first

    def _read_again(self, question: str, passages: list[Passage], parsed: ParsedAnswer,
                    articles: dict[str, str]) -> ParsedAnswer:
        """The answer of two readings, the second with the passages in reverse order: the
        first reading's unless the second contradicts it (then an abstention that withholds
        its claims), or the second's when only the second answers (rag.agreement). What
        each reading states is compared before asking whether it answers the question
        (rag.relevance): a reading that states something beside the point still said it."""
        turned = passages[::-1]
        again = parse_answer(self._generate(messages(build_prompt(question, turned)))[0], turned, question, articles)
        if parsed.abstained:
            return parsed if again.abstained else again
        if not agreement.contradicts(agreement.said(parsed), agreement.said(again), question):
            return parsed
        claims = [Withheld(s.text, agreement.REASON) for s in parsed.sentences if s.kind == "claim"]
        return abstention("unstable", claims + parsed.withheld)

    def _by_option(self, question: str, options: Choice, passages: list[Passage], prompt: list[dict],
                   parsed: ParsedAnswer, articles: dict[str, str]) -> ParsedAnswer:
        """An "A or B?" answer that did not settle it: ask for each option's figure on its own
        (same passages, so the model reads only the new question), and answer from both
        replies when their figures settle it. A figure from the reply about option A is A's
        when its sentence names A or, naming neither, cites a passage that names A."""
        replies = {option: self._generate(messages(build_prompt(q, passages)), after=prompt)[0]
                   for option, q in zip(options.options, option_questions(options))}
        both = on_question(question, parse_answer(" ".join(replies.values()), passages, question, articles))
        asked = {text: option for option, reply in replies.items() for text, _ in split_sentences(reply, len(passages))}
        cited = {c.id: f"{c.title}\n{c.quote}" for c in both.citations}

        def owner(q: Quantity) -> str | None:
            if any(options.names(o, q.said) for o in options.options):
                return options.option_of(q.said)  # None when it names both
            option = asked.get(q.said)
            return option if option and options.names(option, cited.get(q.citation, "")) else None

        by_option = with_computation(question, both, owner)
        return by_option if settled(by_option) else parsed
