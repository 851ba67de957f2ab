"""Real processes on loopback for tests: free ports, readiness polling, subprocesses
that are always stopped, a `chroma run` server from the installed chromadb, and
llama-cpp-python's OpenAI-compatible model server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout_s: float, status: int = 200, proc=None) -> None:
    """Poll `url` until it answers `status` (fails early if `proc` exited)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.returncode} while waiting for {url}")
        try:
            if httpx.get(url, timeout=2).status_code == status:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} did not answer {status} within {timeout_s} s")


@contextmanager
def running(argv: list[str], log: Path, env: dict | None = None):
    """A subprocess writing to `log`; terminated (then killed) on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def chroma_server(workdir: Path):
    """`chroma run` on a loopback port, data under `workdir`; yields (process, URL)."""
    port = free_port()
    argv = [str(BIN / "chroma"), "run", "--path", str(workdir / "chroma"), "--host", "127.0.0.1",
            "--port", str(port)]
    with running(argv, workdir / "chroma.log") as proc:
        wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", 60, proc=proc)
        yield proc, f"http://127.0.0.1:{port}"


@contextmanager
def byline_serving(port: int, workers: int, env: dict, log: Path, ready_s: float):
    """`byline serve --workers N` on a loopback port with ENV; yields (base URL, process) once
    /readyz answers, and prints the end of its log when it never does."""
    argv = [str(BIN / "byline"), "serve", "--port", str(port), "--workers", str(workers)]
    with running(argv, log, env) as proc:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/readyz", ready_s, proc=proc)
        except AssertionError:
            print(log.read_text(errors="replace")[-5000:])
            raise
        yield base, proc


def byline_env(data_dir: Path, **extra: str) -> dict:
    """The environment for a `byline` subprocess on DATA_DIR, running this checkout's code."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BYLINE_", "OPENAI_"))}
    env.update(BYLINE_DATA_DIR=str(data_dir), **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))  # this checkout's code
    return env


def check_store_in_a_process(data_dir: Path, tmp_path: Path, expected: dict | None = None) -> dict:
    """rag.consistency's check of the embedded store in DATA_DIR, run by `python -m tests.storecheck`."""
    argv = [sys.executable, "-m", "tests.storecheck", str(data_dir)]
    if expected is not None:
        (tmp_path / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
        argv.append(str(tmp_path / "expected.json"))
    out = subprocess.run(argv, capture_output=True, text=True, env=byline_env(data_dir), timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


@contextmanager
def llama_cpp_server(workdir: Path, gguf: Path, alias: str, n_ctx: int = 2048):
    """llama-cpp-python's own OpenAI-compatible server (`python -m llama_cpp.server`, the
    `llama-cpp-python[server]` extra) on a loopback port, serving `gguf` as model `alias`
    with every core, a fixed seed, and one request finished before the next begins;
    yields (process, base URL ending in /v1)."""
    port = free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", alias,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
            "--n_threads", str(os.cpu_count() or 1), "--seed", "0", "--verbose", "False",
            "--interrupt_requests", "False"]  # its default cuts a stream short when another request comes
    with running(argv, workdir / "llama-server.log") as proc:
        wait_for(f"http://127.0.0.1:{port}/v1/models", 180, proc=proc)
        yield proc, f"http://127.0.0.1:{port}/v1"
