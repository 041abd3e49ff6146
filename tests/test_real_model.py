"""The real embedded model over the real corpus (slow: builds the model if missing,
then an index in a temporary folder). `make test` runs these in CI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import PROJECT_ROOT, Settings
from qa.embed import load_embedder
from qa.embed.adaptation import build_models
from qa.indexing import build_corpus_index
from qa.present.records import answer_to_record

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    home = tmp_path_factory.mktemp("real")
    shutil.copytree(PROJECT_ROOT / "corpus", home / "corpus")
    settings = Settings.from_env({}, corpus_dir=home / "corpus", index_dir=home / "index")
    build_models(settings)
    embedder = load_embedder(settings)
    build_corpus_index(settings, embedder)
    return Assistant.open(settings, embedder=embedder)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("厦门到2018年森林覆盖率要达到多少?", "42.9%"),
        ("阿拉善盟服务业对经济增长的贡献率目标是多少?", "40%"),  # simplified -> traditional doc
        ("廈門到2018年森林覆蓋率要達到多少?", "42.9%"),  # traditional -> simplified doc
        ("太原保障食品农产品质量安全由哪个部门牵头?", "市食药监局"),
        ("福建省级监督抽查合格率要稳定在多少?", "92%"),
    ],
)
def test_real_questions_get_the_right_sentence(
    real_assistant: Assistant, question: str, expected: str
) -> None:
    answer = real_assistant.ask(question)
    assert answer.found
    assert expected in answer.answer.replace(" ", "")


def test_real_not_found(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("上海市的目标是什么?")
    assert not answer.found and answer.passages


def test_real_amount_comparison_quotes_only_amounts(real_assistant: Assistant) -> None:
    answer = real_assistant.ask("各地对质量奖的奖励金额分别是多少？")
    assert answer.found and answer.sentences
    assert all("元" in s.text for s in answer.sentences)
    assert any("没有给出这方面的金额" in note for note in answer.notes)


def test_real_outline_questions_list_the_sub_headings(real_assistant: Assistant) -> None:
    stages = real_assistant.ask("质量强市示范城市创建分几个阶段？")
    assert stages.sentences[0].label == "四、进度安排" and len(stages.sentences) == 4
    fields = real_assistant.ask("厦门的意见从哪几个方面提升质量水平？")
    assert [s.text for s in fields.sentences][-1] == "(四)改善环境质量"


def test_real_follow_up_alone_asks_for_the_question(real_assistant: Assistant) -> None:
    assert "上一个问题" in real_assistant.ask("厦门呢?").answer
    followed = real_assistant.ask("廈門呢？", history=["太原市的森林覆盖率目标是多少?"])
    assert followed.resolved_question.startswith("廈門")


def test_real_figures_are_verbatim_in_their_passages(real_assistant: Assistant) -> None:
    record = answer_to_record(real_assistant.ask("各地监督抽查合格率的目标分别是多少?"))
    texts = {p["rank"]: p["text"] for p in record["passages"]}
    assert record["figures"]
    for figure in record["figures"]:
        assert figure["text"] in texts[figure["passage_rank"]] and figure["value"] in figure["text"]


def test_real_evaluation_meets_its_targets(real_assistant: Assistant, tmp_path: Path) -> None:
    """The shipped assistant on eval/qa.jsonl: the issue's quality targets, as a regression guard."""
    from eval.__main__ import main

    out = tmp_path / "eval"
    status = main(
        [
            "--qa",
            str(PROJECT_ROOT / "eval" / "qa.jsonl"),
            "--modes",
            "full",
            "--out",
            str(out),
            "--fail-under",
            "hit@5=0.95",
            "--fail-under",
            "mrr@10=0.85",
            "--fail-under",
            "answer_accuracy=0.85",
            "--fail-under",
            "not_found_precision=0.8",
        ],
        assistant=real_assistant,
    )
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert status == 0, summary["metrics"]["full"]["overall"]
