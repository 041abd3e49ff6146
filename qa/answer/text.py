"""The answer as text: sentences with their [n] markers, then the comparison table.

Pure functions from the structured answer; the CLI's "answer" field and the Markdown
briefing use this text, while the page renders from the structure itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qa.types import AnswerSentence, CitedFigure

NOT_FOUND = "文件中没有找到这个问题的答案。"
CLOSEST = "以下是最接近的段落，仅供参考。"
# Shown in tables; the verbatim wording stays in the figure's source text.
COMPARATOR_WORDS = {
    "at_least": "不低于",
    "more_than": "高于",
    "at_most": "不高于",
    "less_than": "低于",
    "equal": "达到",
    "increase_by": "增加",
    "decrease_by": "减少",
}


def markers(sentence: AnswerSentence) -> str:
    return "".join(f"[{c.passage_rank}]" for c in sentence.citations)


def sentences_text(sentences: Sequence[AnswerSentence]) -> str:
    """Per-document answers (sentences with labels) one per line; others run on."""
    if any(s.label for s in sentences):
        return "\n".join(
            f"{s.label}：{s.text}{markers(s)}" if s.label else f"{s.text}{markers(s)}"
            for s in sentences
        )
    return "".join(f"{s.text}{markers(s)}" for s in sentences)


def answer_text(
    sentences: Sequence[AnswerSentence],
    table: Sequence[CitedFigure] = (),
    region_of: Mapping[str, str] | None = None,
) -> str:
    text = sentences_text(sentences)
    if table:
        text += "\n\n" + comparison_table(table, region_of or {})
    return text


def read_as_note(read_as: Sequence[tuple[str, Sequence[str]]]) -> str:
    """How everyday words were searched: 检索时把“商家”理解为“经营者”“销售者”。"""
    if not read_as:
        return ""
    parts = "，".join(
        f"“{asked}”理解为{'或'.join(f'“{m}”' for m in means)}" for asked, means in read_as
    )
    return f"检索时把{parts}。"


def not_found_text(reason: str) -> str:
    return f"{NOT_FOUND}{reason}{CLOSEST}"


def not_found_lead(answer: str) -> str:
    """ "Not found in the documents" before a not-found answer's reason, unless the
    question was never searched (a follow-up with no question before it, a fact of an
    unnamed document): its reason says what to ask instead."""
    return NOT_FOUND if answer.startswith(NOT_FOUND) else ""


def comparison_table(figures: Sequence[CitedFigure], region_of: Mapping[str, str]) -> str:
    """A Markdown table comparing figures across documents."""
    if not figures:
        return ""
    rows = [
        "| 地区 | 指标 | 数值 | 单位 | 比较 | 目标年份 | 出处 |",
        "|---|---|---|---|---|---|---|",
    ]
    for cited in figures:
        f = cited.figure
        rows.append(
            f"| {region_of.get(f.doc_id, f.doc_id)} | {f.indicator} | {f.value} | {f.unit} "
            f"| {COMPARATOR_WORDS.get(f.comparator, '')} | {f.target_year or ''} | [{cited.passage_rank}] |"
        )
    return "\n".join(rows)
