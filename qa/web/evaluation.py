"""评测: an evaluator runs a Q&A file over the app's assistant, sees where it misses,
compares with an earlier run and downloads the report (eval.runner / eval.report).

Runs go one at a time (the page queues the event with concurrency 1, so asking is never
blocked by a run) and hold at most ``Settings.eval_max_questions`` questions. Each run
is kept under ``<index_dir>/eval-runs/<time>-<file>/`` (summary.json, report.md,
results.jsonl, as ``python -m eval`` writes them), so runs survive a restart and can be
compared with any earlier one.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from eval.metrics import RANK_CUTOFF
from eval.qa_file import load_qa_file
from eval.report import LABEL_COLUMNS, format_value, write_outputs
from eval.runner import MODES, NAIVE, EvalRun, evaluate
from qa.assistant import Assistant
from qa.errors import QAError
from qa.present.html import esc
from qa.web.common import error, guarded
from qa.web.gate import policy_of

MODE_CHOICES = [
    ("完整系统 full（如上线）", "full"),
    ("朴素基线 naive（500 字切块，仅向量）", NAIVE),
    ("仅关键词 keyword", "keyword"),
    ("仅向量 dense", "dense"),
    ("混合 hybrid（无查询分析）", "hybrid"),
]
DEFAULT_MODES = ["full", NAIVE]
MAX_MODES = 3
OVERALL = ("questions", "hit@5", f"mrr@{RANK_CUTOFF}", "answer_accuracy", "citation_correct",
           "not_found_precision", "not_found_recall", "latency_p50_ms")  # fmt: skip
COLUMN_WORDS = {
    "label": "类型",
    "questions": "问题数",
    "hit@5": "前5命中",
    "section_hit@5": "前5章节命中",
    f"mrr@{RANK_CUTOFF}": "MRR@10",
    "answer_accuracy": "答案正确率",
    "citation_correct": "引用正确率",
    "false_not_found": "误答“未找到”",
    "false_found": "该答“未找到”却作答",
    "not_found_precision": "“未找到”精确率",
    "not_found_recall": "“未找到”召回率",
    "latency_p50_ms": "耗时中位数(ms)",
}
MAX_MISSES = 50


def runs_dir(assistant: Assistant) -> Path:
    configured = assistant.settings.eval_runs_dir
    return Path(configured) if configured else assistant.settings.index_dir / "eval-runs"


def saved_runs(folder: Path) -> list[str]:
    """Run folder names, newest first."""
    if not folder.is_dir():
        return []
    return sorted(
        (p.name for p in folder.iterdir() if (p / "summary.json").is_file()), reverse=True
    )


def label_table(summary: dict[str, Any], mode: str = "full") -> pd.DataFrame:
    by_type = summary.get(mode, {}).get("by_type", {})
    rows = [
        [label, *(format_value(c, metrics.get(c)) for c in LABEL_COLUMNS)]
        for label, metrics in by_type.items()
    ]
    return pd.DataFrame(rows, columns=[COLUMN_WORDS.get(c, c) for c in ("label", *LABEL_COLUMNS)])


def overall_table(summary: dict[str, Any]) -> pd.DataFrame:
    modes = list(summary)
    rows = [
        [
            COLUMN_WORDS.get(m, m),
            *(format_value(m, summary[mode]["overall"].get(m)) for mode in modes),
        ]
        for m in OVERALL
    ]
    return pd.DataFrame(rows, columns=["指标", *modes])


def compare_table(
    current: dict[str, Any], previous: dict[str, Any], mode: str = "full"
) -> pd.DataFrame:
    """Full mode, overall and per label: this run, the earlier one and the change."""
    rows = []
    groups = [
        (
            "全部",
            current.get(mode, {}).get("overall", {}),
            previous.get(mode, {}).get("overall", {}),
        )
    ]
    labels = list(
        dict.fromkeys(
            [*current.get(mode, {}).get("by_type", {}), *previous.get(mode, {}).get("by_type", {})]
        )
    )
    for label in labels:
        groups.append(
            (
                label,
                current.get(mode, {}).get("by_type", {}).get(label, {}),
                previous.get(mode, {}).get("by_type", {}).get(label, {}),
            )
        )
    for label, now, before in groups:
        for metric in ("questions", "hit@5", "answer_accuracy", "citation_correct"):
            a, b = now.get(metric), before.get(metric)
            change = (
                ""
                if a is None or b is None
                else f"{a - b:+.3f}"
                if metric != "questions"
                else f"{int(a - b):+d}"
            )
            rows.append(
                [
                    label,
                    COLUMN_WORDS.get(metric, metric),
                    format_value(metric, a),
                    format_value(metric, b),
                    change,
                ]
            )
    return pd.DataFrame(rows, columns=["类型", "指标", "本次", "对比的那次", "变化"])


def misses_html(run: EvalRun, mode: str = "full") -> str:
    """Questions the mode got wrong, each with its answer and retrieved passages."""
    misses = [r for r in run.results if r.mode == mode and not r.score.answer_correct]
    if not misses:
        return '<div class="qa-status qa-status-ok">这一模式没有答错的问题。</div>'
    parts = [
        f"<h4>答错的问题（{mode}，共 {len(misses)} 个{'，只列前 ' + str(MAX_MISSES) + ' 个' if len(misses) > MAX_MISSES else ''}）</h4>"
    ]
    for r in misses[:MAX_MISSES]:
        expected = "；".join(r.item.answers) or "（应答“未找到”）"
        passages = "".join(
            f'<div class="qa-miss-passage"><b>[{p.rank}]</b> {esc(p.region)}《{esc(p.doc_title)}》'
            f' {esc(" › ".join(p.chunk.section_path))}<div class="qa-text">{esc(p.chunk.text)}</div></div>'
            for p in r.passages[:5]
        )
        parts.append(
            f'<details class="qa-miss"><summary><b>{esc(r.item.id)}</b> [{esc(", ".join(r.labels))}] '
            f"{esc(r.item.question)}</summary>"
            f"<p><b>应含：</b>{esc(expected)}（文件：{esc(r.item.doc or '无')}）</p>"
            f"<p><b>系统回答：</b>{esc(r.answer) or '（空）'}</p>"
            f"<p><b>检索到的段落</b>（前 5 命中：{'是' if r.score.hits.get(5) else '否'}）</p>{passages}</details>"
        )
    return "".join(parts)


class EvaluationHandlers:
    assistant: Assistant

    def run_choices(self) -> Any:
        return gr.update(choices=saved_runs(runs_dir(self.assistant)), value=None)

    @guarded
    def run_evaluation(
        self,
        path: str | None,
        modes: list[str] | None,
        progress: gr.Progress | None = None,
        request: gr.Request | None = None,
    ) -> tuple[str, pd.DataFrame, pd.DataFrame, str, list[str], Any, str]:
        """Status, overall table, per-label table, misses, report files, the runs to
        compare with, and this run's name."""
        if not path:
            raise error("请先上传评测文件（JSON Lines、CSV 或 Excel）。")
        modes = [m for m in (modes or []) if m in MODES] or ["full"]
        if "full" not in modes:
            modes = ["full", *modes]
        if len(modes) > MAX_MODES:
            raise error(f"一次最多比较 {MAX_MODES} 种模式，请少选几种。")
        try:
            items = load_qa_file(path)
        except QAError as err:
            raise error(f"评测文件无法读取：{err}") from None
        limit = self.assistant.settings.eval_max_questions
        if len(items) > limit:
            raise error(
                f"评测文件有 {len(items)} 个问题，页面上一次最多评测 {limit} 个。"
                "请拆成几个文件，或在服务器上用命令行 python -m eval 评测整套题。"
            )
        # Counted once the file is read: a refused file costs no run.
        policy_of(self).check_rate("evaluations", request)
        started = time.perf_counter()
        if progress is not None:
            progress(0, desc="准备评测")
        run = evaluate(self.assistant, items, modes=modes, ks=(1, 3, 5, 10), progress=True)
        seconds = time.perf_counter() - started
        name = Path(path).name
        stem = re.sub(r"[^\w.-]+", "-", Path(path).stem)[:40] or "qa"
        out = runs_dir(self.assistant) / f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}"
        # Two runs of one file in the same second (two evaluators) keep both.
        for n in range(2, 100):
            if not out.exists():
                break
            out = out.with_name(f"{out.name.rsplit('~', 1)[0]}~{n}")
        meta = {
            "command": f"页面评测：{name}，模式 {','.join(modes)}",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "qa_file": name,
            "questions": len(items),
            "model": self.assistant.embedder.name,
            "index_build_id": self.assistant.index.info.build_id,
            "documents": len(self.assistant.index.documents),
        }
        write_outputs(out, run, meta)
        summary = run.summary()
        status = (
            f"评测完成：{len(items)} 个问题 × {len(modes)} 种模式，用时 {seconds:.1f} 秒。"
            f"结果保存在 {out.name}。"
        )
        files = [str(out / n) for n in ("report.md", "results.jsonl", "summary.json")]
        choices = [r for r in saved_runs(out.parent) if r != out.name]
        return (
            f'<div class="qa-status qa-status-ok">{esc(status)}</div>',
            overall_table(summary),
            label_table(summary),
            misses_html(run),
            files,
            gr.update(choices=choices, value=choices[0] if choices else None),
            out.name,
        )

    @guarded
    def compare_runs(self, current: str | None, previous: str | None) -> pd.DataFrame:
        folder = runs_dir(self.assistant)
        if not current:
            raise error("请先运行一次评测。")
        if not previous:
            raise error("请选择要对比的那次评测。")
        summaries = []
        for name in (current, previous):
            path = folder / Path(name).name / "summary.json"
            if not path.is_file():
                raise error(f"找不到评测记录 {name}。")
            summaries.append(json.loads(path.read_text(encoding="utf-8"))["metrics"])
        return compare_table(summaries[0], summaries[1])


def build_evaluation_tab(h: EvaluationHandlers) -> dict[str, Any]:
    limit = h.assistant.settings.eval_max_questions
    gr.Markdown(
        "上传评测题（JSON Lines、CSV 或 Excel，列：id、question、answers、doc、type，可加 section、"
        f"tags、history；类型可以自拟，格式见 eval/README.md）。一次最多 {limit} 个问题；"
        "同一时间只运行一次评测，其他人的提问不受影响。"
    )
    with gr.Row():
        qa_file = gr.File(
            label="评测文件", file_types=[".jsonl", ".json", ".csv", ".xlsx"], elem_id="eval-file"
        )
        modes = gr.CheckboxGroup(
            MODE_CHOICES,
            value=DEFAULT_MODES,
            label=f"模式（完整系统总会运行；最多 {MAX_MODES} 种）",
        )
    run_button = gr.Button("开始评测", variant="primary", elem_id="eval-run")
    status = gr.HTML("", elem_id="eval-status")
    # Tables stay hidden until there is a run to show (no empty "1 2 3" header row).
    overall = gr.Dataframe(
        label="总体（各模式）", interactive=False, visible=False, elem_id="eval-overall"
    )
    labels = gr.Dataframe(
        label="按类型（完整系统）", interactive=False, visible=False, elem_id="eval-labels"
    )
    misses = gr.HTML("", elem_id="eval-misses")
    report = gr.File(label="下载报告", file_count="multiple", visible=False, elem_id="eval-report")
    current = gr.State("")
    with gr.Row():
        previous = gr.Dropdown(
            saved_runs(runs_dir(h.assistant)), label="与之前的一次评测对比", elem_id="eval-previous"
        )
        compare_button = gr.Button("对比", elem_id="eval-compare")
    comparison = gr.Dataframe(
        label="对比（完整系统）", interactive=False, visible=False, elem_id="eval-comparison"
    )
    return {
        "qa_file": qa_file, "modes": modes, "run": run_button, "status": status,
        "overall": overall, "labels": labels, "misses": misses, "report": report,
        "current": current, "previous": previous, "compare": compare_button, "comparison": comparison,
    }  # fmt: skip


def wire_evaluation(h: EvaluationHandlers, c: dict[str, Any], private: dict[str, Any]) -> None:
    def run(
        path: str | None,
        modes: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Any:
        status, overall, labels, misses, files, previous, name = h.run_evaluation(
            path, modes, progress, request
        )
        shown = [gr.update(value=v, visible=True) for v in (overall, labels)]
        return (status, *shown, misses, gr.update(value=files, visible=True), previous, name)

    def compare(current: str | None, previous: str | None) -> Any:
        return gr.update(value=h.compare_runs(current, previous), visible=True)

    c["run"].click(
        run,
        [c["qa_file"], c["modes"]],
        [
            c["status"],
            c["overall"],
            c["labels"],
            c["misses"],
            c["report"],
            c["previous"],
            c["current"],
        ],
        concurrency_limit=1,
        concurrency_id="evaluation",
        **private,
    )
    c["compare"].click(compare, [c["current"], c["previous"]], c["comparison"], **private)
