"""Format invariance and reading speed over the corpus: run by hand, writes a report.

    .venv/bin/python -m eval.formats_bench [--out eval/formats_report.md] [--no-ocr]

Renders every .txt of corpus/ as a text PDF in 公文 layout, an image-only (scanned)
PDF, an OFD and a saved HTML page (eval/render_formats.py), ingests each through the
one parse road and compares it with the .txt (eval/format_invariance.py): outline,
chunk texts and figures; for scans also the character error rate (CER) of the whole
text, raw and with full-/half-width forms unified (NFKC: OCR reads "，" where the file
has ","). Speeds are pages per second of reading alone (parse excluded). CPU-heavy:
the full OCR run reads every page of the five documents (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from eval.format_invariance import Comparison, character_error_rate, compare
from eval.render_formats import render_all
from qa.config import PROJECT_ROOT, Settings
from qa.ingest.parse import load_document, parse
from qa.ingest.readers import read_file
from qa.types import ParsedDocument

FORMATS = ("pdf", "scan", "ofd", "html")


def cpu() -> str:
    try:
        info = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return platform.processor() or "unknown"
    name = next((ln.split(":", 1)[1].strip() for ln in info.splitlines() if "Model name" in ln), "")
    try:
        vnni = "avx512_vnni" in Path("/proc/cpuinfo").read_text()
    except OSError:
        vnni = False
    return f"{name or 'unknown'}, avx512_vnni {'yes' if vnni else 'no'}"


def run(formats: tuple[str, ...], corpus: Path) -> dict[str, Any]:
    settings = Settings.from_env()
    rows: list[dict[str, Any]] = []
    speed: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="qa-formats-") as folder:
        for source in sorted(corpus.glob("*.txt")):
            reference = parse(load_document(source, {}), settings)
            files = render_all(source, Path(folder) / source.stem, formats)
            for fmt in formats:
                path = files[fmt]
                started, cpu_started = time.perf_counter(), time.process_time()
                read = read_file(path)
                seconds = time.perf_counter() - started
                cpu_seconds = time.process_time() - cpu_started
                pages = max(1, len(read.page_starts))
                entry = speed.setdefault(fmt, {"pages": 0, "seconds": 0.0, "cpu_seconds": 0.0})
                entry["pages"] += pages if read.page_starts else 0
                entry["seconds"] += seconds
                entry["cpu_seconds"] += cpu_seconds
                other = parse(load_document(path, {}), settings)
                rows.append(_row(source.stem, fmt, reference, other, pages, seconds))
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return {"rows": rows, "speed": speed}


def _row(
    stem: str,
    fmt: str,
    reference: ParsedDocument,
    other: ParsedDocument,
    pages: int,
    seconds: float,
) -> dict[str, Any]:
    c: Comparison = compare(reference, other)
    row: dict[str, Any] = {
        "document": stem,
        "format": fmt,
        "pages": pages,
        "seconds": round(seconds, 2),
        "outline_same": c.outline_same,
        "levels": c.levels_other,
        "levels_txt": c.levels_reference,
        "chunks": f"{c.chunks_same}/{c.chunks_reference} (got {c.chunks_other})",
        "chunks_identical": c.chunks_identical,
        "figures": f"{c.figures_same}/{c.figures_reference} (+{c.figures_extra})",
        "figures_identical": c.figures_identical,
        "figure_share": round(c.figure_share, 4),
        "differences": c.differences[:3],
    }
    if other.document.ocr_pages:
        w = compare(reference, other, width_insensitive=True)
        row["nfkc"] = {
            "outline_same": w.outline_same,
            "chunks": f"{w.chunks_same}/{w.chunks_reference} (got {w.chunks_other})",
            "figures": f"{w.figures_same}/{w.figures_reference} (+{w.figures_extra})",
            "figure_share": round(w.figure_share, 4),
            "differences": w.differences[:3],
        }
        ref, hyp = reference.document.text, other.document.text
        row["cer"] = round(character_error_rate(ref, hyp), 4)
        row["cer_nfkc"] = round(
            character_error_rate(
                unicodedata.normalize("NFKC", ref), unicodedata.normalize("NFKC", hyp)
            ),
            4,
        )
        confidences = [c for _, c in other.document.ocr_pages]
        row["ocr_confidence"] = round(sum(confidences) / len(confidences), 4)
    return row


def report(result: dict[str, Any], command: str) -> str:
    lines = [
        "# Formats: invariance and reading speed",
        "",
        f"Command: `{command}`  ",
        f"CPU: {cpu()}, 2 cores, shared with other engineers' jobs while it ran.  ",
        "Each .txt of corpus/ rendered as a text PDF (公文 layout), an image-only PDF "
        "(150 dpi grey JPEG pages), an OFD and a saved HTML page with site chrome "
        "(eval/render_formats.py), ingested, and compared with the .txt "
        "(eval/format_invariance.py). Chunks and figure clauses are compared with "
        "whitespace ignored.",
        "",
        "## Speed (reading only)",
        "",
        "Wall-clock time depends on what else the shared machine runs; CPU seconds "
        "(all threads of the process) say what reading costs.",
        "",
        "| format | pages | wall s | pages/s (wall) | CPU s | CPU s per page |",
        "|---|---|---|---|---|---|",
    ]
    for fmt, entry in result["speed"].items():
        pages = entry["pages"]
        rate = f"{pages / entry['seconds']:.2f}" if pages and entry["seconds"] else "–"
        cpu_s = entry.get("cpu_seconds", 0.0)
        per_page = f"{cpu_s / pages:.3f}" if pages else "–"
        lines.append(
            f"| {fmt} | {pages or '–'} | {entry['seconds']:.2f} | {rate} | {cpu_s:.2f} | {per_page} |"
        )
    lines += [
        "",
        "## Invariance per document and format",
        "",
        "| document | format | outline | levels (txt → format) | chunks same | figures same | CER | CER (NFKC) | OCR conf. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        levels = (
            "same"
            if row["levels"] == row["levels_txt"]
            else f"{row['levels_txt']} → {row['levels']}"
        )
        lines.append(
            f"| {row['document']} | {row['format']} | {'identical' if row['outline_same'] else 'DIFFERS'} "
            f"| {levels} | {row['chunks']} | {row['figures']} | {row.get('cer', '–')} "
            f"| {row.get('cer_nfkc', '–')} | {row.get('ocr_confidence', '–')} |"
        )
    scans = [r for r in result["rows"] if "cer" in r]
    if scans:
        lines += [
            "",
            "## Scans with full- and half-width forms unified (NFKC)",
            "",
            "OCR cannot see whether a comma was typed full-width (，) or half-width (,) — "
            "the corpus files mix both —, so the scans are also compared after NFKC.",
            "",
            "| document | outline | chunks same | figures same | differences |",
            "|---|---|---|---|---|",
        ]
        for row in scans:
            n = row["nfkc"]
            lines.append(
                f"| {row['document']} | {'identical' if n['outline_same'] else 'DIFFERS'} "
                f"| {n['chunks']} | {n['figures']} | {'; '.join(n['differences']) or '–'} |"
            )

        def share(key: str, rows: list[dict[str, Any]]) -> tuple[int, int]:
            same = sum(int(r[key].split("/")[0]) for r in rows)
            total = sum(int(r[key].split("/")[1].split()[0]) for r in rows)
            return same, total

        strict = share("figures", scans)
        unified = share("figures", [r["nfkc"] for r in scans])
        lines += [
            "",
            f"Scans overall: outline identical in {sum(r['outline_same'] for r in scans)}/{len(scans)} "
            f"documents as read ({sum(r['nfkc']['outline_same'] for r in scans)}/{len(scans)} with "
            f"widths unified); figures identical {strict[0]}/{strict[1]} "
            f"({strict[0] / max(1, strict[1]):.1%}) as read, {unified[0]}/{unified[1]} "
            f"({unified[0] / max(1, unified[1]):.1%}) with widths unified; "
            f"CER {sum(r['cer'] for r in scans) / len(scans):.4f} as read, "
            f"{sum(r['cer_nfkc'] for r in scans) / len(scans):.4f} with widths unified (mean over documents).",
        ]
    if result.get("evaluation"):
        lines += ["", *evaluation_section(result["evaluation"])]

    def remaining(row: dict[str, Any]) -> list[str]:
        # For scans, what still differs once full- and half-width forms are unified.
        return list(row["nfkc"]["differences"] if "nfkc" in row else row["differences"])

    wrong = [r for r in result["rows"] if remaining(r)]
    if wrong:
        lines += ["", "## What differs (scans: with widths unified)", ""]
        for row in wrong:
            lines.append(f"- {row['document']} / {row['format']}: " + "; ".join(remaining(row)))
    return "\n".join(lines) + "\n"


EVAL_METRICS = (
    "hit@1",
    "hit@5",
    "mrr@10",
    "answer_accuracy",
    "not_found_precision",
    "not_found_recall",
)


def _per_question(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What a question's outcome is, to compare two runs question by question."""
    return {
        r["id"]: {
            "cover_rank": r.get("cover_rank"),
            "answer_correct": r.get("answer_correct"),
            "found": r.get("found"),
            "answer": " ".join(str(r.get("answer", "")).split()),
            "passages": [[p["doc_id"], p["section_path"]] for p in r.get("passages", [])],
        }
        for r in rows
    }


def compare_runs(first: dict[str, Any], second: dict[str, Any]) -> str:
    """One sentence on how two evaluation runs differ question by question."""
    keys = ("cover_rank", "answer_correct", "found", "answer")
    outcome = sum(any(first[q][k] != second[q][k] for k in keys) for q in first if q in second)
    same = sum(first[q]["passages"] == second[q]["passages"] for q in first if q in second)
    return (
        f"Question by question: {outcome} of {len(first)} differ in the rank of the first "
        "passage holding the answer, correctness, found/not found or the answer text "
        f"(whitespace ignored); {same} of {len(first)} cite the same passages (document "
        "and section) in the same order."
    )


def evaluation_section(runs: dict[str, Any]) -> list[str]:
    """The QA evaluation on the corpus as .txt and as rendered PDFs (python -m eval)."""
    lines = [
        "## The evaluation with the corpus as PDFs",
        "",
        "`QA_CORPUS_DIR=<folder> QA_INDEX_DIR=<temp> .venv/bin/python -m qa build --force && "
        ".venv/bin/python -m eval --qa eval/qa.jsonl --modes full --out <out>`, once on "
        "corpus/ and once on a folder of the five documents rendered as text PDFs "
        "(eval/render_formats.py) with corpus/metadata.toml renamed to the PDF names.",
        "",
        "| corpus | questions | chunks | " + " | ".join(EVAL_METRICS) + " |",
        "|---|---|---|" + "---|" * len(EVAL_METRICS),
    ]
    for name, run in runs.items():
        if name == "note":
            continue
        overall = run["metrics"]["full"]["overall"]
        values = " | ".join(f"{overall[m]:.4f}" for m in EVAL_METRICS)
        lines.append(f"| {name} | {overall['questions']} | {run.get('chunks', '–')} | {values} |")
    if runs.get("note"):
        lines += ["", runs["note"]]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--out", default=str(PROJECT_ROOT / "eval" / "formats_report.md"))
    args.add_argument("--no-ocr", action="store_true", help="skip the scanned PDFs")
    args.add_argument("--corpus", default=str(PROJECT_ROOT / "corpus"))
    args.add_argument(
        "--evaluation",
        nargs="*",
        default=[],
        metavar="NAME=SUMMARY_JSON[:CHUNKS]",
        help="eval summaries to tabulate, e.g. txt=/tmp/eval-txt/summary.json:133",
    )
    args.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite the report from the JSON of the last run (e.g. to add --evaluation)",
    )
    ns = args.parse_args(argv)
    formats = tuple(f for f in FORMATS if not (ns.no_ocr and f == "scan"))
    json_path = Path(ns.out).with_suffix(".json")
    if ns.report_only:
        result = json.loads(json_path.read_text(encoding="utf-8"))
    else:
        result = run(formats, Path(ns.corpus))
    evaluation: dict[str, Any] = {}
    for item in ns.evaluation:
        name, _, where = item.partition("=")
        path, _, chunks = where.partition(":")
        summary = json.loads(Path(path).read_text(encoding="utf-8"))
        results = Path(path).with_name("results.jsonl")
        rows = (
            [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
            if results.exists()
            else []
        )
        overall = {"full": {"overall": summary["metrics"]["full"]["overall"]}}
        evaluation[name] = {"metrics": overall, "chunks": chunks, "rows": _per_question(rows)}
    runs = [run.pop("rows") for run in evaluation.values()]
    if len(runs) == 2 and all(runs):
        evaluation["note"] = compare_runs(runs[0], runs[1])
    if evaluation or not ns.report_only:
        result["evaluation"] = evaluation
    command = result.get("command") or ".venv/bin/python -m eval.formats_bench" + (
        " --no-ocr" if ns.no_ocr else ""
    )
    result["command"] = command
    Path(ns.out).write_text(report(result, command), encoding="utf-8")
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {ns.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
