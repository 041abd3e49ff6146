"""Patterns and word lists behind figure extraction (used by qa.ingest.figures).

Everything here works on the *matching view* of a document: the text with full-width
ASCII folded to half-width and, for traditional documents, converted to simplified
script, character for character. Because the view has exactly the same length as the
original, an offset found in the view is an offset into ``Document.text`` too, so the
figures can quote the original verbatim while the rules only know simplified keywords.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import cn2an

from qa.textnorm import to_simplified

# Full-width ASCII (！ .. ～) to half-width, ideographic space to space: 1 char -> 1 char.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]+")  # sub() only touches these runs


def matching_view(text: str, traditional: bool) -> str:
    """Same-length view of ``text`` for keyword matching (see the module docstring)."""
    folded = _FULL_WIDTH_RE.sub(lambda m: m.group().translate(_HALF_WIDTH), text)
    if not traditional:
        return folded
    lines = folded.split("\n")
    converted = []
    for line in lines:
        simple = to_simplified(line)
        if len(simple) != len(line):
            # A phrase rule changed the length: fall back to one character at a time
            # so offsets stay aligned.
            simple = "".join(_one_char_simplified(ch) for ch in line)
        converted.append(simple)
    return "\n".join(converted)


def _one_char_simplified(ch: str) -> str:
    simple = to_simplified(ch)
    return simple if len(simple) == 1 else ch


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(set(words), key=len, reverse=True))


SPACE = r"[ \t\u00a0]*"  # ideographic spaces are already plain spaces in the view
CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_NUM = rf"[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
_AR_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"

# Measure words, simplified. The longest match wins (个百分点 before 个, 万元 before 万).
UNITS = (
    "个百分点", "百分点", "%", "‰",
    "万人次", "人次", "万人", "万户", "万个", "万家", "万件", "万元", "亿元", "千元", "元",
    "万美元", "亿美元", "美元", "万", "亿",
    "万千瓦时", "千瓦时", "万千瓦", "千瓦", "平方公里", "平方千米", "万平方米", "平方米",
    "万立方米", "立方米", "万亩", "亩", "公顷", "万吨", "亿吨", "吨", "公斤", "千克", "克",
    "公里", "千米", "万米", "米",
    "个月", "周岁", "岁", "小时", "分钟", "个工作日", "工作日", "年", "天", "日", "周",
    "个", "件", "家", "项", "所", "名", "位", "人", "次", "倍", "台", "辆", "座", "条",
    "套", "批", "种", "类", "张", "份", "户", "床", "株", "头", "只", "处", "部", "篇",
    "轮", "场", "栋", "层", "本", "册", "分",
)  # fmt: skip
UNIT_SET = frozenset(UNITS)

# Words after the value that state a direction ("内" only counts after a unit).
AFTER_COMPARATORS = {
    "及以上": "at_least", "以上": "at_least", "及以下": "at_most", "以下": "at_most",
    "以内": "at_most", "之内": "at_most", "内": "at_most", "左右": "",
}  # fmt: skip

# Each pattern opens with a one-character lookahead so the scan skips most positions
# cheaply: these run over every character of every document.
NUMBER_RE = re.compile(
    rf"(?=[\d{CN_DIGITS}])(?:"
    rf"(?P<pct>(?<![{CN_DIGITS}第])(?:百|千)分之(?:{_CN_NUM}|{_AR_NUM}))"
    rf"|(?P<frac>(?<![{CN_DIGITS}\d第])(?:[{CN_DIGITS}]+|\d+)分之(?:{_CN_NUM}|{_AR_NUM}))"
    rf"|(?P<ar>(?<![\dA-Za-z.·_/#@第〔\[])(?<!\d[-:])(?:{_AR_NUM})"
    rf"(?:{SPACE}[—–\-~～至到]{SPACE}(?:{_AR_NUM}))?)"
    rf"|(?P<cn>(?<![{CN_DIGITS}第]){_CN_NUM}(?:[至到]{_CN_NUM})?)"
    r")"
    rf"(?:{SPACE}(?P<approx>[余多]))?"
    rf"(?:{SPACE}(?P<unit>{_alternation(UNITS)}))?"
    rf"(?:{SPACE}(?P<after>{_alternation(AFTER_COMPARATORS)}))?"
)
RANGE_SPLIT_RE = re.compile(rf"{SPACE}[—–\-~～至到]{SPACE}")
YEAR_LIKE_RE = re.compile(r"(?:19|20)\d\d")

# Words right before the value and the comparator they state. Verbs with 到/至 name a
# level to reach, not a change.
_CUES: dict[str, tuple[str, ...]] = {
    "equal": (
        "达到", "达", "为", "保持在", "稳定在", "稳定保持", "保持", "控制在", "维持在",
        "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增长到", "增长至",
        "下降到", "下降至", "降低到", "降低至", "降到", "降至", "减少到", "减少至",
        "累计", "共", "总计", "合计",
    ),
    "at_least": (
        "不低于", "不少于", "至少", "最少", "不小于", "满",
        # a law's prohibition of less: 保存期限不得少于二年
        "不得低于", "不得少于", "不得小于", "不应低于", "不应少于", "不能低于", "不能少于",
    ),
    "more_than": ("高于", "超过", "多于", "超", "大于"),
    "at_most": (
        "不超过", "不高于", "不多于", "最多", "至多", "不大于",
        "不得超过", "不得高于", "不得多于", "不得大于", "不应超过", "不能超过",
    ),
    "less_than": ("低于", "少于", "小于", "不足", "不到", "不满", "未满", "未达到", "未达"),
    "increase_by": ("提高", "提升", "增长", "增加", "新增", "上升", "增"),
    "decrease_by": ("下降", "降低", "减少", "削减", "压减", "降", "减"),
}  # fmt: skip
# Cues that are themselves the thing measured (a period), with no direction.
NOUN_CUES = ("有效期为", "有效期", "有效期限", "期限为", "期限", "为期")
CUE_COMPARATOR = {cue: comp for comp, cues in _CUES.items() for cue in cues} | {
    cue: "" for cue in NOUN_CUES
}
_CUE_PATTERNS = [
    # 为 after 作/成/认… is "as / become", not "equals".
    r"(?<![作成认称视改以因行即分更])为" if cue == "为" else re.escape(cue)
    for cue in sorted(CUE_COMPARATOR, key=len, reverse=True)
]
# 至少/最多 may sit before a short verb: "每年至少召开一次".
_ADVERB_CUES = ("至少", "最少", "最多", "至多")
_ADVERB_CUE = rf"(?:{'|'.join(_ADVERB_CUES)})[\u4e00-\u9fff]{{1,2}}"
CUE_RE = re.compile(r"(?:" + "|".join(_CUE_PATTERNS) + rf"|{_ADVERB_CUE}){SPACE}$")


def cue_comparator(cue_word: str) -> str:
    """Comparator stated by a matched cue (an adverb cue may carry a verb after it)."""
    if cue_word in CUE_COMPARATOR:
        return CUE_COMPARATOR[cue_word]
    return CUE_COMPARATOR.get(cue_word[:2], "")


_YEAR = r"(?:19|20)\d\d|[一二][〇零九][〇零一二三四五六七八九]{2}"
TARGET_YEAR_RE = re.compile(
    r"(?=[力到至12一二])"
    rf"(?:(?<![年月日\d])(?:力争)?(?:到|至){SPACE}(?P<y1>{_YEAR}){SPACE}年"
    rf"|(?P<y2>{_YEAR}){SPACE}年(?:底|末)?(?:{SPACE}\d{{1,2}}{SPACE}月)?(?:底|末)?{SPACE}(?:前|以前|之前))"
)

# Calendar dates: their day numbers look like "N日" counts.
DATE_RE = re.compile(
    r"(?=[\d〇零一二三四五六七八九十每])"
    rf"(?:\d{{2,4}}{SPACE}年{SPACE}\d{{1,2}}{SPACE}月(?:{SPACE}\d{{1,2}}{SPACE}[日号])?"
    rf"|\d{{1,2}}{SPACE}月{SPACE}\d{{1,2}}{SPACE}[日号]"
    r"|每月\d{1,2}[日号]"
    r"|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?"
    r"|[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
)

CLAUSE_BREAK_RE = re.compile(r"[，,；;。！？!?：:\n]|——")
SENTENCE_BREAK_RE = re.compile(r"[。！？!?；;\n]")
CLAUSE_END_RE = re.compile(r"[，,；;。！？!?：:\n(（]|——")

# A parenthetical naming who leads a task: "(牵头部门:市质监局。…)", "(盟环保局牵头,…)",
# "(市住建局负责牵头落实)", "(盟林业局负责)". One level of nested brackets is allowed.
LEAD_PAREN_RE = re.compile(r"[(（]((?:[^()（）\n]|[(（][^()（）\n]*[)）])*)[)）]")
_LEAD_RULES = (
    re.compile(r"牵头(?:部门|单位)\s*[:：]\s*([^。;；,，\s)）]{2,60})"),
    re.compile(r"^\s*([^，,；;。:：]{2,60}?)(?:负责)?牵头"),
    re.compile(r"由([^，,；;。:：由]{2,60}?)(?:负责|牵头)"),
    re.compile(r"^\s*([^，,；;。:：]{2,60}?)(?:按各自的?职责分工)?负责"),
)
BY_DEPARTMENT_RE = re.compile(r"由([^，,；;。:：由(（]{2,30}?)(?:负责|牵头)")


def lead_department_span(content: str) -> tuple[int, int] | None:
    """Offsets, inside a parenthetical's content, of the department that leads."""
    for rule in _LEAD_RULES:
        found = rule.search(content)
        if found:
            return found.span(1)
    return None


# Leading words of a clause that are not part of what is measured.
_LEADING_NOISE = re.compile(
    rf"^(?:\s|[、·]|第[{CN_DIGITS}\d]+[条章节款项]|[(（][{CN_DIGITS}\d]+[)）]|[{CN_DIGITS}\d]+[、.]"
    r"|\d{4}\s*年(?:底|末)?(?:\d{1,2}月)?(?:前|以前|之前)?"
    r"|(?:力争)?(?:到|至)\s*\d{4}\s*年(?:底|末)?"
    r"|力争|确保|争取|努力|全面|进一步|逐步|大力|积极|着力|继续|其中|同时|每年|年内"
    r"|全市|全省|全盟|全区|全县|全社会|使(?!用)|让|并(?!购)|的|以及|和|及|与"
    r"|新增|增加|再创|争创|创建|再(?![生造])|建成(?!区)|建设(?!工程|项目|用地)|建立|培育"
    r"|组织|引导|推进|推动|申报|成立|召开|开展|完成|获得|实现|高标准|参与|制修订)+"
)
_TRAILING_NOISE = re.compile(
    r"(?:\s|均|都|继续|稳步|逐步|持续|要|应当|应|必须|需|须|将|可以|可|能|已|基本|力争|确保|争取"
    r"|不得|不应|不宜)+$"
)
# Verbs inside a clause before the measured noun ("引导…参与国际标准制修订"): keep what
# follows the last one.
_INNER_SPLIT = re.compile(r"其中|引导|参与|主导|推动|组织|确保|力争|促进|推进")
# A clause part ending in a verb or a conjunction names no indicator: the noun follows
# the value ("再创100个以上省级名牌产品").
_ENDS_WITH_VERB = re.compile(
    r"(?:获得|再创|争创|创建|建成|建设|建立|培育|组织|成立|召开|申报|新增|增加|实现|完成"
    r"|引导|有|制修订|修订|参与|设立|筹建|打造|推出|开展|举办|创|建|的|和|及|与|、|并)$"
)


def trim_indicator(view: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the indicator inside ``view[start:end]`` after removing noise."""
    part = view[start:end]
    lead = _LEADING_NOISE.match(part)
    if lead:
        start += lead.end()
        part = view[start:end]
    split_at = max((m.end() for m in _INNER_SPLIT.finditer(part)), default=0)
    if split_at and len(part) - split_at >= 2:
        start += split_at
        part = view[start:end]
    trail = _TRAILING_NOISE.search(part)
    if trail:
        end -= len(trail.group())
    return start, max(start, end)


def names_no_indicator(view: str, start: int, end: int) -> bool:
    return end - start < 2 or _ENDS_WITH_VERB.search(view[start:end]) is not None


def trim_following_noun(view: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the noun phrase after a value ("5个以上国家级名牌名标")."""
    part = view[start:end]
    last_de = part.rfind("的")
    if 0 <= last_de < len(part) - 2:
        start += last_de + 1
        part = view[start:end]
    lead = re.match(r"^[\s的之“”]+", part)
    if lead:
        start += lead.end()
    trail = re.search(r"[\s和及与、等”“]+$", view[start:end])
    if trail:
        end -= len(trail.group())
    return start, max(start, end)


def parse_number(value: str) -> float | None:
    """Numeric value of a matched value (already in the matching view)."""
    text = value.replace(" ", "").replace("\u00a0", "")
    try:
        if "分之" in text:
            denominator, numerator = text.split("分之", 1)
            top = _plain_number(numerator)
            if denominator in ("百", "千"):
                return top
            bottom = _plain_number(denominator)
            return top / bottom if bottom else None
        return _plain_number(text)
    except (ValueError, KeyError, TypeError, ZeroDivisionError):
        return None


def _plain_number(text: str) -> float:
    if text and (text[0].isdigit()):
        return float(text.replace(",", ""))
    return _chinese_number(text)


@lru_cache(maxsize=4096)
def _chinese_number(text: str) -> float:
    # cn2an costs tens of microseconds a call; legal texts repeat the same few numerals.
    return float(cn2an.cn2an(text, "normal"))


def year_number(text: str) -> int | None:
    try:
        year = int(text) if text.isdigit() else int(cn2an.cn2an(text, "normal"))
    except (ValueError, KeyError, TypeError):
        return None
    return year if 1900 <= year <= 2100 else None
