"""Sections a question cites by number: searched first when the named document has them,
named as missing when it does not (not-found rule 16)."""

from pathlib import Path

import pytest
from conftest import assistant_over_texts

from qa.assistant import Assistant
from qa.ingest.outline import parse_outline
from qa.retrieve.section_refs import EFFECTIVE_STATED, absent_section, cited_sections, holds
from qa.textnorm import search_form

PLAN = """某市质量强市工作方案
一、主要目标
到2018年，质量水平明显提高。
二、主要措施
（一）加强组织领导
1、建立工作机制。
2、加强财政支持。
（二）夯实质量基础
3、加强标准化工作。
三、保障措施
（一）加强督查
开展督查考核。
"""
LAW = """某某管理条例
第一章 总则
第一条 为了保障质量，制定本条例。
第二条 本条例适用于产品。
"""


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("方案二、（三）讲了什么?", "二、(三)"),
        ("方案二、（二）讲了什么?", ""),
        ("方案第（四）项由谁牵头?", "第(四)项"),
        ("方案第（二）项由谁牵头?", ""),
        ("方案主要措施第30条讲什么?", "第30条"),
        ("方案主要措施第三条讲什么?", ""),  # 3、 is there, in words or digits
        ("方案第五部分讲什么?", "第五部分"),
        ("方案第三部分讲什么?", ""),
        ("方案的主要措施有哪些?", ""),  # nothing cited
    ],
)
def test_a_cited_section_the_plan_lacks_is_named(question: str, absent: str) -> None:
    found = absent_section(search_form(question), [parse_outline(PLAN)])
    assert (found.cited if found else "") == absent
    assert found is None or not found.article  # a plan has no articles


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("条例第四十八条对新能源车是怎么规定的?", "第四十八条"),
        ("条例第48条怎么说?", "第48条"),
        ("条例第一百零一条怎么说?", "第一百零一条"),
        ("条例第二条说什么?", ""),
        ("条例第2条说什么?", ""),  # in digits, the article 第二条
        ("条例第二条第三项说什么?", ""),  # an item of an article is not numbered alone
    ],
)
def test_an_article_the_named_regulation_lacks_is_named(question: str, absent: str) -> None:
    found = absent_section(search_form(question), [parse_outline(LAW)])
    assert (found.cited if found else "") == absent
    assert found is None or found.article


def test_nothing_is_absent_from_no_named_document() -> None:
    assert absent_section(search_form("第30条怎么规定?"), []) is None


def test_the_assistant_refuses_a_section_the_named_document_lacks(
    fake_assistant: Assistant,
) -> None:
    answer = fake_assistant.ask("东莞方案主要措施第30条讲的是什么内容？")
    assert not answer.found and "第30条" in answer.not_found_reason
    assert fake_assistant.ask("东莞方案主要措施第29条讲的是什么内容？").found


def test_a_cited_section_is_searched_first_and_answers(fake_assistant: Assistant) -> None:
    # The reader points at a section: it comes first and its own sentence answers,
    # whatever else shares the question's words (the fake embedder ranks by chance).
    answer = fake_assistant.ask("太原行动计划第（十四）项由哪个部门牵头？")
    assert answer.found and "(十四)" in answer.passages[0].chunk.section_numbers
    assert "[1]" in answer.answer and not any(f"[{n}]" in answer.answer for n in range(2, 6))
    numbered = fake_assistant.ask("东莞方案主要措施第29条讲的是什么内容？")
    assert "29、" in numbered.passages[0].chunk.section_numbers


def test_cited_sections_as_label_runs() -> None:
    refs = cited_sections(search_form("计量法第9条和太原方案二、（四）说了什么?"))
    assert [r.cited for r in refs] == ["第9条", "二、(四)"]
    assert ("第九条",) in refs[0].runs and refs[1].runs == (("二、", "(四)"),)
    assert holds(("第二章", "第九条"), ("第九条",))
    assert holds(("二、", "(四)", "1."), ("二、", "(四)")) and not holds(
        ("二、",), ("二、", "(四)")
    )


def test_the_assistant_names_an_article_the_regulation_lacks(tmp_path: Path) -> None:
    law = (
        "产品标识管理条例\n第一章 总则\n第一条 为了规范产品标识，制定本条例。\n"
        "第二条 产品标识应当真实。\n第三条 本条例自公布之日起施行。\n"
    )
    assistant = assistant_over_texts(tmp_path, {"产品标识管理条例.txt": law})
    beyond = assistant.ask("产品标识管理条例第四十八条怎么规定?")
    assert not beyond.found and beyond.not_found_reason == "所问的法规中没有第四十八条。"
    assert assistant.ask("产品标识管理条例第2条怎么规定?").found


def test_when_a_named_law_takes_effect_is_answered_by_its_closing_article(
    tmp_path: Path,
) -> None:
    law = (
        "产品标识管理条例\n2005年6月1日通过 2019年3月2日修订\n第一章 总则\n"
        "第一条 为了规范产品标识管理，制定本条例。\n第二条 产品标识应当真实，"
        "由生产者负责。\n第三条 标识管理部门可以依照本条例制定实施办法，报请批准后施行。\n"
        "第四条 本条例自2006年1月1日起施行。\n"
    )
    assistant = assistant_over_texts(tmp_path, {"产品标识管理条例.txt": law})
    for question in ("产品标识管理条例什么时候生效?", "產品標識管理條例是從哪一天開始施行的？"):
        answer = assistant.ask(question)
        assert answer.found, question
        assert answer.answer.startswith("第四条 本条例自2006年1月1日起施行"), answer.answer


def test_when_a_policy_document_takes_effect_is_its_own_closing_sentence(tmp_path: Path) -> None:
    # A policy document is put into effect (本意见自发布之日起实施); a measure it puts
    # into effect from a date (自2016年起实施…制度) is not the document's.
    opinion = (
        "海川市人民政府关于推进质量强市的意见\n一、主要任务\n"
        "（一）推行首席质量官制度。自2016年起实施首席质量官制度，逐步推广。\n"
        "（二）加强标准化工作，推进标准化试点。\n"
        "二、保障措施\n（一）强化考评。本意见自发布之日起实施，有效期三年。\n"
    )
    assert EFFECTIVE_STATED.search("本意见自发布之日起实施，有效期三年。")
    assert not EFFECTIVE_STATED.search("自2016年起实施首席质量官制度，逐步推广。")
    assistant = assistant_over_texts(tmp_path, {"haichuan.txt": opinion})
    answer = assistant.ask("海川这份意见从什么时候开始施行?")
    assert answer.found and answer.answer.startswith("本意见自发布之日起实施"), answer.answer
