"""A heading is never the answer: its section's body is."""

from conftest import make_document

from qa.answer.answer_unit import choose_evidence
from qa.answer.evidence import score_evidence
from qa.retrieve.query import analyse
from qa.types import Chunk, Passage

DOCS = [make_document(doc_id="dg", region="东莞市", title="东莞市创建全国质量强市示范城市工作方案")]


def _chosen(question: str, text: str, path: tuple[str, ...]) -> list[str]:
    chunk = Chunk("dg:0", "dg", path, path, text, (0, len(text)))
    passages = [Passage(1, chunk, DOCS[0].title, "东莞市", 1.0)]
    analysis = analyse(question, DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    return [e.text for e in choose_evidence(evidence, analysis, (), passages)]


def test_a_short_section_is_answered_by_its_whole_body() -> None:
    text = (
        "(一)总体目标\n\n到2014年,全市整体质量水平明显提高,质量文化氛围浓厚。"
        "创建工作顺利通过验收考核。"
    )
    (unit,) = _chosen("东莞的总体目标是什么?", text, ("二、主要目标", "(一)总体目标"))
    assert unit.startswith("到2014年") and unit.endswith("通过验收考核。")


def test_a_long_section_is_answered_by_its_best_sentence_not_its_heading() -> None:
    body = "到2014年,全市整体质量水平明显提高。" + "各项工作扎实推进,成效显著。" * 40
    units = _chosen(
        "东莞的总体目标是什么?", "(一)总体目标\n\n" + body, ("二、主要目标", "(一)总体目标")
    )
    assert units and not any(u.strip() == "(一)总体目标" for u in units)


def test_a_heading_stating_what_is_asked_answers() -> None:
    text = "(一)规划筹备阶段(2012年10月至12月)\n\n制定工作方案,形成“1+4”方案体系。"
    units = _chosen(
        "东莞创建工作的规划筹备阶段是哪几个月?",
        text,
        ("四、工作步骤", "(一)规划筹备阶段(2012年10月至12月)"),
    )
    assert "2012年10月至12月" in units[0]
