"""Regulated products: a question about one is not answered by a law written for another.

China regulates some products under laws of their own (食品安全法, 药品管理法, 化妆品监督
管理条例, 医疗器械监督管理条例, 特种设备安全法, 缺陷汽车产品召回管理条例…). A question
naming such a product (化妆品标签上必须标注哪些内容?) is not answered by the best sentence
of another product's law (食品和食品添加剂的标签…), nor by a policy document's passage
that never names it, however alike the rest of the wording: the corpus simply has no
rule for that product. A law written for all products (产品质量法, 消费者权益保护法,
标准化法, 工业产品生产许可证管理条例) can answer about any of them, so it is not judged.

The groups are the regulatory regimes, each with the words its own texts use for the
product (电梯 and 锅炉 are 特种设备; 食用农产品 falls under both the food and the
agricultural-product laws). The list is domain knowledge, not words of any question;
a user's corpus with other regimes extends it here. Pure functions over search forms
(qa.textnorm.search_form: simplified, half-width).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SECTORS: Mapping[str, tuple[str, ...]] = {
    "食品": ("食品", "食用农产品", "乳粉", "乳品"),
    "药品": ("药品", "疫苗"),
    "医疗器械": ("医疗器械",),
    "化妆品": ("化妆品",),
    "特种设备": (
        "特种设备",
        "电梯",
        "锅炉",
        "压力容器",
        "压力管道",
        "气瓶",
        "起重机械",
        "客运索道",
        "大型游乐设施",
    ),
    "兽药": ("兽药", "农业投入品"),
    "农药": ("农药", "农业投入品"),
    "饲料": ("饲料", "农业投入品"),
    # A passage on farming (农牧业标准化示范项目) is about farm products; seen on a tuning
    # question (stop 43) whose answer speaks of 农牧业, not 农产品.
    "农产品": ("农产品", "农畜产品", "农副产品", "农业投入品", "农业", "农牧业"),
    "烟花爆竹": ("烟花爆竹",),
    "危险化学品": ("危险化学品",),
    "民用爆炸物品": ("民用爆炸物品",),
    "汽车": ("汽车", "机动车"),
    "计量器具": ("计量器具",),
    "建设工程": ("建设工程", "建筑工程", "房屋建筑"),
    "棉花": ("棉花",),
}
# A law, regulation or rule by how its title ends, a version note aside (…法（2018修正）);
# a policy document is an 意见, 方案, 计划…, and a title only mentioning a law (…的法律
# 适用与…, …关于…法院…的安排) is none.
_LAW_TITLE = re.compile(r"(?:法|条例|规定|办法|细则|规则)(?:[（(][^）)]*[）)])*$")


def sectors_named(form: str) -> frozenset[str]:
    """The regulated products a text names, by their groups' words."""
    return frozenset(s for s, words in SECTORS.items() if any(w in form for w in words))


def written_for_all(title_form: str) -> bool:
    """A law whose title names no regulated product (产品质量法, 计量法): it rules on
    products in general and may answer about any of them."""
    return bool(_LAW_TITLE.search(title_form)) and not sectors_named(title_form)


def unnamed_products(question_form: str, answer_titles: list[str], answer_form: str) -> list[str]:
    """The regulated products the question names (its own words: 电梯, not 特种设备)
    when the answer's passages (``answer_form``: their titles, headings and text) name
    none of them and none of those passages comes from a law written for all products;
    [] when the answer may stand. A question naming several (食品加工厂和锅炉电梯多的
    乡镇) stands if any is named."""
    asked = sectors_named(question_form)
    if not asked or any(written_for_all(t) for t in answer_titles):
        return []
    if any(any(w in answer_form for w in SECTORS[s]) for s in asked):
        return []
    words = {w for s in asked for w in SECTORS[s] if w in question_form}
    return sorted(words, key=question_form.index)  # as the question writes them


def own_law_of(question_form: str, title_form: str) -> bool:
    """Whether a document is the law of a regulated product the question names (特种设备
    安全法 for a question about 锅炉): its title names the product's group."""
    asked = sectors_named(question_form)
    return (
        bool(asked)
        and bool(_LAW_TITLE.search(title_form))
        and bool(asked & sectors_named(title_form))
    )
