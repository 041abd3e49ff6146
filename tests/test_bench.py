"""The performance benchmark (eval.bench) end to end on a tiny corpus with the FakeEmbedder.

No timing is asserted: only what the steps count, share, resume and report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval import bench_steps as steps
from eval.bench import Plan, Runner, law_sample, main, sample_count
from eval.bench_render import render_report, write_reports
from qa.config import Settings
from qa.indexing import build_corpus_index
from qa.ingest.chunking import vector_texts
from qa.ingest.parse import load_document, parse
from qa.store.embed_cache import EMBED_STEP
from tests.fakes import FakeEmbedder

HAICHUAN = """海川市人民政府关于加快建设质量强市的实施意见

一、总体目标
到2018年，全市森林覆盖率达到45%，产品质量监督抽查合格率稳定在95%以上。

二、主要任务
（一）加强标准化建设。由市质监局牵头，鼓励企业主导制定国家标准10项。
"""
QUESTIONS = [
    ("b1", "海川市到2018年森林覆盖率要达到多少?", ["森林覆盖率达到45%"], "海川", "figure"),
    ("b2", "第2类事项第3项第1款工作要在哪一年前完成检查?", ["2003年前完成7项检查"],
     "测试管理条例第2号", "figure"),
    ("b3", "火星基地的建设预算是多少?", [], "", "unanswerable"),
]  # fmt: skip
LAWS, ARTICLES = 8, 30


def law_text(number: int, articles: int) -> str:
    """A law in the scale corpus's Markdown shape; every article one distinct chunk."""
    lines = [f"# 测试管理条例第{number}号", "", "（2020年1月1日发布）", "", "<!-- INFO END -->", ""]
    for a in range(1, articles + 1):
        body = "".join(
            f"第{number}类事项第{a}项第{s}款工作由有关部门在{2000 + a}年前完成{a * number + s}项检查。"
            for s in range(1, 9)
        )
        lines += [f"第{a}条 {body}", ""]
    return "\n".join(lines)


def write_laws(folder: Path, count: int = LAWS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"law{n:03d}.md" for n in range(1, count + 1)]
    for number, path in enumerate(paths, 1):
        path.write_text(law_text(number, ARTICLES), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Settings, Path]:
    """One whole run: both encoder names (the fake embedder for each), 50% and 100%."""
    home = tmp_path_factory.mktemp("bench")
    (home / "corpus").mkdir()
    (home / "corpus" / "haichuan.txt").write_text(HAICHUAN, encoding="utf-8")
    write_laws(home / "laws")
    rows = [{"id": i, "question": q, "answers": a, "doc": d, "section": "", "type": t}
            for i, q, a, d, t in QUESTIONS]  # fmt: skip
    qa = home / "qa.jsonl"
    qa.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    # One vector a chunk: the recall check below is of a few hundred vectors (sentence
    # vectors are checked by test_recall_counts_a_chunk_at_its_nearest_vector).
    settings = Settings.from_env(
        {}, corpus_dir=home / "corpus", exact_search_limit=200, sentence_vectors=False
    )
    plan = Plan(home / "work", home / "laws", qa, fractions=(0.5, 1.0), resume_files=LAWS)
    results = Runner(plan, settings, embedder=lambda s: FakeEmbedder(), log=lambda _: None).run()
    return results, settings, home


def test_sample_is_a_seeded_shuffle_without_duplicates(tmp_path: Path) -> None:
    paths = write_laws(tmp_path / "laws", 6)
    (tmp_path / "laws" / "sub").mkdir()
    (tmp_path / "laws" / "sub" / "copy.md").write_bytes(paths[0].read_bytes())
    files, dropped = law_sample(tmp_path / "laws", seed=7)
    assert dropped == 1
    assert sorted(files) == sorted(paths)  # the copy (later in path order) is the one dropped
    assert law_sample(tmp_path / "laws", seed=7)[0] == files
    assert law_sample(tmp_path / "laws", seed=8)[0] != files
    assert [sample_count(1564, f) for f in (0.1, 0.5, 1.0)] == [156, 782, 1564]
    assert sample_count(5, 0.01) == 1


def test_sizes_share_one_cache_and_embed_only_new_chunks(bench: Any) -> None:
    results, settings, home = bench
    rows = results["rows"]
    chunks_per_law = len(parse(load_document(home / "laws" / "law001.md"), settings).chunks)
    for encoder in ("torch", "onnx-int8"):
        five, half = [r["build"] for r in rows if r["encoder"] == encoder][:2]
        # Every text is embedded once, and the sizes share the cache: a size embeds only
        # what the smaller one did not.
        assert five["embedded_new"] == five["cache_rows"] == five["vectors"] == five["chunks"] > 0
        assert half["chunks"] == five["chunks"] + LAWS // 2 * chunks_per_law
        assert half["cache_rows"] == five["cache_rows"] + half["embedded_new"]
        assert half["vectors"] == half["chunks"]
        assert half["index_mb"] > five["index_mb"] > 0
    fastest = results["fastest_encoder"]
    own = [r for r in rows if r["encoder"] == fastest]
    assert [r["size"] for r in own] == ["five", "laws050", "laws100"]
    assert len(rows) == 5  # the other encoder ran only the five documents and 50%
    full = own[-1]["build"]
    assert full["chunks"] == own[-2]["build"]["chunks"] + LAWS // 2 * chunks_per_law
    assert full["embedded_new"] == full["cache_rows"] - own[-2]["build"]["cache_rows"] > 0
    assert (full["store_kind"], own[0]["build"]["store_kind"]) == ("hnsw", "flat")
    assert full["ingestion_seconds"] >= full["load_seconds"] > 0
    assert full["total_seconds"] >= full["embed_seconds"] + full["write_seconds"]


def test_every_question_is_scored_on_every_index(bench: Any) -> None:
    results, _, _ = bench
    for row in results["rows"]:
        query = row["query"]
        assert (query["questions"], query["answerable"]) == (3, 2)
        assert query["chunks"] == row["build"]["chunks"]
        assert query["store_kind"] == row["build"]["store_kind"]
        assert query["latency_max_ms"] >= query["latency_p95_ms"] >= query["latency_p50_ms"] > 0
        assert query["hit@5"] in (0.0, 0.5, 1.0)


def test_recall_against_exact_search(bench: Any) -> None:
    recall = bench[0]["recall"]
    searchers = {s["name"]: s for s in recall["searchers"]}
    assert set(searchers) == {"this index's store (hnsw)", "exact (FAISS flat)", "HNSW (FAISS)"}
    assert recall["chunks"] == recall["vectors"] == bench[0]["rows"][-1]["build"]["chunks"]
    assert searchers["exact (FAISS flat)"]["recall_ties"] == pytest.approx(1.0)
    # a few hundred vectors, efSearch 512: HNSW visits nearly all of them
    assert searchers["HNSW (FAISS)"]["recall_ties"] >= 0.95
    assert recall["ef_search"] == 512


def test_recall_counts_a_chunk_at_its_nearest_vector(tmp_path: Path) -> None:
    """With sentence vectors, exact search of the store is the truth the bench's recall
    is measured against (a chunk at its nearest vector, k distinct chunks)."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "haichuan.txt").write_text(HAICHUAN, encoding="utf-8")
    for path in write_laws(tmp_path / "laws", 2):
        path.rename(tmp_path / "corpus" / path.name)
    rows = [{"id": i, "question": q, "answers": a, "doc": d, "section": "", "type": t}
            for i, q, a, d, t in QUESTIONS]  # fmt: skip
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    settings = Settings.from_env({}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "i")
    build_corpus_index(settings, FakeEmbedder())
    recall = steps.recall(settings, qa, FakeEmbedder())
    assert recall["vectors"] > recall["chunks"] > 0
    searchers = {s["name"]: s for s in recall["searchers"]}
    assert searchers["this index's store (flat)"]["recall"] == pytest.approx(1.0)
    assert searchers["exact (FAISS flat)"]["recall"] == pytest.approx(1.0)


def test_a_stopped_build_resumes_embedding_only_what_is_missing(bench: Any) -> None:
    resume = bench[0]["resume"]
    assert resume["embedded_before_stop"] == 3 * EMBED_STEP
    assert resume["index_chunks_after_stop"] == resume["first_build_chunks"]
    # The re-run embeds exactly what the stop left undone (the fixture has one vector a
    # chunk, each of its own text: new chunks less the three steps embedded before it).
    new = resume["total_chunks"] - resume["first_build_chunks"]
    assert resume["embedded_on_rerun"] == resume["expected_on_rerun"] == new - 3 * EMBED_STEP > 0
    assert resume["resumed_without_reembedding"] is True


def test_ablations_change_one_setting_each(bench: Any) -> None:
    results = bench[0]
    ablations = {a["name"]: a for a in results["ablations"]}
    # The first encoder (the shipped onnx-int8) is the base every variant changes.
    assert len(ablations) == 7 and "torch encoder" in ablations
    assert ablations["no place routing"]["settings"] == {
        "place_routing": False,
        "encoder": "onnx-int8",
    }
    shipped = next(a for a in results["ablations"] if a["settings"] == {"encoder": "onnx-int8"})
    five = results["rows"][0]["query"]  # the same mode, index and questions: the same scores
    for metric in ("hit@5", "answer_accuracy", "not_found_recall"):
        assert shipped[metric] == five[metric]


def test_reports_render_from_the_results_file(bench: Any, tmp_path: Path) -> None:
    results = bench[0]
    written = write_reports(results, tmp_path / "a")
    assert [p.name for p in written] == ["bench_report.md", "bench_plot.png", "ablations.md"]
    assert written[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = written[0].read_text(encoding="utf-8")
    for heading in ("## Targets", "## Speed on the five documents", "## Sizes: torch",
                    "## Sizes: onnx-int8", "## Quality", "## Vector search", "## Resume"):  # fmt: skip
        assert heading in report
    full = results["rows"][-1]["build"]
    assert f"| laws100 | {full['documents']} | {full['chunks']:,} |" in report
    assert "QA_PLACE_ROUTING=0" in written[2].read_text(encoding="utf-8")
    # --render: the same Markdown again from the JSON alone
    (tmp_path / "results.json").write_text(json.dumps(results, default=str), encoding="utf-8")
    assert main(["--render", str(tmp_path / "results.json"), "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b" / "bench_report.md").read_text(encoding="utf-8") == report
    assert render_report(json.loads(json.dumps(results, default=str))) == report


def test_a_folder_it_did_not_create_is_never_emptied(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "notes.txt").write_text("mine", encoding="utf-8")
    plan = Plan(tmp_path / "work", tmp_path, tmp_path / "qa.jsonl")
    with pytest.raises(Exception, match="not empty"):
        Runner(plan, Settings.from_env({}), embedder=lambda s: FakeEmbedder())
    assert (tmp_path / "work" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert main(["--laws", str(tmp_path / "missing"), "--work", str(tmp_path / "w")]) == 2


@pytest.mark.slow  # the real model, loaded in a child process
def test_a_step_runs_in_a_fresh_process_with_the_real_model(tmp_path: Path) -> None:
    write_laws(tmp_path / "laws", 1)
    plan = Plan(tmp_path / "work", tmp_path / "laws", tmp_path / "qa.jsonl", ("torch",))
    runner = Runner(plan, Settings.from_env({}), log=lambda _: None)
    settings = runner.settings_for("torch")
    corpus = steps.Corpus(None, (tmp_path / "laws" / "law001.md",))
    build = runner.step(steps.build, settings, corpus)
    chunks = parse(load_document(corpus.law_files[0]), settings).chunks
    texts = {t for _, t in vector_texts(chunks, settings.sentence_vectors)}
    assert build["chunks"] == len(chunks) > 0
    assert build["embedded_new"] == len(texts) > len(chunks)  # sentences embedded too
    assert build["model_load_seconds"] > 0 and build["peak_rss_mb"] > 100
