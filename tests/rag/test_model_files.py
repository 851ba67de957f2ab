import hashlib
import os

import pytest

import rag.model_files
from rag.errors import ModelError
from rag.model_files import assemble, checked_once


def parts(tmp_path, *contents):
    paths = []
    for i, data in enumerate(contents):
        p = tmp_path / f"part{i:02d}.bin"
        p.write_bytes(data)
        paths.append(p)
    return paths


def test_assemble_concatenates_in_order_when_hash_matches(tmp_path):
    ps = parts(tmp_path, b"abc", b"def", b"g")
    target = tmp_path / "cache" / "m.gguf"
    assert assemble(ps, target, hashlib.sha256(b"abcdefg").hexdigest()) == target
    assert target.read_bytes() == b"abcdefg"
    assert [p.name for p in target.parent.iterdir()] == ["m.gguf"]


def test_assemble_refuses_a_wrong_hash_and_leaves_nothing(tmp_path):
    ps = parts(tmp_path, b"abc", b"xyz")
    target = tmp_path / "cache" / "m.gguf"
    with pytest.raises(ModelError, match="checksum"):
        assemble(ps, target, hashlib.sha256(b"abcdef").hexdigest())
    assert list(target.parent.iterdir()) == []


def test_assemble_names_missing_parts(tmp_path):
    with pytest.raises(ModelError, match="missing"):
        assemble([tmp_path / "nope.bin"], tmp_path / "m.gguf", "0" * 64)


def test_a_cache_dir_that_is_not_a_directory_is_a_model_error(tmp_path):
    ps = parts(tmp_path, b"abc")
    cache = tmp_path / "cache"
    cache.write_text("a file, not a directory")
    with pytest.raises(ModelError, match="BYLINE_CACHE_DIR"):
        assemble(ps, cache / "m.gguf", hashlib.sha256(b"abc").hexdigest())


def test_a_file_is_hashed_once_while_it_is_unchanged(tmp_path, monkeypatch):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"weights")
    sha = hashlib.sha256(b"weights").hexdigest()
    assert checked_once(model, sha)

    def no_hashing(*_):
        raise AssertionError("hashed again")

    monkeypatch.setattr(rag.model_files, "verified", no_hashing)
    assert checked_once(model, sha)  # the stamp vouches for the unchanged file


def test_a_changed_file_is_hashed_again_and_fails(tmp_path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"weights")
    sha = hashlib.sha256(b"weights").hexdigest()
    assert checked_once(model, sha)
    stat = model.stat()
    model.write_bytes(b"wEights")  # same size, mtime put back: only the ctime tells
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not checked_once(model, sha)


def test_a_stamp_for_another_hash_does_not_count(tmp_path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"weights")
    assert not checked_once(model, "0" * 64)
    assert checked_once(model, hashlib.sha256(b"weights").hexdigest())
