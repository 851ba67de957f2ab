"""The web page in a real browser (Debian's Chromium via Playwright) against a real
`byline serve` process on loopback. Each test's docstring says which LLM it uses: the
fake OpenAI-compatible server of fake_llm.py (a word every 50 ms), none, or (one slow
test) the real local model. Odd server behaviour (429, a dropped stream, abstentions) is
played to the page with Playwright's request routing. Screenshots: tests/api/web/out/.

Waits use locators, not page.wait_for_function: the page's Content-Security-Policy forbids
the string evaluation Playwright's polling would need."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.api.web.conftest import WIDTHS, byline_serve, fake_llm_env, new_page, screenshot
from tests.conftest import SEED_FILE

QUESTION = "Who is NATO's Secretary General?"
# Records every change of the answer box and the status line, so a test can see the order
# in which things happened (tokens before the final answer, "busy" before the retry).
ANSWER_LOG = """
window.__log = [];
document.addEventListener('DOMContentLoaded', () => {
  const box = document.getElementById('answer'), body = document.getElementById('answer-body');
  const status = document.getElementById('ask-status');
  const note = () => {
    const r = body.getBoundingClientRect();
    window.__log.push({state: box.dataset.state || '', text: body.textContent, status: status.textContent,
                       top: r.top + window.scrollY, height: r.height});
  };
  new MutationObserver(note).observe(document.getElementById('ask'),
    {attributes: true, childList: true, characterData: true, subtree: true});
});
"""


def ask(page, question: str = QUESTION) -> None:
    page.fill("#question", question)
    page.press("#question", "Enter")


def final_answer(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_selector("#answer[data-state=final]", timeout=timeout_ms)


def tab_to(page, selector: str, backwards: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def in_view(page, selector: str) -> bool:
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }""", selector)


def sse_body(answer: dict, tokens: list[str]) -> str:
    events = [("token", {"text": t}) for t in tokens] + [("answer", answer), ("done", {})]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def serve_answer(page, answer: dict, tokens: list[str]) -> None:
    """Answer the page's next questions with `answer` (an SSE stream) instead of the server."""
    page.route("**/v1/answer", lambda route: route.fulfill(
        status=200, headers={"Content-Type": "text/event-stream"}, body=sse_body(answer, tokens)))


# ---- ask --------------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_tokens_arrive_before_the_verified_answer_replaces_them(browser, site, width):
    """Fake LLM. The streamed text grows token by token, the page says it is checking while
    the model reads the passages again, then the final answer takes its place (same
    position, no shrink) with a [1] marker, its source and quiet timings."""
    with new_page(browser, width) as page:
        page.add_init_script(ANSWER_LOG)
        page.goto(site)
        ask(page)
        page.wait_for_selector("#answer[data-state=streaming]")
        screenshot(page, f"ask-streaming-{width}")
        page.wait_for_selector("#answer[data-state=checking]")  # the model reads the passages again
        screenshot(page, f"ask-checking-{width}")
        final_answer(page)
        screenshot(page, f"ask-final-{width}")
        log = page.evaluate("window.__log")
        first_final = next(i for i, e in enumerate(log) if e["state"] == "final")
        states = [e["state"] for e in log[:first_final]]
        checking = states.index("checking")
        assert "streaming" not in states[checking:] and log[checking]["status"] == "Checking the answer…"
        streamed = [e for e in log[:first_final] if e["state"] == "streaming" and e["text"]]
        assert len({e["text"] for e in streamed}) >= 3, "expected several token arrivals before the answer"
        assert all(a["text"] in b["text"] for a, b in zip(streamed, streamed[1:]))  # it only grows
        last, final = streamed[-1], log[-1]
        assert final["top"] == last["top"] and final["height"] >= last["height"]  # no layout jump
        text = page.text_content("#answer-body")
        assert "Rutte" in text and "[1]" in text
        assert page.locator("#answer-body .marker").count() >= 1
        assert re.fullmatch(r"search \d+ ms · first token .+ · total .+ · fake-llm", page.text_content("#timings"))
        assert page.locator("#citations li").count() >= 1
        assert page.get_attribute("#ask-status", "data-kind") == "done"  # a screen-reader-only line


@pytest.mark.parametrize("width", WIDTHS)
def test_citation_opens_the_article_with_its_quote_in_a_mark(browser, site, width):
    """Fake LLM. Clicking [1] opens the article in the side panel; the <mark> holds exactly
    the citation's quote and is scrolled into view; the text is the article body as is."""
    body = httpx.get(f"{site}/v1/documents/{SEED_FILE.name}").json()["body"]
    with new_page(browser, width) as page:
        page.goto(site)
        ask(page)
        final_answer(page)
        quote = page.text_content('#citations li[data-cite="1"] .quote')
        page.click('#answer-body .marker[data-cite="1"]')
        mark = page.locator("#reader-body mark.current")
        mark.wait_for()
        assert mark.text_content() == quote and quote in body
        assert page.text_content("#reader-body") == body  # built from text nodes, nothing lost or added
        assert in_view(page, "#reader-body mark.current")
        assert page.evaluate("document.activeElement.id") == "reader-title"
        screenshot(page, f"reader-{width}", full_page=False)
        page.click("#reader-close")
        assert page.locator("#reader").is_hidden()
        page.click('#citations li[data-cite="1"] .cite-open')  # the source's title opens it too
        assert page.locator("#reader-body mark.current").text_content() == quote
        page.keyboard.press("Escape")
        assert page.locator("#reader").is_hidden()


def test_several_quotes_from_one_article_are_each_marked(page, site):
    """No LLM: the answer is played to the page. Two citations into one article both get a
    <mark>; the clicked one is current. Offsets count code points, as Python does, so an
    emoji before the quote must not shift the mark."""
    article = {"id": "web/emoji-1", "title": "Tram line 🚋 reopens", "source": "Kestrel Post",
               "published_at": "2024-05-06",
               "body": "🚋 Kestrel Bay: the tram line reopened on Monday. Repairs took 14 months.\n"
                       "The council said 🚗 traffic would be limited to 30 km/h until June."}
    assert httpx.post(f"{site}/v1/documents", json=article).status_code in (200, 201)
    body = article["body"]
    quotes = ["the tram line reopened on Monday.", "traffic would be limited to 30 km/h until June."]
    citations = []
    for n, q in enumerate(quotes, 1):
        start = body.index(q)  # a code-point offset (Python), as the server sends
        citations.append({"id": n, "doc_id": article["id"], "title": article["title"], "source": "Kestrel Post",
                          "published": "2024-05-06", "chunk_id": f"{article['id']}#0", "quote": q,
                          "start": start, "end": start + len(q)})
    answer = {"question": "q", "answer": "The tram line reopened on Monday [1]. Traffic is limited [2].",
              "abstained": False, "abstain_reason": None, "citations": citations,
              "sentences": [{"text": "The tram line reopened on Monday.", "citations": [1], "supported": True},
                            {"text": "Traffic is limited.", "citations": [2], "supported": True}],
              "withheld": [], "model": "played", "timings_ms": {"retrieve": 5, "prompt": 40, "total": 90}}
    serve_answer(page, answer, ["The tram", " line"])
    page.goto(site)
    ask(page, "When did the tram line reopen?")
    final_answer(page)
    page.click('#answer-body .marker[data-cite="2"]')
    page.wait_for_selector("#reader-body mark.current")
    marks = page.locator("#reader-body mark")
    assert marks.all_text_contents() == quotes
    assert page.text_content("#reader-body mark.current") == quotes[1]
    assert page.text_content("#reader-title") == article["title"]
    assert page.text_content("#reader-meta") == "Kestrel Post · 2024-05-06 · web/emoji-1"  # id with a '/'


def test_abstention_and_withheld_sentences_are_shown_plainly(page, site):
    """No LLM: the answer is played to the page. An abstention with its reason and the
    withheld sentences are shown as content, not as an error, and no sources are listed."""
    answer = {"question": "q", "answer": "The articles do not say.", "abstained": True,
              "abstain_reason": "unsupported", "citations": [], "sentences": [],
              "withheld": [{"text": "Germany promised 40 jets.", "reason": "no cited passage mentions jets"}],
              "model": "played", "timings_ms": {"retrieve": 3, "prompt": 20, "generate": 60, "total": 70}}
    serve_answer(page, answer, ["Germany", " promised"])
    page.goto(site)
    ask(page, "How many jets did Germany promise?")
    final_answer(page)
    assert page.get_attribute("#answer", "data-abstained") == "yes"
    notice = page.text_content("#answer-body .notice")
    assert notice.startswith("The articles do not say.") and "could be checked" in notice
    withheld = page.text_content("#answer-extra .withheld")
    assert "Germany promised 40 jets." in withheld and "no cited passage mentions jets" in withheld
    assert page.locator("#sources").is_hidden() and page.get_attribute("#ask-status", "data-kind") == "done"
    screenshot(page, "abstained-1280")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_answer_the_second_reading_contradicted_says_why(browser, site, width):
    """No LLM: the answer is played to the page. An "unstable" abstention (rag.agreement)
    says the model stated something else from the passages in reverse order, and lists the
    withheld sentence with its reason."""
    reason = "the model stated something else when it read the same passages in reverse order"
    answer = {"question": "q", "answer": "The articles do not say.", "abstained": True,
              "abstain_reason": "unstable", "citations": [], "sentences": [],
              "withheld": [{"text": "Salman Rushdie won the first international Booker Prize.", "reason": reason}],
              "model": "played", "timings_ms": {"retrieve": 3, "prompt": 20, "generate": 60, "total": 140}}
    with new_page(browser, width) as page:
        serve_answer(page, answer, ["Salman", " Rushdie"])
        page.goto(site)
        ask(page, "Who won the first international Booker Prize?")
        final_answer(page)
        notice = page.text_content("#answer-body .notice")
        assert notice.startswith("The articles do not say.") and "in reverse order" in notice
        withheld = page.text_content("#answer-extra .withheld")
        assert "Salman Rushdie won" in withheld and reason in withheld
        screenshot(page, f"unstable-{width}")


# ---- errors people understand ------------------------------------------------------------

def test_an_overlong_question_is_caught_before_sending(page, site):
    """No LLM call: the limit comes from the server's /openapi.json (2,000 characters)."""
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/v1/answer" in r.url else None)
    page.goto(site)
    page.fill("#question", "why " * 501)  # 2,004 characters
    page.locator("#question-count", has_text="2,004 / 2,000").wait_for()  # the limit has been read
    page.press("#question", "Enter")
    error = page.locator("#question-error")
    error.wait_for()
    assert "2,004 characters" in error.text_content() and "at most 2,000" in error.text_content()
    assert page.get_attribute("#question", "aria-invalid") == "true"
    assert sent == []


def test_busy_server_is_retried_once_after_retry_after(page, site):
    """Fake LLM. The first answer request gets 429 + Retry-After: 1 (played); the page says
    it is busy, waits, retries and shows the answer."""
    calls = []

    def busy_once(route):
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=429, headers={"Retry-After": "1", "Content-Type": "application/json"},
                          body=json.dumps({"error": {"code": "overloaded", "message": "too many answers"}}))
        else:
            route.continue_()

    page.add_init_script(ANSWER_LOG)
    page.route("**/v1/answer", busy_once)
    page.goto(site)
    ask(page)
    final_answer(page)
    assert len(calls) == 2
    assert any("busy; retrying in 1 s" in e["status"] for e in page.evaluate("window.__log"))


def test_a_dropped_stream_says_so_and_offers_a_retry(page, site):
    """Fake LLM for the retry. The first stream (played) stops after two tokens, with no
    answer event; the page says the connection dropped, and "Try again" asks again."""
    page.route("**/v1/answer", lambda route: route.fulfill(
        status=200, headers={"Content-Type": "text/event-stream"},
        body='event: token\ndata: {"text": "Mark"}\n\nevent: token\ndata: {"text": " Rutte"}\n\n'), times=1)
    page.goto(site)
    ask(page)
    page.wait_for_selector("#answer[data-state=dropped]")
    assert "connection dropped" in page.text_content("#ask-status")
    assert page.text_content("#answer-body") == "Mark Rutte"
    screenshot(page, "dropped-1280")
    page.click("#ask-status button")
    final_answer(page)
    assert "Rutte" in page.text_content("#answer-body")


def test_an_error_event_mid_stream_is_reported(page, site):
    """No LLM: a stream (played) that fails after a token with an `error` event."""
    error = {"error": {"code": "backend_unavailable", "message": "cannot reach the LLM endpoint"}, "status": 503}
    page.route("**/v1/answer", lambda route: route.fulfill(
        status=200, headers={"Content-Type": "text/event-stream"},
        body=f'event: token\ndata: {{"text": "Mark"}}\n\nevent: error\ndata: {json.dumps(error)}\n\n'))
    page.goto(site)
    ask(page)
    page.wait_for_selector("#answer[data-state=error]")
    status = page.text_content("#ask-status")
    assert "failed part-way (503)" in status and "cannot reach the LLM endpoint" in status
    assert page.locator("#ask-status button", has_text="Try again").is_visible()


# ---- library ----------------------------------------------------------------------------

def upload_result(page, name: str) -> str:
    """The result line of uploaded file `name`, once its upload has finished."""
    item = page.locator("#upload-results li:not([data-state=busy])", has=page.locator(".file", has_text=name))
    item.wait_for()
    return item.locator(".result").text_content()


def test_upload_list_open_and_delete(page, site, tmp_path):
    """No LLM. Upload by the file picker and by drag-and-drop, see each file's result
    (added / unchanged / failed with the reason), find it with the filter, open it, and
    delete it after a confirmation (Cancel keeps it)."""
    note = tmp_path / "web-note.txt"
    note.write_text("Harbour bridge reopens\nThe harbour bridge in Kestrel Bay reopened on Monday after "
                    "fourteen months of repairs, the city council said.\n", encoding="utf-8")
    empty = tmp_path / "web-empty.txt"
    empty.write_text("", encoding="utf-8")
    page.goto(f"{site}/#library")
    page.wait_for_selector(".doc")
    with page.expect_file_chooser() as chooser:
        page.click("#choose-files")
    chooser.value.set_files([str(note), str(empty)])
    assert upload_result(page, "web-note.txt") == "added"
    assert upload_result(page, "web-empty.txt").startswith("failed: ")
    page.fill("#doc-filter", "harbour BRIDGE")  # words of the title, not the id
    page.locator("#doc-count", has_text=re.compile(r"^1 match$")).wait_for()
    assert page.locator(".doc").count() == 1 and page.locator('.doc[data-doc-id="web-note.txt"]').is_visible()
    screenshot(page, "library-1280")

    with page.expect_file_chooser() as chooser:
        page.click("#choose-files")
    chooser.value.set_files(str(note))
    assert upload_result(page, "web-note.txt") == "unchanged"

    page.fill("#doc-filter", "")
    page.locator("#doc-count", has_text="articles").wait_for()
    drop = page.evaluate_handle("""([name, text]) => { const dt = new DataTransfer();
        dt.items.add(new File([text], name, {type: 'text/plain'})); return dt; }""",
                                ["web-dropped.md", "# Ferry strike ends\nFerry crews in Kestrel Bay ended their strike."])
    page.dispatch_event("#drop", "drop", {"dataTransfer": drop})
    assert upload_result(page, "web-dropped.md") == "added"
    page.wait_for_selector('.doc[data-doc-id="web-dropped.md"]')

    page.click('.doc[data-doc-id="web-note.txt"] .doc-open')
    page.locator("#reader-body", has_text="fourteen months").wait_for()
    page.click("#reader-close")

    page.click('.doc[data-doc-id="web-note.txt"] .doc-delete')
    assert page.locator("#confirm-dialog").is_visible() and "web-note.txt" in page.text_content("#confirm-text")
    page.click("#confirm-cancel")
    assert page.locator('.doc[data-doc-id="web-note.txt"]').is_visible()
    for doc_id in ("web-note.txt", "web-dropped.md"):
        page.click(f'.doc[data-doc-id="{doc_id}"] .doc-delete')
        page.click("#confirm-ok")
        page.locator(f'.doc[data-doc-id="{doc_id}"]').wait_for(state="detached")
        assert "Deleted" in page.text_content("#library-status")
    assert httpx.get(f"{site}/v1/documents/web-note.txt").status_code == 404


def test_the_library_is_paged(page, site):
    """No LLM. Twenty articles a page, from GET /v1/documents?offset&limit."""
    batch = [{"id": f"web-page/{n:02d}", "title": f"Bulletin {n}", "body": f"Bulletin number {n}."} for n in range(25)]
    assert httpx.post(f"{site}/v1/documents", json=batch, timeout=120).status_code == 201
    try:
        total = httpx.get(f"{site}/v1/documents?limit=1").json()["total"]
        page.goto(f"{site}/#library")
        page.locator("#page-info", has_text=f"1–20 of {total}").wait_for()
        assert page.locator(".doc").count() == 20 and page.is_disabled("#prev-page")
        page.click("#next-page")
        page.locator("#page-info", has_text=f"21–{total} of {total}").wait_for()
        assert page.locator(".doc").count() == total - 20 and page.is_disabled("#next-page")
        page.click("#prev-page")
        page.locator("#page-info", has_text=f"1–20 of {total}").wait_for()
    finally:
        for item in batch:
            httpx.delete(f"{site}/v1/documents/{item['id']}")


# ---- keyboard ---------------------------------------------------------------------------

def test_keyboard_alone_asks_opens_a_citation_and_reaches_the_library(page, site):
    """Fake LLM. Only Tab, Shift+Tab, Enter and typing: ask, open citation [1], close the
    article (focus returns to the marker), go to the library and back out of a delete."""
    page.goto(site)
    tab_to(page, "#question")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    final_answer(page)
    tab_to(page, '#answer-body .marker[data-cite="1"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("#reader-body mark.current")
    assert page.evaluate("document.activeElement.id") == "reader-title"
    tab_to(page, "#reader-close")
    page.keyboard.press("Enter")
    assert page.locator("#reader").is_hidden()
    assert page.evaluate("document.activeElement.matches('.marker')")

    tab_to(page, "#nav-library", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_selector(".doc")
    tab_to(page, ".doc-delete")
    page.keyboard.press("Enter")
    assert page.locator("#confirm-dialog").is_visible()
    assert page.evaluate("document.activeElement.id") == "confirm-cancel"  # the safe default
    page.keyboard.press("Enter")
    assert page.locator("#confirm-dialog").is_hidden() and page.locator(".doc").count() >= 1
    assert page.evaluate("document.activeElement.matches('.doc-delete')")


# ---- API keys and the report --------------------------------------------------------------

KEY = "right-key-123"


@pytest.fixture(scope="module")
def keyed_site(tmp_path_factory, fake_llm):
    """Byline with BYLINE_API_KEYS set and an eval report (fake LLM); yields its base URL."""
    workdir = tmp_path_factory.mktemp("keyed")
    report = workdir / "report.html"
    report.write_text("<!doctype html><title>Byline eval: seed</title><p>accuracy 0.66</p>", encoding="utf-8")
    with byline_serve(workdir, "--report", str(report), key=KEY, BYLINE_API_KEYS=KEY,
                      **fake_llm_env(fake_llm)) as base:
        yield base


def test_a_wrong_api_key_brings_the_key_prompt_back(browser, keyed_site):
    """Fake LLM. The page and its files load without a key; /v1 says 401, so the page asks
    for a key, says when one is refused, keeps the right one in sessionStorage only, and
    then lists and answers. The report link is shown and needs the key as well."""
    assert httpx.get(f"{keyed_site}/").status_code == 200
    assert httpx.get(f"{keyed_site}/static/app.js").status_code == 200
    assert httpx.get(f"{keyed_site}/v1/documents").status_code == 401
    with new_page(browser) as page:
        page.goto(f"{keyed_site}/#library")
        dialog = page.locator("#key-dialog")
        dialog.wait_for()
        assert "needs an API key" in page.text_content("#key-message")
        page.fill("#key-input", "wrong-key")
        page.press("#key-input", "Enter")
        page.locator("#key-message", has_text="refused").wait_for()
        assert dialog.is_visible()
        screenshot(page, "key-prompt-1280", full_page=False)
        page.fill("#key-input", KEY)
        page.press("#key-input", "Enter")
        page.wait_for_selector(".doc")
        assert dialog.is_hidden()
        assert page.evaluate("sessionStorage.getItem('byline.apiKey')") == KEY
        assert page.evaluate("localStorage.length") == 0 and "right-key" not in page.evaluate("document.cookie")
        assert page.text_content("#key-button") == "Change API key"
        page.click("#nav-ask")
        ask(page)
        final_answer(page)
        assert page.is_visible("#nav-report") and page.locator("#report-hint").is_hidden()
        assert page.get_attribute("#nav-report", "href") == "report"
    r = httpx.get(f"{keyed_site}/report")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    with new_page(browser, http_credentials={"username": "me", "password": KEY}) as page:
        page.goto(f"{keyed_site}/report")  # the browser's own login prompt, answered
        assert page.title() == "Byline eval: seed"


def test_without_a_report_the_page_says_how_to_make_one(page, site):
    """No LLM."""
    page.goto(site)
    assert page.locator("#nav-report").is_hidden()
    hint = page.text_content("#report-hint")
    assert "byline eval" in hint and "--report" in hint
    assert httpx.get(f"{site}/report").status_code == 404


# ---- the real model ---------------------------------------------------------------------

@pytest.mark.slow
def test_the_real_local_model_answers_in_the_browser(browser, tmp_path):
    """Real local model (the packaged Qwen2.5-Coder-1.5B through llama.cpp, the default
    backend). Tokens stream in, the verified answer names Rutte, and its citation [1]
    opens the seed article with the quote marked."""
    with byline_serve(tmp_path, ready_s=900) as base, new_page(browser) as page:
        page.add_init_script(ANSWER_LOG)
        page.goto(base)
        ask(page, "Who is NATO's Secretary General, according to the article?")
        try:
            final_answer(page, timeout_ms=900_000)
        except Exception:
            screenshot(page, "real-model-timeout-1280")
            print("status:", page.text_content("#ask-status"), "| answer:", page.text_content("#answer-body"))
            raise
        log = page.evaluate("window.__log")
        assert any(e["state"] == "streaming" and e["text"] for e in log)
        assert page.get_attribute("#answer", "data-abstained") == ""
        assert "Rutte" in page.text_content("#answer-body")
        quote = page.text_content('#citations li[data-cite="1"] .quote')
        page.click('#answer-body .marker[data-cite="1"]')
        assert page.locator("#reader-body mark.current").text_content() == quote
        screenshot(page, "real-model-1280", full_page=False)
