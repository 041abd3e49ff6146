"""What a definition question asks about, and the passages that define it.

A regulation defines its terms in an article of their own (本办法所称举报，是指…); a
question asking what a term means (举报指的是什么?) shares the term with every article
using it, so the search alone may rank the definition low. ``DefiningPassages`` (a
retrieval stage) puts the candidates defining the asked term first. The sentence choice
(qa.answer.evidence) uses the same two functions.

Pure functions over text in search form; the stage reads only the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.retrieve.fusion import Ranked
from qa.retrieve.query import COUNTS_AS
from qa.retrieve.stages import FirstPass, Query
from qa.textnorm import search_form

# What a definition question asks about: 什么是X / X是指什么 / X包括哪些 / X分为哪几类 /
# …算不算X (COUNTS_AS).
_SUBJECT_AFTER = re.compile(r"什么(?:是|叫)(.{2,16}?)[?？。]?$|" + COUNTS_AS)
_SUBJECT_BEFORE = re.compile(
    r"^(.{2,30}?)(?:是指|指的是|指什么|包括哪|包含哪|分为哪|分为几|分几类|有哪几类|有哪几种|的含义|的定义|的范围"
    r"|是什么意思|什么意思|啥意思|怎么理解|如何理解)"
)
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,20})[”\"」』]")
ARTICLE_LABEL = re.compile(r"^第[一二三四五六七八九十百零〇两\d]+条\s*")


def definition_subject(question_form: str) -> str:
    """The term a definition question asks about, "" when there is none to be sure of."""
    quoted = _QUOTED.findall(question_form)
    if len(quoted) == 1 and 2 <= len(quoted[0]) <= 12:
        return quoted[0]  # 建设单位“肢解发包”是什么意思: the quoted term is asked
    match = _SUBJECT_AFTER.search(question_form) or _SUBJECT_BEFORE.search(question_form)
    if not match:
        return ""
    asked = next(group for group in match.groups() if group is not None)
    # 规定里的家用汽车产品指什么: the subject is what follows the last 的/里/中.
    subject = re.split(r"所称|[的里中，,?？。!！;；]", asked)[-1].strip()
    return subject if 2 <= len(subject) <= 12 else ""


# A law also defines a term after its description: …首次使用于化妆品的天然或者人工原料
# 为化妆品新原料, 特殊化妆品以外的化妆品为普通化妆品, …，以下称地方认证监督管理部门. The
# term then closes its clause; the 为 of 以…为, 作为, 认为, 成为, 行为, 因为 and of
# adverbs (更为, 较为, 最为, 极为, 尤为) is not this 为.
_NAMED_AS = r"(?:(?<![以作认成行因更较最极尤])为|称为|统称为|统称|简称|以下称)[^，,。；;：:“”]{0,8}"


def defines(form: str, subject: str, *, loosely: bool = True) -> bool:
    """Whether a sentence (search form) defines or enumerates ``subject`` itself: the
    subject opens the sentence or a clause, or follows 所称, and the cue follows it; or
    the sentence describes it and then names it (…为X, …以下称X). ``loosely``: a bare
    是 counts as a cue (X是…), which only a sentence already close to the question may use."""
    if not subject:
        return False
    body = ARTICLE_LABEL.sub("", form)
    term = re.escape(subject)
    cues = "是指|指|包括|包含|分为|统称" + ("|是" if loosely else "")
    pattern = (
        rf"(?:^|所称的?|[，,。；;：:]){term}(?:[（(][^）)]{{0,30}}[）)])?[，,]?"
        rf"(?:{cues})"
    )
    named_after = rf"{_NAMED_AS}{term}[”」]?(?:[。；;，,）)]|$)"
    return re.search(f"{pattern}|{named_after}", body) is not None


# A sentence defining some term (本办法所称的投诉，是指…, X是指…).
DEFINES_A_TERM = re.compile(r"所称|是指")

# Candidates of the first pass looked at, and how many defining ones go first (the
# article defining the term in each of the best few documents).
DEPTH = 30
MAX_FIRST = 3


@dataclass(frozen=True)
class DefiningPassages:
    """For a question asking what a term means, the candidates among the first
    ``depth`` that define it come first, in their order."""

    depth: int = DEPTH
    first: int = MAX_FIRST

    def apply(self, query: Query, items: Ranked, first_pass: FirstPass) -> Ranked:
        analysis = query.analysis
        if not analysis.asks_definition or analysis.across_documents:
            return items
        subject = definition_subject(search_form(analysis.asked_text or analysis.text))
        if not subject:
            return items
        chunks = query.index.chunks
        defining = [
            (chunk_id, score)
            for chunk_id, score in items[: self.depth]
            if defines(search_form(chunks[chunk_id].text), subject, loosely=False)
        ][: self.first]
        if not defining or defining[0][0] == items[0][0]:
            return items
        top = items[0][1]
        moved = {chunk_id for chunk_id, _ in defining}
        return [(chunk_id, top) for chunk_id, _ in defining] + [
            (chunk_id, score) for chunk_id, score in items if chunk_id not in moved
        ]
