"""What a sentence states, and what a question asks it to state: a time, a period, a
frequency, an amount of money, a penalty, a count, a number (rules 6, 7, 10 of
qa.answer.support, and the answer unit's choice of the sentence stating what is asked).

Pure patterns over text in search form (simplified, half-width).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cn2an

from qa.ingest.figure_rules import parse_number
from qa.retrieve.query import HOW_OFTEN, PERIOD_QUESTION
from qa.textnorm import search_form

_COUNTED = r"[\d一二三四五六七八九十两]+"  # a number in digits or in words
_OF_TIME = r"\s*个?\s*(工作日|月|日|天|年|周|小时|分钟)"
_SEASONS = rf"|{_COUNTED}\s*个\s*[\u4e00-\u9fff]{{0,3}}期"  # 2个采暖期
# Words that say when without a number (年底前, 每季度, 有效期限; 终身 answers how long a
# responsibility lasts: 项目负责人终身责任制).
_WHEN_WORDS = r"|年底|月底|年初|季度|每年|每月|期限|终身|永久"
# A number of days, months or years (15日, 十个工作日, 2个采暖期): what answers a question
# asking how many of them (多少天, 几个月) or how often (每隔多少天); 立即 or 年底前 does not.
# Not a date: 2000年1月30日 states no period (a year, or a month or day after one).
PERIOD_STATED = re.compile(rf"(?<![\d年月])(?!(?:19|20)\d\d年){_COUNTED}{_OF_TIME}{_SEASONS}")
# How often (多久体检一次): a period, or a frequency stated as 每年 / 每季度 (定期,
# "regularly", says no how often).
FREQUENCY_STATED = re.compile(
    PERIOD_STATED.pattern + r"|每\s*个?\s*(年|月|季度|半年|周|星期|天|日)"
)
# How long (提前多久, 多长时间内): a period or a date, never only 及时 / 立即 / 之前.
DURATION_STATED = re.compile(PERIOD_STATED.pattern + _WHEN_WORDS)
# A time or a period in an answer sentence: 3月, 年底前, 每季度, 30日内, 2018年; dates
# count here (到2018年, 2014年6月前 say when).
# 自发布之日起施行 says when a law takes effect, with no date.
TIME_STATED = re.compile(
    rf"{_COUNTED}{_OF_TIME}{_SEASONS}{_WHEN_WORDS}|之前|以前|前完成|内完成|及时|立即"
    r"|自(?:发布|公布|颁布|印发)之日起"
)
# An amount of money in a sentence (50万元, 一千元, 货值金额百分之三十, 价款十倍): what a
# question asking 多少钱 / 罚多少 must be answered with when a close sentence states one.
# A fine or compensation as a share or multiple of an amount (价款十倍, 上一年年收入百分之
# 三十): the figure extractor does not always take these as figures.
SHARE_OF_AMOUNT = re.compile(
    r"(?:金额|价款|货值|违法所得|费用|损失|收入)[^，,。；;]{0,12}(?:倍|百分之|等值|%)"
)
MONEY_STATED = re.compile(
    r"(?:[\d.]+|[一二三四五六七八九十百千万两]+)\s*(?:多|余)?\s*(?:亿元|万元|千元|元)"
    r"|" + SHARE_OF_AMOUNT.pattern
)
# What answers "what happens to whoever breaks it" (怎么罚, 会怎么处理): a penalty. A
# penalty once suffered is a condition, not one imposed: 受到行政处罚未满三年的…不得利用其
# 作为广告代言人 (广告法) says who may not endorse, not what the endorser is fined (stop 34,
# dev20's tuning half: 第六十一条's 并处违法所得一倍以上二倍以下的罚款 answers).
PENALTY_STATED = re.compile(
    r"罚款|罚金|(?<!受到)(?<!受过)(?<!到行政)(?<!过行政)处罚|处分|吊销|没收|责令|警告|拘留"
    r"|追究刑事责任|撤销|取消.{0,8}资格|公示|通报"
)

# A count asked in its measure word: 多少家, 几件, 几倍 (not 哪几个, a list; not 举几个
# 例子, some; not 多少天, a period: rule 7).
COUNT_QUESTION = re.compile(
    r"(多少|(?<![哪举])几)\s*(个人|个|家|件|项|名|座|所|种|批|台|辆|户|条|人|倍|次"
    # … or a quantity in a unit of measure (多少公斤, 多少微克每立方米): a figure in it.
    r"|平方公里|平方米|立方米|千瓦时|公里|千米|公顷|公斤|千克|毫克|微克|毫升|吨|亩)"
)
_NUMERAL = r"[\d一二三四五六七八九十百千万两]"
# Units that count the same things (几个人: 2至4名核查人员).
# 几个人 counts people: 不得少于2人 answers it.
_SAME_COUNT = {
    "人": "人|名",
    "名": "名|人",
    "个人": "人|名",
    "个": "个|家|项|名",
    **{u: "公斤|千克" for u in ("公斤", "千克")},
    **{u: "公里|千米" for u in ("公里", "千米")},
}

_HOW_LONG = re.compile(r"多久|多长时间|多长期限")

# A time of day (晚上十点, 22时) answers 几点; 及时 or 年底 does not.
CLOCK_STATED = re.compile(rf"{_COUNTED}\s*(点|时)(?!间|候|期|效)")


def time_stated(question_form: str) -> re.Pattern[str]:
    """What answers a question asking when, by how it asks: at what hour (十点), how
    often (每年), how many days (15日), how long (一个月, 年底), or when at all (及时 and
    立即 too)."""
    if re.search(r"(?<!哪)几点", question_form):  # 哪几点要求 asks which points
        return CLOCK_STATED
    if HOW_OFTEN.search(question_form):
        return FREQUENCY_STATED
    if PERIOD_QUESTION.search(question_form):
        return PERIOD_STATED
    return DURATION_STATED if _HOW_LONG.search(question_form) else TIME_STATED


def count_stated(question_form: str) -> re.Pattern[str] | None:
    """For a question asking how many of a thing (多少家, 几项, 几个人), what states a
    number of it: a numeral and the unit (2至4名, 1项, 300余家); None for other questions."""
    asked = COUNT_QUESTION.search(question_form)
    return number_of(asked) if asked else None


# A bare 多少 (系数最高不能超过多少, 合格率是多少): the answer states some number.
_BARE_HOW_MUCH = re.compile(r"多少(?=[?？，,。]|$|吗|呢)")
# A fine relative to the goods' value (货值金额等值以下的罚款) is the number asked too.
NUMBER_STATED = re.compile(
    r"\d|百分之|[一二三四五六七八九十百千万两]+\s*(?:倍|成|万|亿)|" + SHARE_OF_AMOUNT.pattern
)


def number_stated(question_form: str) -> re.Pattern[str] | None:
    """What answers a question asking a bare 多少 (no unit, no money, no time): a
    sentence stating a number; None for other questions."""
    return NUMBER_STATED if _BARE_HOW_MUCH.search(question_form) else None


def number_of(asked: re.Match[str]) -> re.Pattern[str]:
    units = _SAME_COUNT.get(asked.group(2), asked.group(2))
    return re.compile(rf"{_NUMERAL}\s*(?:多|余|来)?\s*(?:{units})")


_SAME_DAY = {"天": "日", "日": "天"}


def numeral_forms(figure: str) -> tuple[str, ...]:
    """A figure as the question wrote it and with its number in the other numerals
    (十五年 / 15年, 3倍 / 三倍; 七天 / 七日 / 7天 / 7日): laws write numbers in words,
    policies in digits."""
    form = search_form(figure)
    match = re.match(r"[\d.]+|[一二三四五六七八九十百千两]+", form)
    if not match:
        return (form,)
    number, unit = match.group(0), form[match.end() :]
    # 七天 is 七日 in a law: days are counted in either word.
    units = (unit, _SAME_DAY[unit]) if unit in _SAME_DAY else (unit,)
    try:
        other = (
            cn2an.an2cn(number, "low") if number[0].isdigit() else str(cn2an.cn2an(number, "smart"))
        )
    except (ValueError, KeyError, TypeError):
        return tuple(f"{number}{u}" for u in units)
    return tuple(f"{n}{u}" for n in (number, other) for u in units)


def figures_missing(figures: Sequence[str], text_form: str) -> list[str]:
    """The ``figures`` (as a question states them) that ``text_form`` (search form)
    writes in neither numerals (7天 is 七日 too)."""
    return [f for f in figures if not any(v in text_form for v in numeral_forms(f))]


# A threshold the question states with its side (货值在一万元以上, 货值不到五千元, 超过5天):
# laws state one rule per side of the same figure (货值金额不足一万元的…；货值金额一万元以上
# 的…), so the sentence answering is the one stating the figure on the asked side.
_BELOW_BEFORE = r"不足|不到|不满|未满|低于|少于|小于|未达到?"
# Strictly above (超过一万元: not 一万元 itself), then also reaching it (满, 达到).
_ABOVE_STRICT = r"超过|超出|高于|多于|大于"
_ABOVE_BEFORE = _ABOVE_STRICT + r"|满|达到"
_THRESHOLD = re.compile(
    rf"(?P<before>{_BELOW_BEFORE}|{_ABOVE_BEFORE})?\s*"
    r"(?P<figure>[\d.]+|[一二三四五六七八九十百千两]+)\s*(?P<unit>万元|万块|亿元|千元|元|块|天|日|个月|年|公里|%)"
    r"\s*(?P<after>及以上|以上|以下|以内|之内|内)?"
)
_WORD_UNIT = {"万块": "万元", "块": "元"}


def _figure(match: re.Match[str]) -> str:
    """The threshold's figure in the documents' unit (一万块 -> 一万元)."""
    return match.group("figure") + _WORD_UNIT.get(match.group("unit"), match.group("unit"))


def _side(match: re.Match[str]) -> str | None:
    before, after = match.group("before") or "", match.group("after") or ""
    if re.fullmatch(_BELOW_BEFORE, before) or after in ("以下", "以内", "之内", "内"):
        return "below"
    if before or after in ("以上", "及以上"):
        return "above"
    return None


def asked_thresholds(question_form: str) -> list[tuple[tuple[str, ...], str]]:
    """The figures the question states with a side, as (their numeral forms, side)."""
    found = []
    for match in _THRESHOLD.finditer(question_form):
        side = _side(match)
        if side is not None:
            found.append((numeral_forms(_figure(match)), side))
    return found


def side_stated(text_form: str, thresholds: Sequence[tuple[tuple[str, ...], str]]) -> str | None:
    """ "asked" when ``text_form`` states an asked figure on the side asked, else "other"
    when it states one on the other side (不足一万元 for 一万元以上), else None."""
    other = False
    for match in _THRESHOLD.finditer(text_form):
        side = _side(match)
        if side is None:
            continue
        for forms, asked_side in thresholds:
            if _figure(match) in forms:
                if side == asked_side:
                    return "asked"
                other = True
    return "other" if other else None


# An amount the question states as the case (货值有5万元, 卖了3000元): the law's rule for it
# is the one whose condition it meets (货值金额1万元以上的，… not 货值金额不足1万元的，…).
_MONEY_SCALE = {"元": 1.0, "块": 1.0, "千元": 1e3, "万元": 1e4, "万块": 1e4, "亿元": 1e8}
_STRICT_BELOW = re.compile(_BELOW_BEFORE)
_STRICT_ABOVE = re.compile(_ABOVE_STRICT)


def _amount(match: re.Match[str]) -> float | None:
    """The threshold's amount of money in 元 (None when it is no amount of money)."""
    scale = _MONEY_SCALE.get(match.group("unit"))
    if scale is None:
        return None
    number = parse_number(match.group("figure"))
    return None if number is None else number * scale


def asked_amounts(question_form: str) -> list[float]:
    """The amounts of money the question states without a side (货值有5万元), in 元."""
    found = []
    for match in _THRESHOLD.finditer(question_form):
        amount = _amount(match)
        if amount is not None and _side(match) is None:
            found.append(amount)
    return found


def _meets(amount: float, threshold: float, match: re.Match[str]) -> bool:
    before, after = match.group("before") or "", match.group("after") or ""
    if _STRICT_BELOW.fullmatch(before):
        return amount < threshold
    if _STRICT_ABOVE.fullmatch(before):
        return amount > threshold
    if after in ("以下", "以内", "之内", "内"):
        return amount <= threshold
    return amount >= threshold  # 以上, 及以上, 满, 达到


def amount_condition_met(text_form: str, amounts: Sequence[float]) -> str | None:
    """ "asked" when ``text_form`` states a condition on an amount (…货值金额一万元以上的)
    that an asked amount meets, else "other" when it states only ones they do not meet,
    else None (no such condition: 处5万元以上15万元以下罚款 is a fine, not a case)."""
    other = False
    for match in _THRESHOLD.finditer(text_form):
        if text_form[match.end() : match.end() + 1] != "的" or _side(match) is None:
            continue
        threshold = _amount(match)
        if threshold is None:
            continue
        if any(_meets(amount, threshold, match) for amount in amounts):
            return "asked"
        other = True
    return "other" if other else None


def figures_unaccounted(figures: Sequence[str], text_form: str) -> list[str]:
    """The ``figures`` ``text_form`` neither writes (``figures_missing``) nor meets as a
    case of a condition it states (货值有5万元 is a case of 货值金额1万元以上的)."""
    return [
        f
        for f in figures_missing(figures, text_form)
        if not (amounts := asked_amounts(search_form(f)))
        or amount_condition_met(text_form, amounts) != "asked"
    ]
