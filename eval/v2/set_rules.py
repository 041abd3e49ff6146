"""What the v2 question set must satisfy: its documents, tags, families, minima and the
words a tagger may take for places (read by check_set.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MAIN = HERE.parents[1]
CORPUS_DIR = MAIN / "corpus"
LAWS_DIR = MAIN.parent / "shared" / "scale-corpus" / "laws"  # as eval/eval_corpus.py has it
OLD_SET = MAIN / "eval" / "qa.jsonl"

T2S: Any = None
S2T: Any = None
try:  # optional dependency
    import opencc

    T2S = opencc.OpenCC("t2s")
    S2T = opencc.OpenCC("s2t")
except Exception:  # pragma: no cover - fallback without opencc
    pass

REGIONS = {  # doc name -> file-name prefix in /work/main/corpus
    "厦门": "xiamen",
    "太原": "taiyuan",
    "阿拉善": "alxa",
    "福建": "fujian",
    "东莞": "dongguan",
}
TRADITIONAL_DOCS = {"阿拉善"}

ALLOWED_TAGS = {
    "placeless",
    "across",
    "reworded",
    "regulation",
    "unanswerable",
    "cross_script",
    "followup",
}
FAMILIES = {
    "other_region",  # a city/province that is not in the corpus
    "uncovered_year",  # a year the documents do not cover
    "absent_topic",  # a topic no document mentions
    "absent_detail",  # the topic is present but the detail asked is not
    "wrong_doc",  # asked about one document, stated only in another
    "law_not_in_corpus",  # a law/regulation that is not in corpus.txt
    "false_premise",  # the question presupposes something the corpus contradicts
    "everyday_absent",  # everyday phrasing of a topic nobody covers
}
MAX_PER_FAMILY = 4
# How people name the regulations (a placeless question names none of them).
LAW_NAMES = {
    "产品质量法",
    "标准化法",
    "计量法",
    "食品安全法",
    "消费者权益保护法",
    "消法",
    "特种设备安全法",
    "农产品质量安全法",
    "认证认可条例",
    "生产许可证管理条例",
    "召回管理条例",
    "三包规定",
    "建设工程质量管理条例",
    # the four regulations dev20 adds (corpus20.txt)
    "化妆品监督管理条例",
    "化妆品条例",
    "医疗器械监督管理条例",
    "医疗器械条例",
    "广告法",
    "电子商务法",
    "电商法",
}
MIN_FAMILIES = 5

MINIMA = {  # per split
    "questions": 110,
    "placeless": 35,
    "across": 12,
    "reworded": 18,
    "regulation": 22,
    "unanswerable": 16,
    "followup": 6,
    "cross_script": 3,
    "pos_trap": 2,
}
REWORD_MAX = 6

# Words an automatic part-of-speech tagger may mistake for place names.
POS_TRAP_WORDS = [
    "东西",
    "東西",
    "上下",
    "南北",
    "左右",
    "中山",
    "江山",
    "长安",
    "長安",
    "山水",
    "东南",
    "西北",
    "黄山",
]

# Place names that make a question not "placeless" (simplified; questions are converted
# to simplified before matching).
PLACE_NAMES = [
    "厦门",
    "太原",
    "阿拉善",
    "阿盟",
    "福建",
    "东莞",
    "山西",
    "内蒙古",
    "广东",
    "台湾",
    "海西",
    "腾格里",
    "额济纳",
    "思明",
    "湖里",
    "集美",
    "海沧",
    "同安",
    "翔安",
    "晋",
    "闽",
    "莞",
    "北京",
    "上海",
    "天津",
    "重庆",
    "河北",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "西藏",
    "广西",
    "香港",
    "澳门",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "长沙",
    "郑州",
    "济南",
    "青岛",
    "宁波",
    "福州",
    "泉州",
    "呼和浩特",
    "包头",
    "鄂尔多斯",
    "大同",
    "合肥",
    "昆明",
    "南宁",
    "贵阳",
    "兰州",
    "银川",
    "乌鲁木齐",
    "拉萨",
    "石家庄",
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "南昌",
    "太原市",
    "佛山",
    "珠海",
    "中国",
    "全国",
]
# "中国"/"全国" are not places in the sense of the rule; they are removed below.
PLACE_NAMES = [p for p in PLACE_NAMES if p not in ("中国", "全国")]

CN_NUM = "一二三四五六七八九十"
RE_L1 = re.compile(rf"^([{CN_NUM}]+)、")
RE_L2 = re.compile(rf"^[（(]([{CN_NUM}]+)[）)]")
RE_L3 = re.compile(r"^(\d{1,2})\s*[.、．](?!\d)")
RE_CHAPTER = re.compile(r"^##\s*(第[一二三四五六七八九十百零]+章)")
RE_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零]+条)[\s　]")
RE_SECTION_TOKEN = re.compile(rf"[{CN_NUM}]+、|（[{CN_NUM}]+）|\d+\.")
