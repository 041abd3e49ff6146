"""Questions about a document itself: when it was signed, who issued it, its number.

"厦门的意见是什么时候印发的?" is not answered by any sentence of the body, and
retrieval used to quote one that merely says 印发 (现印发给你们). The answer comes
from the document's metadata (qa.ingest.metadata: the signature block, the head, or
corpus/metadata.toml), quoted where the text states it: the date line, the issuer's
name or the document number, cited to the chunk holding it. A fact the text does not
state is said to be missing, never guessed; when it is when the document takes effect
(施行), an article says so and retrieval answers. Pure functions over the question and the index's documents and
chunks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from typing import Literal

from qa.answer.support import unsupported_reason
from qa.answer.text import NOT_FOUND, answer_text
from qa.ingest.metadata import date_mentions
from qa.retrieve.query import QuestionAnalysis, analyse
from qa.store.index import SearchIndex
from qa.textnorm import search_form
from qa.types import Answer, AnswerSentence, Chunk, Citation, Document, Passage

Fact = Literal["date", "issuer", "number"]

_ISSUING = r"(印发|发布|出台|颁布|公布|下发|发文|成文|签发|制发|制定|通过)"
_WHEN = r"(什么时候|何时|哪天|哪一天|哪年|哪一年|几月几日|几号)"
# The question ends on the issuing (…是什么时候印发的) or on the fact's name (…的发布日期):
# "什么时候出台计量发展规划" asks about a plan the document announces, not the document.
_DATE_QUESTION = re.compile(
    rf"(?:{_WHEN}.{{0,3}}{_ISSUING}(?:的|了)?"
    rf"|{_ISSUING}(?:的)?(?:日期|时间)(?:是|为)?(?:什么|哪天|哪一天|何时)?"
    rf"|(?:成文|发文|落款)日期(?:是|为)?(?:什么|哪天|哪一天|何时)?)$"
)
_ISSUER_QUESTION = re.compile(
    rf"(?:(?:哪个|哪些|什么|哪一个|哪家)(?:部门|单位|机关|机构|政府)?{_ISSUING}(?:的|了)?"
    rf"|谁{_ISSUING}(?:的|了)?"
    rf"|(?:发文|制发|发布|印发)(?:机关|单位|部门)(?:是|为)?(?:什么|哪个|哪家|谁)?)$"
)
_NUMBER_QUESTION = re.compile(
    r"(?:文号|发文字号|发文号|文件号|令号|编号)(?:是|为)?(?:什么|多少|哪个|几号)?$|第几号令?$"
)
# 依据的自治区文件文号: the number of a document it cites, not its own.
_ANOTHER_DOCUMENT = re.compile(
    r"(依据|根据|按照|转发|贯彻|引用|提到)[^，,]{0,12}(文件|通知|意见|规定)"
)
# What the question is about must be a document (意见, 方案, 这份文件), not a prize.
_DOCUMENT_WORD = re.compile(
    r"文件|意见|方案|计划|通知|纲要|条例|办法|规定|决定|法|这份|本文|该文|文号"
)
_TRAILING = re.compile(r"[?？!！。.\s呢吗啊]+$")
# More documents than this and a question naming none of them is not about "the" document.
MAX_LISTED = 10


def fact_asked(question: str) -> Fact | None:
    """Which fact of a document the question asks for, if it asks about the document."""
    form = _TRAILING.sub("", search_form(question))
    if not _DOCUMENT_WORD.search(form):
        return None
    if _DATE_QUESTION.search(form):
        return "date"
    if _ISSUER_QUESTION.search(form):
        return "issuer"
    if _NUMBER_QUESTION.search(form) and not _ANOTHER_DOCUMENT.search(form):
        return "number"
    return None


# Words of the fact itself, not of the document asked about.
_FACT_WORDS = frozenset(
    ["发文", "机关", "印发", "发布", "文号", "日期", "时间", "部门", "单位", "成文", "落款", "编号"]
)


def names_something(analysis: QuestionAnalysis) -> bool:
    """The question names what document it asks about (家用汽车三包规定), beyond the
    fact's own words (这份文件的发文机关)."""
    return any(t not in _FACT_WORDS for t in analysis.topic_terms)


def _registered(document: Document, fact: Fact) -> str:
    """The fact as the document's record holds it ("" when unknown)."""
    return {"date": document.date, "issuer": document.issuer, "number": document.doc_number}[fact]


def _stated_at(document: Document, fact: Fact) -> list[tuple[int, int]]:
    """Where the text states the fact, last first (the signature block comes last): the
    signing date as written, or the issuer's name."""
    if fact == "date":
        if not document.date:
            return []
        spans = [span for span, iso in date_mentions(document.text) if iso == document.date]
    elif registered := _registered(document, fact):
        spans = [m.span() for m in re.finditer(re.escape(registered), document.text)]
        # The issuer as signer or promulgator: on a dated line or the line above one
        # (a law names its promulgator again in its articles, in another role).
        breaks = [m.start() for m in re.finditer("\n", document.text)]

        def line_of(at: int) -> int:
            return bisect.bisect_left(breaks, at)

        dated = {line_of(span[0]) for span, _ in date_mentions(document.text)}
        signing = [s for s in spans if {line_of(s[0]), line_of(s[0]) + 1} & dated]
        return signing[::-1] + [s for s in spans[::-1] if s not in signing]
    else:
        return []
    return spans[::-1]


def _cited(
    own: Sequence[Chunk], spans: Sequence[tuple[int, int]]
) -> tuple[tuple[int, int], Chunk] | None:
    """The first of ``spans`` that one of the document's chunks ``own`` holds, with that
    chunk (a signature line after the last section may be in none)."""
    for span in spans:
        for chunk in own:
            if chunk.span[0] <= span[0] and span[1] <= chunk.span[1]:
                return span, chunk
    return None


def _line(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The line around ``span``, without its surrounding blanks and brackets."""
    start = text.rfind("\n", 0, span[0]) + 1
    end = text.find("\n", span[1])
    end = len(text) if end < 0 else end
    while start < span[0] and text[start] in " \t\u3000（(":
        start += 1
    while end > span[1] and text[end - 1] in " \t\u3000\r）)":
        end -= 1
    return start, end


def _dated_lines(text: str, span: tuple[int, int], limit: int) -> list[tuple[int, int]]:
    """The line of the date at ``span`` and the lines right after it (before ``limit``)
    that open with a date too."""
    lines = [_line(text, span)]
    while True:
        end = text.find("\n", lines[-1][1])
        start = end + 1 if end >= 0 else len(text)
        while start < limit and text[start] in " \t\u3000\r\n（(":
            start += 1
        following = next(iter(date_mentions(text[start : start + 20])), None)
        if following is None or following[0][0] != 0 or start >= limit:
            return lines
        line = _line(text, (start, start + following[0][1]))
        if line[1] > limit:
            return lines
        lines.append(line)


def which_document(question: str, fact: Fact, documents: int) -> Answer:
    """A fact asked of "the" document among many: which one is asked back."""
    example = {"date": "是什么时候印发的", "issuer": "是哪个部门印发的", "number": "的文号是什么"}[
        fact
    ]
    reason = (
        f"问题没有说明是哪份文件（现有 {documents} 份）。请写明文件名称或地区，"
        f"或在“限定文件”中选定一份，例如：食品安全法{example}?"
    )
    return Answer(question=question, found=False, answer=reason, not_found_reason=reason)


def _unstated_reason(document: Document, fact: Fact, label: str) -> str:
    """The fact is not quoted from the text; what the document's record says, if any
    (corpus/metadata.toml, or a line outside every chunk such as a closing signature)."""
    registered = _registered(document, fact)
    where = f"《{document.title}》的正文中没有可以引用的{label}"
    return f"{where}（文件信息登记为：{registered}）。" if registered else f"{where}。"


def fact_answer(
    question: str,
    fact: Fact,
    documents: Sequence[Document],
    chunks_of: Callable[[str], Sequence[Chunk]],
) -> Answer | None:
    """The documents' date, issuer or number as their texts state it, one line each.

    Not found, with what the documents' records say, when no chunk of theirs states
    it; None (left to retrieval) for an issuer or number no record holds.
    """
    label = {"date": "成文日期", "issuer": "发文机关", "number": "文号"}[fact]
    sentences: list[AnswerSentence] = []
    passages: list[Passage] = []
    unstated: list[str] = []
    for document in documents:
        cited = _cited(chunks_of(document.doc_id), _stated_at(document, fact))
        if cited is None:
            unstated.append(document.region or document.title)
            continue
        span, chunk = cited
        rank = len(passages) + 1
        passages.append(Passage(rank, chunk, document.title, document.region, 0.0))
        # The whole line that holds the date, and the dated lines after it: a law's
        # head gives its adoption and every amendment (…通过, …修订, …修正).
        spans = _dated_lines(document.text, span, chunk.span[1]) if fact == "date" else [span]
        for line in spans:
            text = document.text[line[0] : line[1]]
            kind = label if fact != "date" or len(text) <= len(document.date) + 2 else "日期"
            name = (document.region or document.title) if len(documents) > 1 else kind
            sentences.append(AnswerSentence(text, (Citation(rank, document.doc_id, line),), name))
    if not sentences:
        if fact != "date" and not any(_registered(d, fact) for d in documents):
            return None  # nothing on record: the text may still say it (retrieval)
        reason = "".join(_unstated_reason(d, fact, label) for d in documents)
        return Answer(question, False, NOT_FOUND + reason, not_found_reason=reason)
    notes = (f"以下文件的正文中没有可以引用的{label}：{'、'.join(unstated)}。",) if unstated else ()
    return Answer(
        question=question,
        found=True,
        answer=answer_text(sentences),
        passages=tuple(passages),
        sentences=tuple(sentences),
        notes=notes,
    )


def record_fact_answer(
    text: str,
    doc_ids: Sequence[str],
    index: SearchIndex,
    first_found: Callable[[str], str | None],
) -> Answer | None:
    """When, by whom or under which number a document was issued: from its record,
    quoted where its text states it; None when the question asks no such fact.
    ``doc_ids`` is the user's document filter; ``first_found`` the document retrieval
    finds first for a question (for one naming a document by its subject only)."""
    fact = fact_asked(text)
    if fact is None:
        return None
    documents = list(index.documents.values())
    analysis = analyse(text, documents)
    if (analysis.unknown_places and not analysis.doc_ids) or analysis.unknown_documents:
        # 深圳的质量强市意见是哪年发布的?: no document is 深圳's (rules 1 and 2).
        reason = unsupported_reason(analysis, (), index.corpus_form)
        answer = f"{NOT_FOUND}{reason}"  # no passage was searched: none to show
        return Answer(question=text, found=False, answer=answer, not_found_reason=reason)
    asked_ids = list(analysis.doc_ids) or list(doc_ids)
    if not asked_ids and names_something(analysis):
        # 家用汽车三包规定是哪个部门发布的: the document retrieval finds first.
        found = first_found(text)
        asked_ids = [found] if found else []
    if not asked_ids and len(documents) > MAX_LISTED:
        return which_document(text, fact, len(documents))
    asked = [index.documents[d] for d in asked_ids] if asked_ids else documents
    return fact_answer(text, fact, asked, lambda d: index.document_chunks([d]))
