"""Print the questions a mode got wrong in an eval results.jsonl (for error analysis)."""

import json
import sys

path, mode = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "full"
kind = sys.argv[3] if len(sys.argv) > 3 else ""
with open(path, encoding="utf-8") as handle:
    rows = [json.loads(line) for line in handle]
for row in rows:
    if row["mode"] != mode or (kind and row["type"] != kind) or row["answer_correct"]:
        continue
    top = [f"{p['region']}{''.join(s[:4] for s in p['section_path'])}" for p in row["passages"][:5]]
    print(
        f"{row['id']} [{row['type']}] {row['question']}  rank={row['cover_rank']} found={row['found']}"
    )
    print(f"   want: {row['answers']} doc={row['doc']}")
    print(f"   got : {row['answer'][:160]}")
    print(f"   top : {top}")
