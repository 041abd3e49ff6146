"""HTML for the browser UI: pure functions from domain objects to escaped markup.

Every piece of document or question text goes through ``html.escape`` (or a Markdown
renderer with raw HTML disabled) before it is placed in markup, so a document that
contains ``<script>`` is shown as text. The app only wires these into components.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

import pandas as pd

from qa.answer.text import COMPARATOR_WORDS
from qa.textnorm import search_form
from qa.types import (
    Answer,
    Chunk,
    CitedFigure,
    Document,
    Figure,
    Passage,
)

NO_SECTION = "（正文开头）"

# Scoped to the HTML component by Gradio (css_template), so the page needs no global CSS.
CARD_CSS = """
.qa-answer { font-size: 1.05rem; line-height: 1.7; margin-bottom: .8rem; }
.qa-answer table { border-collapse: collapse; margin: .5rem 0; }
.qa-answer th, .qa-answer td { border: 1px solid #d0d7de; padding: 2px 8px; }
.qa-notfound { background: #fff4e5; border-left: 4px solid #f0a020; padding: .6rem .8rem;
  margin-bottom: .8rem; }
.qa-cite { color: #1a5fb4; font-weight: 600; text-decoration: none; }
.qa-card { border: 1px solid #d0d7de; border-radius: 8px; padding: .6rem .9rem;
  margin: .6rem 0; background: #fbfbfc; }
.qa-card-head { font-weight: 600; }
.qa-rank { color: #1a5fb4; margin-right: .4rem; }
.qa-region { color: #555; font-weight: 400; margin-left: .5rem; font-size: .9rem; }
.qa-crumbs { color: #555; font-size: .9rem; margin: .2rem 0 .4rem; }
.qa-text { white-space: pre-wrap; line-height: 1.65; }
mark.qa-sentence { background: #fff3a3; padding: 0 1px; }
mark.qa-value { background: #b6e3c6; font-weight: 600; padding: 0 2px; border-radius: 3px; }
.qa-figures { border-collapse: collapse; margin-top: .6rem; width: 100%; font-size: .92rem; }
.qa-figures th, .qa-figures td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; }
.qa-figures th { background: #f0f3f6; white-space: nowrap; }
.qa-figures td:nth-child(n+2):nth-child(-n+5) { white-space: nowrap; }
.qa-question { color: #555; margin-bottom: .3rem; }
.qa-section-text { white-space: pre-wrap; line-height: 1.65; border: 1px solid #d0d7de;
  border-radius: 8px; padding: .6rem .9rem; }
.qa-mode { color: #555; font-size: .9rem; margin-bottom: .3rem; }
.qa-generated { border-bottom: 1px dashed #1a5fb4; }
.qa-note { background: #eef4fb; border-left: 4px solid #1a5fb4; padding: .4rem .8rem;
  margin-bottom: .6rem; font-size: .92rem; }
.qa-caution { background: #fdf3e1; border-left-color: #c64600; }
.qa-draft { color: #666; white-space: pre-wrap; line-height: 1.7; border: 1px dashed #d0d7de;
  border-radius: 8px; padding: .6rem .9rem; margin-bottom: .8rem; }
"""

GENERATED_LABEL = "以下回答由模型根据所引段落写成；每句的出处和数字都已与段落核对。"
GENERATED_TITLE = "模型生成，已与所引段落核对"
DRAFT_LABEL = "模型正在作答（尚未核对，核对后才是最终回答）："


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def breadcrumb(section_path: Sequence[str]) -> str:
    """Plain-text section path: 一、… › (四)…"""
    return " › ".join(section_path) or NO_SECTION


def comparator_word(comparator: str) -> str:
    return COMPARATOR_WORDS.get(comparator, comparator)


def cited_spans(answer: Answer, passage: Passage) -> list[tuple[int, int]]:
    """Where the answer's sentences lie in a passage (offsets in the chunk text)."""
    chunk = passage.chunk
    spans = []
    for sentence in answer.sentences:
        for c in sentence.citations:
            if c.passage_rank != passage.rank:
                continue
            start, end = c.span[0] - chunk.span[0], c.span[1] - chunk.span[0]
            if 0 <= start < end <= len(chunk.text):
                spans.append((start, end))
    return spans


def value_spans(passage: Passage, figures: Iterable[CitedFigure]) -> list[tuple[int, int]]:
    chunk = passage.chunk
    spans = []
    for cited in figures:
        if cited.passage_rank != passage.rank:
            continue
        figure = cited.figure
        inside = figure.text.find(figure.value)
        if inside < 0:
            continue
        start = figure.span[0] + inside - chunk.span[0]
        end = start + len(figure.value)
        if start >= 0 and chunk.text[start:end] == figure.value:
            spans.append((start, end))
    return spans


def highlight(
    text: str, sentences: Sequence[tuple[int, int]], values: Sequence[tuple[int, int]]
) -> str:
    """Escaped ``text`` with answer sentences and figure values wrapped in <mark>."""
    cuts = sorted({0, len(text), *(p for span in [*sentences, *values] for p in span)})
    parts = []
    for start, end in pairwise(cuts):
        piece = esc(text[start:end])
        if any(s <= start and end <= e for s, e in values):
            piece = f'<mark class="qa-value">{piece}</mark>'
        if any(s <= start and end <= e for s, e in sentences):
            piece = f'<mark class="qa-sentence">{piece}</mark>'
        parts.append(piece)
    return "".join(parts)


def page_note(passage: Passage) -> str:
    """第N页 for PDF/OFD/scans, and a warning when the words were recognised by OCR."""
    from qa.ingest.pages import page_label

    note = ""
    if passage.pages:
        note += f' <span class="qa-page">{esc(page_label(passage.pages))}</span>'
    if passage.ocr_confidence is not None:
        note += (
            f' <span class="qa-ocr" title="扫描件文字识别，置信度 {passage.ocr_confidence:.2f}">'
            "OCR 识别，请以原件为准</span>"
        )
    return note


# -- documents tab ------------------------------------------------------------------

DOCUMENT_COLUMNS = ["文件", "发文机关", "文号", "日期", "地区", "字体", "段落数", "数据数"]


def document_rows(
    documents: Sequence[Document], chunks: Iterable[Chunk], figures: Iterable[Figure]
) -> list[list[object]]:
    chunk_counts = Counter(c.doc_id for c in chunks)
    figure_counts = Counter(f.doc_id for f in figures)
    script = {"simplified": "简体", "traditional": "繁体"}
    return [
        [
            d.title,
            d.issuer,
            d.doc_number,
            d.date,
            d.region,
            script.get(d.script, d.script),
            chunk_counts.get(d.doc_id, 0),
            figure_counts.get(d.doc_id, 0),
        ]
        for d in documents
    ]


def document_label(document: Document) -> str:
    return f"{document.region}｜{document.title}" if document.region else document.title


# -- figures tab --------------------------------------------------------------------

# The facts first (地区 … 牵头部门), the long source columns last, so the table reads
# without horizontal scrolling; 数字 is the value as a number, for numeric sorting.
FIGURE_COLUMNS = [
    "地区", "指标", "数值", "数字", "单位", "比较", "目标年份", "牵头部门", "文件", "章节", "原文",
]  # fmt: skip
FIGURE_WIDTHS: list[str | int] = [
    "7%", "16%", "6%", "6%", "5%", "6%", "7%", "9%", "13%", "12%", "13%",
]  # fmt: skip


def figures_frame(documents: Mapping[str, Document], figures: Iterable[Figure]) -> pd.DataFrame:
    """One row per figure with the facts a trainer filters and sorts on."""
    rows = []
    for f in figures:
        document = documents.get(f.doc_id)
        rows.append(
            [
                document.region if document else "",
                f.indicator,
                f.value,
                f.number,
                f.unit,
                comparator_word(f.comparator),
                f.target_year,
                f.lead_department,
                document.title if document else f.doc_id,
                breadcrumb(f.section_path),
                f.text,
            ]
        )
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["目标年份"] = frame["目标年份"].astype("Int64")
    frame["数字"] = frame["数字"].astype("Float64")
    return frame


def filter_figures(
    frame: pd.DataFrame, document: str = "", region: str = "", keyword: str = "", year: str = ""
) -> pd.DataFrame:
    """Rows matching every given filter; the keyword is script- and width-insensitive."""
    keep = pd.Series(True, index=frame.index)
    if document:
        keep &= frame["文件"] == document
    if region:
        keep &= frame["地区"] == region
    if keyword and keyword.strip():
        form = search_form(keyword)
        keep &= frame["指标"].map(lambda text: form in search_form(str(text)))
    if year:
        keep &= (frame["目标年份"].astype("string") == str(year).strip()).fillna(False)
    return frame[keep.astype(bool)].reset_index(drop=True)


def write_figures_csv(frame: pd.DataFrame, path: Path) -> Path:
    # utf-8-sig: the BOM makes Excel read the Chinese text as UTF-8.
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path
