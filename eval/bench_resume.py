"""The scale benchmark's resume check: a build killed part-way through embedding leaves
the previous index loadable, and the re-run embeds only what the kill left undone."""

from __future__ import annotations

import json
import shutil
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.embed_cache import text_key
from qa.index_io import load_records
from qa.search_index import open_index

from qa.indexing import EMBED_STEP

if TYPE_CHECKING:
    from eval.bench import Runner

RESUME_LAW_FILES = 10
RESUME_KILL_STEPS = 3  # embedding steps done before the kill


def cache_keys(cache_root: Path) -> set[str]:
    keys: set[str] = set()
    for path in cache_root.rglob("keys.txt"):
        raw = path.read_bytes()
        keys.update(raw[: raw.rfind(b"\n") + 1].decode("ascii").split())
    return keys


def resume_demo(
    runner: Runner, spec: dict[str, Any], encoder: str, added: Sequence[Path]
) -> dict[str, Any]:
    """Build ``spec`` (a build spec with its own cache), then rebuild it with ``added``
    law files, kill that part-way through embedding, check the old index, resume it."""
    index_dir = Path(spec["index_dir"])
    cache = Path(spec["shared_cache"])
    summary = runner.work / "results" / f"resume-{encoder}.json"
    if summary.exists() and not runner.fresh:
        return dict(json.loads(summary.read_text(encoding="utf-8")))
    for folder in (index_dir, cache):
        shutil.rmtree(folder, ignore_errors=True)
    for step in ("first", "killed", "rerun"):
        runner.paths(f"resume-{encoder}-{step}")[1].unlink(missing_ok=True)
    first = runner.run(f"resume-{encoder}-first", {**spec, "law_files": []})
    rows_before = len(cache_keys(cache))
    bigger = {**spec, "law_files": [str(p) for p in added]}
    child = runner.start(f"resume-{encoder}-killed", bigger)
    old_loadable_during = None
    while child.poll() is None:
        rows = len(cache_keys(cache))
        if rows >= rows_before + RESUME_KILL_STEPS * EMBED_STEP:
            old_loadable_during = open_index(index_dir, check_hashes=True).manifest.chunk_count
            child.send_signal(signal.SIGKILL)
            child.wait()
            break
        time.sleep(0.2)
    killed = child.returncode == -signal.SIGKILL
    done_keys = cache_keys(cache)
    after_kill = open_index(index_dir).manifest.chunk_count
    rerun = runner.run(f"resume-{encoder}-rerun", bigger)
    final_keys = [text_key(c.search_text) for c in load_records(index_dir).chunks]
    expected_new = sum(key not in done_keys for key in final_keys)
    result = {
        "encoder": encoder,
        "first_build_chunks": first["chunks"],
        "killed": killed,
        "embedded_before_kill": len(done_keys) - rows_before,
        "old_index_chunks_during_build": old_loadable_during,
        "old_index_chunks_after_kill": after_kill,
        "total_chunks": rerun["chunks"],
        "embedded_on_rerun": rerun["embedded_new"],
        "expected_on_rerun": expected_new,
        "resumed_without_reembedding": killed and rerun["embedded_new"] == expected_new,
    }
    summary.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result
