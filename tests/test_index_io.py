"""Index files: atomic publication, integrity checks, the writer lock, the vector cache."""

import json
import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from qa.errors import IndexCorruptError, IndexLockedError, IndexMissingError
from qa.store.embed_cache import EmbeddingCache
from qa.store.files import (
    Manifest,
    build_dir,
    describe_files,
    publish,
    read_manifest,
    verify,
    writer_lock,
)


def _fake_build(index_dir: Path, build_id: str, payload: bytes = b"abc") -> Manifest:
    folder = build_dir(index_dir, build_id)
    folder.mkdir(parents=True)
    (folder / "chunks.jsonl").write_bytes(payload)
    (folder / "sub").mkdir()
    (folder / "sub" / "x.npy").write_bytes(b"12345")
    return Manifest(
        build_id=build_id,
        model="m",
        dimension=4,
        chunk_count=1,
        corpus_hash="h",
        store_kind="flat",
        code_version="0",
        created="now",
        files=describe_files(folder),
    )


def test_publish_then_read_and_verify(tmp_path: Path) -> None:
    manifest = _fake_build(tmp_path, "b1")
    publish(tmp_path, manifest)
    loaded = read_manifest(tmp_path)
    assert loaded == manifest
    verify(tmp_path, loaded)
    assert set(loaded.files) == {"chunks.jsonl", "sub/x.npy"}


def test_new_build_replaces_old_and_removes_it(tmp_path: Path) -> None:
    publish(tmp_path, _fake_build(tmp_path, "b1"))
    publish(tmp_path, _fake_build(tmp_path, "b2", b"new"))
    assert read_manifest(tmp_path).build_id == "b2"
    assert not build_dir(tmp_path, "b1").exists()


def test_unpublished_build_leaves_previous_current(tmp_path: Path) -> None:
    first = _fake_build(tmp_path, "b1")
    publish(tmp_path, first)
    _fake_build(tmp_path, "half-written")  # a build killed before publish
    assert read_manifest(tmp_path).build_id == "b1"
    verify(tmp_path, read_manifest(tmp_path))


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="python -m qa build"):
        read_manifest(tmp_path)


def test_truncated_file_is_detected(tmp_path: Path) -> None:
    publish(tmp_path, _fake_build(tmp_path, "b1", b"x" * 100))
    (build_dir(tmp_path, "b1") / "chunks.jsonl").write_bytes(b"x" * 50)
    with pytest.raises(IndexCorruptError, match="truncated") as err:
        verify(tmp_path, read_manifest(tmp_path))
    assert "python -m qa build --force" in str(err.value)


def test_changed_content_is_detected_by_checksum(tmp_path: Path) -> None:
    publish(tmp_path, _fake_build(tmp_path, "b1", b"aaaa"))
    (build_dir(tmp_path, "b1") / "chunks.jsonl").write_bytes(b"bbbb")
    with pytest.raises(IndexCorruptError, match="checksum"):
        verify(tmp_path, read_manifest(tmp_path))


def test_missing_file_is_detected(tmp_path: Path) -> None:
    publish(tmp_path, _fake_build(tmp_path, "b1"))
    (build_dir(tmp_path, "b1") / "sub" / "x.npy").unlink()
    with pytest.raises(IndexCorruptError, match="missing"):
        verify(tmp_path, read_manifest(tmp_path))


def test_garbled_manifest_is_reported(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="unreadable"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"build_id": "x"}), encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        read_manifest(tmp_path)


def _hold_lock(
    index_dir: str,
    ready: "multiprocessing.synchronize.Event",
    done: "multiprocessing.synchronize.Event",
) -> None:
    with writer_lock(Path(index_dir)):
        ready.set()
        done.wait(10)


def test_second_writer_is_refused_while_first_holds_the_lock(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, done))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(IndexLockedError, match="Another process"), writer_lock(tmp_path):
            pass
    finally:
        done.set()
        holder.join(10)
    with writer_lock(tmp_path):  # free again once the holder has gone
        pass


def test_embedding_cache_round_trip_and_recovery(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, dimension=3)
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    cache.add(["a", "b"], vectors)
    assert len(EmbeddingCache(tmp_path, 3)) == 2
    # A crash after writing a vector but before its key: the extra row is cut back.
    with (tmp_path / "vectors.f32").open("ab") as handle:
        handle.write(np.ones(3, dtype=np.float32).tobytes())
    with (tmp_path / "keys.txt").open("ab") as handle:
        handle.write(b"partial-key-without-newline")
    reopened = EmbeddingCache(tmp_path, 3)
    assert len(reopened) == 2
    reopened.add(["c"], np.full((1, 3), 7, dtype=np.float32))
    got = EmbeddingCache(tmp_path, 3).get(["a", "b", "c", "zzz"])
    assert set(got) == {"a", "b", "c"}
    np.testing.assert_array_equal(got["b"], vectors[1])
    np.testing.assert_array_equal(got["c"], np.full(3, 7, dtype=np.float32))


def test_embedding_cache_duplicate_keys_keep_rows_aligned(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, dimension=2)
    cache.add(["a"], np.array([[1, 1]], dtype=np.float32))
    cache.add(["a", "b"], np.array([[1, 1], [2, 2]], dtype=np.float32))
    np.testing.assert_array_equal(cache.get(["b"])["b"], [2, 2])
    np.testing.assert_array_equal(EmbeddingCache(tmp_path, 2).get(["b"])["b"], [2, 2])
