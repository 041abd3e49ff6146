"""A duty question's answer: every row, grouped by document, each cited.

The passages are the chunks that hold each row (its text, its note when a note in a
parent governs it, its deadline), ranked 1..n in the order the rows are listed; every
row is one answer sentence whose citations point at those chunks, so the page and the
CLI render it like any other answer. Department names and deadlines are shown as
written (they are verbatim in the cited passages), the canonical name beside a name
written differently (水務局（盟水務局）).

When one row answers who is responsible for a task, the answer opens with the
document's own words naming them (原文：盟發改委、經信委、科技局按各自的職責分工負責),
before the summary in canonical names: that wording is what an asker quotes, and the
summary alone rewrites it (經信委（盟經信委）).
"""

from __future__ import annotations

import bisect
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from qa.answer.text import markers
from qa.config import Settings
from qa.duties.matrix import DutyMatrix, matrix_for_index
from qa.duties.names import AliasTable
from qa.duties.questions import DutyResult, parse_duty_question, resolve_duty_question
from qa.store.index import SearchIndex
from qa.types import (
    Answer,
    AnswerSentence,
    Chunk,
    Citation,
    DepartmentMention,
    Document,
    Duty,
    Passage,
    Span,
)

MODE = "duties"
_ROLE_WORDS = {"lead": "牵头", "cooperating": "配合", "any": "参与"}
# The labels of the sentences before the rows (the quoted note, the summary).
QUOTE_LABEL, SUMMARY_LABEL = "原文", "合计"
HEADER_LABELS = frozenset({QUOTE_LABEL, SUMMARY_LABEL})


def mention_text(mention: DepartmentMention) -> str:
    """市质监局, or 水務局（盟水務局） when the canonical name differs from the written one."""
    if mention.canonical == mention.written:
        return mention.written
    return f"{mention.written}（{mention.canonical}）"


def duty_line(duty: Duty) -> str:
    """One row as a sentence: where, what, who leads, who cooperates, by when."""
    where = "".join(duty.section_numbers)
    parts = [f"{where} {duty.task}".strip()]
    if duty.lead_departments:
        parts.append("牵头：" + "、".join(mention_text(m) for m in duty.lead_departments))
    if duty.cooperating_departments:
        parts.append("配合：" + "、".join(mention_text(m) for m in duty.cooperating_departments))
    if duty.deadline:
        parts.append(f"时限：{duty.deadline}")
    return "；".join(parts)


class _ChunkFinder:
    """The chunks of a document overlapping a span, via sorted spans."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        by_doc: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in chunks:
            by_doc[chunk.doc_id].append(chunk)
        self.by_doc = {k: sorted(v, key=lambda c: c.span) for k, v in by_doc.items()}
        self.starts = {k: [c.span[0] for c in v] for k, v in self.by_doc.items()}

    def overlapping(self, doc_id: str, span: Span) -> list[Chunk]:
        chunks = self.by_doc.get(doc_id, [])
        at = max(bisect.bisect_right(self.starts.get(doc_id, []), span[0]) - 1, 0)
        out = []
        for chunk in chunks[at:]:
            if chunk.span[0] >= span[1]:
                break
            if chunk.span[1] > span[0]:
                out.append(chunk)
        return out


def _labels(documents: Sequence[Document]) -> dict[str, str]:
    regions = [d.region for d in documents]
    return {
        d.doc_id: d.region if d.region and regions.count(d.region) == 1 else d.title
        for d in documents
    }


def summary(result: DutyResult, matrix: DutyMatrix) -> str:
    """The first line: what was asked, how many rows in how many documents."""
    duties = result.duties or result.other_role
    counts: dict[str, int] = defaultdict(int)
    for duty in duties:
        counts[duty.doc_id] += 1
    labels = _labels(list(matrix.documents.values()))
    per_doc = "，".join(f"{labels[d]} {n} 项" for d, n in counts.items())
    question = result.question
    if question.kind == "participants":
        names = participant_names(result, matrix)
        return (
            f"与“{question.subject}”有关的任务 {len(duties)} 项（{per_doc}），"
            f"{_ROLE_WORDS[question.role]}的部门和单位（{len(names)} 个）：{'、'.join(names)}。"
        )
    who = "、".join(dict.fromkeys(d.canonical for d in result.departments))
    if not result.duties and result.other_role:
        return f"文件中没有写明由{who}牵头的任务；{who}参与的任务 {len(duties)} 项（{per_doc}）。"
    role = {"lead_tasks": "牵头", "cooperating_tasks": "配合", "all_tasks": "参与"}[question.kind]
    return f"{who}{role}的任务共 {len(duties)} 项（{per_doc}）。"


def quoted_note(result: DutyResult, matrix: DutyMatrix) -> str:
    """The note naming who is responsible, as the document writes it, when one row
    answers a who-is-responsible question; "" otherwise. Its brackets are dropped
    ((市环保局、市城管局牵头,相关单位及各镇街配合落实) is quoted without them)."""
    if result.question.kind != "participants" or len(result.duties) != 1:
        return ""
    duty = result.duties[0]
    start, end = duty.note_span
    written = matrix.documents[duty.doc_id].text[start:end].strip()
    if written[:1] in "(（" and written[-1:] in ")）":
        written = written[1:-1].strip()
    return written


def participant_names(result: DutyResult, matrix: DutyMatrix) -> list[str]:
    """Departments of the rows in the asked role, once each (canonical, as written beside)."""
    out: dict[tuple[str, str], str] = {}
    for duty in result.duties:
        mentions: tuple[DepartmentMention, ...] = ()
        if result.question.role in ("lead", "any"):
            mentions += duty.lead_departments
        if result.question.role in ("cooperating", "any"):
            mentions += duty.cooperating_departments
        for mention in mentions:
            out.setdefault(matrix.key(duty, mention), mention_text(mention))
    return list(out.values())


def build_answer(
    question: str, result: DutyResult, matrix: DutyMatrix, chunks: Iterable[Chunk]
) -> Answer:
    """The structured Answer of a resolved duty question (pure)."""
    finder = _ChunkFinder(chunks)
    documents = list(matrix.documents.values())
    labels = _labels(documents)
    passages: list[Passage] = []
    rank_of: dict[str, int] = {}

    def cite(duty: Duty, spans: Sequence[Span]) -> list[Citation]:
        """One citation per chunk: the part of the spans that the chunk holds."""
        document = matrix.documents[duty.doc_id]
        cited: dict[int, Span] = {}
        for span in spans:
            for chunk in finder.overlapping(duty.doc_id, span):
                if chunk.chunk_id not in rank_of:
                    rank_of[chunk.chunk_id] = len(passages) + 1
                    passages.append(
                        Passage(
                            rank_of[chunk.chunk_id], chunk, document.title, document.region, 1.0
                        )
                    )
                rank = rank_of[chunk.chunk_id]
                part = (max(span[0], chunk.span[0]), min(span[1], chunk.span[1]))
                previous = cited.get(rank, part)
                cited[rank] = (min(previous[0], part[0]), max(previous[1], part[1]))
        return [Citation(rank, duty.doc_id, span) for rank, span in cited.items()]

    sentences, lines = [], []
    quote = quoted_note(result, matrix)
    if quote:
        duty = result.duties[0]
        quoted = AnswerSentence(quote, tuple(cite(duty, [duty.note_span])), QUOTE_LABEL)
        sentences.append(quoted)
        lines.append(f"{QUOTE_LABEL}：{quote}{markers(quoted)}")
    sentences.append(AnswerSentence(summary(result, matrix), (), label=SUMMARY_LABEL))
    lines.append(sentences[-1].text)
    current = ""
    for duty in result.duties or result.other_role:
        document = matrix.documents[duty.doc_id]
        spans = [duty.span, duty.note_span]
        if duty.deadline_span:
            spans.append(duty.deadline_span)
        # The row, and its note and deadline when they lie elsewhere.
        citations = cite(duty, spans)
        sentence = AnswerSentence(duty_line(duty), tuple(citations), label=labels[duty.doc_id])
        sentences.append(sentence)
        if duty.doc_id != current:
            current = duty.doc_id
            lines.append(f"\n【{labels[duty.doc_id]}】《{document.title}》")
        lines.append(sentence.text + markers(sentence))
    return Answer(
        question=question,
        found=True,
        answer="\n".join(lines),
        passages=tuple(passages),
        sentences=tuple(sentences),
        mode=MODE,
    )


def duty_answer(
    question: str, index: SearchIndex, settings: Settings, doc_ids: Sequence[str] = ()
) -> Answer | None:
    """The matrix's answer to a who-does-what question, or None for any other question.

    ``doc_ids`` (the asker's document filter) narrows the documents; places named in
    the question narrow them further. Computed from the index's matrix (built once).
    """
    if not settings.duty_questions or parse_duty_question(question) is None:
        return None
    started = time.perf_counter()
    matrix = matrix_for_index(index, settings.duty_aliases)
    result = resolve_duty_question(
        question, matrix, AliasTable.load(settings.duty_aliases), doc_ids
    )
    if result is None:
        return None
    answer = build_answer(question, result, matrix, index.chunks.values())
    elapsed = (time.perf_counter() - started) * 1000
    answer.timings_ms.update({"duties": elapsed, "total": elapsed})
    return answer
