"""The not-found rules (pure: analysis + passages + corpus text)."""

import pytest
from conftest import make_document

from qa.answer.stated import numeral_forms
from qa.answer.support import money_about, sharing_ranks, unsupported_reason
from qa.ingest.figures import extract_figures
from qa.retrieve.query import QuestionAnalysis, analyse
from qa.retrieve.topics import topic_terms
from qa.textnorm import search_form
from qa.types import Chunk, Document, Figure, Passage


def _doc(doc_id: str, region: str) -> Document:
    return make_document(doc_id=doc_id, region=region, title=f"{region}质量强市意见")


DOCS = [_doc("xm", "厦门市"), _doc("ty", "太原市")]
XM_TEXT = "到2018年，森林覆盖率达42.9%，建成区绿化覆盖率达42%。"
TY_TEXT = "到2014年底，主要农产品质量安全抽查合格率达到95%以上。"
CORPUS = search_form(XM_TEXT + TY_TEXT)


def _passages(text: str, doc_id: str) -> list[Passage]:
    chunk = Chunk(f"{doc_id}:0", doc_id, ("二、目标",), ("二、",), text, (0, len(text)))
    return [Passage(1, chunk, "t", "r", 1.0)]


def test_supported_question_is_answered() -> None:
    a = analyse("厦门到2018年森林覆盖率要达到多少?", DOCS)
    assert unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS) == ""


def test_unknown_place_not_in_evidence() -> None:
    a = analyse("上海市的森林覆盖率目标是多少?", DOCS)
    assert "上海市" in unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS)


def test_place_inside_a_government_name_counts() -> None:
    a = analyse("深圳市政府质量奖的奖金是多少?", DOCS)
    assert a.unknown_places == ("深圳市",)
    assert "深圳市" in unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS)


def test_year_not_in_evidence() -> None:
    a = analyse("厦门到2025年森林覆盖率要达到多少?", DOCS)
    assert "2025" in unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS)


def test_topic_known_elsewhere_but_absent_from_the_named_document() -> None:
    a = analyse("太原市的森林覆盖率目标是多少?", DOCS)
    reason = unsupported_reason(a, _passages(TY_TEXT, "ty"), CORPUS)
    assert "森林" in reason and "覆盖率" in reason


def test_unknown_place_must_be_in_the_passages_the_answer_comes_from() -> None:
    # 杭州 is mentioned by some passage retrieved (a large corpus nearly always has one),
    # but the answering passage is 厦门's: not an answer about 杭州.
    a = analyse("杭州市森林覆盖率的目标是多少?", DOCS)
    answering = _passages(XM_TEXT, "xm")
    mention = Passage(2, Chunk("ty:1", "ty", (), (), "赴杭州市学习。", (0, 7)), "t", "r", 0.5)
    everything = [*answering, mention]
    assert unsupported_reason(a, everything, CORPUS) == ""  # any passage: fooled
    assert "杭州市" in unsupported_reason(a, everything, CORPUS, answer_passages=answering)


def test_one_long_term_known_elsewhere_but_absent_from_the_named_document() -> None:
    corpus = CORPUS + search_form("加强人才培养。")  # another document's words
    a = analyse("太原市的人才培养计划是什么?", DOCS)
    assert a.topic_terms == ("人才培养",)
    named = [search_form(TY_TEXT)]
    reason = unsupported_reason(a, _passages(TY_TEXT, "ty"), corpus, named_forms=named)
    assert "人才培养" in reason


def test_a_quoted_term_another_document_writes_but_the_named_one_never_does() -> None:
    taiyuan = "实施建筑工程质量提升工程，对食品质量提出更高要求。"
    corpus = search_form(taiyuan + "实施“放心酒”工程,推进酒类贴标。")  # and 东莞's words
    a = analyse("太原对“放心酒”工程有什么要求?", DOCS)
    assert a.quoted_phrases == ("放心酒",)
    named = [search_form(taiyuan)]
    reason = unsupported_reason(a, _passages(taiyuan, "ty"), corpus, named_forms=named)
    assert "放心酒" in reason
    # a quoted label no document writes is the asker's summary, left to retrieval
    label = analyse("太原的“两大工程”是哪两个?", DOCS)
    assert "两大工程" not in unsupported_reason(
        label, _passages(taiyuan, "ty"), corpus, named_forms=named
    )


def test_a_bare_how_much_needs_a_number() -> None:
    speed = analyse("电动自行车新国标规定的最高车速是多少?", DOCS)
    passages = _passages(XM_TEXT, "xm")
    general = "对保障人身健康和生命财产安全的技术要求，应当制定强制性国家标准。"
    assert "数值" in unsupported_reason(speed, passages, CORPUS, answer_text=general)
    capped = "使用补偿系数n不得高于0.5%。"
    assert unsupported_reason(speed, passages, CORPUS, answer_text=capped) == ""
    # an amount asked is the money check's: 二千元以上二万元以下 states one
    fine = analyse("没按规定开合格证的，罚多少?", DOCS)
    said = "处二千元以上二万元以下罚款。"
    assert "数值" not in unsupported_reason(fine, passages, CORPUS, answer_text=said)


def test_single_topic_the_corpus_never_uses() -> None:
    a = analyse("厦门市的最低工资标准是多少?", DOCS)
    assert a.topic_terms == ("最低工资",)
    assert "最低工资" in unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS)


def test_an_unknown_term_of_art_asked_of_a_named_document_is_not_stated() -> None:
    # 电话号码 is never used; beside 电梯应急平台 it is one topic of several, but the
    # question asks 厦门's document for it.
    named = analyse("厦门电梯应急平台的电话号码是多少?", DOCS)
    assert len(named.topic_terms) > 1
    assert "电话号码" in unsupported_reason(named, _passages(XM_TEXT, "xm"), CORPUS)
    # Asked of no document, it is left to retrieval (an instance of what is regulated).
    placeless = analyse("电梯应急平台的电话号码是多少?", DOCS)
    assert unsupported_reason(placeless, _passages(XM_TEXT, "xm"), CORPUS) == ""


def test_one_unknown_word_beside_a_named_place_is_left_to_retrieval() -> None:
    # A rewording: the corpus says 绿化覆盖率, the question says 绿化 and 城市面貌.
    a = analyse("厦门建成区的绿化和城市面貌要达到什么水平?", DOCS)
    assert unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS) == ""


def test_topic_terms_drop_places_and_generic_words() -> None:
    terms = topic_terms("厦门市森林覆盖率的目标是多少?", ["厦门市", "厦门"])
    assert "目标" not in terms and not any("厦门" in t for t in terms)
    assert "覆盖率" in terms


def _figure(indicator: str, value: str, unit: str) -> Figure:
    return Figure(
        "xm",
        (),
        indicator,
        value,
        float(value),
        unit,
        "equal",
        None,
        "",
        f"{indicator}{value}{unit}",
        (0, 1),
    )


def test_money_question_needs_an_amount_about_what_is_asked() -> None:
    # 罚款额度 asks an amount as 罚款金额 does
    assert analyse("销售未经考核的计量器具新产品，罚款额度是多少?", DOCS).asks_money
    # pay and funds are amounts of money too; a count of funds' uses is not asked
    for question in ("企业首席质量官的年薪一般是多少?", "每年安排的质量发展专项资金有多少?"):
        assert analyse(question, DOCS).asks_money, question
    assert not analyse("专项资金由哪个部门管理?", DOCS).asks_money
    a = analyse("厦门对获得名牌产品的企业奖励多少万元?", DOCS)
    # The passages state the reward for 名牌产品; only its amount is missing.
    said = XM_TEXT + "对获得名牌产品的企业给予奖励。"
    passages = _passages(said, "xm")
    assert a.asks_money
    corpus = search_form(said + TY_TEXT)
    assert "金额" in unsupported_reason(a, passages, corpus, [])
    sales = _figure("年销售收入", "100", "亿元")
    assert "金额" in unsupported_reason(a, passages, corpus, [sales])
    reward = _figure("对获得名牌产品的企业奖励", "50", "万元")
    assert "金额" not in unsupported_reason(a, passages, corpus, [reward])


# -- rules that generalise beyond the five documents -----------------------------------

LAW = make_document(doc_id="pq", title="中华人民共和国产品质量法")
LAW_TEXT = (
    "第五十条 在产品中掺杂、掺假的，责令停止生产、销售，没收违法生产、销售的产品，"
    "并处违法生产、销售产品货值金额百分之五十以上三倍以下的罚款。"
)
LAW_CORPUS = search_form(LAW_TEXT + XM_TEXT)


def test_ordinary_words_are_never_places() -> None:
    a = analyse("买的东西坏了，商家要负责吗?", DOCS)
    assert a.unknown_places == ()
    a = analyse("上下游企业和南北两地的合作", DOCS)
    assert a.unknown_places == ()


def test_a_law_the_corpus_does_not_hold_is_named_in_the_reason() -> None:
    a = analyse("电子商务法规定平台押金多久退还?", [*DOCS, LAW])
    assert a.unknown_documents == ("电子商务法",)
    assert "电子商务法" in unsupported_reason(a, _passages(LAW_TEXT, "pq"), LAW_CORPUS)
    known = analyse("产品质量法对掺杂掺假怎么罚?", [*DOCS, LAW])
    assert known.unknown_documents == () and known.doc_ids == ("pq",)
    # named in 《》 too
    quoted = analyse("《价格法》规定政府定价的权限怎么划分?", [*DOCS, LAW])
    assert quoted.unknown_documents == ("价格法",)
    regulation = analyse("《乳品质量安全监督管理条例》对收购站有什么要求?", [*DOCS, LAW])
    assert regulation.unknown_documents == ("乳品质量安全监督管理条例",)
    assert analyse("《产品质量法》对掺杂掺假怎么罚?", [*DOCS, LAW]).unknown_documents == ()


FOOD_LAW = make_document(doc_id="fsl", title="中华人民共和国食品安全法")
FOOD_RULES = make_document(doc_id="fsr", title="中华人民共和国食品安全法实施条例")


def test_implementing_rules_named_are_not_also_their_law() -> None:
    # 食品安全法实施条例 begins with 食品安全法: the longer title is what the reader names.
    for question in (
        "食品安全法实施条例第十条怎么规定?",
        "《中华人民共和国食品安全法实施条例》第十条怎么规定?",
    ):
        assert analyse(question, [*DOCS, FOOD_LAW, FOOD_RULES]).doc_ids == ("fsr",), question
    assert analyse("食品安全法第十条怎么规定?", [*DOCS, FOOD_LAW, FOOD_RULES]).doc_ids == ("fsl",)
    both = analyse(
        "食品安全法和食品安全法实施条例对召回各有什么规定?", [*DOCS, FOOD_LAW, FOOD_RULES]
    )
    assert both.doc_ids == ("fsl", "fsr") and both.unknown_documents == ()


DAIRY = make_document(doc_id="dairy", title="乳品质量安全监督管理条例")
FARM = make_document(doc_id="farm", title="中华人民共和国农产品质量安全法")


def test_a_shortened_law_name_names_the_one_law_it_shortens() -> None:
    dairy = analyse("乳品条例对收购站有什么要求?", [*DOCS, LAW, DAIRY])
    assert dairy.doc_ids == ("dairy",) and dairy.unknown_documents == ()
    # 质量法 could shorten 产品质量法 or 农产品质量安全法: neither is named, nor is it unknown
    either = analyse("质量法对掺假怎么罚?", [*DOCS, LAW, FARM])
    assert either.doc_ids == () and either.unknown_documents == ()
    # a law whose name is no shortening of a title in the corpus stays unknown
    assert analyse("食品卫生法怎么规定?", [*DOCS, FOOD_LAW]).unknown_documents == ("食品卫生法",)
    rules = make_document(doc_id="mr", title="中华人民共和国计量法实施细则")
    metrology = make_document(doc_id="ml", title="中华人民共和国计量法")
    both = analyse("计量法实施细则和计量法对修理怎么规定?", [*DOCS, rules, metrology])
    assert set(both.doc_ids) == {"mr", "ml"} and both.unknown_documents == ()


def test_two_laws_joined_by_a_conjunction_are_two_names() -> None:
    a = analyse("产品质量法和电子商务法对平台责任有什么不同?", [*DOCS, LAW])
    assert a.doc_ids == ("pq",) and a.unknown_documents == ("电子商务法",)
    assert analyse("广告法、价格法怎么规定?", [*DOCS, LAW]).unknown_documents == (
        "广告法",
        "价格法",
    )
    # 与 inside a law's own name does not split it
    assert analyse("人口与计划生育法怎么规定?", [*DOCS, LAW]).unknown_documents == (
        "人口与计划生育法",
    )


def test_a_figure_the_question_states_must_be_in_the_evidence() -> None:
    a = analyse("厦门森林覆盖率达到55%是哪一年?", DOCS)
    assert a.stated_figures == ("55%",)
    assert "55%" in unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS)
    a = analyse("厦门森林覆盖率达到42.9%是哪一年?", DOCS)
    assert unsupported_reason(a, _passages(XM_TEXT, "xm"), CORPUS) == ""
    # A claim about the documents is checked (三天的无理由退货期); the time since the
    # asker's own purchase is not (提车才三天).
    assert analyse("为什么网购商品只有三天的无理由退货期?", DOCS).stated_figures == ("三天",)
    assert analyse("提车才三天发动机就坏了，能退车吗?", DOCS).stated_figures == ()
    assert analyse("刚用了五天就坏了，能换吗?", DOCS).stated_figures == ()


def test_missing_topic_words_do_not_refuse_a_question_naming_no_place() -> None:
    # The named-document rule would refuse; without a place it is a rewording.
    a = analyse("森林覆盖率和合格率的目标分别是多少?", DOCS)
    assert a.doc_ids == ()
    assert unsupported_reason(a, _passages(TY_TEXT, "ty"), CORPUS) == ""


def test_asking_words_are_not_topics() -> None:
    a = analyse("哪些地方提出要推广卓越绩效模式?", DOCS)
    assert not any("哪" in t for t in a.topic_terms)
    a = analyse("三包凭证丢了怎么办?", DOCS)
    assert "怎么办" not in a.topic_terms


def test_a_term_made_of_known_words_is_a_rewording_not_an_absent_topic() -> None:
    corpus = search_form("学校、托幼机构的食堂应当严格遵守法律。") + CORPUS
    passages = _passages("学校、托幼机构的食堂应当严格遵守法律。", "xm")
    a = analyse("学校食堂从外面订餐有什么要求?", DOCS)
    assert unsupported_reason(a, passages, corpus) == ""
    absent = analyse("个人所得税怎么算?", DOCS)
    assert "个人所得税" in unsupported_reason(absent, _passages(XM_TEXT, "xm"), CORPUS)


def test_an_unknown_thing_beside_other_topics_is_left_to_retrieval() -> None:
    # 电暖器 is an instance of the products the law regulates, not an absent topic;
    # 多长时间 asks, it names nothing.
    corpus = search_form("因产品存在缺陷造成损害要求赔偿的诉讼时效期间为二年。") + CORPUS
    passages = _passages("因产品存在缺陷造成损害要求赔偿的诉讼时效期间为二年。", "xm")
    for question in ("买的电暖器漏电伤了人，要求赔偿的时效是多久?", "诉讼时效有多长时间?"):
        assert unsupported_reason(analyse(question, DOCS), passages, corpus) == ""


def test_a_fine_stated_as_a_share_of_the_goods_value_is_an_amount() -> None:
    a = analyse("产品质量法对掺杂掺假罚多少钱?", [*DOCS, LAW])
    assert a.asks_money
    share = Figure(
        "pq", (), "货值金额", "百分之五十", 50.0, "%", "at_least", None, "",
        "货值金额百分之五十以上", (60, 71),
    )  # fmt: skip
    assert unsupported_reason(a, _passages(LAW_TEXT, "pq"), LAW_CORPUS, [share]) == ""
    assert "金额" in unsupported_reason(a, _passages(LAW_TEXT, "pq"), LAW_CORPUS, [])
    how = analyse("货值金额怎么计算?", [*DOCS, LAW])
    assert not how.asks_money


def test_an_answer_from_passages_sharing_no_word_with_the_question_is_a_guess() -> None:
    a = analyse("孩子上学的学区怎么划分?", DOCS)
    unrelated = _passages(TY_TEXT, "ty")
    assert unsupported_reason(a, unrelated, CORPUS + "学区", answer_passages=unrelated)
    # One shared word (here in the passage, not the sentence) is enough to answer.
    related = _passages("合理划分义务教育学区。", "ty")
    assert unsupported_reason(a, related, CORPUS + "学区", answer_passages=related) == ""


def test_a_term_whose_words_stand_in_the_named_documents_passages_is_a_rewording() -> None:
    # 服务行业 is another document's word; 厦门's passage says 服务业 and 行业自律: the
    # question rewords what it says, it does not ask about something it lacks.
    xm = "将厦门优质品牌评价范围拓展至服务业，行业自律能力明显增强。"
    corpus = CORPUS + search_form(xm + "生活性服务行业")
    a = analyse("厦门会不会把服务行业纳入品牌评价?", DOCS)
    assert "服务行业" in a.topic_terms
    assert unsupported_reason(a, _passages(xm, "xm"), corpus) == ""
    # Without 行业 in the passage, the term is absent from 厦门's document.
    lacking = "将厦门优质品牌评价范围拓展至服务业。"
    assert "服务行业" in unsupported_reason(a, _passages(lacking, "xm"), corpus)


def test_sharing_ranks_are_the_passages_with_a_word_of_the_question() -> None:
    a = analyse("孩子上学的学区怎么划分?", DOCS)
    unrelated = _passages(TY_TEXT, "ty")[0]
    related = Passage(2, Chunk("xm:1", "xm", (), (), "合理划分学区。", (0, 7)), "t", "r", 0.5)
    assert sharing_ranks(a, [unrelated, related]) == {2}
    assert sharing_ranks(a, [unrelated]) == set()
    wordless = analyse("吗?", DOCS)
    assert sharing_ranks(wordless, [unrelated, related]) == {1, 2}


def test_which_body_is_answered_only_by_a_sentence_naming_one() -> None:
    measure = "建设电梯安全物联网公共服务平台，全面构建质量共治格局。"
    led = "建设电梯安全物联网公共服务平台（市质监局牵头）。"
    for question in ("电梯安全物联网平台由哪个部门牵头?", "电梯安全物联网平台的牵头部门是谁?"):
        a = analyse(question, DOCS)
        passages = _passages(measure, "xm")
        # 格局 names no body: the measure is stated, its lead is not.
        reason = unsupported_reason(a, passages, CORPUS, answer_text=measure)
        assert "哪个部门" in reason
        assert unsupported_reason(a, passages, CORPUS, answer_text=led) == ""
    # 谁 alone asks for a person or a party as often as for a body.
    person = analyse("企业的质量第一责任人是谁?", DOCS)
    said = "企业法定代表人作为质量第一责任人。"
    assert unsupported_reason(person, _passages(said, "xm"), CORPUS, answer_text=said) == ""


def test_how_many_is_answered_only_by_a_number_of_that_thing() -> None:
    a = analyse("质量奖每次评选多少家获奖企业?", DOCS)
    passages = _passages("设立质量奖，对每家获奖企业奖励20万元。", "xm")
    money = "设立质量奖，对每家获奖企业奖励20万元。"
    assert "多少家" in unsupported_reason(a, passages, CORPUS, answer_text=money)
    counted = "推进全市300余家重点企业实现达标。"
    assert unsupported_reason(a, passages, CORPUS, answer_text=counted) == ""
    # 哪几个 asks for a list, not a count; 举几个例子 for some examples.
    listing = analyse("哪几个旗区要建检测站?", DOCS)
    assert unsupported_reason(listing, passages, CORPUS, answer_text=money) == ""
    examples = analyse("哪些企业获得质量奖？举几个例子。", DOCS)
    assert unsupported_reason(examples, passages, CORPUS, answer_text=money) == ""
    # 几 counts as 多少 does, and people are counted in 名 as in 人.
    people = analyse("实地核查一般会来几个人?", DOCS)
    assert "几个" in unsupported_reason(people, passages, CORPUS, answer_text=money)
    staffed = "应当指派2至4名核查人员。"
    assert unsupported_reason(people, passages, CORPUS, answer_text=staffed) == ""
    at_least = "执法人员不得少于2人，并应当出示证件。"
    assert unsupported_reason(people, passages, CORPUS, answer_text=at_least) == ""
    # A multiple (几倍) is stated as one (价款十倍), not by a charge that names none.
    times = analyse("买到假货，按几倍价款赔?", DOCS)
    charge = "退回商品的运费由消费者承担。"
    assert "几倍" in unsupported_reason(times, passages, CORPUS, answer_text=charge)
    tenfold = "可以要求支付价款十倍的赔偿金。"
    assert unsupported_reason(times, passages, CORPUS, answer_text=tenfold) == ""


def test_a_quantity_in_a_unit_of_measure_is_answered_only_in_that_unit() -> None:
    passages = _passages("抽样数量不得超过检验的合理需要。", "xm")
    weight = analyse("抽样数量最多是多少公斤?", DOCS)
    vague = "抽样数量不得超过检验的合理需要。"
    assert "多少公斤" in unsupported_reason(weight, passages, CORPUS, answer_text=vague)
    # 公斤 is 千克 in a law's words.
    stated = "每批次抽样不得超过2千克。"
    assert unsupported_reason(weight, passages, CORPUS, answer_text=stated) == ""
    base = analyse("PM2.5年均浓度下降5%，以多少微克每立方米为基数?", DOCS)
    share = "PM2.5年均浓度值下降5%。"
    air = _passages(share, "ty")
    assert "微克" in unsupported_reason(base, air, CORPUS, answer_text=share)


def test_how_long_is_answered_only_by_a_period() -> None:
    a = analyse("电梯每隔多少天要维护保养一次?", DOCS)
    assert a.asks_when
    passages = _passages("电梯的维护保养应当由电梯制造单位进行。", "xm")
    fine = "擅自从事电梯维护保养的，处一万元以上十万元以下罚款。"
    assert "时间" in unsupported_reason(a, passages, CORPUS, answer_text=fine)
    for period in (
        "应当至少每15日进行一次清洁、润滑、调整和检查。",
        "自收到要求之日起10个工作日内答复。",
        "为2个采暖期、供冷期。",
    ):
        assert unsupported_reason(a, passages, CORPUS, answer_text=period) == "", period
    # 立即 or 及时 says when, not how many days.
    promptly = "发现电梯存在严重事故隐患时，应当及时告知电梯使用单位。"
    assert "时间" in unsupported_reason(a, passages, CORPUS, answer_text=promptly)
    # minutes are a period too
    minutes = analyse("接到故障通知后最迟多少分钟内必须赶到现场?", DOCS)
    assert "时间" in unsupported_reason(minutes, passages, CORPUS, answer_text=promptly)
    stated = "接到故障通知后，应当在30分钟内赶到现场。"
    assert unsupported_reason(minutes, passages, CORPUS, answer_text=stated) == ""
    # 多久…一次 asks how often, as 每隔多少天 does.
    often = analyse("电梯维保单位多久必须来保养一次?", DOCS)
    assert "时间" in unsupported_reason(often, passages, CORPUS, answer_text=promptly)
    # … and a frequency answers it (每年进行健康检查), which 多少分钟内 would not take.
    yearly = "食品生产经营人员应当每年进行健康检查。"
    assert unsupported_reason(often, passages, CORPUS, answer_text=yearly) == ""
    assert "时间" in unsupported_reason(minutes, passages, CORPUS, answer_text=yearly)
    when = analyse("发现事故隐患后什么时候报告?", DOCS)
    assert unsupported_reason(when, passages, CORPUS, answer_text=promptly) == ""
    # 几点 asks a time of day: 晚上十点 states one, a duty to answer calls does not.
    hour = analyse("投诉热线晚上几点以后就不接电话了?", DOCS)
    duty = "发挥12365等投诉热线的作用，积极受理群众质量投诉。"
    assert "时间" in unsupported_reason(hour, passages, CORPUS, answer_text=duty)
    assert unsupported_reason(hour, passages, CORPUS, answer_text="热线受理至晚上十点。") == ""
    # 多久 without 一次 asks how long: 及时 does not say it, 前一个月 does.
    ahead = analyse("电梯年检快到期了，最晚要提前多久去约检?", DOCS)
    assert "时间" in unsupported_reason(ahead, passages, CORPUS, answer_text=promptly)
    month = "应当在检验合格有效期届满前一个月提出定期检验要求。"
    assert unsupported_reason(ahead, passages, CORPUS, answer_text=month) == ""
    # a date states no period: a law's promulgation line does not say how often
    promulgated = "2000年1月30日中华人民共和国国务院令第279号发布"
    assert "时间" in unsupported_reason(often, passages, CORPUS, answer_text=promulgated)
    # … though it says when
    assert unsupported_reason(when, passages, CORPUS, answer_text=promulgated) == ""
    # 定期 says regularly, not how often
    regular = "使用单位应当自行定期检定。"
    assert "时间" in unsupported_reason(often, passages, CORPUS, answer_text=regular)


def test_a_target_for_another_year_does_not_answer_the_year_asked() -> None:
    from dataclasses import replace

    sewage = replace(_figure("城镇生活污水处理率", "90", "%"), target_year=2014)
    said = "城镇生活污水处理率达90%以上。"
    text = "贯彻《质量发展纲要(2011-2020年)》，到2014年底：" + said
    passages = _passages(text, "xm")
    corpus = search_form(text) + CORPUS
    a = analyse("厦门到2020年城镇生活污水处理率要达到多少?", DOCS)
    # 2020 is in the passages (a title), so rule 3 lets it through; the target is 2014's.
    reason = unsupported_reason(a, passages, corpus, [sewage], answer_text=said)
    assert "2014年的目标" in reason and "2020年" in reason
    same_year = analyse("厦门到2014年城镇生活污水处理率要达到多少?", DOCS)
    assert unsupported_reason(same_year, passages, corpus, [sewage], answer_text=said) == ""
    # A figure whose target year is unknown is not judged.
    undated = replace(sewage, target_year=None)
    assert unsupported_reason(a, passages, corpus, [undated], answer_text=said) == ""


def test_a_share_of_a_fine_is_not_a_reward() -> None:
    law = make_document(
        "产品质量检验机构有违法行为的，可以并处违法收入一倍以下的罚款。", doc_id="law"
    )
    fine = extract_figures(law)
    assert fine and fine[0].unit == "倍"
    reward = analyse("举报产品质量违法行为，奖金能拿多少?", [law])
    assert not money_about(fine[0], reward)
    penalty = analyse("检验机构违法要罚多少?", [law])
    assert money_about(fine[0], penalty)


def test_a_figure_the_question_states_in_words_must_be_in_the_passages() -> None:
    assert numeral_forms("十五年") == ("十五年", "15年")
    assert numeral_forms("3倍") == ("3倍", "三倍")
    assert numeral_forms("二百万元") == ("二百万元", "200万元")
    assert set(numeral_forms("七天")) == {"七天", "七日", "7天", "7日"}
    law = "设计使用年限届满的特种设备，应当依法履行报废义务。"
    passages = _passages(law, "xm")
    premise = analyse("电梯用满十五年必须报废，报废补贴去哪申请?", DOCS)
    assert premise.stated_figures == ("十五年",)
    assert "十五年" in unsupported_reason(premise, passages, CORPUS)
    # Written in digits in the passage: the same figure.
    stated = _passages("特种设备使用满15年的，应当进行安全评估。", "xm")
    assert unsupported_reason(premise, stated, CORPUS) == ""
    # A count the question states is checked too (a false premise: 500件 for 200件).
    count = analyse("为什么把驰名商标目标定为到2015年达到500件?", DOCS)
    assert count.stated_figures == ("500件",)
    assert "500件" in unsupported_reason(
        count, _passages("到2015年驰名商标达200件。", "xm"), CORPUS
    )
    assert analyse("要带动三十项标准吗?", DOCS).stated_figures == ("三十项",)
    hours = analyse("为什么申请复检的时限是二十四小时?", DOCS)
    assert hours.stated_figures == ("二十四小时",)
    assert "二十四小时" in unsupported_reason(
        hours, _passages("可以自收到检测结果时起四小时内申请复检。", "xm"), CORPUS
    )
    # a hotline or code as written (96333), not a year
    hotline = analyse("厦门的96333电梯应急平台由哪个部门负责?", DOCS)
    assert hotline.stated_figures == ("96333",)
    assert "96333" in unsupported_reason(hotline, _passages("建设电梯应急平台。", "xm"), CORPUS)
    assert analyse("2015年的目标是多少?", DOCS).stated_figures == ()
    # How often, stated as a fact (每季度开一次会); 每年 is everyday wording.
    often = analyse("领导小组每季度开一次会,会议由谁主持?", DOCS)
    assert often.stated_figures == ("每季度",)
    assert "每季度" in unsupported_reason(often, _passages("每年至少召开一次会议。", "xm"), CORPUS)
    assert analyse("名牌数量每年要增长多少?", DOCS).stated_figures == ()
    assert analyse("员工每两年体检一次，要查哪些项目?", DOCS).stated_figures == ("每两年",)
    # Everyday counting is not a claim to check.
    for question in (
        "两家为秤吵起来了以谁为准?",
        "新车买回来三个月就坏了能换吗?",
        "一个多月就坏了怎么办?",
        "包修期只有一年，第二年出了问题只能自费修吗?",  # an ordinal states no period
    ):
        assert analyse(question, DOCS).stated_figures == (), question


def test_a_figure_the_question_states_must_be_where_the_answer_is() -> None:
    # 10个 stands in the passage, about something else; the sentence answering holds 7个.
    text = "全面建成全市7个环保专业基地。新建10个农产品检测站。"
    passages = _passages(text, "xm")
    corpus = search_form(text) + CORPUS
    asked = analyse("厦门要建成的10个环保专业基地现在建了几个?", DOCS)
    assert asked.stated_figures == ("10个",)
    answer = "全面建成全市7个环保专业基地。"
    assert "10个" in unsupported_reason(asked, passages, corpus, answer_text=answer)
    stated = analyse("厦门要建成的7个环保专业基地在哪里?", DOCS)
    assert unsupported_reason(stated, passages, corpus, answer_text=answer) == ""


def test_a_share_of_an_amount_answers_how_much_when_no_figure_was_taken() -> None:
    # The extractor does not take every 价款十倍 as a figure; the answer's text says it.
    law = "消费者还可以要求支付价款十倍或者损失三倍的赔偿金。"
    asked = analyse("买到不合格的食品，赔偿金额是多少?", DOCS)
    assert asked.asks_money and analyse("除了赔损失，还能要多少赔偿金?", DOCS).asks_money
    reason = unsupported_reason(asked, _passages(law, "xm"), search_form(law), answer_text=law)
    assert reason == ""
    # …but not a share in a clause about another money verb than the one asked
    fined = "处违法所得一倍以上三倍以下罚款。"
    reason = unsupported_reason(
        asked, _passages(fined, "xm"), search_form(fined), answer_text=fined
    )
    assert "金额" in reason


def test_ji_that_asks_nothing_is_not_a_count_question() -> None:
    from qa.retrieve.query import asked_form

    # indefinite: 好几个, 十几年, 才几天, 没几块钱, and any 几 in a yes/no question
    for question in ("十几年的电梯还能用吗?", "才几天就坏了，能退吗?", "没几块钱的东西呢?"):
        assert "几" not in asked_form(question), question
    assert "几" not in asked_form("几户人家共有的电梯，可以交给物业吗?")
    # asked: 几项, 几天内, and a 几 after a yes/no question in the same message
    assert "几项" in asked_form("要推进几项整治?")
    assert "几次" in asked_form("领导小组是否每年都要开会?至少开几次?")
    # "several" in a clause before the one that asks (由谁拍板)
    assert "几" not in asked_form("国务院几个部门意见不一致，协商不成最后由谁拍板?")
    assert "几天" in asked_form("收到通知以后，几天内要答复?")
    # 前几天 is "a few days ago"; 提前几天 asks how many days ahead.
    assert "几" not in asked_form("前几天买的东西坏了，能退吗?")
    assert "几天" in asked_form("价格听证会要提前几天向社会公告?")
    law = "共有的电梯，共有人可以委托物业服务企业履行管理义务。"
    yes_no = analyse("几户人家共有的电梯，可以交给物业吗?", DOCS)
    assert unsupported_reason(yes_no, _passages(law, "xm"), search_form(law), answer_text=law) == ""
    how_many = analyse("共有的电梯要几户人家同意才可以委托?", DOCS)
    assert "数量" in unsupported_reason(
        how_many, _passages(law, "xm"), search_form(law), answer_text=law
    )


def _answered_from(analysis: QuestionAnalysis, text: str, doc_id: str, corpus: str = CORPUS) -> str:
    """The not-found reason when ``text`` is the answer and its only passage."""
    passages = _passages(text, doc_id)
    return unsupported_reason(
        analysis, passages, corpus, answer_text=text, answer_passages=passages
    )


def test_a_named_period_is_answered_only_by_passages_naming_it() -> None:
    # Rule 13: 有效期 asked; the registration article states a deadline, not a validity.
    registration = "特种设备使用单位应当在投入使用后三十日内办理使用登记，取得使用登记证书。"
    asked = analyse("特种设备使用登记证书的有效期是几年?", DOCS)
    reason = _answered_from(asked, registration, "xm")
    assert "有效期" in reason
    licence = "生产许可证有效期为5年。"
    answered = analyse("生产许可证的有效期一般是几年?", DOCS)
    assert "有效期" not in _answered_from(answered, licence, "xm")
    # Only mentioned, not asked: 在保修期里 is the condition of the question.
    repair = "修理时间超过5日的，应当为消费者提供备用车。"
    mentioned = analyse("车在保修期里送去修，一修就是一个多星期，4S店该给什么补偿?", DOCS)
    assert "保修期" not in _answered_from(mentioned, repair, "xm")


def test_what_a_catalogue_holds_is_not_answered_by_who_sets_it() -> None:
    # Rule 14: the law says who sets the catalogue; its contents are not in the corpus.
    said = "实行强制检定的工作计量器具的目录和管理办法，由国务院制定。"
    corpus = search_form(said) + CORPUS
    contents = analyse("强制检定的工作计量器具目录里具体有哪些?", DOCS)
    reason = _answered_from(contents, said, "xm", corpus)
    assert "目录" in reason
    who = analyse("强制检定的工作计量器具目录由谁制定?", DOCS)
    assert "目录" not in _answered_from(who, said, "xm", corpus)


def test_what_came_of_a_plan_is_not_its_target() -> None:
    # Rule 15: a plan states targets; 实际达到了多少 asks what came of them.
    target = "到2014年底，主要农产品质量安全抽查合格率达到95%以上。"
    asked = analyse("太原2014年主要农产品质量安全抽查合格率实际达到了多少?", DOCS)
    reason = _answered_from(asked, target, "ty")
    assert "实际完成情况" in reason
    report = "截至2014年底，主要农产品质量安全抽查合格率已达到96%。"
    assert "实际完成情况" not in _answered_from(asked, report, "ty", CORPUS + search_form(report))
    listed = analyse("胡杨林景区最后评上全国知名品牌创建示范区了吗?", DOCS)
    assert "实际完成情况" in _answered_from(
        listed, "推荐胡杨林景区申报全国知名品牌创建示范区。", "ty"
    )
    planned = analyse("太原2014年主要农产品质量安全抽查合格率要达到多少?", DOCS)
    assert "实际完成情况" not in _answered_from(planned, target, "ty")
    # The 了 may follow the amount asked.
    reached = analyse("太原2014年主要农产品质量安全抽查合格率实际达到多少了?", DOCS)
    assert "实际完成情况" in _answered_from(reached, target, "ty")


def test_why_a_figure_was_changed_is_not_answered_by_the_figure() -> None:
    # Rule 17: documents state what is to be done, not why a figure was changed.
    said = "到2018年，森林覆盖率达42.9%。"
    changed = analyse("厦门为什么把森林覆盖率目标定为42.9%?", DOCS)
    assert "原因" in _answered_from(changed, said, "xm")
    purpose = "为了建设生态城市，森林覆盖率目标定为42.9%。"
    assert "原因" not in _answered_from(changed, purpose, "xm", CORPUS + search_form(purpose))
    # Why something was stopped is the same question.
    stopped = analyse("太原为什么不再推行首席质量官制度了?", DOCS)
    assert "原因" in _answered_from(stopped, "在大中型企业逐步推广首席质量官制度。", "ty")
    # Asking why, without a change, is not this rule's (为什么要提高森林覆盖率?).
    why = analyse("为什么要提高森林覆盖率?", DOCS)
    assert "原因" not in _answered_from(why, said, "xm")


def test_a_ministrys_rule_is_named_by_its_whole_title() -> None:
    law = make_document(doc_id="car", region="", title="家用汽车产品修理更换退货责任规定")
    named = analyse("家用汽车产品修理更换退货责任规定第四十八条对新能源车是怎么规定的?", [law])
    assert named.doc_ids == ("car",)


def test_a_term_of_art_the_named_document_never_writes_is_not_found() -> None:
    # 森林 alone is one short word; with 覆盖率 beside it, it is 厦门's 森林覆盖率, which
    # the named document never writes (its 覆盖率 is of roads).
    docs = [_doc("xm", "厦门市"), _doc("dg", "东莞市")]
    dg_text = "公路工程质量监督覆盖率达100%，一次验收合格率达98%。"
    corpus = search_form(XM_TEXT + dg_text)
    a = analyse("东莞方案里的森林覆盖率目标是多少?", docs)
    reason = unsupported_reason(a, _passages(dg_text, "dg"), corpus, named_forms=[dg_text])
    assert "森林覆盖率" in reason
    # The same question of the document that writes it is answered.
    b = analyse("厦门意见里的森林覆盖率目标是多少?", docs)
    assert unsupported_reason(b, _passages(XM_TEXT, "xm"), corpus, named_forms=[XM_TEXT]) == ""


def test_the_kind_word_naming_a_document_is_not_asked_about() -> None:
    a = analyse("太原行动计划里设立的电梯应急平台号码是多少?", DOCS)
    assert a.doc_ids == ("ty",)
    assert not {"行动", "计划", "行动计划"} & set(a.content_tokens)
    assert "计划" in analyse("太原的质量提升计划有哪些?", DOCS).content_tokens


def test_which_company_runs_it_asks_for_a_body() -> None:
    a = analyse("96333电梯应急平台由哪家单位负责运营?", DOCS)
    text = "设立96333电梯应急平台，建设电梯安全物联网公共服务平台。"
    reason = unsupported_reason(a, _passages(text, "xm"), search_form(text), answer_text=text)
    assert "部门" in reason


def test_a_lifelong_responsibility_answers_how_long_it_lasts() -> None:
    from qa.answer.stated import time_stated
    from qa.retrieve.query import asked_form

    pattern = time_stated(asked_form("项目负责人要担责到什么时候?"))
    assert pattern.search("严格实行建筑工程五方责任主体项目负责人终身责任制")
    assert not pattern.search("严格实行建筑工程五方责任主体项目负责人责任制")
    assert time_stated(asked_form("责任要持续多久?")).search("终身负责")


def test_the_words_of_a_named_documents_title_are_not_asked() -> None:
    law = make_document(doc_id="pq", region="", title="中华人民共和国产品质量法")
    car = make_document(doc_id="car", region="", title="家用汽车产品修理更换退货责任规定")
    asked = analyse("产品质量法什么时候生效?", [law, car]).content_tokens
    assert not {"产品", "质量", "产品质量", "质量法"} & set(asked)
    # A word of the title asked again after the title is asked.
    again = analyse("家用汽车产品修理更换退货责任规定里的家用汽车产品指什么?", [law, car])
    assert {"家用", "汽车", "产品"} <= set(again.content_tokens)


def test_a_fine_equal_to_the_goods_value_states_the_number_asked() -> None:
    from qa.answer.stated import NUMBER_STATED, number_stated
    from qa.retrieve.query import asked_form

    assert number_stated(asked_form("卖这种被淘汰的产品，罚款最多多少？")) is NUMBER_STATED
    assert NUMBER_STATED.search("并处违法销售产品货值金额等值以下的罚款")
    assert not NUMBER_STATED.search("责令停止销售，没收违法销售的产品")


def test_a_department_named_as_the_actor_is_not_asked_for() -> None:
    text = "实施监督检查应当有2名以上工作人员参加并应当出示有效证件。"
    counted = analyse("主管部门去企业搞监督检查，至少要去几个人？", DOCS)
    assert (
        unsupported_reason(counted, _passages(text, "xm"), search_form(text), answer_text=text)
        == ""
    )
    asked = analyse("监督检查的主管部门是哪个?", DOCS)
    reason = unsupported_reason(asked, _passages(text, "xm"), search_form(text), answer_text=text)
    assert "部门" in reason
    assert asked.asks_department
    # The department acting is the subject of a question asking something else.
    acting = analyse("什么情况下主管部门可以不先通知车企，自己直接开展缺陷调查？", DOCS)
    assert not acting.asks_department
    assert analyse("计量工作由哪个部门主管?", DOCS).asks_department


def test_the_version_of_a_law_is_not_part_of_its_name() -> None:
    from qa.retrieve.law_names import law_names

    assert law_names("现行食品安全法是哪天开始施行的?") == ["食品安全法"]
    assert law_names("修订后的标准化法是从什么时候起施行的?") == ["标准化法"]
    assert law_names("电子商务法分为哪几章?") == ["电子商务法"]


def test_a_fine_as_a_percentage_of_the_contract_price_is_an_amount() -> None:
    from qa.answer.stated import MONEY_STATED

    assert MONEY_STATED.search("责令改正，处工程合同价款2%以上4%以下的罚款")
    assert not MONEY_STATED.search("竣工验收合格率达到98%")


def test_a_number_inside_a_set_phrase_is_not_a_figure_to_check() -> None:
    # 货比三家 is "compare before buying", not three shops the documents must name.
    docs = [make_document(doc_id="law", region="", title="消费者权益保护法")]
    assert analyse("买东西的时候，我有没有权利货比三家？", docs).stated_figures == ()
    assert analyse("连续三年被评为先进的企业有什么奖励？", docs).stated_figures == ("三年",)


def test_a_question_asking_which_law_names_none() -> None:
    from qa.retrieve.law_names import law_names

    assert law_names(search_form("国家出了哪部关于征信的条例，被当成契机？")) == []
    assert law_names(search_form("有什么条例管这个？")) == []
    assert law_names(search_form("电子商务法规定了什么？")) == ["电子商务法"]


def test_a_way_of_doing_something_is_no_law() -> None:
    from qa.retrieve.law_names import law_names

    # 卖法 is how goods are sold; 这种 points at it.
    assert law_names(search_form("小超市這種賣法有沒有規章明確禁止？")) == []
    assert law_names(search_form("这种卖法，产品质量法里有规定吗？")) == ["产品质量法"]


def test_taking_effect_on_publication_states_when() -> None:
    from qa.answer.stated import time_stated

    pattern = time_stated(search_form("这个条例从什么时候开始施行？"))
    assert pattern.search(search_form("本条例自发布之日起施行。"))
    assert not pattern.search(search_form("本条例由国务院负责解释。"))


def test_a_punishment_is_not_answered_by_a_sentence_stating_none() -> None:
    # Rule 18: a plan states no sanction; 逾期的怎么处罚? is not answered by the measure.
    measure = "在大中型企业逐步推广首席质量官制度。"
    corpus = search_form(measure) + CORPUS
    asked = analyse("太原要求大中型企业全部设立首席质量官，逾期的怎么处罚?", DOCS)
    assert "处罚" in _answered_from(asked, measure, "ty", corpus)
    fine = "逾期未设立的，责令改正，处一万元以下罚款。"
    corpus = search_form(fine) + CORPUS
    assert "处罚" not in _answered_from(asked, fine, "ty", corpus)
    # 怎么处理 asks what may be done (收缴, 查封), not only a punishment.
    handled = analyse("太原发现伪造的首席质量官证书怎么处理?", DOCS)
    seized = "收缴伪造的首席质量官证书。"
    assert "处罚" not in _answered_from(handled, seized, "ty", search_form(seized) + CORPUS)


RULE_19 = "相关段落中没有提到所问的"


@pytest.mark.parametrize(
    ("question", "answer", "refused"),
    [
        # 物业费 asked; the sentence about elevator maintenance names no fee.
        (
            "小区电梯老是坏，业主能不能因此少交物业费?",
            "电梯的维护保养单位应当对其维护保养的电梯的安全性能负责。",
            True,
        ),
        ("小区电梯老是坏，业主能不能因此少交物业费?", "电梯的维护保养费用由使用单位承担。", False),
        # 消费者 names no fee.
        (
            "消费者能不能要求电梯维护保养单位负责?",
            "电梯的维护保养单位应当对其维护保养的电梯的安全性能负责。",
            False,
        ),
        # A fee inside the deed a penalty is asked for is the deed, not the question.
        (
            "帮别人存放假冒的货，收的仓储费会被怎么罚?",
            "为假冒产品提供仓储便利条件的，没收全部运输、保管、仓储的收入，并处罚款。",
            False,
        ),
        # A tax likewise: 高新技术企业 is named, what it pays is not.
        ("企业认定为高新技术企业后所得税能减多少?", "培育一批新的高新技术企业。", True),
        (
            "营业执照和税务登记证要合并实行什么登记制度?",
            "实行工商营业执照、组织机构代码证和税务登记证“三证合一”登记制度。",
            False,
        ),
        # And a payment to a person: 推行首席质量官制度 names the post, not its pay.
        ("企业设了首席质量官，这个岗位的薪酬待遇有什么规定?", "大力推行企业首席质量官制度。", True),
        # A subsidy is stated as 资助 (or 补助, 奖励).
        ("企业拿到发明专利证书，能不能得到资金补贴?", "加大对发明专利资助力度。", False),
        (
            "企业拿到发明专利证书，能不能得到资金补贴?",
            "支持企业申请发明专利，建立知识产权管理。",
            True,
        ),
        # A misdeed reported (乱收费) is no fee asked.
        ("向价格部门举报商家乱收费，举报人会被保密吗?", "价格主管部门应当为举报者保密。", False),
    ],
)
def test_a_fee_tax_or_pay_is_not_answered_by_a_sentence_naming_none(
    question: str, answer: str, refused: bool
) -> None:
    # Rule 19.
    reason = _answered_from(analyse(question, DOCS), answer, "xm", search_form(answer) + CORPUS)
    assert (RULE_19 in reason) is refused, reason


def test_a_follow_up_asking_its_own_question_is_checked_for_what_it_asks() -> None:
    from qa.retrieve.query import as_followup

    previous = "认证认可收费要符合什么规定?"
    asked = "那认证培训机构、认证咨询机构的管理办法由谁来定?"
    resolved = analyse(previous + asked.removeprefix("那"), DOCS)
    followup = as_followup(resolved, analyse(asked, DOCS), previous)
    assert followup.asked_text == asked
    answer = "认证培训机构、认证咨询机构的管理办法由国务院认证认可监督管理部门制定。"
    corpus = search_form(answer) + CORPUS
    assert RULE_19 not in _answered_from(followup, answer, "xm", corpus)
    # The whole question asked at once is about the fee, and the answer names none.
    assert RULE_19 in _answered_from(resolved, answer, "xm", corpus)
    # A follow-up asking nothing of its own (厦门呢?) is checked as completed.
    place_only = as_followup(resolved, analyse("厦门呢?", DOCS), previous)
    assert place_only.asked_text == ""
