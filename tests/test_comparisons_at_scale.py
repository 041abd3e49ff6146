"""Comparisons keep every document that states the asked indicator, at any corpus size;
a question naming no place lists the other documents stating the same indicator."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.assistant import Assistant
from tests.conftest import fake_assistant_over

PLACES = [
    "海川市", "云岭市", "丙县", "丁县", "青石市", "白沙市", "金江市", "木兰县", "石门县", "南湖市",
    "北山市", "东林县", "西岭县", "长河市", "清水县", "红岩市", "绿洲县", "平安县", "和顺县", "永宁市",
    "安平县", "兴隆市", "富民县", "太和市", "宁远县", "顺平县", "德化市", "仁和县", "广安市", "新安县",
    "丰泽县", "嘉禾市", "崇仁县", "惠民市", "万安县", "瑞金县", "高安市", "泰和县", "吉水县", "乐安市",
    "宜黄县", "金溪县", "资溪市", "黎川县", "南丰市", "广昌县", "南城县", "临川市", "东乡县", "进贤县",
]  # fmt: skip


def _document(place: str, rate: int, states_rate: bool) -> str:
    target = f"到2020年，全{place[-1]}产品监督抽查合格率达到{rate}%以上。" if states_rate else ""
    return (
        f"{place}人民政府关于推进质量强{place[-1]}的意见\n"
        f"一、总体目标\n{target}品牌建设取得成效，新增名牌产品{rate - 80}个。\n"
        "二、主要任务\n（一）加强质量监管。开展质量提升行动，完善质量工作机制。\n"
    )


def _corpus(tmp_path: Path, count: int, silent: int = 0) -> Assistant:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number, place in enumerate(PLACES[:count]):
        text = _document(place, 90 + number % 9, states_rate=number >= silent)
        (corpus / f"doc{number:02d}.txt").write_text(text, encoding="utf-8")
    return fake_assistant_over(corpus, tmp_path / "index")


@pytest.mark.parametrize("count", [5, 6, 10, 50])
def test_comparison_keeps_every_document_stating_the_indicator(tmp_path: Path, count: int) -> None:
    assistant = _corpus(tmp_path, count)
    answer = assistant.ask("各地产品监督抽查合格率的目标分别是多少?")
    assert answer.found
    answered = {c.doc_id for s in answer.sentences for c in s.citations}
    assert len(answered) == count
    table_docs = {c.figure.doc_id for c in answer.table}
    assert len(table_docs) == count
    for cited in answer.table:  # every figure shown is verbatim in its passage
        passage = answer.passages[cited.passage_rank - 1]
        assert cited.figure.text in passage.chunk.text and cited.figure.value in cited.figure.text


def test_comparison_names_the_documents_that_state_nothing(tmp_path: Path) -> None:
    assistant = _corpus(tmp_path, 6, silent=2)  # 海川市 and 云岭市 state no rate
    answer = assistant.ask("海川市、云岭市和丙县的产品监督抽查合格率目标分别是多少?")
    assert answer.found
    assert {c.doc_id for s in answer.sentences for c in s.citations} == {"doc02"}
    (note,) = answer.notes
    assert "没有提到" in note and "海川市" in note and "云岭市" in note and "丙县" not in note


def test_question_without_a_place_lists_other_documents_with_the_indicator(
    tmp_path: Path,
) -> None:
    from qa.cli import render_answer
    from qa.present.conversation import answer_block, plain_text

    assistant = _corpus(tmp_path, 6)
    answer = assistant.ask("产品监督抽查合格率的目标是多少?")
    assert answer.found
    first = answer.sentences[0].citations[0].doc_id
    others = {c.figure.doc_id for c in answer.also_stated}
    assert others and first not in others and len(others) <= 5
    # Shown with the answer on the page (linked to their cards), in the copied text, in
    # the CLI; a question naming its place lists none.
    html = answer_block(1, answer, assistant.index.documents)
    for cited in answer.also_stated:
        passage = answer.passages[cited.passage_rank - 1]
        assert passage.chunk.doc_id == cited.figure.doc_id
        assert cited.figure.text in passage.chunk.text
        assert passage.region in html and cited.figure.text in html
        assert f'href="#qa-t1-card-{cited.passage_rank}"' in html
    assert "其他文件也提出了这一指标" in plain_text(answer)
    assert "另见：其他文件也提出了这一指标" in render_answer(answer)
    named = assistant.ask("海川市产品监督抽查合格率的目标是多少?")
    assert not named.also_stated and "其他文件也提出" not in plain_text(named)


def test_a_document_naming_the_indicator_without_a_figure_stays_in_the_comparison(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    targets = {
        "海川市": "到2020年，城市空气质量优良天数比例达到85%以上。",
        "云岭市": "到2020年，城市空气质量优良天数比例达到80%以上。",
        "丙县": "空气质量按现行标准达到国家二级标准，并满足省环保部门的要求。",
    }
    for number, (place, target) in enumerate(targets.items()):
        text = f"{place}人民政府关于推进质量强{place[-1]}的意见\n一、总体目标\n{target}\n"
        (corpus / f"doc{number:02d}.txt").write_text(text, encoding="utf-8")
    answer = fake_assistant_over(corpus, tmp_path / "index").ask("各地对空气质量分别提了什么目标?")
    answered = {c.doc_id for s in answer.sentences for c in s.citations}
    assert answered == {"doc00", "doc01", "doc02"}
    assert any("85%" in s.text for s in answer.sentences)


def test_a_comparison_of_a_few_documents_reads_two_passages_of_each(tmp_path: Path) -> None:
    assistant = _corpus(tmp_path, 6)
    answer = assistant.ask("海川市、云岭市和丙县的质量工作机制分别是怎么安排的?")
    docs = [p.chunk.doc_id for p in answer.passages]
    assert sorted(docs) == ["doc00", "doc00", "doc01", "doc01", "doc02", "doc02"]
    assert docs[:3] == docs[3:]  # each document's best passage before any second one
    # Past the answer's depth (k = 5) of documents, one passage each.
    answer = assistant.ask("各地的质量工作机制分别是怎么安排的?")
    docs = [p.chunk.doc_id for p in answer.passages]
    assert len(docs) == len(set(docs)) == 6
