"""What a question asks for: places, documents, years, figures, comparisons.

Pure functions over the question text and the corpus metadata. Place names come from
the documents' own regions and titles and from the gazetteer of administrative
divisions (qa.retrieve.places), never from the tagger's guesses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from qa.retrieve.department_question import asks_department
from qa.retrieve.law_names import (
    document_kind_words,
    law_names,
    nested_titles,
    short_titles,
    shortened_names,
)
from qa.retrieve.places import (
    GENERIC_PLACES,
    PLACE_WORDS,
    across_cues,
    place_aliases,
    place_words,
)
from qa.retrieve.thesaurus import EMPTY, Expansion, Thesaurus, alternatives
from qa.retrieve.topics import ASKING, covered, tagged_words, topic_terms
from qa.textnorm import QUOTED_TERM, search_form
from qa.tokens import tokenize
from qa.types import Document

_FIGURE_WORDS = (
    "多少",
    "几",
    "比例",
    "比率",
    "目标",
    "百分",
    "%",
    "率",
    "数量",
    "金额",
    "多久",
    "多长",
    "哪一年",
    "何时",
)
_DOC_NUMBER_QUESTION = re.compile(r"文号|字号|文件号|发文号")
# Asking for an amount of money (not "how is the amount computed").
_MONEY_QUESTION = re.compile(
    r"多少钱|多少(万|亿)?元|几(万|亿)?元|奖金|罚(款)?多少|赔(偿)?多少"
    r"|多少(的)?(赔偿金|赔偿|罚款|罚金|补贴|补助|奖励)"  # 还能要多少赔偿金
    # 金额是多少, 奖励金额分别是多少, 罚款数额各是多少
    r"|(金额|数额|额度|奖励|罚款|赔偿)(分别|各|又|大概|一般)?(是|为|有)?多少"
    # A fee or a payment: 报名费是多少, 保费要交多少, 每月缴多少 (not 费用由谁承担).
    r"|费[^，,。；;？?]{0,4}多少|(?<![提])(交|缴|付|花)(了)?多少"
    # pay and funds: 年薪一般是多少, 专项资金有多少, 经费安排多少
    r"|(薪|工资|薪酬|资金|经费|预算)[^，,。；;？?]{0,4}多少"
)
# A law or regulation the question names: 电子商务法, 食品安全法实施条例.
# A figure the question states (to check it against the evidence): 100万元, 42.9%.
_STATED_FIGURE = re.compile(
    r"\d+(?:\.\d+)?(?:%|万元|亿元|元|个|家|件|项|名|座|所|台|辆|户|种|倍|天|日|小时)"
    r"|(?<![\d.])\d{5,}(?![\d.])"  # a hotline or a code (96333, 12365): stated as written
    # a number of years in digits (有效期只有3年); not a year (2018年), not 第3年
    r"|(?<![\d.第])\d{1,2}年"
    # how often, stated (每季度开一次会, 每两年体检一次): 每年 is everyday
    r"|每(?:季度|半年|个月|月|周|星期|[两二三四五]年)"
    # a share or a growth stated in words (车主承担一半, 名牌数每年翻一番)
    r"|(?<![减折])一半|翻[一两]番"
    # 满十五年, 奖励五十万元; not 一个, 两家, 三个月: everyday counting, not a claim;
    # not 第二年: an ordinal counts, it states no period
    r"|(?<![一二三四五六七八九十百千万两第])[二三四五六七八九十百千][一二三四五六七八九十百千万]{0,3}"
    r"(?:年|倍|万元|元|天|日|小时|件|项|家)"
)
# 提车才三天, 刚用了五天, 新车买了10天, 花了5000元买的: the asker's own purchase or
# event, not a claim about the documents (a figure they would have to state).
_ELAPSED = re.compile(
    r"(?:[才刚]|花了|买了|用了|开了|住了|等了|修了|付了|交了|花|买)[^，,。？?\d]{0,3}$"
)


# 是不是5年?, 是否超过3年: a number of years the question asks about, which a document
# need not state to answer (三包有效期为2年 says no); not one it states as a fact (只有3年).
# Only for years in digits, the form added at stop 38: for every figure it lost dev11
# c097 (是不是24小时受理?, rightly refused: no document states its hours).
_ASKED_FIGURE = re.compile(r"(?:是不是|是否|有没有|会不会|能不能|还是)[^，,。？?\d]{0,2}$")


def _idiom_spans(form: str) -> list[tuple[int, int]]:
    """Where the question uses a set phrase of four characters or more (货比三家):
    jieba's idioms (i) and fixed expressions (l)."""
    spans, at = [], 0
    for word, flag in tagged_words(form):
        if flag in ("i", "l") and len(word) >= 4:
            spans.append((at, at + len(word)))
        at += len(word)
    return spans


def _stated_figures(form: str) -> tuple[str, ...]:
    """Figures the question states as facts (100万元, 满十五年), each once; a number
    inside a set phrase (货比三家) states nothing."""
    idioms = _idiom_spans(form) if _STATED_FIGURE.search(form) else []
    stated = (
        m.group(0)
        for m in _STATED_FIGURE.finditer(form)
        if not _ELAPSED.search(form[max(0, m.start() - 4) : m.start()])
        and not (
            m.group(0).endswith("年")
            and m.group(0)[0].isdigit()
            and _ASKED_FIGURE.search(form[max(0, m.start() - 4) : m.start()])
        )
        and not any(start <= m.start() and m.end() <= end for start, end in idioms)
    )
    return tuple(dict.fromkeys(stated))


# What counts as X is asked by X's definition: 什么情况算是化妆品不良反应, 老板亲自出镜
# 算不算广告代言人 (stop 34, dev20's tuning half); X runs to the question's end, so a
# question going on to ask something else (皮卡车算不算家用汽车，能不能享受三包?) is not
# one. Group 1 is X (qa.answer.evidence.definition_subject).
COUNTS_AS = r"(?:算不算|算是|算作|才算|被当作|被视为)([^，,。；;？?]{2,16}?)[?？。]?$"
_DEFINITION_QUESTION = re.compile(
    r"什么(是|叫)|是指|指(的是)?什么|含义|定义|包括哪|包含哪|分为哪|分(为)?几类|哪几类|哪几种|范围"
    r"|什么意思|啥意思|怎么理解|如何理解"  # 肢解发包是什么意思
    r"|" + COUNTS_AS
)
_LIST_QUESTION = re.compile(
    r"哪些|哪几|什么途径|哪几种|哪几类|包括什么|有什么(情形|情况|事项|要求)|举几个|列举"
)
# 几 that counts nothing asked: 好几个, 十几年, 这几年, 前几天, 才几天, 没几块钱, 几十, 几百;
# and any 几 in a yes/no question (几户人家共有的电梯…可以交给物业吗? asks whether, not
# how many). What is left asks how many (几项, 几天内, 几个人).
# 前几天 is "a few days ago", but 提前几天 asks how many days ahead.
_INDEFINITE_JI = re.compile(r"(?<=[好十这那头才没过])几|(?<!提前)(?<=前)几|几(?=[十百千万])")
# 几 of a clause before the one that asks (国务院几个部门意见不一致，最后由谁拍板?):
# "several", the question is the later clause's.
_JI_BEFORE_ANOTHER_QUESTION = re.compile(
    r"几(?=[^，,。？?]*[，,][^？?]*(?:谁|什么|哪|怎么|如何|多少|多久))"
)
_YES_NO_CLAUSE = re.compile(r"[^?？。!！]*?(?:吗|么)[?？]?")


def asked_form(question: str) -> str:
    """The question's search form with every 几 that asks nothing made 些, so that the
    patterns asking how many or how long match only what is asked."""
    form = _INDEFINITE_JI.sub("些", search_form(question))
    form = _JI_BEFORE_ANOTHER_QUESTION.sub("些", form)
    return _YES_NO_CLAUSE.sub(lambda m: m.group(0).replace("几", "些"), form)


# When, or how long / how often (每隔多少天, 几年内): the answer states a time or period.
# How many days, months or years, or how often: a number of them answers, not 立即.
# How often: 多久必须来保养一次, 每隔多久.
HOW_OFTEN = re.compile(r"每隔|(多久|多长时间)[^，,。？?]{0,6}一次")
PERIOD_QUESTION = re.compile(
    r"(多少|几)\s*个?\s*(工作日|天|日|年|月|小时|分钟|周)|" + HOW_OFTEN.pattern
)
_WHEN_QUESTION = re.compile(
    r"几月|几号|(?<!哪)几点|哪一天|哪天|什么时候|何时|截止(时间|日期)|什么时间|多久|多长时间|"
    r"哪段时间|哪个时间段|哪一?年|哪几个?月|哪个月|" + PERIOD_QUESTION.pattern
)
_PERMISSION_QUESTION = re.compile(
    r"能不能|可不可以|能否|可否|是否可以|要不要|需不需要|是不是|适用|允许|(能|可以|得|要|应该)[^?？]{0,20}吗"
)
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
# What happens to whoever breaks a rule (怎么罚, 会被怎么处理, 罚不罚): a law answers
# in its 法律责任 chapter, in its own words (责令改正, 罚款), which the search then adds.
# Not 会怎样 or 什么后果: 没有总监理工程师签字会怎样 asks what follows (不进行竣工验收).
_PENALTY_QUESTION = re.compile(
    r"(怎么|怎样|如何|会被|要被|会不会被|受到什么|给予什么|什么)(处罚|处理|罚|惩罚|处分)"
    r"|罚不罚|承担什么(法律)?责任|负什么(法律)?责任"
    # What happens to whoever fails a duty (…却没去备案，会怎样?): its penalty. Not what
    # follows from something missing (没有总监理工程师签字会怎样?: a rule, not a penalty).
    r"|((没|未)(?!有)|不改|拒不|拒绝|违反|逾期|擅自|偷偷|隐瞒)[^?？]{0,30}"
    r"(会怎样|会怎么样|会如何|有什么后果|什么后果|后果是什么)"
)
PENALTY_TERMS = ("法律责任", "责令改正", "罚款")
_QUOTED = re.compile(r"[《〈]([^》〉]{2,60})[》〉]")


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str  # normalised question
    doc_ids: tuple[str, ...]  # documents named by place or title, in order of mention
    unknown_places: tuple[str, ...]  # place names that match no document's region
    years: tuple[str, ...]
    wants_figure: bool
    across_documents: bool  # "各地…分别", "哪些城市…": answer per document
    asks_department: bool  # 哪个部门 / 谁牵头 / 由谁负责
    asks_doc_number: bool  # 文号
    asks_money: bool  # 多少钱 / 多少万元 / 奖金: the answer must state an amount of money
    content_tokens: tuple[str, ...]  # keyword tokens without the place names
    topic_terms: tuple[str, ...]  # nouns naming what is asked about (see topic_terms)
    asks_definition: bool = False  # 什么是 / 指什么 / 包括哪些: favour defining sentences
    asks_list: bool = False  # 哪些 / 哪几 / 什么途径: a list's items answer it
    asks_when: bool = False  # 几月 / 什么时候 / 截止时间: the answer must state a time
    asks_permission: bool = False  # 能不能 / 可以…吗 / 适用吗: a rule (可以, 不得) answers it
    asks_penalty: bool = False  # 怎么罚 / 会怎么处理: a penalty (罚款, 责令, 吊销) answers it
    across_places: bool = False  # 各地 / 哪些地方: the documents of places are compared
    unknown_documents: tuple[str, ...] = ()  # laws the question names that are not indexed
    topic_nouns: tuple[str, ...] = ()  # the topic terms tagged as nouns (not 花钱买, 完工后)
    stated_figures: tuple[str, ...] = ()  # figures the question itself states (100万元)
    # Terms the question quotes (“质量月”, "三证合一"), in search form: asked verbatim.
    quoted_phrases: tuple[str, ...] = ()
    # A follow-up completed from the conversation: the words of the question as asked
    # (要是…把人害死了呢? after 增加赔偿的金额是多少?); empty when it was asked whole.
    asked_tokens: tuple[str, ...] = ()
    # In a follow-up, its words the previous question did not use (报告 of 复检报告多久能
    # 出来? after …申请复检?): the answer holds one when a close sentence does.
    added_tokens: tuple[str, ...] = ()
    # A follow-up asking a question of its own (那…的管理办法由谁来定? after …收费要符合
    # 什么规定?): its text, which says what is asked; the conversation only frames it.
    asked_text: str = ""
    # The question's everyday words with the documents' terms for them (商家 -> 经营者,
    # 销售者), from the thesaurus (qa.retrieve.thesaurus).
    expansions: tuple[Expansion, ...] = ()

    def alternatives(self, word: str) -> tuple[str, ...]:
        """``word`` and the documents' terms for it (just ``word`` when it has none)."""
        return alternatives(word, self.expansions) if self.expansions else (word,)

    def expansion_terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m for e in self.expansions for m in e.means))

    def search_text(self) -> str:
        """What the rankers search for: the question, then the documents' terms for its
        everyday words (measured in eval/report.md: on dev2, written after the
        thesaurus, strict accuracy 0.482 -> 0.511 and hit@5 0.817 -> 0.844)."""
        penalty = [t for t in PENALTY_TERMS if t not in self.text] if self.asks_penalty else []
        return " ".join((self.text, *self.expansion_terms(), *penalty))


def analyse(
    question: str, documents: Sequence[Document], thesaurus: Thesaurus = EMPTY
) -> QuestionAnalysis:
    form = search_form(question)
    asked = asked_form(question)
    asks_money = bool(_MONEY_QUESTION.search(asked))
    asks_when = bool(_WHEN_QUESTION.search(asked))
    mentions: list[tuple[int, str]] = []
    known_aliases: set[str] = set()
    named_titles: set[str] = set()
    kind_words: set[str] = set()
    # Where each document is named by its title, and whether by its place too.
    title_spans: dict[str, list[tuple[int, int]]] = {}
    by_place: set[str] = set()
    titles_by_doc: dict[str, list[str]] = {}  # the short titles people name each law by
    title_forms: list[str] = []
    for document in documents:
        aliases = place_aliases(document.region) if document.region else set()
        known_aliases |= aliases
        positions = [form.find(a) for a in aliases if a and a in form]
        if positions:
            by_place.add(document.doc_id)
        title = search_form(document.title)
        title_forms.append(title)
        spans = title_spans.setdefault(document.doc_id, [])
        for quoted in _QUOTED.findall(question):
            q = search_form(quoted)
            if q and title and (q in title or title in q):
                positions.append(form.find(q) if q in form else 0)
                named = title if title in q else q
                spans += [(m.start(), m.end()) for m in re.finditer(re.escape(named), form)]
        titles_by_doc[document.doc_id] = short_titles(title)
        for name in titles_by_doc[document.doc_id]:
            if name in form:
                positions.append(form.find(name))
                named_titles.add(name)
                spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name), form)]
        if positions:
            mentions.append((min(p for p in positions if p >= 0), document.doc_id))
            kind_words |= document_kind_words(form, aliases)
    # A law named by a shortened name (乳品条例, 电商法) is the one document it can shorten;
    # a name that could shorten several (质量法) names none of them, and is not unknown.
    shortened, shortens = shortened_names(form, titles_by_doc, named_titles)
    for name, doc_id in shortens.items():
        if doc_id not in {d for _, d in mentions}:
            mentions.append((form.find(name), doc_id))
            named_titles.add(name)
    # 食品安全法实施条例 names the implementing rules, not also the law its name begins with.
    inside = nested_titles(title_spans, by_place)
    doc_ids = tuple(doc_id for _, doc_id in sorted(mentions) if doc_id not in inside)
    unknown = tuple(
        word
        for word in dict.fromkeys(place_words(form))
        if word not in GENERIC_PLACES and not covered(word, known_aliases)
    )
    cues = across_cues(form)
    titles = title_forms
    # The words of a document's name say which document, not what is asked about it
    # (产品质量法什么时候生效?: 产品质量 is not asked; 家用汽车产品 asked of the 家用汽车
    # 产品…规定 is).
    untitled = form
    for name in sorted(named_titles | kind_words, key=len, reverse=True):
        untitled = untitled.replace(name, " ")
    tokens = tuple(t for t in tokenize(untitled) if not covered(t, known_aliases | set(unknown)))
    return QuestionAnalysis(
        text=question,
        doc_ids=doc_ids,
        unknown_places=unknown,
        years=tuple(dict.fromkeys(m.group(0) for m in _YEAR.finditer(form))),
        # 哪几块 / 哪几类 asks which ones (a list), not how many.
        wants_figure=any(w in form.replace("哪几", "哪些") for w in _FIGURE_WORDS),
        # Naming two documents or more compares them (比较一下厦门、太原…), cue or not.
        across_documents=len(doc_ids) > 1 or (bool(cues) and len(doc_ids) != 1),
        asks_department=asks_department(form, asks_money, asks_when),
        asks_doc_number=bool(_DOC_NUMBER_QUESTION.search(form)),
        asks_money=asks_money,
        asks_definition=bool(_DEFINITION_QUESTION.search(form)),
        asks_list=bool(_LIST_QUESTION.search(form)),
        asks_when=asks_when,
        asks_permission=bool(_PERMISSION_QUESTION.search(form)),
        asks_penalty=bool(_PENALTY_QUESTION.search(asked)),
        across_places=any(any(p in w for p in PLACE_WORDS) for w in cues),
        content_tokens=tokens,
        topic_terms=topic_terms(untitled, [*known_aliases, *unknown], named_titles),
        topic_nouns=topic_terms(untitled, [*known_aliases, *unknown], named_titles, True),
        unknown_documents=tuple(
            name
            for name in law_names(form)
            if name not in shortened and not any(name in t or t in name for t in titles)
        ),
        stated_figures=_stated_figures(form),
        quoted_phrases=tuple(
            dict.fromkeys(search_form(q).strip() for q in QUOTED_TERM.findall(question))
        ),
        expansions=thesaurus.expand(form, [word for word, _ in tagged_words(form)]),
    )


# What kind of answer a question asks for (a figure, a department, an amount, a time…).
QUESTION_KINDS = (
    "wants_figure",
    "asks_department",
    "asks_doc_number",
    "asks_money",
    "asks_definition",
    "asks_list",
    "asks_when",
    "asks_permission",
    "asks_penalty",
)


def as_followup(
    resolved: QuestionAnalysis, asked: QuestionAnalysis, previous: str = ""
) -> QuestionAnalysis:
    """A follow-up completed from the conversation: searched with the completed words,
    answered as the follow-up asks. The words just asked weigh most in choosing the
    answer, and those the previous question did not use are kept apart (复检报告多久能
    出来? after …几个工作日内能申请复检?: 报告); and when the follow-up asks
    its own question (逾期不交的话罚多少? after …向哪个部门交报告?), its kind (an
    amount, not a department) is the one answered."""
    kinds: dict[str, Any] = {}
    asked_text = ""
    if ASKING.search(search_form(asked.text)):
        kinds = {kind: getattr(asked, kind) for kind in QUESTION_KINDS}
        asked_text = asked.text
    added: tuple[str, ...] = ()
    if previous:
        before = search_form(previous)
        # Its topic words first: 运费, not 其他 (其他能退的东西，寄回去的运费谁出?).
        added = tuple(t for t in asked.topic_terms if t not in before) or tuple(
            t for t in asked.content_tokens if t not in before
        )
    # A follow-up naming a document of its own (东莞的保障房工程呢? after 厦门到2018年…) asks
    # what that document states, whatever its year: the previous question's year still
    # ranks its passages (it is in the completed text) but cannot refuse the answer.
    years = resolved.years if not asked.doc_ids or asked.years else ()
    return replace(
        resolved,
        years=years,
        asked_tokens=asked.content_tokens,
        added_tokens=added,
        asked_text=asked_text,
        **kinds,
    )
