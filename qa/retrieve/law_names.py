"""Documents as people name them: laws and regulations (产品质量法 for 中华人民共和国产品质量
法, a ministry's 规定 by its whole title, and the law names a question writes, 电子商务法
规定…, so that a law not in the corpus is told apart from one that is), and a policy
document by its place and its kind (太原行动计划, 东莞方案).

Pure functions over text in search form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

_LAW_NAME = re.compile(
    r"([\u4e00-\u9fff]{2,16}?(?:法|条例))"
    # what follows a law's name: 规定…, 第…条, 分为哪几章, 什么时候施行
    r"(?=规定|中|里|对|的|是|有|要|关于|第|分为|分成|包括|一共|共有|总共|施行|实施|颁布"
    r"|修订|什么时候|何时|哪|怎|如何|[》〉，,、。？?]|$)"
)
_POINTED_AT = re.compile(r"[那这哪][部个条项](?:法|条例)$")
# 这种卖法 / 那样的做法: a way of doing something, pointed at, never a law's name.
_A_WAY = re.compile(r"^[这那此该][种样类么个]的?[\u4e00-\u9fff]{0,2}法$")
# 国家出了哪部关于征信的条例: a question asking which law, naming none; 政府指导价到底是
# 怎么个指导法: asking how, the 法 a way of doing it.
_ASKING_WHICH = re.compile(r"哪|什么|啥|何种|怎|如何|到底")
_LAW_LEAD = re.compile(r"^(按照|根据|依照|依据|按|据|对于|关于|在|请问|那么|那|如果|比如|看看)")
# Which version of a law, not part of its name (现行食品安全法, 修订后的标准化法).
_VERSION_LEAD = re.compile(r"^(现行的?|修订后的?|新修订的?|修改后的?|最新的?|新版的?|现在的)")
_NOT_LAWS = frozenset(
    ["方法", "办法", "做法", "想法", "说法", "看法", "用法", "合法", "违法", "依法", "非法",
     "执法", "立法", "司法", "守法", "算法", "手法", "疗法", "书法", "宪法", "法律法",
     "无法", "没法", "设法", "有法", "卖法", "买法", "玩法", "吃法", "叫法", "打法", "搞法",
     "弄法", "干法", "讲法", "写法", "收法"]
)  # fmt: skip


def short_titles(title_form: str) -> list[str]:
    """How people name a law without 《》: 中华人民共和国产品质量法 -> 产品质量法."""
    names = []
    for prefix in ("中华人民共和国",):
        if title_form.startswith(prefix) and len(title_form) - len(prefix) >= 3:
            names.append(title_form[len(prefix) :])
    # Rules of a ministry are named by their whole title as well (家用汽车产品修理更换
    # 退货责任规定, …管理办法).
    if (
        title_form.endswith(("法", "条例", "规定", "办法", "细则", "规则"))
        and 4 <= len(title_form) <= 24
    ):
        names.append(title_form)
    return names


# 产品质量法和消费者权益保护法 names two laws; 人口与计划生育法 is one (its 与 follows no 法).
_BETWEEN_LAWS = re.compile(
    r"(?:(?<=法)|(?<=条例)|(?<=细则)|(?<=规定)|(?<=规则))(?:和|与|及|以及|、|跟|同)"
)
_KIND = re.compile(r"(法|条例|细则|规定|办法|规则)$")


def abbreviates(name: str, title_form: str) -> bool:
    """A shortened name of the law titled ``title_form``: the same kind word (法, 条例…)
    after characters taken in order from the title's own (乳品条例 for 乳品质量安全监督管理
    条例, 电商法 for 电子商务法), two or more of them; not the title itself."""
    named, titled = _KIND.search(name), _KIND.search(title_form)
    if not named or not titled or named.group(1) != titled.group(1) or name == title_form:
        return False
    stem, rest = name[: named.start()], iter(title_form[: titled.start()])
    return len(stem) >= 2 and all(char in rest for char in stem)


def shortened_names(
    question_form: str, titles_by_doc: Mapping[str, Sequence[str]], named: Iterable[str]
) -> tuple[set[str], dict[str, str]]:
    """The law names the question shortens (乳品条例, 电商法), and of those, each that can
    shorten one document only with that document (质量法 shortens several: none). Names
    already matching a title (``named``) are left out."""
    named = list(named)
    shortening: set[str] = set()
    unique: dict[str, str] = {}
    for name in law_names(question_form):
        if name not in question_form or any(name in t or t in name for t in named):
            continue
        docs = [
            d for d, titles in titles_by_doc.items() if any(abbreviates(name, t) for t in titles)
        ]
        if docs:
            shortening.add(name)
        if len(docs) == 1:
            unique[name] = docs[0]
    return shortening, unique


def nested_titles(
    title_spans: Mapping[str, Sequence[tuple[int, int]]], named_otherwise: set[str]
) -> set[str]:
    """Documents the question names only inside a longer title it writes (食品安全法 of
    食品安全法实施条例): the longer title is what is named. ``title_spans``: where each
    document's title is met in the question; ``named_otherwise``: documents also named by
    their place, which stay named."""
    return {
        doc_id
        for doc_id, spans in title_spans.items()
        if doc_id not in named_otherwise
        and spans
        and all(
            any(
                a <= start and end <= b and b - a > end - start
                for other, others in title_spans.items()
                if other != doc_id
                for a, b in others
            )
            for start, end in spans
        )
    }


def law_names(question_form: str) -> list[str]:
    """Laws and regulations a question names (电子商务法规定… -> 电子商务法)."""
    out = []
    for match in _LAW_NAME.finditer(question_form):
        for named in _BETWEEN_LAWS.split(match.group(1)):
            name = _VERSION_LEAD.sub("", _LAW_LEAD.sub("", named))
            name = name.removeprefix("中华人民共和国")
            # 那部法 / 哪部法 / 这个法 points at a law by what it does, naming none
            # (受不受保护消费者权益那部法的保护?).
            if _POINTED_AT.search(name) or _ASKING_WHICH.search(name) or _A_WAY.search(name):
                continue
            if len(name) >= 3 and name not in _NOT_LAWS and not name.endswith(tuple(_NOT_LAWS)):
                out.append(name)
    return list(dict.fromkeys(out))


# A policy document named by its place and its kind (太原行动计划里…, 东莞方案中…, 福建的
# 文件里…): the kind word names the document, it is not asked about.
_DOCUMENT_KIND = re.compile(
    r"(?:市|省|盟)?(?:的|这份|这个|那份)?"
    r"(行动计划|实施方案|工作方案|方案|实施意见|意见|文件|通知|纲要)(?=里|中|上|的|第|提出|规定|要求|对|[,，、?？]|$)"
)


def document_kind_words(form: str, aliases: set[str]) -> set[str]:
    """The kind words naming a document right after one of its place names."""
    words = set()
    for alias in aliases:
        start = form.find(alias)
        while alias and start >= 0:
            match = _DOCUMENT_KIND.match(form, start + len(alias))
            if match:
                words.add(match.group(1))
            start = form.find(alias, start + 1)
    return words
