"""What a question asks and what an answer must state to answer it: the cues the
not-found rules of qa.answer.support read (a body responsible, a purpose, an outcome,
a catalogue's contents, a named period, a punishment, a fee, a tax or a payment) and the
answer unit (a liability).

Patterns over the question's asked form and the answer's search form.
"""

from __future__ import annotations

import re

# What answers "who is responsible": a cue (牵头, 负责, 主管) or a body (局, 部门, 政府).
RESPONSIBLE = re.compile(
    r"牵头|负责(?!人)|责任单位|主管|会同|设在|配合|职责|监督管理"
    # 局 of 质监局, not of 格局/布局; 委 of 发改委, not of 委托; 办 of 市政府办, not of 办法.
    r"|(?<![格布结当大全开])局(?![面势部])|委(?![托派屈])|(?<![举创兴承代督开])办(?![法理事好])"
    r"|厅|(?<!部)署|院|部门|政府|机关|机构|组织|协会|领导小组"
)


# Why something was changed (rule 17): 为什么把驰名商标目标定为500件, 为什么取消了…; and an
# answer stating a purpose.
WHY_CHANGED = re.compile(
    r"(?:为什么|为何|凭什么)[^？?]{0,24}?"
    r"(?:改成|改为|调整为|调整成|定为|定成|减为|降为|降到|下调|上调|提高到|增加到|取消|延长|缩短|放宽|收紧"
    r"|撤销|撤掉|停止|不再|废止)"
)
PURPOSE_STATED = re.compile(r"为了|旨在|目的")
# What came of a plan (rule 15): 实际达到了多少, 现在建了几个, 最后有没有通过验收; and an
# answer reporting an outcome (已建成, 实现了, 截至…).
OUTCOME_ASKED = re.compile(
    r"(?:实际|现在|目前|最后|最终|到底)(?:已经)?[^，,。？?]{0,4}?"
    r"(?:达到了|完成了|建成了|建了|实现了|通过了|有没有通过|是否通过|完成多少|完成了多少"
    r"|评上|评为|获评|拿到了"
    # 实际达到多少了 / 现在建成几个了: the 了 after the amount asked.
    r"|(?:达到|完成|建成|实现)(?:多少|几[个项家件所座])了)"
)
OUTCOME_STATED = re.compile(r"已经|已[达完建实通获]|[达完建实通获][到成现过得]了|实际|截至|截止")
# What a catalogue or list holds (rule 14): 强制认证目录里具体包括哪些家电; and an answer
# saying only who sets it (…目录，由国务院制定).
CATALOGUE_ASKED = re.compile(r"(?:目录|名录|清单)[^，,。？?]{0,6}(?:包括|包含|有|是)(?:哪些|什么)")
WHO_SETS_CATALOGUE = re.compile(
    r"(?:目录|名录|清单)[^。；;]{0,20}由[^。；;]{2,30}(?:制定|规定|公布|确定|调整|发布)"
)
# How long a named period lasts (rule 13): 有效期是几年, 三包有效期最短是多久, 多长的质量
# 保证期. Not a period the question only mentions (在保修期里送修).
PERIOD_NAME = r"(有效期|保质期|保修期|包修期|诉讼时效|保存期|质量保证期|使用年限|复审周期|检定周期)"
ASKED_PERIOD = re.compile(
    PERIOD_NAME + r"的?(?:一般|通常|最短|最长|最低|最少|最多|至少)?(?:是|为|有)?"
    r"(?:多长|多久|几年|多少年|几个月|多少个月|多少天|几天)"
    r"|(?:多长|多久)的?" + PERIOD_NAME
)
# What liability follows (承担什么赔偿责任, 要担什么责任), and an introduction stating one
# (承担连带赔偿责任), not a person (直接责任人员): read by qa.answer.answer_unit. Not part
# of the question analysis's asks_penalty, which also widens the search with penalty
# terms (tried: it moved 监理单位…承担什么赔偿责任 to another article).
LIABILITY_ASKED = re.compile(r"(?:承担|担|负)什么(?:样的)?(?:法律|赔偿|民事|刑事|行政)?责任")
LIABILITY_STATED = re.compile(r"(?:承担|负)[^，,。；;]{0,10}责任(?!人)")
# How one is punished (rule 18): 怎么处罚, 会被罚, 罚多少; not 怎么处理 (收缴, 查封 answer it).
PUNISHMENT_ASKED = re.compile(
    r"(?:怎么|怎样|如何|会被|要被|会不会被|受到什么|给予什么|什么)(?:处罚|罚|惩罚)|罚多少|罚不罚"
)
# A fee or a tax (rule 19): 物业费, 认证费, 检验费用, 收费, 增值税, 退税; not 消费者, 浪费,
# nor a misdeed the question reports (举报商家乱收费, 多收费): that is the deed, not a fee asked.
FEE = re.compile(r"(?<![消浪])(?<!乱收)(?<!多收)(?<!违规收)费")
TAX = re.compile(r"税")
# … or money paid to or held for a person: a wage, an allowance, social insurance, a deposit.
PAY = re.compile(r"薪酬|工资|薪水|津贴|补贴|社保|社会保险|押金|租金|房租")
# A subsidy asked (发明专利能不能得到补贴) is stated by the documents as 资助, 补助 or 奖励.
PAY_STATED = re.compile(PAY.pattern + r"|资助|补助|奖励")
