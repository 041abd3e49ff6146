"""`python -m eval`: run the benchmark over a Q&A file and write the report.

    python -m eval [--qa eval/qa.jsonl ...] [--modes keyword,dense,hybrid,full,naive]
                   [--k 1,3,5,10] [--out eval/out] [--fail-under hit@5=0.95 ...] [--limit N]
                   [--corpus-list eval/v2/corpus.txt] [--index-dir eval/out/index-v2]

Several --qa files run one after the other on the same index; the report shows them
side by side (e.g. --qa eval/v2/dev.jsonl --qa eval/v2/test.jsonl).

Exit status: 0 on success, 1 when a --fail-under bound is missed (full mode), 2 on bad
input (unreadable Q&A file, unknown mode or metric, missing index or model).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.eval_corpus import open_eval_assistant
from eval.metrics import gated_metric_names
from eval.qa_file import load_qa_file
from eval.report import write_outputs, write_side_by_side
from eval.runner import DEFAULT_KS, DEFAULT_MODES, MODES, evaluate
from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import InputError, QAError

HERE = Path(__file__).resolve().parent
GATED_MODE = "full"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--qa",
        type=Path,
        action="append",
        default=None,
        help="Q&A file (.jsonl, .csv or .xlsx); repeatable (default eval/qa.jsonl)",
    )
    parser.add_argument(
        "--corpus-list",
        type=Path,
        default=None,
        help="also index the documents this file lists (paths under ../shared/scale-corpus/laws)",
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=None,
        help="where the index of --corpus-list lives (default: OUT/index)",
    )
    parser.add_argument(
        "--modes",
        default=",".join(DEFAULT_MODES),
        help=f"comma-separated, from {','.join(MODES)}",
    )
    parser.add_argument(
        "--k", default=",".join(map(str, DEFAULT_KS)), help="comma-separated k for hit@k"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out", help="output folder")
    parser.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 when the full mode's METRIC is below VALUE (repeatable)",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    return parser.parse_args(argv)


def parse_modes(text: str) -> list[str]:
    modes = list(dict.fromkeys(m.strip() for m in text.split(",") if m.strip()))
    unknown = [m for m in modes if m not in MODES]
    if not modes or unknown:
        raise InputError(
            f"--modes {text!r}: unknown or no mode.", f"Use some of: {','.join(MODES)}."
        )
    return modes


def parse_ks(text: str) -> list[int]:
    try:
        ks = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise InputError(
            f"--k {text!r} is not a list of integers.", "Example: --k 1,3,5,10"
        ) from None
    if not ks or ks[0] < 1 or ks[-1] > 50:
        raise InputError(
            f"--k {text!r}: every k must be between 1 and 50.", "Example: --k 1,3,5,10"
        )
    return ks


def parse_bounds(specs: Sequence[str], ks: Sequence[int], modes: Sequence[str]) -> dict[str, float]:
    """--fail-under METRIC=VALUE pairs, checked before the (slow) run starts."""
    allowed = gated_metric_names(ks)
    bounds: dict[str, float] = {}
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip().lower()
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not sep or value != value:
            raise InputError(
                f"--fail-under {spec!r} is not METRIC=VALUE.", "Example: --fail-under hit@5=0.95"
            )
        if name not in allowed:
            raise InputError(
                f"--fail-under: unknown metric {name!r}.",
                f"Use one of: {', '.join(allowed)} (hit@k needs k in --k).",
            )
        bounds[name] = value
    if bounds and GATED_MODE not in modes:
        raise InputError(
            f"--fail-under applies to the {GATED_MODE} mode, which is not in --modes.",
            f"Add {GATED_MODE} to --modes.",
        )
    return bounds


def failed_bounds(metrics: dict[str, Any], bounds: dict[str, float]) -> list[str]:
    """A message per missed bound; an undefined metric (n/a) counts as missed."""
    failures = []
    for name, bound in bounds.items():
        value = metrics.get(name)
        if value is None:
            failures.append(
                f"{GATED_MODE} {name} is undefined (n/a) on this question set; bound {bound}"
            )
        elif value < bound:
            failures.append(f"{GATED_MODE} {name} = {value:.4f} < {bound}")
    return failures


def main(argv: Sequence[str] | None = None, assistant: Assistant | None = None) -> int:
    """The CLI. ``assistant`` (already built, e.g. over a test index) replaces the one
    opened from the QA_* settings."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv, assistant)
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _run(argv: list[str], assistant: Assistant | None) -> int:
    args = parse_args(argv)
    modes = parse_modes(args.modes)
    ks = parse_ks(args.k)
    bounds = parse_bounds(args.fail_under, ks, modes)
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit {args.limit}: must be at least 1.")
    qa_files: list[Path] = args.qa or [HERE / "qa.jsonl"]
    sets = {path: load_qa_file(path)[: args.limit] for path in qa_files}

    if assistant is None:
        settings = Settings.from_env()
        if args.corpus_list is not None:
            assistant = open_eval_assistant(
                settings, args.corpus_list, args.index_dir or args.out / "index"
            )
        else:
            assistant = Assistant.open(settings)
    summaries: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    tables_text = []
    for path, items in sets.items():
        run = evaluate(assistant, items, modes=modes, ks=ks)
        meta = {
            "command": shlex.join(["python", "-m", "eval", *argv]),
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "qa_file": str(path),
            "questions": len(items),
            "model": assistant.embedder.name,
            "index_build_id": assistant.index.info.build_id,
            "documents": len(assistant.index.documents),
        }
        out = args.out if len(sets) == 1 else args.out / path.stem
        tables_text.append(f"== {path}\n" + write_outputs(out, run, meta))
        summaries[path.stem] = run.summary()
        if bounds:
            prefix = f"{path.stem}: " if len(sets) > 1 else ""
            failures += [
                prefix + f for f in failed_bounds(run.summary()[GATED_MODE]["overall"], bounds)
            ]
        print(f"wrote {out / 'summary.json'}, {out / 'report.md'}, {out / 'results.jsonl'}")
    if len(sets) > 1:
        write_side_by_side(args.out, summaries, modes, ks, meta)
        print(f"wrote {args.out / 'report.md'} (sets side by side)")
    print("\n".join(tables_text))
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
