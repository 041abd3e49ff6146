"""Check the hand-made duties gold (gold.jsonl, questions.jsonl) against the corpus.

Standard library only. Run:  /work/main/.venv/bin/python eval/duties/check_gold.py
Exit code 0 when everything holds, 1 otherwise.

Checks on gold.jsonl
  * every row is valid JSON with the expected keys and types;
  * ids are unique; doc is one of the five documents;
  * anchor is 10-60 characters and occurs exactly once, verbatim, in its document;
  * every lead / cooperating department name occurs verbatim in its document;
  * a row has at least one lead; task is at most 40 characters;
  * section starts with a level-1 marker (一、 二、 ...).
Checks on questions.jsonl (when present)
  * ids unique, kind known, docs known, every expected id exists in gold.jsonl and
    belongs to one of the question's docs;
  * for 'participants', every expected department is named in one of the expected rows.
Prints per document: rows, lead names, cooperating names (name mentions, and distinct names).
"""

import json
import re
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"
DOCS = OrderedDict(
    [
        ("厦门", "xiamen-2015-quality-strong-city-opinion.txt"),
        ("太原", "taiyuan-2014-quality-outline-action-plan.txt"),
        ("阿拉善", "alxa-quality-strong-league-opinion.txt"),
        ("福建", "fujian-quality-strong-province-targets-2015.txt"),
        ("东莞", "dongguan-2013-quality-strong-city-model-work-plan.txt"),
    ]
)
KEYS = [
    "id",
    "doc",
    "section",
    "task",
    "lead_departments",
    "cooperating_departments",
    "deadline",
    "anchor",
    "note",
]
KINDS = {"lead_tasks", "all_tasks", "participants"}
SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")


def load_jsonl(path, errors):
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            errors.append(f"{path.name}:{n}: bad JSON: {e}")
    return out


def main() -> int:
    errors: list[str] = []
    texts = {d: (CORPUS / f).read_text(encoding="utf-8") for d, f in DOCS.items()}
    rows = load_jsonl(HERE / "gold.jsonl", errors)

    seen = {}
    stats: OrderedDict[str, dict[str, Any]] = OrderedDict(
        (d, {"rows": 0, "lead": 0, "coop": 0, "lead_set": set(), "coop_set": set()}) for d in DOCS
    )
    for r in rows:
        rid = r.get("id", "?")
        missing = [k for k in KEYS if k not in r]
        if missing:
            errors.append(f"{rid}: missing keys {missing}")
            continue
        if rid in seen:
            errors.append(f"{rid}: duplicate id")
        seen[rid] = r
        doc = r["doc"]
        if doc not in texts:
            errors.append(f"{rid}: unknown doc {doc!r}")
            continue
        text = texts[doc]
        for k in ("lead_departments", "cooperating_departments"):
            if not isinstance(r[k], list) or not all(isinstance(x, str) and x for x in r[k]):
                errors.append(f"{rid}: {k} must be a list of non-empty strings")
        for k in ("section", "task", "deadline", "anchor", "note"):
            if not isinstance(r[k], str):
                errors.append(f"{rid}: {k} must be a string")
        if not r["lead_departments"]:
            errors.append(f"{rid}: no lead department")
        if len(r["task"]) > 40:
            errors.append(f"{rid}: task longer than 40 chars ({len(r['task'])})")
        if not SECTION_RE.match(r["section"]):
            errors.append(f"{rid}: section {r['section']!r} does not start with a level-1 marker")
        a = r["anchor"]
        if not 10 <= len(a) <= 60:
            errors.append(f"{rid}: anchor length {len(a)} not in 10..60")
        cnt = text.count(a)
        if cnt != 1:
            errors.append(f"{rid}: anchor occurs {cnt} times in {doc}: {a!r}")
        if r["deadline"] and r["deadline"] not in text:
            errors.append(f"{rid}: deadline {r['deadline']!r} not found verbatim in {doc}")
        for k, key in (("lead_departments", "lead"), ("cooperating_departments", "coop")):
            for name in r[k]:
                if name not in text:
                    errors.append(f"{rid}: department {name!r} not found in {doc}")
            stats[doc][key] += len(r[k])
            stats[doc][key + "_set"].update(r[k])
        dup = set(r["lead_departments"]) & set(r["cooperating_departments"])
        if dup:
            print(f"note: {rid}: {sorted(dup)} written both as lead and cooperating")
        stats[doc]["rows"] += 1

    qpath = HERE / "questions.jsonl"
    nq = 0
    if qpath.exists():
        qs = load_jsonl(qpath, errors)
        qids = set()
        for q in qs:
            qid = q.get("id", "?")
            nq += 1
            if qid in qids:
                errors.append(f"question {qid}: duplicate id")
            qids.add(qid)
            for k in ("question", "kind", "docs", "expected_ids"):
                if k not in q:
                    errors.append(f"question {qid}: missing {k}")
            if q.get("kind") not in KINDS:
                errors.append(f"question {qid}: unknown kind {q.get('kind')!r}")
            docs = q.get("docs", [])
            for d in docs:
                if d not in DOCS:
                    errors.append(f"question {qid}: unknown doc {d!r}")
            exp = q.get("expected_ids", [])
            if not exp:
                errors.append(f"question {qid}: empty expected_ids")
            if len(set(exp)) != len(exp):
                errors.append(f"question {qid}: repeated expected id")
            for e in exp:
                if e not in seen:
                    errors.append(f"question {qid}: expected id {e} not in gold")
                elif seen[e]["doc"] not in docs:
                    errors.append(
                        f"question {qid}: {e} is from {seen[e]['doc']}, not in docs {docs}"
                    )
            if q.get("kind") == "participants":
                named: set[str] = set()
                for e in exp:
                    if e in seen:
                        named.update(seen[e]["lead_departments"])
                        named.update(seen[e]["cooperating_departments"])
                deps = q.get("expected_departments", [])
                if not deps:
                    errors.append(
                        f"question {qid}: participants question without expected_departments"
                    )
                for d in deps:
                    if d not in named:
                        errors.append(f"question {qid}: department {d!r} not in its expected rows")
                missing_names = named - set(deps)
                if missing_names:
                    errors.append(
                        f"question {qid}: expected_departments lacks {sorted(missing_names)}"
                    )
            elif "department" not in q:
                errors.append(f"question {qid}: missing department")

    print(
        f"{'doc':6} {'rows':>5} {'lead names':>11} {'coop names':>11} "
        f"{'distinct lead':>14} {'distinct coop':>14}"
    )
    tot = [0, 0, 0]
    for d, s in stats.items():
        print(
            f"{d:6} {s['rows']:>5} {s['lead']:>11} {s['coop']:>11} "
            f"{len(s['lead_set']):>14} {len(s['coop_set']):>14}"
        )
        tot[0] += s["rows"]
        tot[1] += s["lead"]
        tot[2] += s["coop"]
    print(f"{'total':6} {tot[0]:>5} {tot[1]:>11} {tot[2]:>11}")
    print(f"questions: {nq}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
