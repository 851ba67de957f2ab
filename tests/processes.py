"""Real processes on loopback for tests: free ports, readiness polling, subprocesses
that are always stopped, and a `chroma run` server from the installed chromadb."""

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
