"""Rendering and writing a benchmark run: stdout table, summary.json, report.md,
results.jsonl."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metrics import RANK_CUTOFF, metric_names
from eval.runner import EvalRun

Table = tuple[str, list[str], list[list[str]]]  # (title, header, rows)

_COUNTS = {
    "questions",
    "answerable",
    "unanswerable",
    "false_not_found",
    "false_found",
    "uncertain_answers",
    "uncertain_right",
}
_CHARS = {"answer_chars_p50", "answer_chars_p90"}


def format_value(name: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if name in _COUNTS:
        return str(int(value))
    if name.startswith("latency") or name in _CHARS:
        return f"{value:.1f}"
    return f"{value:.3f}"


def focus_k(ks: Sequence[int]) -> int:
    """The k of the per-type comparison: 5 (the answer's depth) when measured."""
    return 5 if 5 in ks else max(ks)


def tables(
    summary: dict[str, dict[str, Any]], modes: Sequence[str], ks: Sequence[int]
) -> list[Table]:
    names = metric_names(ks)
    overall = [
        [name, *(format_value(name, summary[m]["overall"][name]) for m in modes)] for name in names
    ]
    out: list[Table] = [("Overall, per mode", ["metric", *modes], overall)]
    types = list(dict.fromkeys(t for m in modes for t in summary[m]["by_type"]))
    if "full" in modes:
        columns = [
            "questions",
            *(f"hit@{k}" for k in ks),
            f"mrr@{RANK_CUTOFF}",
            f"ndcg@{RANK_CUTOFF}",
            "answer_accuracy",
            "false_not_found",
            "false_found",
        ]
        by_type = summary["full"]["by_type"]
        rows = [
            [t, *(format_value(c, by_type[t][c]) for c in columns)] for t in types if t in by_type
        ]
        out.append(("Per question type, full mode (as shipped)", ["type", *columns], rows))
    for metric in (f"hit@{focus_k(ks)}", "answer_accuracy"):
        rows = [
            [
                t,
                *(
                    format_value(metric, summary[m]["by_type"].get(t, {}).get(metric))
                    for m in modes
                ),
            ]
            for t in types
        ]
        out.append((f"{metric} per question type, all modes", ["type", *modes], rows))
    return out


def render_text(table_list: Sequence[Table]) -> str:
    blocks = []
    for title, header, rows in table_list:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            lines.append("  ".join(cells))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def render_markdown(meta: dict[str, Any], table_list: Sequence[Table]) -> str:
    lines = [
        "# Benchmark report",
        "",
        "Produced by:",
        "",
        "```",
        meta["command"],
        "```",
        "",
        f"- date: {meta['date']}",
        f"- Q&A file: `{meta['qa_file']}` ({meta['questions']} questions)",
        f"- model: `{meta['model']}`",
        f"- index build: `{meta['index_build_id']}`",
        "",
        'Metric definitions: eval/README.md, section "Running the benchmark". Retrieval '
        "metrics are over answerable questions; answer accuracy over all questions "
        "(an unanswerable one is correct when the system says not found); n/a = undefined "
        "(nothing to divide by). The naive baseline's answer is its top passage and it "
        "never says not found.",
    ]
    for title, header, rows in table_list:
        lines += ["", f"## {title}", ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_outputs(out_dir: Path, run: EvalRun, meta: dict[str, Any]) -> str:
    """Write summary.json, report.md and results.jsonl; return the stdout table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = run.summary()
    table_list = tables(summary, run.modes, run.ks)
    document = {**meta, "modes": list(run.modes), "ks": list(run.ks), "metrics": summary}
    (out_dir / "summary.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out_dir / "report.md").write_text(render_markdown(meta, table_list), encoding="utf-8")
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as handle:
        for result in run.results:
            handle.write(json.dumps(result.to_record(), ensure_ascii=False) + "\n")
    return render_text(table_list)


LABEL_COLUMNS = (
    "questions",
    "hit@5",
    "section_hit@5",
    "answer_accuracy",
    "citation_correct",
    "false_not_found",
    "false_found",
)


def write_side_by_side(
    out_dir: Path,
    summaries: dict[str, dict[str, Any]],
    modes: Sequence[str],
    ks: Sequence[int],
    meta: dict[str, Any],
) -> None:
    """report.md with several Q&A sets side by side (e.g. dev and test); ``meta`` as
    render_markdown's (command, date, model, index build) for the run as a whole."""
    names = metric_names(ks)
    sets = list(summaries)
    columns = [f"{name} {mode}" for mode in modes for name in sets]
    rows = [
        [
            metric,
            *(
                format_value(metric, summaries[name][mode]["overall"].get(metric))
                for mode in modes
                for name in sets
            ),
        ]
        for metric in names
    ]
    table_list: list[Table] = [("Overall, per set and mode", ["metric", *columns], rows)]
    if "full" in modes:
        labels = list(
            dict.fromkeys(label for n in sets for label in summaries[n]["full"]["by_type"])
        )
        header = ["label", *(f"{n} {c}" for c in LABEL_COLUMNS for n in sets)]
        label_rows = [
            [
                label,
                *(
                    format_value(c, summaries[n]["full"]["by_type"].get(label, {}).get(c))
                    for c in LABEL_COLUMNS
                    for n in sets
                ),
            ]
            for label in labels
        ]
        table_list.append(("Per label (type and tags), full mode", header, label_rows))
    meta = {
        **meta,
        "qa_file": ", ".join(sets),
        "questions": " + ".join(
            str(summaries[n][modes[0]]["overall"].get("questions", "?")) for n in sets
        ),
    }
    text = render_markdown(meta, table_list)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.md").write_text(text, encoding="utf-8")
