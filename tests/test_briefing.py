"""Briefing export: Markdown and Word hold each question, answer, citation and figure."""

from __future__ import annotations

from pathlib import Path

import docx

from qa.present.briefing import briefing_docx, briefing_markdown, citation_lines
from qa.types import Answer, Chunk, CitedFigure, Figure, Passage


def passage(rank: int, title: str, path: tuple[str, ...], text: str) -> Passage:
    chunk = Chunk(f"d{rank}:0-{len(text)}", f"d{rank}", path, (), text, (0, len(text)))
    return Passage(rank, chunk, title, "某市", 0.9)


FIGURE = Figure(
    "d1", ("一、目标",), "监督抽查合格率", "95", 95.0, "%", "at_least", 2020, "市质监局|质检所",
    "监督抽查合格率达到95%以上", (0, 14),
)  # fmt: skip
FOUND = Answer(
    question="甲市监督抽查合格率目标是多少?",
    found=True,
    answer=(
        "甲市：监督抽查合格率达到95%以上[1]\n\n"
        "| 地区 | 指标 | 出处 |\n|---|---|---|\n| 甲市 | 合格率 | [1] |"
    ),
    passages=(
        passage(1, "甲市质量意见", ("一、目标", "(二)具体目标"), "监督抽查合格率达到95%以上。"),
        passage(2, "乙市行动计划", (), "前言。"),
    ),
    figures=(CitedFigure(FIGURE, 1),),
)
NOT_FOUND = Answer(
    question="上海市的目标是什么?",
    found=False,
    answer="文件中没有找到这个问题的答案。",
    passages=(passage(1, "甲市质量意见", ("二、措施",), "加强监管。"),),
)


def test_citation_lines_name_document_and_section_path() -> None:
    assert citation_lines(FOUND) == [
        "[1] 《甲市质量意见》 一、目标 › (二)具体目标",
        "[2] 《乙市行动计划》 （正文开头）",
    ]


def test_markdown_has_every_question_answer_citation_and_figure() -> None:
    text = briefing_markdown([FOUND, NOT_FOUND], created="2024-01-01 09:00")
    assert text.startswith("# 问答简报\n")
    assert "共 2 个问题" in text and "2024-01-01 09:00" in text
    assert "## 1. 甲市监督抽查合格率目标是多少?" in text
    assert "## 2. 上海市的目标是什么?" in text
    assert "- [1] 《甲市质量意见》 一、目标 › (二)具体目标" in text
    # A "|" inside a cell is escaped so the table keeps its columns.
    assert "| 监督抽查合格率 | 95 | % | 不低于 | 2020 | 市质监局\\|质检所 | [1] |" in text
    assert text.index("**未找到答案。**") > text.index("## 2.")


def test_docx_has_questions_citations_and_a_figures_table(tmp_path: Path) -> None:
    path = briefing_docx([FOUND, NOT_FOUND], tmp_path / "out" / "briefing.docx")
    word = docx.Document(str(path))
    paragraphs = [p.text for p in word.paragraphs]
    assert "1. 甲市监督抽查合格率目标是多少?" in paragraphs
    assert "2. 上海市的目标是什么?" in paragraphs
    assert "[1] 《甲市质量意见》 一、目标 › (二)具体目标" in paragraphs
    assert "甲市：监督抽查合格率达到95%以上[1]" in paragraphs
    # The Markdown table of the answer is not pasted as text; the figures table holds it.
    assert not any(p.startswith("|") for p in paragraphs)
    assert len(word.tables) == 1
    rows = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert rows[0][0] == "指标"
    assert rows[1] == ["监督抽查合格率", "95", "%", "不低于", "2020", "市质监局|质检所", "[1]"]


def test_empty_session_still_gives_valid_files(tmp_path: Path) -> None:
    assert "共 0 个问题" in briefing_markdown([])
    word = docx.Document(str(briefing_docx([], tmp_path / "empty.docx")))
    assert word.paragraphs[0].text == "问答简报"
