"""The scale benchmark's machinery on a tiny synthetic corpus, with the FakeEmbedder.

No timing is asserted: only that the steps count, share and resume what they should.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from qa.corpus import load_document, parse_document
from qa.search_index import open_index

from eval.bench import law_sample, sample_count
from eval.bench_probes import encoder_step, index_vectors, recall_step
from eval.bench_render import render_plot, render_report
from eval.bench_step import CountingEmbedder, build_step, load_documents, query_step, share_cache
from qa.config import PROJECT_ROOT, Settings
from qa.indexing import EMBED_STEP, build_index, cache_folder
from qa.store.embed_cache import text_key
from tests.fakes import FakeEmbedder


def law_text(number: int, articles: int) -> str:
    """A law in the scale corpus's Markdown shape, every article's text distinct."""
    lines = [f"# 测试管理条例第{number}号", "", "（2020年1月1日发布）", "", "<!-- INFO END -->", ""]
    lines += ["## 第一章 总则", ""]
    for article in range(1, articles + 1):
        lines += [
            f"第{article}条 为了规范第{number}类事项第{article}项工作，有关部门应当在"
            f"{2000 + article}年前完成{article * number}项检查，并将结果报送主管部门备案。",
            "",
        ]
    return "\n".join(lines)


def write_laws(folder: Path, count: int, articles: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"law{number:03d}.md"
        path.write_text(law_text(number, articles), encoding="utf-8")
        paths.append(path)
    return paths


def write_qa(path: Path) -> Path:
    # (id, question, answer phrases, expected document, type)
    items = [
        ("q1", "第2类事项第3项工作要在哪一年前完成检查?", ["2003年前完成6项检查"],
         "测试管理条例第2号", "figure"),
        ("q2", "第1类事项第5项工作检查多少项?", ["完成5项检查"], "测试管理条例第1号", "figure"),
        ("q3", "火星基地的建设预算是多少?", [], "", "unanswerable"),
        ("q4", "第3类事项由谁备案?", ["报送主管部门备案"], "测试管理条例第3号", "measure"),
    ]  # fmt: skip
    rows = [
        {"id": i, "question": q, "answers": a, "doc": d, "section": "", "type": t}
        for i, q, a, d, t in items
    ]
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def test_sample_is_a_seeded_shuffle_without_duplicates(tmp_path: Path) -> None:
    paths = write_laws(tmp_path / "laws", 6, 2)
    (tmp_path / "laws" / "sub").mkdir()
    (tmp_path / "laws" / "sub" / "copy.md").write_bytes(paths[0].read_bytes())
    files, dropped = law_sample(tmp_path / "laws", seed=7)
    assert dropped == 1
    assert sorted(files) == sorted(paths)  # the copy (later in path order) is the one dropped
    assert law_sample(tmp_path / "laws", seed=7)[0] == files
    assert law_sample(tmp_path / "laws", seed=8)[0] != files
    assert [sample_count(1564, f) for f in (0.1, 0.5, 1.0)] == [156, 782, 1564]
    assert sample_count(5, 0.01) == 1


def test_sizes_share_one_cache_and_embed_only_new_chunks(tmp_path: Path) -> None:
    laws = write_laws(tmp_path / "laws", 4, 12)
    cache = tmp_path / "cache"
    small = build_step(
        tmp_path / "small",
        FakeEmbedder(),
        load_documents(None, laws[:2]),
        shared_cache=cache,
        batch_size=8,
        exact_limit=1000,
    )
    big = build_step(
        tmp_path / "big",
        FakeEmbedder(),
        load_documents(None, laws),
        shared_cache=cache,
        batch_size=8,
        exact_limit=10,  # above this many chunks: HNSW
    )
    assert small["documents"] == 2 and big["documents"] == 4
    assert small["embedded_new"] == small["chunks"] > 0
    assert big["embedded_new"] == big["chunks"] - small["chunks"]
    assert big["cache_rows"] == big["chunks"]
    assert (small["store_kind"], big["store_kind"]) == ("flat", "hnsw")
    assert big["index_mb"] > small["index_mb"] > 0
    # the cache is one shared folder, counted apart from each index
    assert (tmp_path / "small" / "embed-cache").resolve() == cache.resolve()
    assert big["cache_mb"] * 1e6 >= big["chunks"] * FakeEmbedder().dimension * 4
    for key in (
        "parse_seconds",
        "embed_seconds",
        "keyword_seconds",
        "faiss_seconds",
        "peak_rss_mb",
    ):
        assert big[key] >= 0


def test_share_cache_refuses_a_real_cache_folder(tmp_path: Path) -> None:
    (tmp_path / "index" / "embed-cache").mkdir(parents=True)
    with pytest.raises(Exception, match="real folder"):
        share_cache(tmp_path / "index", tmp_path / "cache")


def test_query_step_scores_the_question_file(tmp_path: Path) -> None:
    laws = write_laws(tmp_path / "laws", 3, 6)
    build_index(tmp_path / "index", FakeEmbedder(), load_documents(None, laws))
    settings = Settings.from_env({}, index_dir=tmp_path / "index")
    result = query_step(settings, write_qa(tmp_path / "qa.jsonl"), FakeEmbedder())
    assert result["questions"] == 4
    assert result["chunks"] == sum(len(parse_document(load_document(p))[1]) for p in laws)
    assert 0.0 <= result["hit@5"] <= 1.0 and 0.0 <= result["answer_accuracy"] <= 1.0
    assert result["latency_p95_ms"] >= result["latency_p50_ms"] > 0
    assert result["store_kind"] == "flat"


def test_recall_step_compares_hnsw_with_exact() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(400, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    result = recall_step(vectors, vectors[:25], k=10)
    assert (result["exact_kind"], result["hnsw_kind"]) == ("flat", "hnsw")
    # 400 vectors, efSearch 128: HNSW visits nearly everything, so it must agree with exact.
    assert result["recall"] >= 0.95
    assert result["queries"] == 25 and result["vectors"] == 400


def test_encoder_step_interleaves_and_compares_vectors() -> None:
    texts = [law_text(n, 1) for n in range(1, 9)]
    slow = CountingEmbedder(FakeEmbedder())
    result = encoder_step({"a": FakeEmbedder(), "b": slow}, texts, batch_size=4, rounds=3)
    assert slow.passages == 3 * len(texts)
    assert set(result["encoders"]) == {"a", "b"}
    assert all(
        len(e["rates"]) == 3 and e["best"] >= e["median"] > 0 for e in result["encoders"].values()
    )
    assert result["cosine_mean"] == pytest.approx(1.0)  # the same model twice


def test_report_and_plot_show_every_table(tmp_path: Path) -> None:
    laws = write_laws(tmp_path / "laws", 4, 4)
    qa = write_qa(tmp_path / "qa.jsonl")
    rows: list[dict[str, Any]] = []
    plan = {"torch": (None, 0.5), "onnx-int8": (None, 0.5, 1.0)}  # fp32 not run at full size
    for encoder, fractions in plan.items():
        for fraction in fractions:
            files = laws[: 1 if fraction is None else round(len(laws) * fraction)]
            index = tmp_path / f"{encoder}-{fraction}"
            build = build_step(
                index, FakeEmbedder(), load_documents(None, files), shared_cache=tmp_path / encoder,
                batch_size=8, exact_limit=1000,
            )  # fmt: skip
            query = query_step(Settings.from_env({}, index_dir=index), qa, FakeEmbedder())
            size = "five" if fraction is None else f"laws{round(fraction * 100):03d}"
            rows.append({"name": f"{encoder}-{size}", "encoder": encoder, "size": size,
                         "fraction": fraction, "law_files": len(files), "exact_limit": 1000,
                         "build": build, "query": query})  # fmt: skip
    vectors = index_vectors(tmp_path / "onnx-int8-1.0", FakeEmbedder())
    results: dict[str, Any] = {
        "machine": {"command": "python -m eval.bench --work W", "nproc": 2, "cpu_model": "cpu",
                    "avx512_vnni": True, "memory_gb": 1.0, "python": "3.11", "git_commit": "abc",
                    "date": "today", "load_average_start": [1.0], "load_average_end": [2.0]},
        "sample": {"laws_dir": "laws", "law_files": 2, "duplicates_dropped": 0, "seed": 1,
                   "fractions": [1.0]},
        "fastest_encoder": "onnx-int8",
        "rows": rows,
        "recall": {"index": "onnx-int8-laws100", **recall_step(vectors, vectors[:3])},
        "resume": {"encoder": "onnx-int8", "first_build_chunks": 5, "killed": True,
                   "embedded_before_kill": 128, "old_index_chunks_during_build": 5,
                   "old_index_chunks_after_kill": 5, "total_chunks": 300,
                   "embedded_on_rerun": 167, "expected_on_rerun": 167,
                   "resumed_without_reembedding": True},
    }  # fmt: skip
    results["encoders_side_by_side"] = encoder_step(
        {"torch": FakeEmbedder(), "onnx-int8": FakeEmbedder()}, ["第一条 测试。"] * 4, batch_size=2
    )
    report = render_report(results)
    assert "python -m eval.bench --work W" in report
    headings = ("## Sizes: torch", "## Sizes: onnx-int8", "## Encoders side by side", "## Quality")
    for heading in (*headings, "## HNSW", "## Resume"):
        assert heading in report
    full = rows[-1]["build"]
    assert f"| laws100 | 4 | {full['chunks']:,} |" in report
    assert "estimated" in report  # fp32 full size is estimated, not run
    render_plot(results, tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _cached_keys(folder: Path) -> set[str]:
    path = folder / "keys.txt"
    if not path.exists():
        return set()
    raw = path.read_bytes()
    return set(raw[: raw.rfind(b"\n") + 1].decode("ascii").split())


@pytest.mark.slow  # a child process and a kill: several seconds on a busy machine
def test_killed_build_resumes_without_reembedding(tmp_path: Path) -> None:
    laws = write_laws(tmp_path / "laws", 8, 40)
    index_dir = tmp_path / "index"
    fake = FakeEmbedder()
    previous = build_index(index_dir, fake, [load_document(laws[0])])
    cache = cache_folder(index_dir, fake)
    rows_before = len(_cached_keys(cache))
    spec = {
        "step": "build",
        "embedder": "fake",
        "delay": 0.25,  # per embedding step of EMBED_STEP chunks: the kill lands mid-build
        "index_dir": str(index_dir),
        "law_files": [str(p) for p in laws],
        "batch_size": 8,
    }
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eval.bench_step",
            str(tmp_path / "spec.json"),
            str(tmp_path / "out.json"),
        ],
        cwd=PROJECT_ROOT,
    )
    deadline = time.monotonic() + 60
    try:
        while len(_cached_keys(cache)) < rows_before + 2 * EMBED_STEP:
            assert child.poll() is None, "the build finished before it could be killed"
            assert time.monotonic() < deadline
            # the previous index stays current and loadable while the build runs
            assert open_index(index_dir, model=fake.name).manifest.build_id == previous.build_id
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert not (tmp_path / "out.json").exists()
    assert open_index(index_dir, model=fake.name).manifest.build_id == previous.build_id
    done = _cached_keys(cache)
    documents = load_documents(None, laws)
    keys = [text_key(c.search_text) for d in documents for c in parse_document(d)[1]]
    expected = sum(key not in done for key in keys)
    assert 0 < expected < len(keys) - 2 * EMBED_STEP

    counting = CountingEmbedder(FakeEmbedder())
    result = build_step(
        index_dir, counting, documents, shared_cache=None, batch_size=8, exact_limit=1000
    )
    assert counting.passages == result["embedded_new"] == expected
    assert result["chunks"] == len(keys)
    # the vectors cached before the kill are intact: they equal freshly computed ones
    texts = [c.search_text for d in documents for c in parse_document(d)[1]]
    assert np.allclose(index_vectors(index_dir, fake), fake.embed_passages(texts), atol=1e-6)
