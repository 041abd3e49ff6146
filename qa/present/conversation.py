"""The ask page as a conversation: pure functions from answers to escaped HTML.

Each turn gets its own id prefix (``qa-t3-…``) so the links of several answers on one
page never collide: an answer's ``[n]`` jumps to its card, the card's "回到答案" jumps
back to the sentence that cites it, "查看原文" carries the passage's document and span
(``data-doc``/``data-start``/``data-end``) for the page to open the document there, and
"复制回答" copies the plain text kept beside the answer (``data-copy``). The page wires
those data attributes; nothing here runs script.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qa.answer.caution import CAUTION_NOTE
from qa.answer.text import not_found_lead, read_as_note
from qa.present.html import (
    DRAFT_LABEL,
    GENERATED_LABEL,
    GENERATED_TITLE,
    breadcrumb,
    cited_spans,
    comparator_word,
    esc,
    highlight,
    page_note,
    value_spans,
)
from qa.present.related import (
    ALSO_STATED,
    also_stated_items,
    also_stated_text,
    missing_from_comparison,
    related_figures,
)
from qa.types import Answer, AnswerSentence, CitedFigure, Document, Passage

CLOSEST_HEADING = "最接近的段落（仅供参考）"
CITED_HEADING = "引用段落"


@dataclass(frozen=True)
class Turn:
    """One question of the conversation and what the page shows for it."""

    number: int  # 1-based position in the conversation
    answer: Answer | None  # None while a generated answer is still being written
    question: str = ""
    draft: str = ""


def card_id(turn: int, rank: int) -> str:
    return f"qa-t{turn}-card-{rank}"


def cite_id(turn: int, rank: int) -> str:
    return f"qa-t{turn}-cite-{rank}"


def _cite(turn: int, rank: int, first: set[int] | None = None) -> str:
    # The first [n] of a passage carries the id the card's "回到答案" link returns to.
    anchor = ""
    if first is not None and rank not in first:
        first.add(rank)
        anchor = f' id="{cite_id(turn, rank)}"'
    return f'<a class="qa-cite"{anchor} href="#{card_id(turn, rank)}">[{rank}]</a>'


def _sentences(turn: int, sentences: Sequence[AnswerSentence], first: set[int]) -> str:
    parts = []
    for sentence in sentences:
        label = f"<b>{esc(sentence.label)}</b>：" if sentence.label else ""
        text = esc(sentence.text)
        if sentence.generated:
            text = f'<span class="qa-generated" title="{GENERATED_TITLE}">{text}</span>'
        links = "".join(_cite(turn, c.passage_rank, first) for c in sentence.citations)
        parts.append(f"{label}{text}{links}")
    joiner = "<br>" if any(s.label for s in sentences) else ""
    return joiner.join(parts)


def _region_of(answer: Answer) -> dict[str, str]:
    return {p.chunk.doc_id: p.region or p.doc_title for p in answer.passages}


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], css: str) -> str:
    """A table that scrolls sideways on a narrow screen instead of wrapping letters."""
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="qa-scroll"><table class="{css}"><thead><tr>{header}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def comparison_html(turn: int, answer: Answer) -> str:
    if not answer.table:
        return ""
    region_of = _region_of(answer)
    rows = [
        [
            esc(region_of.get(c.figure.doc_id, c.figure.doc_id)),
            esc(c.figure.indicator),
            esc(c.figure.value),
            esc(c.figure.unit),
            esc(comparator_word(c.figure.comparator)),
            esc(c.figure.target_year or ""),
            _cite(turn, c.passage_rank),
        ]
        for c in answer.table
    ]
    head = ("地区", "指标", "数值", "单位", "比较", "目标年份", "出处")
    return _table(head, rows, "qa-compare")


def also_stated_html(turn: int, answer: Answer) -> str:
    """A place-less answer names the other documents that state the same indicator."""
    items = also_stated_items(answer)
    if not items:
        return ""
    parts = "；".join(
        f"{esc(where)}：{esc(text)}{_cite(turn, rank)}" for where, text, rank in items
    )
    return f'<div class="qa-also">{ALSO_STATED}{parts}。</div>'


def missing_html(answer: Answer, documents: Mapping[str, Document]) -> str:
    missing = missing_from_comparison(answer, documents)
    if not missing:
        return ""
    names = "、".join(esc(d.region or d.title) for d in missing)
    return (
        f'<div class="qa-missing">以下文件没有写明这一指标的数值，未列入对比：{names}。'
        "可在“文件”页查看其原文。</div>"
    )


def figures_html(turn: int, answer: Answer, figures: Sequence[CitedFigure]) -> str:
    if not figures:
        return ""
    region_of = _region_of(answer)
    path_of = {p.rank: p.chunk.section_path for p in answer.passages}
    rows = [
        [
            esc(region_of.get(c.figure.doc_id, "")),
            esc(c.figure.indicator),
            esc(c.figure.value),
            esc(c.figure.unit),
            esc(comparator_word(c.figure.comparator)),
            esc(c.figure.target_year or ""),
            esc(c.figure.lead_department),
            f"{esc(breadcrumb(path_of.get(c.passage_rank, c.figure.section_path)))} "
            + _cite(turn, c.passage_rank),
        ]
        for c in figures
    ]
    head = ("地区", "指标", "数值", "单位", "比较", "目标年份", "牵头部门", "出处")
    return "<h4>相关数据</h4>" + _table(head, rows, "qa-figures")


def plain_text(answer: Answer) -> str:
    """What "复制回答" copies: the answer, then one line per cited passage."""
    if answer.found:
        also = also_stated_text(answer)  # "" unless a place-less answer names others
        lines = [answer.answer.strip(), also] if also else [answer.answer.strip()]
    else:
        lines = [f"{not_found_lead(answer.answer)}{answer.not_found_reason}".strip()]
    if answer.passages:
        lines += ["", "出处："]
        lines += [
            f"[{p.rank}] 《{p.doc_title}》 {breadcrumb(p.chunk.section_path)}"
            for p in answer.passages
        ]
    return "\n".join(lines)


def card_html(turn: int, answer: Answer, passage: Passage, cited: bool) -> str:
    chunk = passage.chunk
    sentences = cited_spans(answer, passage) if answer.found else []
    body = highlight(chunk.text, sentences, value_spans(passage, answer.figures))
    back = (
        f'<a class="qa-back" href="#{cite_id(turn, passage.rank)}">↑ 回到答案</a>'
        if cited
        else f'<a class="qa-back" href="#qa-t{turn}">↑ 回到问题</a>'
    )
    return (
        f'<div class="qa-card" id="{card_id(turn, passage.rank)}">'
        f'<div class="qa-card-head"><span class="qa-rank">[{passage.rank}]</span>'
        f"《{esc(passage.doc_title)}》"
        f'<span class="qa-region">{esc(passage.region)}</span>{page_note(passage)}</div>'
        f'<div class="qa-crumbs">{esc(breadcrumb(chunk.section_path))}</div>'
        f'<div class="qa-text">{body}</div>'
        f'<div class="qa-card-actions">{back}'
        f'<button type="button" class="qa-open" data-doc="{esc(chunk.doc_id)}" '
        f'data-start="{chunk.span[0]}" data-end="{chunk.span[1]}">查看原文</button></div>'
        "</div>"
    )


def _cited_ranks(answer: Answer) -> set[int]:
    ranks = {c.passage_rank for s in answer.sentences for c in s.citations}
    return ranks | {c.passage_rank for c in answer.table}


def answer_block(turn: int, answer: Answer, documents: Mapping[str, Document]) -> str:
    """One answered turn: the answer (or why not), its tables, then its passage cards."""
    first: set[int] = set()
    # The caution that the answer may not answer (qa.answer.caution) stands out.
    notes = "".join(
        f'<div class="qa-note{" qa-caution" if n == CAUTION_NOTE else ""}">{esc(n)}</div>'
        for n in answer.notes
    )
    if any(s.generated for s in answer.sentences):
        notes += f'<div class="qa-mode">{GENERATED_LABEL}</div>'
    if answer.resolved_question:
        notes += f'<div class="qa-resolved">理解为：{esc(answer.resolved_question)}</div>'
    if answer.read_as:
        notes += f'<div class="qa-read-as">{esc(read_as_note(answer.read_as))}</div>'
    if answer.found:
        top = (
            f'<div class="qa-answer" id="qa-t{turn}-answer">'
            f"{_sentences(turn, answer.sentences, first)}</div>"
            + comparison_html(turn, answer)
            + missing_html(answer, documents)
            + also_stated_html(turn, answer)
        )
    else:
        # One statement of the fact and its reason; the cards' heading says the rest.
        top = (
            f'<div class="qa-notfound" id="qa-t{turn}-answer"><b>{not_found_lead(answer.answer)}</b>'
            f"{esc(answer.not_found_reason)}</div>"
        )
    plain = f'<textarea class="qa-plain" id="qa-t{turn}-plain" hidden readonly>{esc(plain_text(answer))}</textarea>'
    actions = (
        f'<div class="qa-actions"><button type="button" class="qa-copy" '
        f'data-copy="qa-t{turn}-plain">复制回答</button></div>'
    )
    cited = _cited_ranks(answer)
    cards = "".join(
        card_html(turn, answer, p, answer.found and p.rank in cited) for p in answer.passages
    )
    heading = CITED_HEADING if answer.found else CLOSEST_HEADING
    # Rows of the comparison are not repeated under 相关数据.
    related = [c for c in related_figures(answer) if c not in answer.table]
    figures = figures_html(turn, answer, related) if answer.found else ""
    return (
        notes
        + top
        + actions
        + plain
        + figures
        + (f'<h4 class="qa-cards-heading">{heading}</h4>{cards}' if cards else "")
    )


def turn_html(turn: Turn, documents: Mapping[str, Document]) -> str:
    question = turn.answer.question if turn.answer else turn.question
    head = (
        f'<div class="qa-q" id="qa-t{turn.number}"><span class="qa-q-number">问{turn.number}</span>'
        f"{esc(question)}</div>"
    )
    if turn.answer is None:
        body = (
            f'<div class="qa-mode">{DRAFT_LABEL}</div>'
            f'<div class="qa-draft">{esc(turn.draft) or "…"}</div>'
        )
    else:
        body = answer_block(turn.number, turn.answer, documents)
    return f'<section class="qa-turn" data-turn="{turn.number}">{head}{body}</section>'


def conversation_html(turns: Sequence[Turn], documents: Mapping[str, Document]) -> str:
    """Every turn, oldest first, under a list of the questions asked (links to each)."""
    if not turns:
        return (
            '<div class="qa-empty">在下面输入问题开始对话。可以接着追问，例如先问'
            "“厦门到2018年森林覆盖率要达到多少?”，再问“阿拉善盟呢?”。</div>"
        )
    index = "".join(
        f'<li><a href="#qa-t{t.number}">{esc(t.answer.question if t.answer else t.question)}</a></li>'
        for t in turns
    )
    history = (
        f'<nav class="qa-history"><b>本次对话（{len(turns)} 个问题）</b><ol>{index}</ol></nav>'
    )
    return history + "".join(turn_html(t, documents) for t in turns)
