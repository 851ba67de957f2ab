"""Real processes on loopback for tests: free ports, readiness polling, subprocesses
that are always stopped, and a `chroma run` server from the installed chromadb."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


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
