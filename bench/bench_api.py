"""Load-test the HTTP API on loopback (not a test): prints numbers, asserts nothing.

    python bench/bench_api.py [--bbc ../shared/corpora/bbc] [--data bench/out/api-data]
                              [--levels 1 8 32] [--requests 300] [--seconds 20] [--asks 3] [--no-search]

1. ingests the BBC corpus once into --data (reused on later runs);
2. `/v1/search` throughput and p50/p95/p99 latency at each concurrency level with BBC
   headlines as queries, against `byline serve` on the embedded Chroma store, then
   against a `chroma run` server over the same files with 1 and 2 workers (these
   search-only servers point the LLM at an unused endpoint, so no model is loaded);
3. `/v1/answer` over SSE with the real local model: time to the first token event and
   to the final answer, for a few questions about the seed article (uploaded over HTTP;
   the questions are filtered to its source, TASS).
Each level stops after --requests requests or --seconds seconds, whichever comes first.

Every server it starts runs with the per-client rate limits off (BYLINE_SEARCH_RATE_PER_MIN=0,
BYLINE_UPLOAD_RATE_PER_MIN=0): all the load comes from one client on loopback, which would
otherwise meet the search limit (600 a minute) and measure 429s instead of searches.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from bench_core import SEED_QUESTIONS, pct  # this script's folder is on sys.path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SEED = REPO / "seeds" / "000_8f42c0aa39f27bb1.txt"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def process(argv: list[str], log: Path, env: dict, ready_url: str, timeout_s: float = 900):
    """A server subprocess, yielded once `ready_url` answers 200; always stopped after."""
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{argv[0]} did not come up; see {log}")
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


RATE_LIMITS_OFF = {"BYLINE_SEARCH_RATE_PER_MIN": "0", "BYLINE_UPLOAD_RATE_PER_MIN": "0"}


def byline_env(data: Path, **extra: str) -> dict:
    """The environment of a byline process over `data`: no inherited BYLINE_ settings, rate limits off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BYLINE_")}
    return {**env, "BYLINE_DATA_DIR": str(data), **RATE_LIMITS_OFF, **extra}


def ensure_corpus(data: Path, bbc: Path) -> None:
    marker = data / "bench-ingested"
    if marker.exists():
        print(f"corpus   reusing {data}")
        return
    t = time.perf_counter()
    subprocess.run([str(BIN / "byline"), "ingest", str(bbc)], env=byline_env(data), check=True)
    marker.write_text(str(bbc))
    print(f"corpus   ingested {bbc} in {time.perf_counter() - t:.0f} s")


async def search_level(base: str, queries: list[str], clients: int, max_requests: int, max_s: float) -> str:
    latencies, failures, sent = [], 0, 0
    deadline = time.monotonic() + max_s

    async def client_loop(http: httpx.AsyncClient) -> None:
        nonlocal failures, sent
        while sent < max_requests and time.monotonic() < deadline:
            query = queries[sent % len(queries)]
            sent += 1
            t = time.perf_counter()
            r = await http.post(f"{base}/v1/search", json={"query": query, "top_k": 5})
            latencies.append((time.perf_counter() - t) * 1000)
            failures += r.status_code != 200

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=120) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(http) for _ in range(clients)))
        wall = time.perf_counter() - started
    rate = len(latencies) / wall
    return (f"{clients:>3} clients: {len(latencies):>4} requests in {wall:5.1f} s = {rate:6.1f} req/s; "
            f"p50 {pct(latencies, .5):6.1f} ms, p95 {pct(latencies, .95):6.1f} ms, p99 {pct(latencies, .99):6.1f} ms"
            f"{f'; {failures} not 200' if failures else ''}")


def bench_search(label: str, base: str, queries: list[str], args) -> None:
    for q in queries[:10]:  # warm up
        httpx.post(f"{base}/v1/search", json={"query": q}, timeout=120)
    for clients in args.levels:
        print(f"search   [{label}] " + asyncio.run(search_level(base, queries, clients, args.requests, args.seconds)))


def bench_answers(base: str, n: int) -> None:
    httpx.post(f"{base}/v1/documents", files={"file": (SEED.name, SEED.read_bytes())}, timeout=120)
    for question in SEED_QUESTIONS[:n]:
        t, first, answer = time.perf_counter(), None, {}
        body = {"question": question, "stream": True, "filters": {"source": "TASS"}}  # the seed article
        with httpx.stream("POST", f"{base}/v1/answer", json=body, timeout=600) as r:
            event = None
            for line in r.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                    first = first or (time.perf_counter() - t if event == "token" else None)
                elif line.startswith("data: ") and event == "answer":
                    answer = json.loads(line[6:])
        total = time.perf_counter() - t
        server = answer.get("timings_ms", {})
        print(f"answer   first token {first or 0:5.1f} s, total {total:5.1f} s (server: retrieve "
              f"{server.get('retrieve', 0)} ms, prompt reading {server.get('prompt', 0) / 1000:.1f} s, "
              f"generation {(server.get('generate', 0) - server.get('prompt', 0)) / 1000:.1f} s), "
              f"{len(answer.get('citations', []))} citation(s) | {answer.get('answer', '')[:60]!r}")


def bench_search_servers(args, queries: list[str], serve: list[str], base: str, log: Path, no_llm: dict) -> None:
    with process(serve, log, byline_env(args.data, **no_llm), f"{base}/readyz"):
        bench_search("embedded, 1 worker", base, queries, args)
    chroma_port = free_port()
    chroma = [str(BIN / "chroma"), "run", "--path", str(args.data / "chroma"), "--host", "127.0.0.1",
              "--port", str(chroma_port)]
    with process(chroma, log, dict(os.environ), f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat"):
        server_env = byline_env(args.data, BYLINE_CHROMA_URL=f"http://127.0.0.1:{chroma_port}", **no_llm)
        for workers in (1, 2):
            with process([*serve, "--workers", str(workers)], log, server_env, f"{base}/readyz"):
                bench_search(f"chroma server, {workers} worker{'s' * (workers > 1)}", base, queries, args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bbc", type=Path, default=REPO.parent / "shared" / "corpora" / "bbc")
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "out" / "api-data")
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--requests", type=int, default=300, help="most requests per level")
    ap.add_argument("--seconds", type=float, default=20, help="longest time per level")
    ap.add_argument("--asks", type=int, default=3, help="questions for the answer part (0: skip it)")
    ap.add_argument("--no-search", action="store_true", help="skip the search part")
    args = ap.parse_args()
    if not args.bbc.is_dir():
        raise SystemExit(f"BBC corpus not found at {args.bbc}")
    args.data.mkdir(parents=True, exist_ok=True)
    ensure_corpus(args.data, args.bbc)
    queries = [p.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
               for p in sorted(args.bbc.rglob("*.txt"))[::7]]
    log, port = args.data / "bench-servers.log", free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [str(BIN / "byline"), "serve", "--port", str(port)]
    no_llm = {"BYLINE_LLM_BACKEND": "openai", "BYLINE_LLM_MODEL": "unused",
              "BYLINE_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}
    if not args.no_search:
        bench_search_servers(args, queries, serve, base, log, no_llm)
    if args.asks:
        t = time.perf_counter()
        with process(serve, log, byline_env(args.data), f"{base}/readyz"):
            print(f"answer   server up with the local model in {time.perf_counter() - t:.0f} s")
            bench_answers(base, args.asks)


if __name__ == "__main__":
    main()
