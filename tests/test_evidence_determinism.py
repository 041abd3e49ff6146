"""Answers do not depend on the process's string hashing (PYTHONHASHSEED): two sentences
holding the same question words must score exactly alike in every process, or a tie
between them (two items of one list) is broken differently from run to run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
from qa.answer.evidence import score_evidence
from qa.retrieve.query import analyse
from qa.types import Chunk, Document, Passage

text = (
    "第七十三条 违反本法规定，有下列行为之一的，处一百元以上一千元以下罚款："
    "\n（一）农产品生产企业、农民专业合作社、收购单位未按照规定开具承诺达标合格证；"
    "\n（二）收购单位或者个人未按照规定收取、保存承诺达标合格证或者其他合格证明。"
)
doc = Document(
    doc_id="law", source_name="law.txt", text=text, title="农产品质量安全法", issuer="",
    doc_number="", date="", region="", script="simplified", content_hash="0",
)
chunk = Chunk("law:0-1", "law", ("第七十三条",), ("第七十三条",), text, (0, len(text)))
passages = [Passage(1, chunk, doc.title, doc.region, 1.0)]
idf = {"合作社": 2.3, "农产品": 1.7, "承诺": 2.9, "达标": 2.1, "合格证": 1.3, "规定": 0.7, "罚": 0.9}
analysis = analyse("合作社卖农产品没按规定开承诺达标合格证，会被罚多少钱？", [doc])
for e in score_evidence(analysis, passages, {}, idf):
    print(e.span, repr(e.score), [repr(f) for f in e.features])
"""


def _scores(seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sentence_scores_are_identical_under_every_hash_seed() -> None:
    first = _scores(0)
    assert first.count("\n") >= 3  # the introduction and both items were scored
    for seed in range(1, 4):
        assert _scores(seed) == first, f"PYTHONHASHSEED={seed} scores differently"
