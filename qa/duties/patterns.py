"""The words of task assignments (任务分工), as regular expressions for both scripts.

Every pattern is written once in simplified characters; ``both`` turns each character
into a class of its simplified and traditional forms (牵 -> [牵牽]), and full- and
half-width punctuation are given as classes, so one rule reads 牵头部门：市质监局 and
牽頭部門:盟市場監管局 alike while matching the original text (spans stay exact).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.textnorm import to_simplified, to_traditional

COMMA = "[,，]"
COLON = "[:：]"
SEMI = "[;；]"
# Where one clause of a department note ends and the next begins.
CLAUSE_SEPARATORS = frozenset(",，;；。")
# Between names of one list (及/和/与 only between two complete names: see names.py).
LIST_SEPARATORS = frozenset("、,，")
# 〔责任单位：…〕 is a note too; 〔2014〕 of a document number has no role word.
OPENERS = {"(": ")", "（": "）", "【": "】", "〔": "〕"}
CLOSERS = frozenset(")）】〕")


@lru_cache(maxsize=1024)
def both(text: str) -> str:
    """A regex source matching ``text`` in either script (literal otherwise)."""
    out = []
    for char in text:
        forms = sorted({char, to_traditional(char), to_simplified(char)})
        if len(forms) > 1:
            out.append("[" + "".join(re.escape(f) for f in forms) + "]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def alternatives(words: list[str] | tuple[str, ...]) -> str:
    """``(?:w1|w2…)`` in both scripts, longest first so the longest wording wins."""
    return "(?:" + "|".join(both(w) for w in sorted(words, key=len, reverse=True)) + ")"


# -- who: department names ----------------------------------------------------------

# Endings of a department's (or a unit's) name. A name in a note must end with one of
# them, or be a collective (各…, 有关…) or a bare short form (质监, 环保).
DEPARTMENT_ENDINGS = (
    "局", "委", "办", "厅", "部", "署", "院", "所", "站", "队", "处", "科", "室", "会",
    "部门", "单位", "政府", "管委会", "委员会", "办公室", "小组", "领导组", "中心", "机构",
    "镇街", "街道", "镇", "乡镇", "公司", "运营商", "集团", "银行", "支行", "协会", "学会",
)  # fmt: skip
COLLECTIVE_PREFIXES = ("各", "有关", "相关", "其他", "其它", "全体")
# A region-level character that starts a department's name (市质监局, 盟住建局).
LEVEL_CHARS = "省市县区盟旗州镇乡"
# Words that start with a level character without being a level prefix (市场监管局).
LEVEL_WORDS = ("市场", "市政", "市容", "区域", "县域", "州府")
# Subjects that are not departments even next to 负责 (企业全面负责, 政府负责).
NOT_DEPARTMENTS = frozenset(
    ["企业", "政府", "个人", "项目", "社会", "公众", "消费者", "行业", "部门", "单位", "各级政府",
     "责任单位", "牵头单位", "配合单位", "责任部门", "牵头部门", "配合部门"]
)  # fmt: skip

# -- what role: the assignment words ------------------------------------------------

LEAD_LABELS = ("牵头部门", "牵头单位", "主办单位", "主办部门", "主责部门", "主责单位")
# 责任单位 is the cooperating list when the note names a lead, else the responsible one.
RESPONSIBLE_LABELS = ("责任部门", "责任单位", "负责部门", "负责单位", "实施部门", "实施单位")
COOPERATING_LABELS = (
    "配合部门", "配合单位", "协办单位", "协办部门", "参与部门", "参与单位", "协助单位",
    "协同单位", "参加单位", "会同单位",
)  # fmt: skip
DEADLINE_LABELS = (
    "完成时限", "完成时间", "完成期限", "时间要求", "时限要求", "时间节点", "时间安排", "时限",
)  # fmt: skip
LEAD_VERBS = (
    "负责牵头落实", "负责牵头", "牵头负责落实", "牵头负责", "牵头落实", "牵头实施", "牵头", "负责落实",
    "负责实施", "负责", "主抓", "主责",
)  # fmt: skip
# "X、Y按各自职责分工负责": every one of them leads its own part.
# They are cooperating units when the same note names a lead (A牵头，B、C按职责分工负责).
EACH_LEADS = (
    both("按") + "(?:" + both("各自") + ")?(?:" + both("的") + ")?" + both("职责")
    + "(?:" + both("分工") + ")?" + alternatives(("负责落实", "负责", "落实"))
)  # fmt: skip
EACH_LEADS = "(?:" + EACH_LEADS + "|" + alternatives(("分别负责", "共同负责", "各负其责")) + ")"
COOPERATING_VERBS = (
    "配合落实", "配合实施", "配合", "协助落实", "协助", "参与落实", "参与", "协同", "协办",
    "参加", "共同参与",
)  # fmt: skip
JOINT = both("会同")
BY = both("由")
# 以上工作由…牵头: the note governs the tasks before it, not only the last one.
ABOVE = alternatives(("以上", "上述", "前述"))
# Wordings around 负责 that assign nothing: 负责人, 负责任, 负责制 (after), 总负责,
# 全面负责, 首负责任, 各负其责 (before).
NOT_ASSIGNING_AFTER = frozenset("人任制")
NOT_ASSIGNING_BEFORE = ("总", "全面", "首", "自", "各")

# -- when: deadlines ------------------------------------------------------------------

_YEAR = r"(?:19|20)\d{2}\s*" + both("年")
_MONTH = r"\d{1,2}\s*" + both("月")
_BEFORE = alternatives(("底前", "末前", "以前", "之前", "前", "底", "末"))
_TO = alternatives(("到", "至", "于"))
_RANGE = "[至到\\-—–~～]"
DEADLINE = re.compile(
    "|".join(
        [
            # 2012年10月至12月, 2013年1月至2014年6月
            f"{_YEAR}\\s*{_MONTH}\\s*{_RANGE}\\s*(?:{_YEAR}\\s*)?{_MONTH}(?:{_BEFORE})?",
            # 2014年6月前, 到2014年6月底
            f"(?:{_TO}\\s*)?{_YEAR}\\s*{_MONTH}\\s*{_BEFORE}",
            f"{_TO}\\s*{_YEAR}\\s*{_MONTH}",
            # 2014年底前, 到2014年末, 到 2020 年
            f"(?:{_TO}\\s*)?{_YEAR}\\s*(?:{alternatives(('上半年', '下半年', '年底', '年末'))}\\s*)?{_BEFORE}",
            f"{_TO}\\s*{_YEAR}(?:{alternatives(('上半年', '下半年', '年底', '年末'))})?",
            # recurring or open-ended work; 每年的“质量月” names an event, not a schedule
            alternatives(("每年", "每季度", "每半年", "每月")) + f"(?!{both('的')})",
            alternatives(("长期坚持", "长期执行", "长期推进", "持续推进", "年内完成")),
        ]
    )
)
# Years inside 《title(2011-2020年)》 or a plan period (2014-2020年) are no deadline.
QUOTED_TITLE = re.compile(r"《[^》]{0,80}》")
PERIOD = re.compile(r"(?:19|20)\d{2}\s*[-—–~～至]\s*(?:19|20)\d{2}\s*" + both("年"))
