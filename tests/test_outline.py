"""Outline parsing: golden outlines of the five documents, heading styles and traps.

Regenerate the golden files after a deliberate change with
``QA_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_outline.py`` and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT
from qa.ingest.corpus import load_corpus
from qa.ingest.outline import parse_outline, walk
from qa.present.views import outline_golden_dict, outline_to_dict
from qa.types import Document, Section

GOLDEN = Path(__file__).parent / "golden"
CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    return {d.doc_id: d for d in load_corpus(CORPUS)}


def _doc(documents: dict[str, Document], prefix: str) -> Document:
    return next(d for k, d in documents.items() if k.startswith(prefix))


def test_golden_outlines(documents: dict[str, Document]) -> None:
    assert len(documents) == 5
    for doc_id, document in documents.items():
        actual = outline_golden_dict(document, parse_outline(document.text))
        path = GOLDEN / f"{doc_id}.json"
        if os.environ.get("QA_REGENERATE_GOLDEN") == "1":
            GOLDEN.mkdir(exist_ok=True)
            path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", "utf-8")
        expected = json.loads(path.read_text("utf-8"))
        assert actual == expected, f"outline of {doc_id} differs from {path.name}"


@pytest.mark.parametrize(
    ("prefix", "level1", "level2"),
    [("xiamen", 5, 18), ("taiyuan", 4, 14), ("alxa", 4, 15), ("fujian", 3, 9), ("dongguan", 4, 14)],
)
def test_level_counts(
    documents: dict[str, Document], prefix: str, level1: int, level2: int
) -> None:
    sections = parse_outline(_doc(documents, prefix).text)
    assert len(sections) == level1
    assert sum(len(s.children) for s in sections) == level2
    assert all(s.level == 1 for s in sections)


def test_spans_index_the_text(documents: dict[str, Document]) -> None:
    for document in documents.values():
        for ancestors, section in walk(parse_outline(document.text)):
            start, end = section.span
            assert document.text[start:].startswith(section.number)
            assert section.body_span[0] == start and section.body_span[1] <= end
            for parent in ancestors:
                assert parent.span[0] <= start and end <= parent.span[1]


def test_inline_heading_is_phrase_before_full_stop(documents: dict[str, Document]) -> None:
    first = parse_outline(_doc(documents, "xiamen").text)[0]
    assert first.heading == "充分认识深化质量强市建设的重要性和紧迫性"
    assert [c.label for c in first.children] == ["(一)重大意义", "(二)总体目标"]


def test_run_on_numbering_across_parents(documents: dict[str, Document]) -> None:
    taiyuan = parse_outline(_doc(documents, "taiyuan").text)
    assert [c.number for c in taiyuan[1].children] == ["(六)", "(七)", "(八)"]
    dongguan = parse_outline(_doc(documents, "dongguan").text)
    measures = dongguan[2]
    numbers = [g.number for c in measures.children for g in c.children]
    assert numbers == [f"{n}、" for n in range(1, 30)]


def test_trailing_paragraphs_belong_to_the_parent(documents: dict[str, Document]) -> None:
    document = _doc(documents, "taiyuan")
    last = parse_outline(document.text)[-1]
    last_item = last.children[-1]
    assert last_item.number == "(十四)"
    item_text = document.text[last_item.span[0] : last_item.span[1]]
    assert "做好争创" not in item_text and item_text.endswith("市统计局)")
    assert document.text[last.span[0] : last.span[1]].endswith("确保各项任务完成。")
    xiamen = _doc(documents, "xiamen")
    five = parse_outline(xiamen.text)[-1]
    assert (
        "本意见自发布之日起实施"
        not in xiamen.text[five.children[-1].span[0] : five.children[-1].span[1]]
    )
    assert xiamen.text[five.span[0] : five.span[1]].endswith("有效期三年。")


def test_noise_never_inside_sections(documents: dict[str, Document]) -> None:
    for document in documents.values():
        for section in parse_outline(document.text):
            text = document.text[section.span[0] : section.span[1]]
            for word in (
                "扫一扫",
                "返回顶部",
                "信息来源",
                "备案号",
                "主办单位",
                "相关附件",
                "福建省人民政府",
            ):
                assert word not in text


def test_outline_to_dict_shape(documents: dict[str, Document]) -> None:
    document = _doc(documents, "xiamen")
    data = outline_to_dict(document, parse_outline(document.text))
    assert list(data) == [
        "doc_id",
        "title",
        "issuer",
        "doc_number",
        "date",
        "region",
        "script",
        "sections",
    ]
    assert list(data["sections"][0]) == ["level", "number", "heading", "children"]
    assert data["sections"][1]["children"][3] == {
        "level": 2,
        "number": "(四)",
        "heading": "改善环境质量",
        "children": [],
    }


# ---- heading styles on tiny texts -------------------------------------------------


def _labels(text: str) -> list[tuple[int, str]]:
    return [(s.level, s.label) for _, s in walk(parse_outline(text))]


def test_levels_follow_order_of_first_appearance() -> None:
    text = "（一）总体要求\n正文。\n1．目标\n正文。\n2．任务\n正文。\n（二）保障措施\n正文。\n"
    assert _labels(text) == [
        (1, "（一）总体要求"),
        (2, "1．目标"),
        (2, "2．任务"),
        (1, "（二）保障措施"),
    ]


def test_all_styles_full_and_half_width() -> None:
    text = (
        "一、总则\n（一）目标\n1. 第一项\n(1)细目\n(2)细目二\n①要点\n②要点二\n"
        "2、第二项\n(二)任务\n１．再一项\n二、附则\n"
    )
    got = _labels(text)
    assert got == [
        (1, "一、总则"),
        (2, "（一）目标"),
        (3, "1.第一项"),
        (4, "(1)细目"),
        (4, "(2)细目二"),
        (5, "①要点"),
        (5, "②要点二"),
        (3, "2、第二项"),
        (2, "(二)任务"),
        (3, "１．再一项"),
        (1, "二、附则"),
    ]


def test_heading_on_own_line_strips_trailing_stop() -> None:
    (section,) = parse_outline("一、加强组织领导。\n各地要落实责任。\n")
    assert section.heading == "加强组织领导" and section.label == "一、加强组织领导"


def test_legal_ladder_with_ideographic_space() -> None:
    text = (
        "第一章\u3000总则\n第一条\u3000为了规范管理，制定本办法。\n第二条 本办法适用于：\n"
        "（一）生产者；\n（二）销售者。\n第二章 附则\n第三条 本办法自发布之日起施行。\n"
    )
    sections = parse_outline(text)
    assert [(s.number, s.heading) for s in sections] == [("第一章", "总则"), ("第二章", "附则")]
    articles = sections[0].children
    assert [a.label for a in articles] == ["第一条", "第二条"]
    assert [i.label for i in articles[1].children] == ["（一）生产者", "（二）销售者"]
    assert articles[1].children[0].level == 3


def test_section_between_chapter_and_article_gets_its_natural_level() -> None:
    text = "第一章 总则\n第一条 甲。\n第二章 分则\n第一节 通则\n第二条 乙。\n"
    got = _labels(text)
    assert got == [
        (1, "第一章总则"),
        (3, "第一条"),
        (1, "第二章分则"),
        (2, "第一节通则"),
        (3, "第二条"),
    ]


def test_markdown_headings() -> None:
    text = (
        "# 某某条例\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n"
        "## 第一章 总则\n\n第一条 甲。\n\n## 附则\n\n第二条 乙。\n"
    )
    sections = parse_outline(text)
    assert [s.label for s in sections] == ["第一章总则", "附则"]
    assert [c.label for c in sections[1].children] == ["第二条"]
    assert sections[0].span[0] == text.index("第一章")


@pytest.mark.parametrize(
    "line",
    [
        "2014年6月前，全市完成检测数据上传。",
        "1.1 本标准适用于全部产品。",
        "1.5亿元用于质量奖励。",
        "12315、12365等热线畅通。",
        "2015年，全市合格率达到95%。",
        "第十条第二款规定的情形除外。",
        "第十条规定的期限内完成。",
        "（二）项规定的企业应当报告。",
    ],
)
def test_false_starts_are_not_headings(line: str) -> None:
    text = f"一、总体要求\n（一）目标\n正文。\n{line}\n（二）任务\n正文。\n"
    labels = [label for _, label in _labels(text)]
    assert labels == ["一、总体要求", "（一）目标", "（二）任务"]


def test_reference_inside_sentence_is_not_a_heading() -> None:
    text = "第五条 依照本法第（二）项的规定，\n第十条第二款另有规定的除外。\n第六条 乙。\n"
    assert [label for _, label in _labels(text)] == ["第五条", "第六条"]


def test_out_of_sequence_numbers_are_body_text() -> None:
    text = "一、总体要求\n正文。\n三、不是标题而是正文里的编号\n二、主要任务\n正文。\n"
    assert [label for _, label in _labels(text)] == ["一、总体要求", "二、主要任务"]


def test_marker_must_start_the_line() -> None:
    text = "一、总体要求\n培育施工总承包和专业承包一、二级企业。\n二、主要任务\n"
    assert len(parse_outline(text)) == 2


def test_long_numbered_paragraph_gets_opening_words() -> None:
    body = (
        "将刑法第一百五十一条第三款修改为走私珍稀植物及其制品等"
        "国家禁止进出口的其他货物物品的处五年以下有期徒刑"
    )
    (section,) = parse_outline(
        f"一、{body}，并处罚金；情节严重的，处五年以上有期徒刑，并处罚金。\n"
    )
    assert section.heading.endswith("…") and len(section.heading) == 31
    assert body.startswith(section.heading[:-1])


def test_empty_and_headingless_texts() -> None:
    assert parse_outline("") == ()
    assert parse_outline("只有一段正文，没有任何标题。") == ()
    assert parse_outline("\n\n   \n") == ()


def test_crlf_line_ends() -> None:
    text = "一、总则\r\n正文。\r\n二、附则\r\n正文。\r\n"
    sections = parse_outline(text)
    assert [s.heading for s in sections] == ["总则", "附则"]
    assert text[sections[0].span[0] : sections[0].span[1]] == "一、总则\r\n正文。"


def _all(sections: tuple[Section, ...]) -> list[Section]:
    return [s for _, s in walk(sections)]


def test_children_levels_are_deeper(documents: dict[str, Document]) -> None:
    for document in documents.values():
        for section in _all(parse_outline(document.text)):
            assert all(c.level > section.level for c in section.children)
