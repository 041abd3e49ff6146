"""Briefing content, Markdown and Word on invented answers (no index, no model)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

from qa.present.briefing import briefing_markdown, entry
from qa.present.briefing_docx import briefing_docx
from qa.types import Answer, AnswerSentence, Chunk, Citation, CitedFigure, Document, Figure, Passage

TEXT = "一、目标\n到2020年，监督抽查合格率达到95%以上，制造业质量竞争力指数达到88。"


def document(doc_id: str, region: str, number: str) -> Document:
    return Document(
        doc_id,
        f"{doc_id}.txt",
        TEXT,
        f"{region}质量意见",
        "",
        number,
        "",
        region,
        "simplified",
        doc_id,
    )


DOCUMENTS = {
    d.doc_id: d for d in (document("d1", "甲市", "甲府〔2020〕1号"), document("d2", "乙市", ""))
}


def passage(rank: int, doc_id: str) -> Passage:
    chunk = Chunk(
        f"{doc_id}:5-{len(TEXT)}", doc_id, ("一、目标",), ("一、",), TEXT[5:], (5, len(TEXT))
    )
    return Passage(rank, chunk, DOCUMENTS[doc_id].title, DOCUMENTS[doc_id].region, 0.9)


def figure(doc_id: str, indicator: str, value: str) -> Figure:
    start = TEXT.index(indicator)
    return Figure(
        doc_id,
        ("一、目标",),
        indicator,
        value,
        float(value),
        "%",
        "at_least",
        2020,
        "市质监局|质检所",
        TEXT[start : start + len(indicator) + 6],
        (start, start + len(indicator) + 6),
    )


SENTENCE_SPAN = (TEXT.index("到2020年"), len(TEXT))
RATE, INDEX = figure("d1", "监督抽查合格率", "95"), figure("d1", "制造业质量竞争力指数", "88")
FOUND = Answer(
    question="甲市监督抽查合格率目标是多少?",
    found=True,
    answer="…",
    passages=(passage(1, "d1"), passage(2, "d2")),
    figures=(CitedFigure(RATE, 1), CitedFigure(INDEX, 1)),
    sentences=(
        AnswerSentence(
            "到2020年，监督抽查合格率达到95%以上。", (Citation(1, "d1", SENTENCE_SPAN),)
        ),
    ),
)
COMPARED = Answer(
    question="甲市和乙市的监督抽查合格率目标分别是多少?",
    found=True,
    answer="…",
    passages=(passage(1, "d1"), passage(2, "d2")),
    figures=(CitedFigure(RATE, 1),),
    sentences=(
        AnswerSentence(
            "监督抽查合格率达到95%以上。", (Citation(1, "d1", SENTENCE_SPAN),), label="甲市"
        ),
    ),
    table=(CitedFigure(RATE, 1),),
)
NOT_FOUND = Answer(
    question="上海市的目标是什么?",
    found=False,
    answer="文件中没有找到这个问题的答案。现有文件中没有关于“上海市”的文件。以下是最接近的段落，仅供参考。",
    passages=(passage(1, "d2"),),
    not_found_reason="现有文件中没有关于“上海市”的文件。",
)


def test_sources_carry_the_document_number() -> None:
    assert entry(FOUND, DOCUMENTS).sources == (
        "[1] 《甲市质量意见》（甲府〔2020〕1号） 一、目标",
        "[2] 《乙市质量意见》 一、目标",
    )


def test_related_figures_leave_out_what_was_not_asked() -> None:
    rows = entry(FOUND, DOCUMENTS).figures
    assert [row[1] for row in rows] == ["监督抽查合格率"]
    assert rows[0] == (
        "甲市",
        "监督抽查合格率",
        "95",
        "%",
        "不低于",
        "2020",
        "市质监局|质检所",
        "[1]",
    )


def test_comparison_has_its_region_column_and_names_who_is_missing() -> None:
    item = entry(COMPARED, DOCUMENTS)
    assert item.comparison == (("甲市", "监督抽查合格率", "95", "%", "不低于", "2020", "[1]"),)
    assert "乙市" in item.missing and "甲市" not in item.missing
    assert item.lines == ("甲市：监督抽查合格率达到95%以上。[1]",)


def test_markdown_has_every_chosen_question_once_and_escapes_cells() -> None:
    text = briefing_markdown([FOUND, NOT_FOUND], DOCUMENTS, created="2024-01-01 09:00")
    assert text.startswith("# 问答简报\n") and "共 2 个问题" in text and "2024-01-01 09:00" in text
    assert "## 1. 甲市监督抽查合格率目标是多少?" in text and "## 2. 上海市的目标是什么?" in text
    assert "| 甲市 | 监督抽查合格率 | 95 | % | 不低于 | 2020 | 市质监局\\|质检所 | [1] |" in text
    assert text.count("没有找到") == 1 and "未找到答案" not in text


def test_word_is_a4_with_gongwen_fonts_and_tables(tmp_path: Path) -> None:
    path = briefing_docx([COMPARED, NOT_FOUND], DOCUMENTS, tmp_path / "out" / "briefing.docx")
    word = docx.Document(str(path))
    assert (
        round(word.sections[0].page_width.cm, 1) == 21.0
        and round(word.sections[0].page_height.cm, 1) == 29.7
    )
    paragraphs = [p.text for p in word.paragraphs]
    assert "一、甲市和乙市的监督抽查合格率目标分别是多少?" in paragraphs
    assert "二、上海市的目标是什么?" in paragraphs
    assert "（一）各地对比" in paragraphs and any(
        "乙市" in p and "未列入对比" in p for p in paragraphs
    )
    assert "[1] 《甲市质量意见》（甲府〔2020〕1号） 一、目标" in paragraphs
    rows = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert rows[0] == ["地区", "指标", "数值", "单位", "比较", "目标年份", "出处"]
    assert rows[1][0] == "甲市"
    heading = next(p for p in word.paragraphs if p.text.startswith("一、"))
    fonts = heading.runs[0].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    assert (
        word.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        == "仿宋_GB2312"
    )


def test_empty_briefing_still_gives_valid_files(tmp_path: Path) -> None:
    assert "共 0 个问题" in briefing_markdown([], DOCUMENTS)
    word = docx.Document(str(briefing_docx([], DOCUMENTS, tmp_path / "empty.docx")))
    assert word.paragraphs[0].text == "问答简报"
