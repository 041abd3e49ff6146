"""Counts of one question split (tags, types, unanswerable families, documents), the
per-split minima it must reach, and their printout; used by check_set.py."""

from __future__ import annotations

import re
from collections import Counter

from set_docs import err
from set_rules import MAX_PER_FAMILY, MIN_FAMILIES, MINIMA, POS_TRAP_WORDS


def split_stats(recs: list[dict]) -> dict:
    tags = Counter(t for r in recs for t in r.get("tags", []))
    types = Counter(r.get("type") for r in recs)
    docs = Counter(r.get("doc") or "(none)" for r in recs)
    fam: Counter[str] = Counter()
    for r in recs:
        if "unanswerable" in r.get("tags", []):
            m = re.match(r"family:\s*([a-z_]+)", r.get("note", ""))
            if m:
                fam[m.group(1)] += 1
    pos = sum(1 for r in recs if any(w in r.get("question", "") for w in POS_TRAP_WORDS))
    return {
        "n": len(recs),
        "tags": tags,
        "types": types,
        "docs": docs,
        "families": fam,
        "pos_trap": pos,
    }


def check_minima(name: str, st: dict) -> None:
    got = dict(st["tags"])
    got["questions"] = st["n"]
    got["pos_trap"] = st["pos_trap"]
    for k, v in MINIMA.items():
        if got.get(k, 0) < v:
            err(f"{name}: {k} = {got.get(k, 0)} < {v}")
    for f, c in st["families"].items():
        if c > MAX_PER_FAMILY:
            err(f"{name}: unanswerable family {f} used {c} times (max {MAX_PER_FAMILY})")
    if len(st["families"]) < MIN_FAMILIES:
        err(f"{name}: only {len(st['families'])} unanswerable families (min {MIN_FAMILIES})")


def print_stats(name: str, st: dict) -> None:
    print(f"== {name}: {st['n']} questions")
    print("  tags:    " + ", ".join(f"{k} {v}" for k, v in sorted(st["tags"].items())))
    print("  types:   " + ", ".join(f"{k} {v}" for k, v in sorted(st["types"].items())))
    print("  families:" + ", ".join(f" {k} {v}" for k, v in sorted(st["families"].items())))
    print(f"  pos-trap words: {st['pos_trap']}")
    single: Counter[str] = Counter()
    for k, v in st["docs"].items():
        for part in k.split("|"):
            single[part] += v
    print(
        "  documents (comparisons counted per document): "
        + ", ".join(f"{k} {v}" for k, v in sorted(single.items(), key=lambda x: -x[1]))
    )
