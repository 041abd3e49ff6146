"""Why the wrong answers are wrong: one results.jsonl, its failures by cause and label.

    .venv/bin/python -m eval.failures eval/out/test/results.jsonl [--mode full] [--list]

A failure's cause is the first that applies, in the order a question travels:
``false found`` (unanswerable, yet answered), ``false not found`` (answerable, said not
found), ``retrieval`` (no cited passage holds the gold answer in the top 5),
``placement`` (the gold phrase is in the answer but not in its first sentence of a long
answer: lenient right, strict wrong), ``incomplete`` (a comparison whose answer states
some documents' phrases but not every one), ``selection`` (the passage was retrieved,
the answer took another sentence).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eval.matching import expected_docs

CAUSES = ("false found", "false not found", "retrieval", "placement", "incomplete", "selection")


def failure_cause(row: dict[str, Any]) -> str | None:
    """None when the answer is right (strictly), else the first cause that applies."""
    if row.get("answer_correct"):
        return None
    if not row.get("answers"):
        return "false found"
    if not row.get("found"):
        return "false not found"
    if not row.get("hit@5"):
        return "retrieval"
    if row.get("answer_correct_lenient"):
        return "incomplete" if len(expected_docs(str(row.get("doc") or ""))) > 1 else "placement"
    return "selection"


def labels_of(row: dict[str, Any]) -> list[str]:
    """The type and the tags, each once (a tag may repeat the type)."""
    labels = [str(row.get("type") or "?"), *(str(t) for t in row.get("tags") or [])]
    return list(dict.fromkeys(labels))


def tally(rows: Iterable[dict[str, Any]]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Failures by cause, overall and per label (a question counts under each label)."""
    overall: Counter[str] = Counter()
    per_label: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        cause = failure_cause(row)
        for label in labels_of(row):
            per_label[label]["questions"] += 1
            if cause:
                per_label[label][cause] += 1
        if cause:
            overall[cause] += 1
    return overall, dict(per_label)


def render(overall: Counter[str], per_label: dict[str, Counter[str]]) -> str:
    lines = [
        "| label | questions | " + " | ".join(CAUSES) + " |",
        "|---|---:|" + "---:|" * len(CAUSES),
    ]
    for label, counts in sorted(per_label.items(), key=lambda kv: -kv[1]["questions"]):
        cells = " | ".join(str(counts.get(c, 0)) for c in CAUSES)
        lines.append(f"| {label} | {counts['questions']} | {cells} |")
    lines.append("| **all** | | " + " | ".join(str(overall.get(c, 0)) for c in CAUSES) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path, help="a results.jsonl written by python -m eval")
    parser.add_argument("--mode", default="full")
    parser.add_argument("--list", action="store_true", help="also list each failure")
    args = parser.parse_args(argv)
    try:
        text = args.results.read_text(encoding="utf-8")
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except (OSError, ValueError) as err:
        print(f"Cannot read {args.results}: {err}. Pass a results.jsonl of python -m eval.")
        return 2
    rows = [r for r in rows if r.get("mode") == args.mode]
    if not rows:
        print(f"No rows of mode {args.mode!r} in {args.results}.")
        return 2
    print(render(*tally(rows)))
    if args.list:
        for row in rows:
            cause = failure_cause(row)
            if cause:
                print(f"- {row.get('id')} [{cause}] {row.get('question')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
