"""What each document of a comparison is answered with (qa.answer.answer_unit)."""

from conftest import make_document

from qa.answer.answer_unit import choose_evidence
from qa.answer.evidence import score_evidence
from qa.retrieve.query import analyse
from qa.types import Chunk, Passage

DOCS = [
    make_document(doc_id="ty", region="太原市"),
    make_document(doc_id="dg", region="东莞市"),
]


def _passage(rank: int, doc_id: str, text: str) -> Passage:
    chunk = Chunk(f"{doc_id}:0", doc_id, ("三、",), ("三、",), text, (0, len(text)))
    return Passage(rank, chunk, "标题", "", 1.0 / rank)


def test_a_department_note_of_a_comparison_comes_with_the_task_it_closes() -> None:
    passages = [
        _passage(1, "ty", "保障食品农产品质量安全，开展专项整治。(牵头部门:市食药监局)"),
        _passage(2, "dg", "完善食品安全应急预案,落实日常防控措施。(市食安办牵头,各镇街配合落实)"),
    ]
    analysis = analyse("太原和东莞的食品农产品质量安全工作分别由哪个部门牵头?", DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    chosen = choose_evidence(evidence, analysis, analysis.doc_ids, passages)
    # 东莞's note alone names nothing asked about; with its task it answers.
    assert [e.doc_id for e in chosen] == ["ty", "dg"]
    assert chosen[1].text == "完善食品安全应急预案,落实日常防控措施。(市食安办牵头,各镇街配合落实)"


def test_a_comparison_keeps_a_document_whose_section_names_the_asked_topic() -> None:
    def under(rank: int, doc_id: str, heading: str, text: str) -> Passage:
        body = f"{heading}\n{text}"
        chunk = Chunk(f"{doc_id}:0", doc_id, (heading,), ("一、",), body, (0, len(body)))
        return Passage(rank, chunk, "标题", "", 1.0 / rank)

    passages = [
        under(1, "ty", "（二）总体目标", "到2018年，总体目标是建设质量强市取得明显成效。"),
        under(2, "dg", "（一）总体目标", "到2014年，全市整体质量水平明显提高。"),
    ]
    analysis = analyse("各地的质量总体目标分别定在哪一年实现?", DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    chosen = choose_evidence(evidence, analysis, ("ty", "dg"), passages)
    # 东莞's sentence does not repeat 总体目标; its section does.
    assert [e.text for e in chosen] == [
        "到2018年，总体目标是建设质量强市取得明显成效。",
        "到2014年，全市整体质量水平明显提高。",
    ]


def test_a_comparison_keeps_a_document_naming_the_asked_things_modifier() -> None:
    passages = [
        _passage(1, "ty", "充分发挥12365、12315、12330等投诉热线的作用。"),
        _passage(2, "dg", "完善质量投诉和消费维权机制,畅通12315、12365等质量投诉举报渠道。"),
    ]
    analysis = analyse("太原和东莞分别提到要发挥哪些投诉热线的作用?", DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    chosen = choose_evidence(evidence, analysis, ("ty", "dg"), passages)
    # 东莞 says 投诉举报渠道, not 热线: the 投诉 of 投诉热线 is what is asked about too.
    assert [e.doc_id for e in chosen] == ["ty", "dg"]
    # A sentence holding neither the topic nor its modifier is still left out.
    unrelated = [passages[0], _passage(2, "dg", "加强标准化工作,发挥企业主体作用。")]
    evidence = score_evidence(analysis, unrelated, {}, {})
    assert [e.doc_id for e in choose_evidence(evidence, analysis, ("ty", "dg"), unrelated)] == [
        "ty"
    ]


def test_a_note_closing_a_paragraph_is_about_what_the_paragraph_opens_with() -> None:
    passages = [
        _passage(1, "ty", "加强环境污染治理,提高环境质量。(牵头部门:市发改委)"),
        _passage(
            2,
            "dg",
            "（二）具体目标\n环境质量——饮用水源水质达标率达100%。环境卫生水平不断提升,"
            "市容市貌明显改观。(市环保局负责牵头落实)",
        ),
    ]
    analysis = analyse("太原和东莞抓环境质量,牵头的分别是哪个部门?", DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    chosen = choose_evidence(evidence, analysis, analysis.doc_ids, passages)
    assert [e.doc_id for e in chosen] == ["ty", "dg"]
    assert chosen[1].text.endswith("(市环保局负责牵头落实)")
