"""The v2 question sets pass their validator (eval/v2/check_set.py): every answer phrase
verbatim in its section, a reworded question sharing at most 6 characters verbatim with
its document, tags consistent, no split repeating another's questions."""

import subprocess
import sys
from pathlib import Path

import pytest

from eval.eval_corpus import LAWS_DIR as LAWS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not LAWS.is_dir(), reason=f"{LAWS} (the regulations' texts) is not here")
def test_every_question_split_passes_its_validator() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "eval" / "v2" / "check_set.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.rstrip().endswith("PASSED")
    assert "== dev20: 120 questions" in done.stdout
    assert "== dev21: 120 questions" in done.stdout
    assert "== dev25: 120 questions" in done.stdout
    assert "== dev26: 120 questions" in done.stdout  # the newest split is validated too


def test_a_reworded_question_is_measured_by_its_longest_verbatim_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The validator's modules import each other by bare name, as a script run from its
    # folder does; the path is added for this test only.
    monkeypatch.syspath_prepend(str(ROOT / "eval" / "v2"))
    from set_docs import Doc, longest_shared_run

    text = "消费者有权自收到商品之日起七日内退货，且无需说明理由。"
    doc = Doc("消费者权益保护法", Path("law.md"), "law", "消费者权益保护法", text)
    assert longest_shared_run("网上买的东西七日内能退吗", doc) == 3  # 七日内
    assert longest_shared_run("收到商品之日起多久能退货", doc) == 7  # 收到商品之日起
    # A question in traditional script is compared as simplified: 七日內退貨 is 七日内退货.
    assert longest_shared_run("收到商品之日起七日內退貨嗎", doc) == 12
