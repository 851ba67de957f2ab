"""`byline serve` argument handling and its refusals (uvicorn itself is stubbed here;
tests/api/test_e2e.py runs the real thing)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import uvicorn
from fastapi import FastAPI

from rag.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name in ("BYLINE_API_KEYS", "BYLINE_ALLOW_PUBLIC_BIND", "BYLINE_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "data"))
    return monkeypatch


@pytest.fixture
def served(env):
    calls = []
    env.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    return calls


def test_defaults_serve_one_app_on_loopback_8000(served, capsys):
    assert main(["serve"]) == 0
    app, kw = served[0]
    assert isinstance(app, FastAPI)
    assert (kw["host"], kw["port"], kw["access_log"]) == ("127.0.0.1", 8000, False)
    assert "byline" in kw["log_config"]["loggers"]


def test_public_bind_without_keys_is_refused_in_one_line(served, capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert served == [] and len(err.strip().splitlines()) == 1
    assert err.startswith("byline: error: refusing to listen on 0.0.0.0 without API keys")


@pytest.mark.parametrize("var,value", [("BYLINE_API_KEYS", "k1"), ("BYLINE_ALLOW_PUBLIC_BIND", "true")])
def test_public_bind_is_allowed_with_keys_or_explicit_consent(served, env, var, value):
    env.setenv(var, value)
    assert main(["serve", "--host", "0.0.0.0", "--port", "9000"]) == 0
    assert served[0][1]["host"] == "0.0.0.0" and served[0][1]["port"] == 9000


def test_several_workers_need_a_chroma_server(served, capsys):
    assert main(["serve", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert served == [] and len(err.strip().splitlines()) == 1
    assert "needs a Chroma server" in err and "BYLINE_CHROMA_URL" in err and "chroma run" in err


def test_several_workers_use_the_app_factory(served, env):
    env.setenv("BYLINE_CHROMA_URL", "http://127.0.0.1:8001")
    assert main(["serve", "--workers", "3"]) == 0
    app, kw = served[0]
    assert app == "api.main:app_from_env" and kw["factory"] is True and kw["workers"] == 3


@pytest.mark.parametrize("argv", [["--port", "70000"], ["--port", "http"], ["--workers", "0"]])
def test_bad_arguments_exit_2(served, capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", *argv])
    assert exit_.value.code == 2 and served == []


def test_refusal_from_a_real_process(env, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "rag.cli", "serve", "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=120, env=_env(tmp_path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert "refusing to listen on 0.0.0.0" in proc.stderr


def test_report_is_served_and_linked(served, tmp_path):
    report = tmp_path / "seed.html"
    report.write_text("<title>eval</title>", encoding="utf-8")
    assert main(["serve", "--report", str(report)]) == 0
    from fastapi.testclient import TestClient

    client = TestClient(served[0][0], base_url="http://127.0.0.1")  # not started: nothing heavy is built
    assert client.get("/report").text == "<title>eval</title>"
    assert 'content="report"' in client.get("/").text


def test_a_missing_report_is_refused_in_one_line(served, capsys, tmp_path):
    assert main(["serve", "--report", str(tmp_path / "nope.html")]) == 2
    err = capsys.readouterr().err
    assert served == [] and len(err.strip().splitlines()) == 1
    assert "no such file" in err and "byline eval" in err


def test_workers_get_the_report_through_the_environment(served, env, tmp_path):
    from api.main import REPORT_ENV

    report = tmp_path / "seed.html"
    report.write_text("<title>eval</title>", encoding="utf-8")
    env.setenv("BYLINE_CHROMA_URL", "http://127.0.0.1:8001")
    env.delenv(REPORT_ENV, raising=False)
    assert main(["serve", "--workers", "2", "--report", str(report)]) == 0
    import os

    assert os.environ[REPORT_ENV] == str(report.resolve())


def _env(tmp_path) -> dict:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("BYLINE_")}
    return {**env, "BYLINE_DATA_DIR": str(tmp_path / "data")}
