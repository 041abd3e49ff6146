"""Each retrieval choice against its alternative, on the same questions (run by hand).

    python -m eval.ablations [--qa eval/qa.jsonl] [--out eval/ablations.md]

Runs the evaluation runner's "full" mode once per variant, each in its own process with
one QA_* setting changed (int8 uses its own index in a temporary folder), and writes a
Markdown table of the headline metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VARIANTS: list[tuple[str, dict[str, str]]] = [
    ("shipped (keyword weight 2.0, place routing, no figure boost, fp32)", {}),
    ("keyword weight 1.0 (plain RRF)", {"QA_KEYWORD_WEIGHT": "1.0"}),
    ("keyword weight 3.0", {"QA_KEYWORD_WEIGHT": "3.0"}),
    ("no place routing", {"QA_PLACE_ROUTING": "0"}),
    ("figure boost 1.2", {"QA_FIGURE_BOOST": "1.2"}),
    ("figure boost 1.5", {"QA_FIGURE_BOOST": "1.5"}),
    ("onnx-int8 encoder", {"QA_ENCODER": "onnx-int8", "QA_INDEX_DIR": "{int8_index}"}),
]
METRICS = ["hit@1", "hit@5", "mrr@10", "answer_accuracy", "not_found_precision", "not_found_recall"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--qa", default="eval/qa.jsonl")
    parser.add_argument("--out", default=str(ROOT / "eval" / "ablations.md"))
    args = parser.parse_args()
    rows: list[tuple[str, dict[str, str], dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        int8_index = str(Path(tmp) / "index-int8")
        for name, overrides in VARIANTS:
            env = dict(
                os.environ, **{k: v.format(int8_index=int8_index) for k, v in overrides.items()}
            )
            if "QA_ENCODER" in overrides:
                subprocess.run(
                    [sys.executable, "-m", "qa", "build"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                )
            out = Path(tmp) / f"run{len(rows)}"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "eval",
                    "--qa",
                    args.qa,
                    "--modes",
                    "full",
                    "--out",
                    str(out),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            overall = summary["metrics"]["full"]["overall"]
            rows.append((name, overrides, overall))
            print(name, {m: overall.get(m) for m in METRICS}, flush=True)
    lines = [
        "# Retrieval choices, measured",
        "",
        f"Command: `python -m eval.ablations --qa {args.qa}` (mode `full`).",
        "Each row changes one setting of the shipped assistant.",
        "",
        "| variant | settings | " + " | ".join(METRICS) + " |",
        "|---|---|" + "---:|" * len(METRICS),
    ]
    for name, overrides, overall in rows:
        settings = (
            ", ".join(f"{k}={v}" for k, v in overrides.items() if k != "QA_INDEX_DIR") or "defaults"
        )
        values = " | ".join(
            "n/a" if overall.get(m) is None else f"{overall[m]:.3f}" for m in METRICS
        )
        lines.append(f"| {name} | {settings} | {values} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
