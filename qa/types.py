"""The domain's data types: one frozen dataclass per concept.

Spans are ``(start, end)`` character offsets into ``Document.text`` (the decoded file,
BOM removed, nothing else changed), so ``document.text[start:end]`` is always the exact
original text a chunk, section or figure came from. That invariant is what lets a
citation be shown and checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Span = tuple[int, int]
Script = Literal["simplified", "traditional"]

# Comparators are stored as stable English keys so JSON consumers need no Chinese
# parsing; the Chinese wording stays visible in Figure.text.
COMPARATORS = (
    "at_least",  # 以上, 不低于, 不少于, 达到…以上
    "more_than",  # 高于, 超过, 多于
    "at_most",  # 以下, 以内, 不超过, 不高于
    "less_than",  # 低于, 少于
    "equal",  # 达到, 为, 保持在 (no direction stated)
    "increase_by",  # 提高, 增长, 增加
    "decrease_by",  # 下降, 降低, 减少
)


@dataclass(frozen=True)
class Document:
    """A policy document as read from disk, with its metadata."""

    doc_id: str
    source_name: str  # file name inside the corpus directory
    text: str  # decoded text, exactly as in the file
    title: str
    issuer: str
    doc_number: str  # e.g. 厦府〔2015〕114号, "" when the document has none
    date: str  # ISO yyyy-mm-dd, "" when unknown
    region: str  # e.g. 厦门市, 阿拉善盟, 福建省
    script: Script
    content_hash: str  # sha256 of the raw file bytes: identity of the document
    encoding: str = "utf-8"
    # Paged sources (PDF, OFD, scans): offset in ``text`` of each page's first character,
    # page n (1-based) starting at page_starts[n - 1]; () for text without pages.
    # ``qa.ingest.pages`` maps a span to its page numbers.
    page_starts: tuple[int, ...] = ()
    # Pages whose text came from OCR, as (page number, mean recognition confidence 0-1).
    ocr_pages: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Section:
    """One node of a document's outline (一、 / （一） / 1. / （1） / 第X章 / 第X条 …)."""

    level: int  # 1 is the top of this document's outline
    kind: str  # numbering style, e.g. "cn_dun" (一、), "cn_paren" (（一）), "zhang" (第X章)
    number: str  # the marker as written: "二、", "(四)", "第三条"
    heading: str  # heading words without the marker; "" for a bare 第X条
    span: Span  # heading start .. end of the section including its children
    body_span: Span  # heading start .. start of the first child (its own text)
    children: tuple[Section, ...] = ()

    @property
    def label(self) -> str:
        """What a reader sees as the section's name: marker plus heading."""
        return f"{self.number}{self.heading}"


@dataclass(frozen=True)
class Chunk:
    """A citable piece of one section; the unit of retrieval."""

    chunk_id: str  # stable: f"{doc_id}:{start}-{end}"
    doc_id: str
    section_path: tuple[str, ...]  # labels from the top, e.g. ("二、…", "(四)改善环境质量")
    section_numbers: tuple[str, ...]  # markers only, e.g. ("二、", "(四)") for short citations
    text: str  # exactly Document.text[span[0]:span[1]]
    span: Span
    # What embedding and keyword search see: title + heading path + text, simplified
    # script. Never displayed.
    search_text: str = ""


@dataclass(frozen=True)
class Figure:
    """One quantitative statement: a target, a count, an amount."""

    doc_id: str
    section_path: tuple[str, ...]
    indicator: str  # the thing measured, e.g. 监督抽查合格率
    value: str  # verbatim from the text: "92", "2.5", "十五", "百分之三十"
    number: float | None  # value as a number (cn2an for Chinese numerals)
    unit: str  # "%", "个", "家", "万元", "亿元", "年", "天" …
    comparator: str  # one of COMPARATORS, or "" when none is stated
    target_year: int | None  # 到2018年 in the sentence or the governing section
    lead_department: str  # 牵头部门 / 负责 where stated, else ""
    text: str  # the clause stating it, exactly Document.text[span[0]:span[1]]
    span: Span


@dataclass(frozen=True)
class ParsedDocument:
    """A document with everything ingestion derives from it (qa.ingest.parse)."""

    document: Document
    sections: tuple[Section, ...]
    chunks: tuple[Chunk, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its rank and the document facts needed to cite it."""

    rank: int  # 1-based
    chunk: Chunk
    doc_title: str
    region: str
    score: float
    pages: tuple[int, ...] = ()  # pages of a PDF/OFD/scan the chunk lies on; () for text
    ocr_confidence: float | None = None  # lowest OCR confidence of those pages, if OCR'd


@dataclass(frozen=True)
class CitedFigure:
    """A figure shown with an answer, tied to the passage that contains it."""

    figure: Figure
    passage_rank: int


@dataclass(frozen=True)
class Citation:
    """Where an answer sentence comes from: a passage of the answer and a document span."""

    passage_rank: int
    doc_id: str
    span: Span  # in the document; the cited words are Document.text[span[0]:span[1]]


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer with the passages it rests on."""

    text: str
    citations: tuple[Citation, ...]
    label: str = ""  # shown before the sentence in per-document answers, e.g. 厦门市
    generated: bool = False  # written by a language model rather than quoted
    verified: bool = True  # every figure and citation checked against the passages


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    answer: str  # the whole answer as text: sentences with [n] markers, then any table
    passages: tuple[Passage, ...] = ()
    figures: tuple[CitedFigure, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    sentences: tuple[AnswerSentence, ...] = ()
    table: tuple[CitedFigure, ...] = ()  # the comparison across documents, if any
    not_found_reason: str = ""  # why the corpus does not answer ("" when found)
    mode: str = "extractive"  # which answer generator produced it
    notes: tuple[str, ...] = ()  # e.g. why a generated answer fell back to quotes
    resolved_question: str = ""  # a follow-up as completed from the conversation
    # For a question that names no place: the same indicator in other documents, each
    # cited with a passage appended after the retrieved ones.
    also_stated: tuple[CitedFigure, ...] = ()
    # Everyday words of the question searched as the documents' terms (商家 -> 经营者,
    # 销售者; qa.retrieve.thesaurus), those terms that the cited passages use.
    read_as: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The answering sentences' nearest cosine to the question (the embedded model); None
    # when not computed (keyword mode, not found, a comparison).
    similarity: float | None = None
    # Far from the question (qa.answer.caution): shown with a note to check the passages.
    uncertain: bool = False


@dataclass(frozen=True)
class AnswerProgress:
    """A generated answer as it arrives (qa.answer.base.stream_answer).

    Every update but the last carries the model's text so far in ``draft``: unchecked,
    to be shown as such. The last carries the checked ``answer`` (the one to show in
    the end, generated or the extractive fallback) and an empty draft.
    """

    draft: str = ""
    answer: Answer | None = None


@dataclass(frozen=True)
class DepartmentMention:
    """A department as a task assignment names it: the words written and who is meant."""

    written: str  # exactly Document.text[span[0]:span[1]], e.g. 水務局
    canonical: str  # one name per department within its region, e.g. 盟水務局
    span: Span


@dataclass(frozen=True)
class Duty:
    """One task assignment (任务分工): what is to be done, who leads, who cooperates, by when."""

    doc_id: str
    section_path: tuple[str, ...]  # labels from the top, as Chunk.section_path
    section_numbers: tuple[str, ...]  # markers only, e.g. ("三、", "(一)", "1、")
    task: str  # the leaf's heading, or the words the note closes (<= 40 characters)
    lead_departments: tuple[DepartmentMention, ...]  # 牵头 / 负责 (each for its part)
    cooperating_departments: tuple[DepartmentMention, ...]  # 责任单位 / 配合 / 参与 / 会同
    deadline: str  # verbatim (2014年底前, 每年, 长期坚持), "" when the task states none
    text: str  # the task with its note, exactly Document.text[span[0]:span[1]]
    span: Span
    note_span: Span  # where the departments are named (inside span, or a governing note)
    deadline_span: Span | None = None  # where the deadline is written
