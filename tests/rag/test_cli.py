"""The CLI in-process (real store and embedder) and once as a real subprocess."""

import io
import json
import os
import subprocess
import sys

import pytest

from rag import cli
from rag.cli import main
from rag.components import Components
from rag.prompts import ABSTAIN_PHRASE
from tests.conftest import SEED_FILE, SEEDS
from tests.processes import free_port


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BYLINE_SEEDS_DIR", str(SEEDS))
    return tmp_path / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_prints_summary_and_is_idempotent(data_dir, capsys):
    code, out, _ = run(capsys, "ingest")
    assert code == 0 and out.strip() == "added 1, updated 0, unchanged 0, removed 0, failed 0"
    code, out, _ = run(capsys, "ingest", str(SEEDS))
    assert code == 0 and out.strip() == "added 0, updated 0, unchanged 1, removed 0, failed 0"


def test_ingest_reports_bad_files_and_exits_nonzero(data_dir, capsys, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Headline\n\nSome body text.\n")
    (corpus / "bad.txt").write_bytes(b"\x00\x00\x00")
    code, out, err = run(capsys, "ingest", str(corpus))
    assert code == 1
    assert "added 1" in out and "failed 1" in out
    assert "bad.txt: binary file" in err


def test_search_json_follows_the_contract(data_dir, capsys):
    run(capsys, "ingest")
    code, out, _ = run(capsys, "search", "NATO summit in Vilnius", "--json", "--top-k", "2")
    assert code == 0
    got = json.loads(out)
    assert got["query"] == "NATO summit in Vilnius"
    assert [r["rank"] for r in got["results"]] == [1, 2]
    r = got["results"][0]
    assert set(r) == {"rank", "doc_id", "chunk_id", "title", "source", "published", "text", "start", "end", "score"}
    assert r["doc_id"] == SEED_FILE.name and r["score"] >= got["results"][1]["score"]
    assert SEED_FILE.read_text(encoding="utf-8")[r["start"]:r["end"]] == r["text"]


def test_docs_list_show_delete(data_dir, capsys):
    run(capsys, "ingest")
    code, out, _ = run(capsys, "docs", "list", "--json")
    assert json.loads(out)["documents"][0]["doc_id"] == SEED_FILE.name
    code, out, _ = run(capsys, "docs", "show", SEED_FILE.name)
    assert code == 0 and "Mark Rutte" in out and "source:    TASS" in out
    code, out, _ = run(capsys, "docs", "delete", SEED_FILE.name)
    assert code == 0
    code, _, err = run(capsys, "docs", "show", SEED_FILE.name)
    assert code == 1 and err.strip() == f"byline: error: no document with id '{SEED_FILE.name}'"


@pytest.mark.parametrize("argv,code,message", [
    (["ingest", "/no/such/dir"], 1, "no such file or directory: /no/such/dir"),
    (["ask", "   "], 2, "the question is empty"),
    (["search", "x", "--since", "last week"], 2, "not an ISO date"),
    (["search", "x", "--since", "2005-02-01", "--until", "2005-01-01"], 2, "is after until"),
    (["docs", "delete", "nope"], 1, "no document with id 'nope'"),
])
def test_user_mistakes_get_one_line_and_nonzero_exit(data_dir, capsys, argv, code, message):
    got, out, err = run(capsys, *argv)
    assert got == code
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_setting_is_one_line(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("BYLINE_TOP_K", "lots")
    code, _, err = run(capsys, "search", "x")
    assert code == 2 and err.startswith("byline: error: bad setting: BYLINE_TOP_K")


def test_real_subprocess_has_no_traceback(tmp_path):
    env = dict(os.environ, BYLINE_DATA_DIR=str(tmp_path / "d"))
    proc = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(tmp_path / "missing")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"byline: error: no such file or directory: {tmp_path / 'missing'}"


def test_a_chroma_server_that_is_not_running_is_one_line(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("BYLINE_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    code, _, err = run(capsys, "search", "NATO")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "cannot open the Chroma store at http://127.0.0.1:" in err


# ---- date filters: undated articles are left out, and the user is told how many ----

UNDATED_NOTE = "byline: note: left out 1 article without a publication date (--since/--until keep dated articles only)"


def ingest_feed(capsys, tmp_path, *published: str | None) -> None:
    """One JSON article about interest rates per date given (None: an undated one), ids a0, a1, ..."""
    rows = [{"id": f"a{i}", "title": "Rates", "body": f"Interest rates moved on day {i}.", "source": "Wire",
             **({"published_at": day} if day else {})} for i, day in enumerate(published)]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert run(capsys, "ingest", str(path))[0] == 0


@pytest.mark.parametrize("command", ["ask", "search"])
def test_help_says_what_a_date_filter_does_with_undated_articles(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "articles without a publication date are left out" in " ".join(capsys.readouterr().out.split())


def test_a_date_filter_says_on_stderr_how_many_undated_articles_it_left_out(data_dir, capsys, tmp_path):
    ingest_feed(capsys, tmp_path, "2005-03-01", None)
    code, out, err = run(capsys, "search", "interest rates", "--since", "2005-01-01", "--json")
    got = json.loads(out)
    assert code == 0 and set(got) == {"query", "results"}  # the JSON contract as it was
    assert [r["doc_id"] for r in got["results"]] == ["a0"]
    assert err.strip() == UNDATED_NOTE
    code, out, err = run(capsys, "search", "interest rates", "--until", "2006-01-01", "--source", "wire")
    assert code == 0 and "a0" in out and "a1" not in out and err.strip() == UNDATED_NOTE
    for argv in (["--source", "wire"], []):  # no date filter: nothing left out for its date, no note
        code, out, err = run(capsys, "search", "interest rates", *argv)
        assert code == 0 and "a1" in out and err == ""
    code, _, err = run(capsys, "search", "interest rates", "--since", "2005-01-01", "--source", "elsewhere")
    assert code == 0 and err == ""  # its source leaves the undated article out, not its date


def test_no_note_until_an_article_is_undated(data_dir, capsys, tmp_path):
    ingest_feed(capsys, tmp_path, "2005-03-01", "2004-06-01")
    code, out, err = run(capsys, "search", "interest rates", "--since", "2005-01-01", "--json")
    assert code == 0 and [r["doc_id"] for r in json.loads(out)["results"]] == ["a0"] and err == ""
    ingest_feed(capsys, tmp_path, "2005-03-01", None)  # a1 loses its date
    code, out, err = run(capsys, "search", "interest rates", "--since", "2005-01-01", "--json")
    assert code == 0 and [r["doc_id"] for r in json.loads(out)["results"]] == ["a0"]
    assert err.strip() == UNDATED_NOTE


class RefusingLLM:
    model = "refusing"

    def stream(self, messages, *, max_tokens, temperature, after=None):
        yield ABSTAIN_PHRASE


def test_ask_gives_the_same_note(data_dir, capsys, tmp_path, monkeypatch):
    class WithRefusingLLM(Components):
        llm = RefusingLLM()

    monkeypatch.setattr(cli, "Components", WithRefusingLLM)
    ingest_feed(capsys, tmp_path, "2005-03-01", None)
    code, out, err = run(capsys, "ask", "How did interest rates move?", "--since", "2005-01-01", "--json")
    assert code == 0 and json.loads(out)["question"] == "How did interest rates move?"
    assert err.strip() == UNDATED_NOTE


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TwoReadingsLLM:
    """The same cited sentence of the seed article at each reading."""
    model = "two-readings"

    def __init__(self):
        self.calls = 0

    def stream(self, messages, *, max_tokens, temperature, after=None):
        self.calls += 1
        yield from ("NATO Secretary General ", "Mark Rutte [1].")


def test_ask_on_a_terminal_says_what_it_waits_for_then_clears_the_line(data_dir, capsys, monkeypatch):
    class WithLLM(Components):
        llm = TwoReadingsLLM()

    monkeypatch.setattr(cli, "Components", WithLLM)
    run(capsys, "ingest")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, out, _ = run(capsys, "ask", "Who is the head of NATO?")
    shown = terminal.getvalue()
    assert code == 0 and "Mark Rutte [1]" in out and WithLLM.llm.calls == 2
    assert shown.endswith("\r\033[K")  # the line is cleared before the answer
    assert shown.split("\r\033[K")[1:-1] == ["byline: reading the passages…", "byline: writing…",
                                            "byline: checking the answer (the model reads the passages again)…"]


def test_ingest_builds_the_bm25_index_only_for_hybrid_retrieval(data_dir, capsys, monkeypatch):
    bm25_dir = data_dir / "bm25" / "byline"
    monkeypatch.setenv("BYLINE_RETRIEVAL", "dense")
    assert run(capsys, "ingest")[0] == 0 and run(capsys, "search", "NATO")[0] == 0
    assert not bm25_dir.exists()  # dense: no index built or read
    monkeypatch.delenv("BYLINE_RETRIEVAL")  # hybrid, the default
    assert run(capsys, "ingest")[0] == 0
    assert [p.name for p in bm25_dir.iterdir()][0].startswith("bm25-")  # built at ingest, not first search
    code, out, _ = run(capsys, "search", "Rutte Ukraine NATO", "--json")
    assert code == 0 and json.loads(out)["results"][0]["doc_id"] == SEED_FILE.name
