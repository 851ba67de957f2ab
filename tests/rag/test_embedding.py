import json
from pathlib import Path

import numpy as np
import pytest

from rag.embedding import ONNX_SHA256, verified
from rag.errors import ModelError

SENTENCES = ["NATO ministers met in Brussels.", "The alliance's foreign ministers held talks.",
             "Quarterly profits at the media giant jumped 76%."]


def test_vectors_are_unit_length_and_semantic(embedder):
    v = np.array(embedder.embed_batch(SENTENCES))
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_batching_does_not_change_vectors(embedder):
    one_by_one = [embedder.embed_batch([s])[0] for s in SENTENCES]
    assert np.allclose(one_by_one, embedder.embed_batch(SENTENCES), atol=1e-4)


def test_int8_onnx_matches_the_fp32_sentence_transformers_model(embedder):
    """The int8 ONNX export must agree with the original model it claims to be: vectors
    that sentence-transformers gave with the fp32 model (stored, so that the tests need
    no PyTorch; data/make_minilm_fp32_reference.py made them). Measured: 0.9992 or more."""
    ref = json.loads((Path(__file__).parent / "data" / "minilm_fp32_reference.json").read_text(encoding="utf-8"))
    assert ref["texts"][:3] == SENTENCES and len(ref["texts"]) == len(ref["vectors"]) == 7
    got = np.array(embedder.embed_batch(ref["texts"]))
    assert (np.sum(np.array(ref["vectors"]) * got, axis=1) > 0.995).all()


def test_checksum_mismatch_is_refused(tmp_path):
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(ModelError, match="checksum"):
        verified(fake, ONNX_SHA256)


def test_an_embedding_endpoint_429_is_busy_with_its_retry_after():
    from rag.embedding import OpenAIEmbedder
    from rag.errors import BackendBusy
    from tests.endpoints import endpoint, rate_limited

    with endpoint(rate_limited("11")) as (url, received):
        embedder = OpenAIEmbedder("e", base_url=url, api_key="k", timeout_s=10, max_retries=0)
        with pytest.raises(BackendBusy) as caught:
            embedder.embed_batch(["a passage"])
    assert caught.value.retry_after == 11 and received[0]["input"] == ["a passage"]
