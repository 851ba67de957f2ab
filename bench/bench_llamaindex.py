"""Byline's retrieval beside stock llama-index on the same gold files (not a test).

    BYLINE_DATA_DIR=/tmp/bl-hybrid python bench/bench_llamaindex.py [--gold eval/gold/bbc.jsonl ...]

Stock llama-index: SimpleDirectoryReader over the corpus folder, VectorStoreIndex with its
defaults (SentenceSplitter 1,024/200 tokens, in-memory vector store, metadata embedded as
it does by default), the same embedder as Byline (int8 MiniLM, wrapped as a BaseEmbedding),
retriever similarity_top_k=10. Byline: the eval's own store for the corpus (ingested if
needed), its configured retriever (BYLINE_RETRIEVAL=hybrid to measure hybrid) and dense
only. Prints hit@1/5/10 and MRR@10 per gold file for each, plus build time. The stock index is persisted under
BYLINE_CACHE_DIR/bench-llamaindex/ and reused by later runs (delete it to re-time the build).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from eval.cli import corpus_components
from eval.corpora import DEFAULT_SHARED, default_corpus
from eval.gold import load_gold
from eval.metrics import first_relevant_rank, retrieval_metrics
from rag.components import Components
from rag.embedding import embed_one
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
GOLD = [REPO / "eval/gold/bbc.jsonl", REPO / "eval/gold/bbc_reader.jsonl"]


def stock_index(corpus: Path, embedder, cache: Path):
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding

    class Wrapped(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_batch([query])[0]

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed_batch([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_batch(texts)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    embed_model = Wrapped(model_name="minilm-int8", embed_batch_size=64)
    if (cache / "docstore.json").is_file():  # built by an earlier run: same corpus, same embedder
        from llama_index.core import StorageContext, load_index_from_storage

        index = load_index_from_storage(StorageContext.from_defaults(persist_dir=str(cache)), embed_model=embed_model)
        return index, None, len(index.docstore.docs)
    docs = SimpleDirectoryReader(str(corpus), recursive=True, required_exts=[".txt"]).load_data()
    for d in docs:  # the gold files name articles by path relative to the corpus root
        d.metadata["doc_id"] = Path(d.metadata["file_path"]).resolve().relative_to(corpus.resolve()).as_posix()
    t = time.perf_counter()
    index = VectorStoreIndex.from_documents(docs, embed_model=embed_model)
    secs = time.perf_counter() - t
    index.storage_context.persist(persist_dir=str(cache))
    return index, secs, len(index.docstore.docs)


def metrics_line(name: str, ranks) -> str:
    m = retrieval_metrics(ranks)
    return (f"  {name:<26} {m['hit_at_1']:.3f}  {m['hit_at_5']:.3f}  {m['hit_at_10']:.3f}  {m['mrr_at_10']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, action="append")
    ap.add_argument("--peer-only", action="store_true", help="build (and cache) and measure only stock llama-index")
    args = ap.parse_args()
    golds = args.gold or GOLD
    base = Components(Settings())
    corpora: dict[Path, tuple] = {}
    print(f"{'':<28} hit@1  hit@5  hit@10 MRR@10")
    for gold in golds:
        [corpus] = default_corpus(gold, base.settings.seeds_dir, DEFAULT_SHARED)
        if corpus not in corpora:
            key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:12]
            corpora[corpus] = stock_index(corpus, base.embedder, base.settings.cache_dir / "bench-llamaindex" / key)
            _, secs, nodes = corpora[corpus]
            print(f"stock llama-index over {corpus}: {nodes} nodes, "
                  + (f"embedded in {secs:.1f} s" if secs is not None else "loaded from the earlier run's cache"))
        index = corpora[corpus][0]
        stock = index.as_retriever(similarity_top_k=10)
        items = [i for i in load_gold(gold) if i.answerable]
        if args.peer_only:
            print(f"{gold.name} ({len(items)} answerable)")
            print(metrics_line("stock llama-index", [first_relevant_rank(
                [n.node.metadata["doc_id"] for n in stock.retrieve(i.question)], i.sources) for i in items]))
            continue
        c = corpus_components(base, [corpus], with_llm=False)
        c.ingester.run([corpus])
        byline, dense, peer = [], [], []
        for item in items:
            byline.append(first_relevant_rank([p.doc_id for p in c.retriever.retrieve(item.question, 10)], item.sources))
            vec = embed_one(c.embedder, item.question)
            dense.append(first_relevant_rank([p.doc_id for p in c.store.query(vec, 10)], item.sources))
            got = stock.retrieve(item.question)
            peer.append(first_relevant_rank([n.node.metadata["doc_id"] for n in got], item.sources))
        print(f"{gold.name} ({len(items)} answerable)")
        print(metrics_line(f"Byline ({c.settings.retrieval})", byline))
        print(metrics_line("Byline (dense only)", dense))
        print(metrics_line("stock llama-index", peer))


if __name__ == "__main__":
    main()
