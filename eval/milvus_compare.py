"""Two evaluation runs side by side: the metrics, then every question that differs.

    .venv/bin/python -m eval.milvus_compare OUT_A OUT_B

OUT_A and OUT_B are ``python -m eval --out`` folders (summary.json, results.jsonl) of the
same questions, e.g. the FAISS + bm25s store and the Milvus store. A question differs
when its cover rank, answer, found flag or top-5 passages differ.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

FIELDS = ("cover_rank", "found", "answer_correct", "answer")


def load(folder: Path) -> tuple[dict[str, Any], dict[tuple[str, str], dict[str, Any]]]:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (folder / "results.jsonl").open(encoding="utf-8")]
    return summary, {(r["mode"], r["id"]): r for r in rows}


def top5(row: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["doc_id"], p["text"][:20]) for p in row["passages"][:5]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    summary_a, rows_a = load(args.a)
    summary_b, rows_b = load(args.b)
    modes_a, modes_b = summary_a["metrics"], summary_b["metrics"]
    for mode in sorted(set(modes_a) & set(modes_b)):
        metrics_a, metrics_b = modes_a[mode]["overall"], modes_b[mode]["overall"]
        print(f"| {mode} | {args.a.name} | {args.b.name} | difference (points) |")
        print("|---|---|---|---|")
        for name, value in metrics_a.items():
            other = metrics_b.get(name)
            if isinstance(value, float) and isinstance(other, float):
                points = (other - value) * (1 if "latency" in name else 100)
                print(f"| {name} | {value:.3f} | {other:.3f} | {points:+.1f} |")
    differing = 0
    for key in sorted(set(rows_a) & set(rows_b)):
        a, b = rows_a[key], rows_b[key]
        changed = [f for f in FIELDS if a.get(f) != b.get(f)]
        if top5(a) != top5(b):
            changed.append("top5")
        if not changed:
            continue
        differing += 1
        print(f"\n{key[1]} ({key[0]}) {a['question']}: {', '.join(changed)}")
        for name in changed:
            if name == "top5":
                print(f"  top5 {args.a.name}: {top5(a)}\n  top5 {args.b.name}: {top5(b)}")
            else:
                print(f"  {name}: {a.get(name)!r} -> {b.get(name)!r}")
    print(f"\n{differing} of {len(set(rows_a) & set(rows_b))} question rows differ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
