"""Mixed traffic on loopback for a bounded time (not a test): prints numbers, asserts nothing.

    python bench/bench_load.py [--seconds 120] [--clients 6] [--askers 3] [--articles 50]
                               [--llm server|local] [--llm-timeout 600] [--workers 2]
                               [--rss-every 30] [--keep-rate-limits] [--work DIR]

Starts a `chroma run` server, ingests --articles BBC articles into it (`byline ingest`),
starts the model (`--llm server`: llama-cpp-python's OpenAI-compatible server on the
packaged GGUF, Byline pointed at it with BYLINE_LLM_BACKEND=openai, the scale-out set-up;
`--llm local`: every worker loads its own llama.cpp copy) and `byline serve --workers N`
on this checkout's code. Then, for --seconds:

- --clients threads loop over searches (70%), document list/get (5% each), uploads (12%:
  new BBC articles, or changed versions of ones uploaded before) and deletes (8%, of
  uploaded articles; a 404 from a race with another delete is fine);
- --askers threads loop over plain answers, streamed answers, and streamed answers whose
  client hangs up (after the first token, or while still waiting for it), a third each,
  each on a new connection (a kept-alive one would send every question to one worker).

Checks afterwards: no 5xx other than a 503 with Retry-After (backpressure), every 429/503
(status or SSE error event) carries Retry-After, every stream ends with `done` or `error`,
the server still answers once the load stops, RSS of each server process from the end of
the warm-up to the end of the traffic (sampled every --rss-every s), and the store's consistency (every article complete, exactly one set of chunks,
each chunk's text equal to body[start:end], no orphan chunks).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's rag/ and the process helpers in tests/

from bench_core import pct  # noqa: E402 (this script's folder is on sys.path)

from tests.processes import BIN, chroma_server, free_port, llama_cpp_server, running, wait_for  # noqa: E402

MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct-q4_k_m"
FAST_MIX = [("search", 70), ("docs list", 5), ("doc get", 5), ("upload", 12), ("delete", 8)]
ASK_MIX = [("answer", 1), ("answer stream", 1), ("answer hang-up", 1)]


# ---- what the clients record ---------------------------------------------------------

@dataclass
class Result:
    route: str
    status: int | str  # HTTP status, the status of an SSE error event, or a client-side outcome
    ms: float
    retry_after: bool = False  # whether a Retry-After (header or SSE `retry_after`) came with it
    problem: str = ""  # why this result breaks a check ("" when it does not)


class Recorder:
    def __init__(self):
        self.results: list[Result] = []
        self._lock = threading.Lock()

    def add(self, r: Result) -> None:
        if r.problem == "" and isinstance(r.status, int):
            if r.status in (429, 503) and not r.retry_after:
                r.problem = f"{r.status} without Retry-After"
            elif r.status >= 500 and r.status != 503:
                r.problem = f"{r.status}"
        with self._lock:
            self.results.append(r)


def retry_after_header(response: httpx.Response) -> bool:
    value = response.headers.get("retry-after", "")
    return value.isdigit() and int(value) >= 1


# ---- the traffic -----------------------------------------------------------------------

class Traffic:
    def __init__(self, base: str, headlines: list[str], doc_ids: list[str], pool: list[Path], rec: Recorder,
                 deadline: float, seed: int):
        self.base, self.headlines, self.doc_ids, self.pool, self.rec = base, headlines, doc_ids, pool, rec
        self.deadline = deadline
        self.uploaded: list[str] = []  # upload names, in the order first uploaded (may be deleted since)
        self.present: set[str] = set()  # uploads whose last outcome was an upload, as far as the clients know
        self._lock = threading.Lock()
        self._seed = seed

    def fast_client(self, n: int) -> None:
        rnd = random.Random(self._seed * 1000 + n)
        with httpx.Client(base_url=self.base, timeout=120) as http:
            while time.monotonic() < self.deadline:
                op = rnd.choices([o for o, _ in FAST_MIX], [w for _, w in FAST_MIX])[0]
                self.timed(op, lambda: getattr(self, op.replace(" ", "_"))(http, rnd))

    def asker(self, n: int) -> None:
        rnd = random.Random(self._seed * 1000 + 500 + n)
        # a new connection per question, so questions spread over the workers (a kept-alive one sticks to one)
        with httpx.Client(base_url=self.base, timeout=httpx.Timeout(10, read=900),
                          limits=httpx.Limits(max_keepalive_connections=0)) as http:
            while time.monotonic() < self.deadline:
                op = rnd.choices([o for o, _ in ASK_MIX], [w for _, w in ASK_MIX])[0]
                question = f"What does the article headlined '{rnd.choice(self.headlines)}' report?"
                self.timed(op, lambda: getattr(self, op.replace(" ", "_").replace("-", "_"))(http, rnd, question))
                time.sleep(rnd.uniform(0.5, 2))

    def timed(self, route: str, call) -> None:
        t = time.perf_counter()
        try:
            status, retry, problem = call()
        except httpx.HTTPError as e:  # the server reset or stalled a connection
            status, retry, problem = type(e).__name__, False, f"client error {type(e).__name__}: {e}"
        self.rec.add(Result(route, status, (time.perf_counter() - t) * 1000, retry, problem))

    # fast routes: each returns (status, Retry-After given, problem)
    def search(self, http: httpx.Client, rnd: random.Random):
        r = http.post("/v1/search", json={"query": rnd.choice(self.headlines), "top_k": 5})
        problem = "" if r.status_code != 200 or r.json()["results"] else "no results"
        return r.status_code, retry_after_header(r), problem

    def docs_list(self, http, rnd):
        r = http.get("/v1/documents", params={"limit": 20})
        return r.status_code, retry_after_header(r), ""

    def doc_get(self, http, rnd):
        r = http.get(f"/v1/documents/{rnd.choice(self.doc_ids)}")
        return r.status_code, retry_after_header(r), ""

    def upload(self, http, rnd):
        with self._lock:
            changed = self.uploaded and rnd.random() < 0.3
            if changed:
                name = rnd.choice(self.uploaded)
                path = self.pool[int(name.split("-")[1])]
            else:
                index = rnd.randrange(len(self.pool))
                path, name = self.pool[index], f"load-{index}-{self.pool[index].parent.name}.txt"
                if name not in self.uploaded:
                    self.uploaded.append(name)
        body = path.read_bytes() + (f"\nRevised {time.time():.6f}.\n".encode() if changed else b"")
        r = http.post("/v1/documents", files={"file": (name, body, "text/plain")})
        if r.status_code in (200, 201):
            with self._lock:
                self.present.add(name)
        return r.status_code, retry_after_header(r), ""

    def delete(self, http, rnd):
        with self._lock:
            if not self.present:
                return self.search(http, rnd)
            name = rnd.choice(sorted(self.present))
            self.present.discard(name)  # a 404 now means another client's delete won the race
        r = http.delete(f"/v1/documents/{name}")
        return r.status_code, retry_after_header(r), "" if r.status_code in (200, 204, 404) else "delete failed"

    # answers
    def answer(self, http, rnd, question):
        r = http.post("/v1/answer", json={"question": question})
        problem = ""
        if r.status_code == 200:
            problem = "" if set(r.json()) >= {"answer", "citations", "abstained"} else "not an answer"
        return r.status_code, retry_after_header(r), problem

    def answer_stream(self, http, rnd, question, hang_up: bool = False):
        with http.stream("POST", "/v1/answer", json={"question": question, "stream": True}) as r:
            if r.status_code != 200:
                r.read()
                return r.status_code, retry_after_header(r), ""
            last, data = None, {}
            for event, data in sse_events(r):
                last = event
                if hang_up and event == "token":
                    return "hung up after a token", False, ""
            if last == "error":
                return int(data["status"]), bool(data.get("retry_after")), ""
            return 200, False, "" if last == "done" else f"stream ended after {last!r}"

    def answer_hang_up(self, http, rnd, question):
        if rnd.random() < 0.5:
            return self.answer_stream(http, rnd, question, hang_up=True)
        try:  # leave while queued or while the model reads the prompt
            with http.stream("POST", "/v1/answer", json={"question": question, "stream": True},
                             timeout=httpx.Timeout(10, read=rnd.uniform(0.5, 5))) as r:
                for _ in r.iter_bytes():
                    break
                return ("hung up after a token" if r.status_code == 200 else r.status_code), \
                    retry_after_header(r), ""
        except httpx.ReadTimeout:
            return "hung up while waiting", False, ""


def sse_events(response: httpx.Response):
    event = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield event, json.loads(line[6:])


# ---- processes and memory --------------------------------------------------------------

def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return sorted(kids)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def snapshot(procs: dict[str, int]) -> dict[str, float]:
    return {name: rss_mb(pid) for name, pid in procs.items()}


# ---- store consistency -----------------------------------------------------------------
# TEMPORARY: a small stand-in until the store consistency checker another helper is writing
# lands in rag/; swap `store_problems` for it then. Reads the Chroma server directly.

def store_problems(chroma_url: str, collection: str = "byline") -> tuple[int, int, list[str]]:
    """(articles, chunks, problems): every article record complete (non-empty content hash),
    its chunks exactly indexes 0..n_chunks-1 (one set, none left from an older version), each
    chunk's text equal to body[start:end], and no chunk without its article."""
    import chromadb

    host, port = chroma_url.removeprefix("http://").rsplit(":", 1)
    client = chromadb.HttpClient(host=host, port=int(port))
    articles = client.get_collection(f"{collection}_articles").get(include=["metadatas", "documents"])
    chunks = client.get_collection(collection).get(include=["metadatas", "documents"])
    by_doc: dict[str, list[tuple[str, str, dict]]] = defaultdict(list)
    for cid, text, meta in zip(chunks["ids"], chunks["documents"], chunks["metadatas"], strict=True):
        by_doc[meta.get("doc_id", "")].append((cid, text, meta))
    problems = []
    for doc_id, body, meta in zip(articles["ids"], articles["documents"], articles["metadatas"], strict=True):
        if not meta.get("content_hash"):
            problems.append(f"{doc_id}: article record still pending")
        mine = by_doc.pop(doc_id, [])
        indexes = sorted(m.get("index", -1) for _, _, m in mine)
        if indexes != list(range(meta.get("n_chunks", -1))):
            problems.append(f"{doc_id}: chunk indexes {indexes[:12]} but n_chunks {meta.get('n_chunks')}")
        for cid, text, m in mine:
            if cid != f"{doc_id}#{m.get('index')}" or body[m.get("start", 0):m.get("end", 0)] != text:
                problems.append(f"{cid}: text is not body[{m.get('start')}:{m.get('end')}]")
    problems += [f"{doc_id}: {len(rest)} chunk(s) without an article record" for doc_id, rest in by_doc.items()]
    return len(articles["ids"]), len(chunks["ids"]), problems


# ---- report ------------------------------------------------------------------------------

def report(results: list[Result], fast_s: float, ask_s: float) -> None:
    """Requests/s of a route over the time its kind of client ran (fast clients stop at the
    deadline; askers finish the answer they are in)."""
    print(f"\n{'route':<16}{'n':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for routes, window in (([r for r, _ in FAST_MIX], fast_s), ([r for r, _ in ASK_MIX], ask_s)):
        for route in routes:
            mine = [r for r in results if r.route == route]
            if not mine:
                continue
            ms = [r.ms for r in mine]
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(Counter(str(r.status) for r in mine).items()))
            print(f"{route:<16}{len(mine):>6}{len(mine) / window:>8.2f}{pct(ms, .5):>9.0f}{pct(ms, .95):>9.0f}"
                  f"{pct(ms, .99):>9.0f}  {statuses}")
    print(f"(req/s over {fast_s:.0f} s for the first five routes, {ask_s:.0f} s for answers)")
    backpressure = [r for r in results if r.status in (429, 503) and r.retry_after]
    print(f"\nbackpressure (429/503 with Retry-After): {len(backpressure)}")
    problems = [r for r in results if r.problem]
    print(f"failed checks: {len(problems)}"
          + "".join(f"\n  {r.route}: {r.problem}" for r in problems[:15]))


def access_statuses(log: Path) -> Counter:
    """Status counts from the server's own access log (requests whose client left included)."""
    counts: Counter = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"byline.access"' in line:
            try:
                counts[json.loads(line)["status"]] += 1
            except (ValueError, KeyError):
                pass
    return counts


# ---- main --------------------------------------------------------------------------------

def byline_env(data: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BYLINE_", "OPENAI_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))  # this checkout
    return {**env, "BYLINE_DATA_DIR": str(data), **extra}


def pick_articles(bbc: Path, n: int, pool_n: int) -> tuple[list[Path], list[Path]]:
    files = sorted(bbc.rglob("*.txt"))
    step = max(1, len(files) // (n + pool_n))
    spread = files[::step]
    return spread[:n], spread[n:n + pool_n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=120, help="how long the traffic runs")
    ap.add_argument("--clients", type=int, default=6, help="threads doing searches, uploads, deletes, reads")
    ap.add_argument("--askers", type=int, default=3, help="threads asking questions (plain, streamed, hanging up)")
    ap.add_argument("--articles", type=int, default=50, help="BBC articles ingested before the traffic")
    ap.add_argument("--pool", type=int, default=100, help="other BBC articles the uploads draw from")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--llm", choices=["server", "local"], default="server")
    ap.add_argument("--llm-timeout", type=float, default=600,
                    help="BYLINE_LLM_TIMEOUT_S (default 120 s): on 2 busy cores one answer, and the queue in "
                         "front of the model server, can take minutes")
    ap.add_argument("--rss-every", type=float, default=30, help="seconds between RSS samples")
    ap.add_argument("--keep-rate-limits", action="store_true",
                    help="keep the per-client search/upload rate limits (all clients share one address)")
    ap.add_argument("--bbc", type=Path, default=REPO.parent / "shared" / "corpora" / "bbc")
    ap.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed after)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not args.bbc.is_dir():
        raise SystemExit(f"BBC corpus not found at {args.bbc}")
    work = args.work or Path(tempfile.mkdtemp(prefix="byline-load-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        run(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work: Path) -> None:
    initial, pool = pick_articles(args.bbc, args.articles, args.pool)
    corpus = work / "corpus"
    for p in initial:
        (corpus / p.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(p, corpus / p.parent.name / p.name)
    doc_ids = [f"{p.parent.name}/{p.name}" for p in initial]
    headlines = [p.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0].strip() for p in initial]
    with ExitStack() as stack:
        chroma_proc, chroma_url = stack.enter_context(chroma_server(work))
        procs = {"chroma": chroma_proc.pid}
        extra = {"BYLINE_CHROMA_URL": chroma_url, "BYLINE_LLM_TIMEOUT_S": str(args.llm_timeout)}
        if not args.keep_rate_limits:
            extra.update(BYLINE_SEARCH_RATE_PER_MIN="0", BYLINE_UPLOAD_RATE_PER_MIN="0")
        if args.llm == "server":
            from rag.model_files import ensure_gguf
            from rag.settings import Settings

            llama, llm_url = stack.enter_context(
                llama_cpp_server(work, ensure_gguf(Settings().cache_dir), MODEL_ALIAS))
            procs["model server"] = llama.pid
            extra.update(BYLINE_LLM_BACKEND="openai", BYLINE_OPENAI_BASE_URL=llm_url, OPENAI_API_KEY="unused",
                         BYLINE_LLM_MODEL=MODEL_ALIAS)
        env = byline_env(work / "data", **extra)
        t = time.perf_counter()
        subprocess.run([str(BIN / "byline"), "ingest", str(corpus)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"ingested {len(initial)} BBC articles into {chroma_url} in {time.perf_counter() - t:.0f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = work / "serve.log"
        serve = stack.enter_context(running([str(BIN / "byline"), "serve", "--port", str(port), "--workers",
                                             str(args.workers)], log, env))
        wait_for(f"{base}/readyz", 900, proc=serve)
        time.sleep(1)
        procs["serve (main)"] = serve.pid
        for n, pid in enumerate(children(serve.pid)):
            kind = "helper" if b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes() else "worker"
            procs[f"serve {kind} {n + 1}"] = pid
        warm_up(base, headlines)
        start = snapshot(procs)
        rec = Recorder()
        traffic = Traffic(base, headlines, doc_ids, pool, rec, time.monotonic() + args.seconds, args.seed)
        threads = [threading.Thread(target=traffic.fast_client, args=(n,)) for n in range(args.clients)]
        threads += [threading.Thread(target=traffic.asker, args=(n,)) for n in range(args.askers)]
        print(f"traffic: {args.clients} clients + {args.askers} askers for {args.seconds:.0f} s against "
              f"`byline serve --workers {args.workers}` (LLM: {args.llm})")
        samples: list[tuple[float, dict[str, float]]] = [(0.0, start)]
        done = threading.Event()
        t = time.monotonic()

        def sample() -> None:
            while not done.wait(args.rss_every):
                samples.append((time.monotonic() - t, snapshot(procs)))

        threading.Thread(target=sample, daemon=True).start()
        for th in threads:
            th.start()
        for th in threads[:args.clients]:
            th.join()
        fast_s = time.monotonic() - t
        for th in threads[args.clients:]:
            th.join()
        ask_s = time.monotonic() - t
        done.set()
        samples.append((ask_s, snapshot(procs)))
        report(rec.results, fast_s, ask_s)
        print(f"\n{'RSS MB at s':<16}" + "".join(f"{at:>7.0f}" for at, _ in samples))
        for name in procs:
            print(f"{name:<16}" + "".join(f"{snap[name]:>7.0f}" for _, snap in samples))
        after(base, headlines)
        n_articles, n_chunks, problems = store_problems(chroma_url)
        print(f"\nstore: {n_articles} articles, {n_chunks} chunks: "
              + ("consistent" if not problems else f"{len(problems)} PROBLEMS:\n  " + "\n  ".join(problems[:20])))
        listed = {d["doc_id"] for d in list_all(base)}
        expected = set(doc_ids) | traffic.present
        print(f"articles the clients expect (ingested + uploads not deleted): {len(expected)}; listed by the API: "
              f"{len(listed)}; differing: {sorted(expected ^ listed)[:10]}")
        print(f"server access log statuses: {dict(sorted(access_statuses(log).items()))}")


def warm_up(base: str, headlines: list[str]) -> None:
    for h in headlines[:10]:
        httpx.post(f"{base}/v1/search", json={"query": h}, timeout=120)
    t = time.perf_counter()
    r = httpx.post(f"{base}/v1/answer", json={"question": f"What does the article '{headlines[0]}' report?"},
                   timeout=600)
    print(f"warm-up answer: {r.status_code} in {time.perf_counter() - t:.1f} s")


def list_all(base: str) -> list[dict]:
    rows, offset = [], 0
    while True:
        page = httpx.get(f"{base}/v1/documents", params={"offset": offset, "limit": 100}, timeout=60).json()
        items = page["documents"]
        rows += items
        offset += len(items)
        if not items or offset >= page.get("total", 0):
            return rows


def after(base: str, headlines: list[str]) -> None:
    """Once the load stops the server must serve again: ready, a search, an answer."""
    ready = httpx.get(f"{base}/readyz", timeout=30).status_code
    search = httpx.post(f"{base}/v1/search", json={"query": headlines[1]}, timeout=60).status_code
    t = time.perf_counter()
    answer = httpx.post(f"{base}/v1/answer", json={"question": f"What does the article '{headlines[1]}' report?"},
                        timeout=600)
    print(f"\nafter the load: readyz {ready}, search {search}, answer {answer.status_code} "
          f"in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
