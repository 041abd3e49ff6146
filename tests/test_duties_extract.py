"""Duty extraction on invented documents (both scripts): notes, groups, names, deadlines."""

from __future__ import annotations

import pytest
from conftest import make_document

from qa.duties.extract import extract_duties
from qa.duties.names import AliasTable, DocumentNames, split_names
from qa.ingest.outline import parse_outline
from qa.types import DepartmentMention, Duty

ALIASES = AliasTable.load()

# Full-width punctuation (the standard form), labelled notes with 完成时限, an abbreviation
# defined in the text, a note in a parent's heading, 以上工作由…, labelled lines, running
# text with 会同, and slogans that assign nothing.
PLAN = """甲乙市质量提升行动方案
为推进质量提升，市质量技术监督局（以下简称市质监局）会同有关部门制定本方案。
一、重点任务
（一）加强标准化工作。推进地方标准制修订，每年的“世界标准日”开展宣传。（牵头单位：市质监局；配合单位：市发展和改革委员会、市财政局；完成时限：2020年底前）
（二）品牌建设（牵头单位：市经信局）
1. 培育品牌。开展品牌培育试点。
2. 保护品牌。严厉打击侵权行为。（牵头单位：市市场监管局，配合单位：市公安局）
（三）计量工作
1. 推进能源计量。开展重点用能单位计量审查。
2. 推进民生计量。加强集贸市场计量监督。
以上工作由市质监局牵头，各区政府配合。
二、保障措施
（一）加强组织领导。建立政府负责、部门监管、企业主体的工作格局，落实企业首负责任制，明确项目负责人。市质监局要会同市统计局建立质量统计制度，每季度通报一次。
（二）经费保障
牵头单位：市财政局
责任单位：各区政府
完成时限：长期坚持
各区、各部门要加强组织领导，参照以上分工制定方案，确保各项任务落到实处。
"""

# Traditional script, 阿拉善's style: the level prefix written once per list, each
# unit leading its own part, several notes in one paragraph, a carve-out in a note.
LEAGUE = """丙丁盟質量工作要點
一、主要任務
（一）產品質量。抽查合格率達到95%以上（盟市場監督管理局負責），農產品合格率達到97%以上（盟農牧局牽頭，盟財政局、水利局配合落實）。
（二）服務質量。提升服務滿意度（盟發改委、商務局、文旅局按各自職責分工負責，示範區創建工作由丙旗政府負責）。
（三）技術創新。到2022年底，研發中心達到10家（盟科技局牽頭負責）。
"""


def duties_of(text: str, region: str, script: str = "simplified") -> list[Duty]:
    document = make_document(text, script, region=region, title=text.splitlines()[0])
    return list(extract_duties(document, parse_outline(text), ALIASES))


def written(mentions: tuple[DepartmentMention, ...]) -> list[str]:
    return [m.written for m in mentions]


def canonical(mentions: tuple[DepartmentMention, ...]) -> list[str]:
    return [m.canonical for m in mentions]


@pytest.fixture(scope="module")
def plan() -> list[Duty]:
    return duties_of(PLAN, "甲乙市")


def by_task(duties: list[Duty], task: str) -> Duty:
    found = [d for d in duties if d.task == task]
    assert len(found) == 1, [d.task for d in duties]
    return found[0]


def test_every_row_is_verbatim_at_its_span(plan: list[Duty]) -> None:
    for text in (PLAN, LEAGUE):
        for duty in duties_of(text, "甲乙市") if text is PLAN else duties_of(text, "丙丁盟"):
            assert text[duty.span[0] : duty.span[1]] == duty.text
            for mention in duty.lead_departments + duty.cooperating_departments:
                assert text[mention.span[0] : mention.span[1]] == mention.written
            if duty.deadline_span:
                assert duty.deadline in text[duty.deadline_span[0] : duty.deadline_span[1]]


def test_labelled_note_with_deadline_and_full_names(plan: list[Duty]) -> None:
    duty = by_task(plan, "加强标准化工作")
    assert written(duty.lead_departments) == ["市质监局"]
    assert written(duty.cooperating_departments) == ["市发展和改革委员会", "市财政局"]
    assert canonical(duty.cooperating_departments) == ["市发改委", "市财政局"]
    assert duty.deadline == "2020年底前"  # the label, not 每年的“世界标准日”
    assert duty.section_numbers == ("一、", "（一）")
    assert duty.text.startswith("（一）加强标准化工作") and duty.text.endswith("2020年底前）")


def test_note_in_a_parent_heading_governs_children_without_their_own(plan: list[Duty]) -> None:
    cultivate = by_task(plan, "培育品牌")
    assert written(cultivate.lead_departments) == ["市经信局"]
    assert cultivate.text == "1. 培育品牌。开展品牌培育试点。"
    assert PLAN[cultivate.note_span[0] : cultivate.note_span[1]] == "（牵头单位：市经信局）"
    protect = by_task(plan, "保护品牌")
    assert written(protect.lead_departments) == ["市市场监管局"]
    assert written(protect.cooperating_departments) == ["市公安局"]


def test_above_note_governs_the_preceding_tasks(plan: list[Duty]) -> None:
    for task in ("推进能源计量", "推进民生计量"):
        duty = by_task(plan, task)
        assert written(duty.lead_departments) == ["市质监局"]
        assert written(duty.cooperating_departments) == ["各区政府"]
        assert duty.section_numbers[:2] == ("一、", "（三）")


def test_running_text_joint_assignment_and_slogans(plan: list[Duty]) -> None:
    joint = [d for d in plan if "市统计局" in written(d.cooperating_departments)]
    assert len(joint) == 1
    assert written(joint[0].lead_departments) == ["市质监局"]
    assert joint[0].deadline == "每季度"
    assert joint[0].task.startswith("建立质量统计制度")
    # 政府负责、部门监管 / 首负责任制 / 项目负责人 assign nothing.
    names = {m.written for d in plan for m in d.lead_departments + d.cooperating_departments}
    assert not names & {"政府", "企业", "项目"}


def test_definition_in_the_text_gives_the_canonical_name(plan: list[Duty]) -> None:
    preamble = [d for d in plan if d.section_path == ()]
    assert len(preamble) == 1
    assert written(preamble[0].lead_departments) == ["市质量技术监督局"]
    assert canonical(preamble[0].lead_departments) == ["市质监局"]
    assert written(preamble[0].cooperating_departments) == ["有关部门"]


def test_labelled_lines_responsible_is_cooperating_when_a_lead_is_named(plan: list[Duty]) -> None:
    duty = by_task(plan, "经费保障")
    assert written(duty.lead_departments) == ["市财政局"]
    assert written(duty.cooperating_departments) == ["各区政府"]
    assert duty.deadline == "长期坚持"


def test_plan_has_exactly_the_assignments_written(plan: list[Duty]) -> None:
    assert len(plan) == 8


def test_traditional_shared_prefix_groups_and_carve_out() -> None:
    duties = duties_of(LEAGUE, "丙丁盟", "traditional")
    assert len(duties) == 5
    first, second, service, carve_out, innovation = duties
    assert written(first.lead_departments) == ["盟市場監督管理局"]
    assert canonical(first.lead_departments) == ["盟市場監管局"]
    assert first.text.startswith("（一）產品質量。") and first.text.endswith(
        "（盟市場監督管理局負責）"
    )
    assert first.task == "抽查合格率達到95%以上"
    assert second.text.startswith("農產品合格率")
    assert written(second.cooperating_departments) == ["盟財政局", "水利局"]
    assert canonical(second.cooperating_departments) == ["盟財政局", "盟水利局"]
    assert written(service.lead_departments) == ["盟發改委", "商務局", "文旅局"]
    assert canonical(service.lead_departments) == ["盟發改委", "盟商務局", "盟文旅局"]
    assert service.cooperating_departments == ()
    assert carve_out.task == "示範區創建工作"
    assert written(carve_out.lead_departments) == ["丙旗政府"]
    assert carve_out.text == "示範區創建工作由丙旗政府負責"
    assert written(innovation.lead_departments) == ["盟科技局"]
    assert innovation.deadline == "到2022年底"


def test_simplified_and_traditional_give_the_same_matrix() -> None:
    from qa.textnorm import to_simplified

    traditional = duties_of(LEAGUE, "丙丁盟", "traditional")
    simplified = duties_of(to_simplified(LEAGUE), "丙丁盟")
    assert [to_simplified(d.text) for d in traditional] == [d.text for d in simplified]
    assert [
        [to_simplified(m.canonical) for m in d.lead_departments + d.cooperating_departments]
        for d in traditional
    ] == [[m.canonical for m in d.lead_departments + d.cooperating_departments] for d in simplified]


def test_document_without_outline_groups_by_paragraph() -> None:
    text = (
        "一段引言，不分配任务。\n"
        "做好质量宣传工作，开展质量月活动。(市质监局牵头,市委宣传部配合)\n"
        "抓好食品安全。(市食安办负责)\n"
    )
    duties = duties_of(text, "甲乙市")
    assert [d.text for d in duties] == [
        "做好质量宣传工作，开展质量月活动。(市质监局牵头,市委宣传部配合)",
        "抓好食品安全。(市食安办负责)",
    ]
    assert [written(d.lead_departments) for d in duties] == [["市质监局"], ["市食安办"]]


def test_stage_heading_gives_the_deadline_of_its_sentences() -> None:
    text = (
        "一、进度安排\n(一)启动阶段(2015年1月至3月)\n"
        "质监、发改、环保等三大部门牵头制定实施细则。\n"
        "(二)实施阶段(2015年4月至12月)\n各部门按职责推进。\n"
        "二、总体目标\n到2016年，各项任务全面完成。\n"
    )
    duties = duties_of(text, "甲乙市")
    assert len(duties) == 1
    assert written(duties[0].lead_departments) == ["质监", "发改", "环保"]
    assert duties[0].deadline == "2015年1月至3月"


def test_titles_and_plan_periods_are_not_deadlines() -> None:
    text = (
        "一、任务\n(一)计量。贯彻《计量发展规划(2013-2020年)》，参与每年的质量月活动。"
        "(牵头部门:市质监局)\n"
    )
    assert duties_of(text, "甲乙市")[0].deadline == ""


@pytest.mark.parametrize(
    ("written_list", "names"),
    [
        ("市质监局、市科技局及各镇街", ["市质监局", "市科技局", "各镇街"]),
        ("市人力资源和社会保障局", ["市人力资源和社会保障局"]),
        ("市质监局和市工商局", ["市质监局", "市工商局"]),
        ("市委宣传部等单位及各镇街", ["市委宣传部", "各镇街"]),
        ("各旗(區)政府(管委會)、盟經信委", ["各旗(區)政府(管委會)", "盟經信委"]),
        ("东莞市质量技术监督局（以下简称市质监局）", ["东莞市质量技术监督局"]),
    ],
)
def test_split_names(written_list: str, names: list[str]) -> None:
    found = split_names(written_list, 100)
    assert found is not None
    assert [n.written for n in found] == names
    for n in found:
        assert written_list[n.span[0] - 100 : n.span[1] - 100] == n.written


@pytest.mark.parametrize("not_a_list", ["加强质量工作", "企业", "建立健全评价指标"])
def test_split_names_refuses_words_that_are_no_departments(not_a_list: str) -> None:
    assert split_names(not_a_list, 0) is None


def test_bare_short_form_takes_the_documents_own_bureau_before_the_table() -> None:
    text = "一、任务\n(一)宣传。(市质监局牵头)\n(二)方案。质监、经信等部门牵头制定方案。\n"
    document = make_document(text, region="东莞市")
    names = DocumentNames(document, ALIASES, ["市质监局", "市经信局"])
    assert names.canonical("质监") == "市质监局"
    assert names.canonical("经信") == "市经信局"  # the document's 局, whatever the table says
    taiyuan = DocumentNames(make_document(text, region="太原市"), ALIASES, [])
    assert taiyuan.canonical("经信") == "市经信委"  # no evidence: the region's own table
    elsewhere = DocumentNames(make_document(text, region="某某市"), ALIASES, [])
    assert elsewhere.canonical("经信") == "经信"  # neither: kept as written


# National style: names without a level prefix, 按职责分工负责 after a lead (cooperating),
# a deadline clause in the note, 由X牵头 in running text, a note in a leaf's heading line.
NATIONAL = """国务院办公厅关于加强质量工作的实施意见
一、主要任务
（一）提升产品质量。开展重点产品质量提升行动。（质检总局牵头，工业和信息化部、商务部等按职责分工负责）
（二）加强标准建设。完善标准体系。（国家标准委负责，2017年底前完成）
（三）强化质量监管。开展专项整治，由质检总局牵头，公安部、工商总局参与。
（四）推进认证认可（认监委牵头，各有关部门配合）
加快认证制度改革，推进国际互认。
二、组织实施
（一）各地区、各部门要高度重视，加强组织领导。国务院有关部门负责人要亲自抓。
（二）质检总局要会同有关部门加强督促检查，每年向国务院报告。
"""

# City work points: labels inline after a sentence (no brackets, spaces between labels),
# 按职责分工负责 with no other lead (leading), two notes in one item, running text
# "X负责牵头，Y配合" without an object.
POINTS = """某某市2016年质量工作要点
一、重点工作
1、实施标准化战略。牵头单位：市质监局 配合单位：市发改委、市经信委 完成时间：2016年12月底前
2、开展质量提升行动。（市质监局、市工商局按职责分工负责，各区县(市)人民政府配合落实）
3、加强食品安全监管（市食品药品监督管理局牵头，市农委、市卫计委配合）。加强农产品质量监管（市农委负责）。
4、建立质量信用体系，市发改委负责牵头，市人民银行中心支行、市工商局配合。
二、工作要求
各地各部门要按照本要点，明确责任，狠抓落实。企业要全面负责产品质量。
"""


def table(duties: list[Duty]) -> list[tuple[str, str, list[str], list[str], str]]:
    return [
        (
            "".join(d.section_numbers),
            d.task,
            written(d.lead_departments),
            written(d.cooperating_departments),
            d.deadline,
        )
        for d in duties
    ]


def test_national_style() -> None:
    assert table(duties_of(NATIONAL, "")) == [
        ("一、（一）", "提升产品质量", ["质检总局"], ["工业和信息化部", "商务部"], ""),
        ("一、（二）", "加强标准建设", ["国家标准委"], [], "2017年底前"),
        ("一、（三）", "开展专项整治", ["质检总局"], ["公安部", "工商总局"], ""),
        ("一、（四）", "推进认证认可", ["认监委"], ["各有关部门"], ""),
        ("二、（二）", "加强督促检查", ["质检总局"], ["有关部门"], "每年"),
    ]


def test_city_work_points() -> None:
    duties = duties_of(POINTS, "某某市")
    assert table(duties) == [
        ("一、1、", "实施标准化战略", ["市质监局"], ["市发改委", "市经信委"], "2016年12月底前"),
        ("一、2、", "开展质量提升行动", ["市质监局", "市工商局"], ["各区县(市)人民政府"], ""),
        ("一、3、", "加强食品安全监管", ["市食品药品监督管理局"], ["市农委", "市卫计委"], ""),
        ("一、3、", "加强农产品质量监管", ["市农委"], [], ""),
        ("一、4、", "建立质量信用体系", ["市发改委"], ["市人民银行中心支行", "市工商局"], ""),
    ]
    assert canonical(duties[2].lead_departments) == ["市食药监局"]


# Item numbers running across parts, with "1." before the first （一）: the outline then
# nests （二） under item 3. A note closing item 3's own sentences is item 3's, not （二）'s;
# a role word inside a unit's name (各项目牵头单位) is part of the name.
RUNNING_NUMBERS = """某某市人才工程实施意见
一、总体目标
1.目标。5年内引进高层次人才2000名。
二、重点项目
（一）产业人才。实施如下重点项目：
2.企业家培养项目。培养优秀企业家100名。（牵头单位：市委组织部，配合单位：市国资委）
3.创业扶持项目。扶持创业项目100个。（牵头单位：市人社局，配合单位：市工商局、团市委，各区、县级市）
（二）科技人才。实施如下重点项目：
4.博士后培养项目。资助博士后400名。（牵头单位：市人社局，配合单位：各项目牵头单位，各区、县级市）
"""


def test_note_closing_a_parents_own_text_is_not_its_childrens() -> None:
    assert table(duties_of(RUNNING_NUMBERS, "某某市")) == [
        ("二、2.", "企业家培养项目", ["市委组织部"], ["市国资委"], ""),
        ("二、3.", "创业扶持项目", ["市人社局"], ["市工商局", "团市委", "各区", "县级市"], ""),
        ("二、4.", "博士后培养项目", ["市人社局"], ["各项目牵头单位", "各区", "县级市"], ""),
    ]


# A responsibility breakdown: a note on its own line after an item's numbered points
# closes them all (also as the document's last line, which ingestion may leave out of
# the outline as a footer); 〔…〕 notes, a label whose list ends in 按职责分工负责, and a
# full stop ending the list (what follows is no unit).
BREAKDOWN = """某市防灾规划任务分解
一、建设任务
（一）预案工作
1.健全预案体系
(1)规范预案的编写、审批和备案。
(2)定期修订已有预案，做到简明管用。
(3)每年组织预案演练。
(责任单位:市直各有关单位、各县(市、区)人民政府、各开发区管委会)
2.理顺管理体制
(1)充实防灾办事机构。
(2)加强专项预案牵头部门的机构建设。
(责任单位:市应急办、市编办)
"""
PROVINCE = """某省物流体系建设方案
一、深化改革
(一)建设市场体系。推动市场体系建设。〔责任单位:省发展改革委、省市场监管局、商务厅、省大数据中心按职责分工负责。各项任务均涉及各市(州)人民政府,不再分工,下同。〕
(二)优化准入环境。推进证照改革。〔责任单位:省市场监管局〕
(三)审批改革。实行许可事项清单管理，2022年10月底前公布清单。(市政府办公室、市审改办牵头,市级各有关部门及各县市区政府按职责分工负责)
"""


def test_note_after_numbered_points_closes_the_item() -> None:
    duties = duties_of(BREAKDOWN, "某市")
    assert table(duties) == [
        ("一、（一）1.", "健全预案体系",
         ["市直各有关单位", "各县(市、区)人民政府", "各开发区管委会"], [], "每年"),
        ("一、（一）2.", "理顺管理体制", ["市应急办", "市编办"], [], ""),
    ]  # fmt: skip
    assert duties[0].text.startswith("1.健全预案体系\n(1)")


def test_province_style_notes() -> None:
    duties = duties_of(PROVINCE, "某省")
    assert table(duties) == [
        ("一、(一)", "建设市场体系", ["省发展改革委", "省市场监管局", "商务厅", "省大数据中心"], [], ""),
        ("一、(二)", "优化准入环境", ["省市场监管局"], [], ""),
        ("一、(三)", "审批改革", ["市政府办公室", "市审改办"],
         ["市级各有关部门", "各县市区政府"], "2022年10月底前"),
    ]  # fmt: skip
    assert canonical(duties[0].lead_departments)[2] == "省商务厅"  # the shared 省 prefix
