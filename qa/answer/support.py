"""Does the evidence support an answer? The not-found decision.

A question is answered only if what it names is in the evidence. The rules, each
measured on eval/qa.jsonl (precision and recall in eval/report.md):

1. a place the question names that is no document's region and is not mentioned
   in the retrieved passages (上海市的目标是什么?);
2. a year the question names that the retrieved passages never mention;
3. two or more topic nouns of the question that the corpus uses elsewhere but the
   retrieved passages do not (太原市的森林覆盖率: the corpus speaks of 森林覆盖率,
   but not in 太原's document);
4. a term the corpus never uses, when it is the question's only topic and has four
   or more characters (最低工资标准), or when the question names no place or
   document to anchor it and the term has three or more (充电桩, 个人所得税). Shorter unknown words, or unknown words
   beside a named place, are usually a rewording (挨家挨户, 买车) and are left to
   retrieval;
5. a question asking for an amount of money (多少钱, 多少万元, 奖金) whose best answer
   sentence states no amount of money about what is asked (a figure in 元, 万元,
   亿元 whose indicator shares a word with the question: 年销售收入超百亿元 does not
   answer 奖励多少万元).

Pure function over the analysis, the passages and the corpus text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.retrieve.query import QuestionAnalysis
from qa.textnorm import search_form
from qa.types import Figure, Passage

EVIDENCE_PASSAGES = 3


MONEY_UNITS = frozenset({"元", "万元", "亿元", "千元", "百万元"})
# A fine or compensation stated as a share or a multiple of an amount (货值金额百分之三十
# 以上, 价款十倍) is an amount of money too.
_SHARE_UNITS = frozenset({"%", "倍"})
_OF_AN_AMOUNT = re.compile(r"货值|金额|价款|货款|罚款|赔偿|违法所得|费用|损失")


def _money_about(figure: Figure, analysis: QuestionAnalysis) -> bool:
    if figure.unit in _SHARE_UNITS and _OF_AN_AMOUNT.search(search_form(figure.text)):
        return True
    indicator = search_form(figure.indicator)
    words = [w for w in (*analysis.topic_terms, *analysis.content_tokens) if len(w) >= 2]
    return figure.unit in MONEY_UNITS and any(w in indicator for w in words)


def unsupported_reason(
    analysis: QuestionAnalysis,
    passages: Sequence[Passage],
    corpus_form: str,
    answer_figures: Sequence[Figure] = (),
) -> str:
    """Why the passages cannot answer the question, in Chinese; "" when they can.

    ``answer_figures``: the figures stated in the best answering sentence(s).
    """
    evidence = search_form("".join(p.chunk.text + "".join(p.chunk.section_path) for p in passages))
    if analysis.unknown_places and not analysis.doc_ids:
        absent = [p for p in analysis.unknown_places if search_form(p) not in evidence]
        if absent:
            return f"现有文件中没有关于“{'、'.join(absent)}”的文件。"
    absent_years = [y for y in analysis.years if y not in evidence]
    if absent_years:
        return f"相关文件中没有提到{'、'.join(absent_years)}年。"
    top = search_form(
        "".join(p.chunk.text + "".join(p.chunk.section_path) for p in passages[:EVIDENCE_PASSAGES])
    )
    missing = [t for t in analysis.topic_terms if t not in top]
    known_elsewhere = [t for t in missing if t in corpus_form]
    if len(known_elsewhere) >= 2:
        return f"相关文件中没有提到“{'、'.join(known_elsewhere)}”。"
    terms = analysis.topic_terms
    unknown = [t for t in terms if t not in corpus_form]
    long_unknown = [t for t in unknown if len(t) >= 4]
    if len(terms) == 1 and long_unknown:
        return f"文件中没有提到“{long_unknown[0]}”。"
    anchorless = [t for t in unknown if len(t) >= 3]
    if anchorless and not analysis.doc_ids:
        return f"文件中没有提到“{'、'.join(anchorless)}”。"
    if analysis.asks_money and not any(_money_about(f, analysis) for f in answer_figures):
        return "相关段落中没有给出这方面的金额。"
    return ""
