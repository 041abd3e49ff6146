"""`python -m eval`: run the benchmark over a Q&A file and write the report.

    python -m eval [--qa eval/qa.jsonl] [--modes keyword,dense,hybrid,full,naive]
                   [--k 1,3,5,10] [--out eval/out] [--fail-under hit@5=0.95 ...] [--limit N]

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

from eval.metrics import gated_metric_names
from eval.qa_file import load_qa_file
from eval.report import write_outputs
from eval.runner import DEFAULT_KS, MODES, evaluate
from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import InputError, QAError

HERE = Path(__file__).resolve().parent
GATED_MODE = "full"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--qa", type=Path, default=HERE / "qa.jsonl", help="Q&A file (JSON Lines)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated retrieval modes")
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
    items = load_qa_file(args.qa)[: args.limit]

    if assistant is None:
        assistant = Assistant.open(Settings.from_env())
    run = evaluate(assistant, items, modes=modes, ks=ks)
    meta = {
        "command": shlex.join(["python", "-m", "eval", *argv]),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "qa_file": str(args.qa),
        "questions": len(items),
        "model": assistant.embedder.name,
        "index_build_id": assistant.index.info.build_id,
    }
    table = write_outputs(args.out, run, meta)
    print(table)
    print(
        f"wrote {args.out / 'summary.json'}, {args.out / 'report.md'}, {args.out / 'results.jsonl'}"
    )
    failures = failed_bounds(run.summary()[GATED_MODE]["overall"], bounds) if bounds else []
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
