"""The answer unit of a law article: the 款 (paragraph) holding the best sentence."""

from conftest import make_document

from qa.answer.answer_unit import choose_evidence
from qa.answer.cases import consequence_of_case
from qa.answer.evidence import score_evidence
from qa.retrieve.query import analyse
from qa.types import Chunk, Passage

DOCS = [make_document(doc_id="car", region="", title="家用汽车产品修理更换退货责任规定")]

ARTICLE = (
    "第三十条 包修期内家用汽车产品所有权发生转移的，三包凭证应当随车转移。"
    "三包责任不因家用汽车产品所有权的转移而改变。\n\n"
    "经营者合并、分立、变更、破产的，其三包责任按照有关法律、法规的规定执行。"
)


def _chosen(question: str, text: str, section_numbers: tuple[str, ...]) -> list[str]:
    chunk = Chunk("car:0", "car", section_numbers, section_numbers, text, (0, len(text)))
    passages = [Passage(1, chunk, DOCS[0].title, "", 1.0)]
    analysis = analyse(question, DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    return [e.text for e in choose_evidence(evidence, analysis, (), passages)]


def test_a_law_article_is_answered_with_the_paragraph_of_its_best_sentence() -> None:
    (unit,) = _chosen("车转手卖给别人了，三包凭证要随车转移吗?", ARTICLE, ("第三章", "第三十条"))
    assert unit.startswith("第三十条 包修期内") and unit.endswith("转移而改变。")
    assert "合并" not in unit  # the next 款 is another rule


def test_a_policy_paragraph_is_not_widened() -> None:
    units = _chosen("车转手卖给别人了，三包凭证要随车转移吗?", ARTICLE, ("二、",))
    assert units == ["第三十条 包修期内家用汽车产品所有权发生转移的，三包凭证应当随车转移。"]


def test_a_paragraph_longer_than_an_answer_is_not_widened() -> None:
    long_rule = (
        "三包责任不因所有权的转移而改变，" + "并应当依照有关规定办理各项手续，" * 10 + "不得拒绝。"
    )
    text = "第三十条 包修期内家用汽车产品所有权发生转移的，三包凭证应当随车转移。" + long_rule
    units = _chosen("车转手卖给别人了，三包凭证要随车转移吗?", text, ("第三章", "第三十条"))
    # the best sentence, with at most a window of the long one (not the whole 款)
    assert units[0].startswith(
        "第三十条 包修期内家用汽车产品所有权发生转移的，三包凭证应当随车转移。"
    )
    assert sum(len(u) for u in units) <= 150 and "不得拒绝" not in "".join(units)


def test_an_introduction_is_never_shown_without_its_items() -> None:
    article = (
        "第二十五条 经营者采用网络、电视、电话、邮购等方式销售商品，消费者有权自收到商品之日起"
        "七日内退货，且无需说明理由，但下列商品除外:\n\n（一）消费者定作的；\n\n（二）鲜活易腐的；"
        "\n\n（三）交付的报纸、期刊。\n\n消费者退货的商品应当完好。"
    )
    (unit,) = _chosen(
        "网上买的衣服收到后不喜欢，能不能七天无理由退货?", article, ("第三章", "第二十五条")
    )
    assert unit.startswith("第二十五条") and "（一）消费者定作的；" in unit
    assert unit.endswith("（三）交付的报纸、期刊。")


def test_the_sentence_holding_a_figure_the_question_states_answers() -> None:
    # 7天 is 七日 in the law; the sentence stating it answers, not the one sharing words.
    article = (
        "第二十五条 网购商品的经营者应当在网页上标明退货规则和网购商品的退货地址。\n\n"
        "网购商品的经营者应当妥善保管网购消费者的信息。\n\n"
        "消费者有权自收到商品之日起七日内退货，且无需说明理由。"
    )
    units = _chosen("网购商品7天内能退吗?", article, ("第三章", "第二十五条"))
    assert any("七日内退货" in u for u in units)


def test_the_askers_own_figures_are_not_claims_to_check() -> None:
    # 花了5000元买的, 新车买了10天: the asker's situation, which no document states.
    for question in (
        "花了5000元买的冰箱坏了，商家不给修怎么办?",
        "新车买了10天发动机坏了，能换车吗?",
    ):
        assert analyse(question, DOCS).stated_figures == (), question
    assert analyse("三包有效期是不是5年?", DOCS).stated_figures == ()  # 5年 asked, not claimed
    assert analyse("为什么网购商品只有7天的无理由退货期?", DOCS).stated_figures == ("7天",)


def test_a_number_of_years_the_question_states_is_a_claim_to_check() -> None:
    # 只有3年 states a premise (the law says 5年): a figure no passage states refuses.
    for question, figure in (
        ("特殊化妆品注册证有效期只有3年，到期前多久申请延续?", "3年"),
        ("家用汽车的三包有效期是1年，那包修期是多久?", "1年"),
        ("电梯用满15年必须报废吗?", "15年"),
    ):
        assert analyse(question, DOCS).stated_figures == (figure,), question
    # A year, an ordinal, the asker's own time and a number asked about claim nothing.
    for question in ("到2018年合格率要达到多少?", "第3年还能保修吗?", "车买了3年了还能修吗?"):
        assert analyse(question, DOCS).stated_figures == (), question


LABEL_ARTICLE = (
    "第六十七条 预包装食品的包装上应当有标签。标签应当标明下列事项：\n\n"
    "（一）名称、规格、净含量、生产日期；\n\n（二）成分或者配料表；\n\n（三）保质期；\n\n"
    "（四）生产许可证编号；\n\n（五）法律、法规规定应当标明的其他事项。"
)


def test_a_paragraph_ending_in_an_introduction_comes_with_the_asked_item() -> None:
    # The 款 ends at 下列事项：; the item holding what is asked completes it.
    units = _chosen(
        "预包装食品的标签上要不要印生产许可证编号？", LABEL_ARTICLE, ("第四章", "第六十七条")
    )
    assert units[-1] == "（四）生产许可证编号；"
    assert not any(u.rstrip().endswith(("：", ":")) for u in units[-1:])


def test_a_list_question_gets_the_whole_list_not_one_item() -> None:
    (unit,) = _chosen("预包装食品的标签应当标明哪些事项?", LABEL_ARTICLE, ("第四章", "第六十七条"))
    assert "（一）名称" in unit and unit.endswith("其他事项。")


def test_an_introduction_whose_items_are_passages_of_their_own_gets_the_asked_one() -> None:
    intro_text = "第三十七条 消费者协会履行下列公益性职责:"
    items = [
        "（一）向消费者提供消费信息和咨询服务；",
        "（七）就损害消费者合法权益的行为，支持受损害的消费者提起诉讼；",
    ]
    section = ("第五章", "第三十七条")
    intro = Chunk("car:0", "car", section, section, intro_text, (0, len(intro_text)))
    passages = [Passage(1, intro, DOCS[0].title, "", 1.0)]
    start = len(intro_text)
    for rank, text in enumerate(items, 2):
        path = (*section, text.rstrip("；"))
        chunk = Chunk(f"car:{rank}", "car", path, path, text, (start, start + len(text)))
        passages.append(Passage(rank, chunk, DOCS[0].title, "", 1.0 - rank / 10))
        start += len(text)
    analysis = analyse("消费者协会有哪些职责？能不能支持消费者提起诉讼？", DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    units = [e.text for e in choose_evidence(evidence, analysis, (), passages)]
    assert units[0] == intro_text
    assert units[-1] == items[1]


def test_the_body_one_reports_to_answers_which_department() -> None:
    article = (
        "第一百零四条 医疗机构发现其接收的病人属于食源性疾病病人的，应当及时将相关信息"
        "向所在地县级人民政府卫生行政部门报告。\n\n"
        "县级以上地方人民政府卫生行政部门获知病人的信息，应当向上级主管部门报告。"
    )
    units = _chosen(
        "医院接诊了吃坏东西得病的病人，要向哪个部门报告？", article, ("第七章", "第一百零四条")
    )
    assert "卫生行政部门报告" in units[0]


def test_the_paragraph_after_a_long_articles_last_item_is_read_whole() -> None:
    # A long article is chunked by item; the 款 after its last item is in that item's
    # chunk, and its escalation (情节严重的，…) belongs to the penalty asked.
    text = (
        "（八）利用检验工作故意刁难相关单位的。\n\n"
        "违反本法规定，检验人员同时在两个以上检验机构中执业的，处五千元以上五万元以下罚款；"
        "情节严重的，吊销其资格。"
    )
    units = _chosen(
        "检验人员同时在两家检验机构执业怎么处罚？", text, ("第六章", "第九十三条", "（八）")
    )
    assert units == [
        "违反本法规定，检验人员同时在两个以上检验机构中执业的，处五千元以上五万元以下罚款；"
        "情节严重的，吊销其资格。"
    ]


PER_SIDE = (  # longer than one answer, as the real 第一百二十四条 is: read by its clauses
    "第一百二十四条 违反本法规定，有下列情形之一，尚不构成犯罪的，由县级以上人民政府食品安全监督"
    "管理部门没收违法所得和违法生产经营的食品、食品添加剂，并可以没收用于违法生产经营的工具、"
    "设备、原料等物品；违法生产经营的食品、食品添加剂货值金额不足一万元的，并处五万元以上十万元"
    "以下罚款；货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款；情节严重的，吊销许可证。"
)


def test_the_rule_for_the_asked_side_of_a_stated_threshold_answers() -> None:
    section = ("第九章", "第一百二十四条")
    above = _chosen("食品货值在一万元以上的怎么罚？", PER_SIDE, section)
    assert above[0].startswith("货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款")
    below = _chosen("食品货值不到一万块的怎么罚？", PER_SIDE, section)
    assert "不足一万元的，并处五万元以上十万元以下罚款" in below[0]


def test_an_amount_stated_as_the_case_is_answered_by_the_rule_whose_condition_it_meets() -> None:
    from qa.answer.stated import amount_condition_met, asked_amounts, figures_unaccounted
    from qa.textnorm import search_form

    section = ("第九章", "第一百二十四条")
    # 货值有5万元 meets 货值金额一万元以上的, not 不足一万元的 (whose fine states 五万元).
    units = _chosen("没有许可证就做食品卖，货值有5万元，罚款怎么算？", PER_SIDE, section)
    assert units[0].startswith("货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款")
    units = _chosen("没有许可证就做食品卖，货值才三千元，罚款怎么算？", PER_SIDE, section)
    assert "不足一万元的，并处五万元以上十万元以下罚款" in units[0]
    # A fine's range is no condition; an amount with its side is a threshold, not a case.
    assert asked_amounts(search_form("货值有5万元")) == [50000.0]
    assert asked_amounts(search_form("货值在一万元以上的怎么罚")) == []
    assert amount_condition_met(search_form("并处五万元以上十万元以下罚款"), [50000.0]) is None
    assert amount_condition_met(search_form("货值金额不足一万元的，并处…"), [50000.0]) == "other"
    # … and the answer stating the condition it meets does not lack the amount.
    met = search_form("货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款")
    assert figures_unaccounted(["5万元"], met) == []
    assert figures_unaccounted(["5万元", "7天"], search_form("不足一万元的")) == ["5万元", "7天"]


def test_a_clause_after_a_semicolon_is_about_its_sentences_subject_in_a_law_only() -> None:
    from qa.answer.evidence_weights import COVERAGE

    text = (
        "第二十二条 消费者有权就产品质量问题，向产品的生产者、销售者查询；"
        "向市场监督管理部门及有关部门申诉，接受申诉的部门应当负责处理。"
    )
    question = "消费者遇到产品质量问题，可以向哪些部门申诉？"

    def coverage(section_numbers: tuple[str, ...]) -> float:
        chunk = Chunk("car:0", "car", section_numbers, section_numbers, text, (0, len(text)))
        passages = [Passage(1, chunk, DOCS[0].title, "", 1.0)]
        evidence = score_evidence(analyse(question, DOCS), passages, {}, {})
        clause = next(e for e in evidence if e.text.startswith("向市场监督管理部门"))
        return clause.features[COVERAGE]

    # 消费者 and 产品质量 are the subject of the clause about 申诉, stated before the ；
    assert coverage(("第二章", "第二十二条")) > coverage(("二、",))


def test_the_body_whose_approval_is_needed_answers_which_department() -> None:
    from qa.answer.evidence import DEPARTMENT_CUE

    assert DEPARTMENT_CUE.search(
        "向我国境内出口食品的境外食品生产企业应当经国家出入境检验检疫部门注册。"
    )
    assert DEPARTMENT_CUE.search(
        "其内容应当经省、自治区、直辖市人民政府食品安全监督管理部门审查批准。"
    )
    # 经 of 经营者 is not approval by the body named after it.
    assert not DEPARTMENT_CUE.search("经营者擅自改变市场监督管理部门核准的经营范围。")
    # The body given the duty to supervise is the one in charge.
    assert DEPARTMENT_CUE.search(
        "县级以上地方人民政府市场监督管理部门依照本法和《中华人民共和国食品安全法》等法律、"
        "法规的规定，对农产品进入批发、零售市场或者生产加工企业后的生产经营活动进行监督检查。"
    )
    assert not DEPARTMENT_CUE.search("农产品生产企业应当接受监督检查。")  # no body named


CASES_ARTICLE = (
    "第六十九条 认证监督管理部门的工作人员有下列行为之一的，对直接负责的主管人员依法给予"
    "降级或者撤职的行政处分；构成犯罪的，依法追究刑事责任：\n\n"
    "（一）对不符合条件的申请人批准设立认证机构的；\n\n"
    "（二）发现认证机构不再符合批准条件，不撤销批准文件的；\n\n"
    "（三）发现认证机构的违法行为不予查处的。"
)


def test_a_case_of_a_list_is_answered_with_what_follows_from_it() -> None:
    # The item states what was done (and its 撤销 is what was not done); the
    # introduction, whole up to its colon, states the penalty asked.
    units = _chosen(
        "工作人员发现认证机构不再符合批准条件却不撤销批准文件，会受什么处分？",
        CASES_ARTICLE,
        ("第六章", "第六十九条"),
    )
    assert units[0].startswith("第六十九条") and "降级或者撤职的行政处分" in units[0]
    assert units[0].endswith("依法追究刑事责任：")
    assert units[1].startswith("（二）发现认证机构不再符合批准条件")


def _consequence(question: str, text: str, item: str) -> str | None:
    """What answer_unit gives for a question asking what follows, when the best sentence
    is the list item starting ``item`` (None: the item is not a case of the list)."""
    numbers = ("第十一章", "第一百二十七条")
    chunk = Chunk("law:0", "car", numbers, numbers, text, (0, len(text)))
    passages = [Passage(1, chunk, DOCS[0].title, "", 1.0)]
    analysis = analyse(question, DOCS)
    siblings = sorted(score_evidence(analysis, passages, {}, {}), key=lambda e: e.span)
    at = next(i for i, e in enumerate(siblings) if e.text.startswith(item))
    found = consequence_of_case(siblings, at, analysis, chunk)
    return None if found is None else found.text


def test_a_deed_listed_without_its_de_is_a_case_when_the_list_says_so() -> None:
    # (一)开展生物等效性试验未备案； does not end like a case (…的；), but the
    # introduction says its items are cases (有下列行为之一的): what follows is asked.
    article = (
        "第一百二十七条 违反本法规定，有下列行为之一的，责令限期改正，给予警告；逾期不改正的，"
        "处十万元以上五十万元以下的罚款：\n\n（一）开展生物等效性试验未备案；\n\n"
        "（二）未按照规定提交年度报告。"
    )
    intro = _consequence("开展生物等效性试验没去备案，会怎么处理？", article, "（一）")
    assert intro is not None and intro.startswith("第一百二十七条")
    assert intro.endswith("处十万元以上五十万元以下的罚款：")
    # A list of requirements, not of cases: no introduction states what follows.
    duties = (
        "第五十二条 从事药品经营活动应当具备以下条件，不具备的，责令改正，处五万元罚款：\n\n"
        "（一）有依法经过资格认定的药师；\n\n（二）有与所经营药品相适应的营业场所。"
    )
    assert _consequence("开药店没有药师，会怎么处理？", duties, "（一）") is None


def test_a_liability_question_gets_the_introduction_stating_it() -> None:
    article = (
        "第六十七条 工程监理单位有下列行为之一的，责令改正，处50万元以上100万元以下的罚款；"
        "造成损失的，承担连带赔偿责任：\n\n（一）与施工单位串通，弄虚作假的；\n\n"
        "（二）将不合格的建筑材料按照合格签字的。"
    )
    units = _chosen(
        "监理单位把不合格的建筑材料按照合格签字，要承担什么赔偿责任？",
        article,
        ("第八章", "第六十七条"),
    )
    assert units[0].startswith("第六十七条") and "承担连带赔偿责任" in units[0]
    assert units[-1].startswith("（二）")


def test_a_case_is_not_widened_when_no_consequence_is_asked() -> None:
    # Asking whether a deed is among the cases, not what follows: the item answers.
    units = _chosen(
        "发现认证机构不再符合批准条件却不撤销批准文件，属于哪一项情形？",
        CASES_ARTICLE,
        ("第六章", "第六十九条"),
    )
    assert not any("降级或者撤职" in u for u in units)


def test_an_answer_never_stops_at_a_colon_whatever_is_asked() -> None:
    # 怎么处理 asks a penalty; the introduction states none and no item states one, yet
    # the asked item (（三）收缴…) is what answers, shown after its introduction.
    article = (
        "第五十三条 开展农产品质量安全监督检查，有权采取下列措施：\n\n"
        "（一）进入生产经营场所进行现场检查；\n\n"
        "（二）查阅、复制农产品生产记录；\n\n"
        "（三）收缴伪造的农产品质量标志。"
    )
    units = _chosen(
        "开展农产品质量安全监督检查，发现伪造的农产品质量标志可以怎么处理？",
        article,
        ("第六章", "第五十三条"),
    )
    assert not units[-1].rstrip().endswith(("：", ":"))
    assert any("收缴伪造的农产品质量标志" in u for u in units)


def test_an_introduction_stating_the_asked_amount_still_comes_with_its_items() -> None:
    article = (
        "第五十六条 违反本条例规定，建设单位有下列行为之一的，责令改正，处20万元以上50万元以下"
        "的罚款：\n\n（一）迫使承包方以低于成本的价格竞标的；\n\n"
        "（二）未按照国家规定将竣工验收报告报送备案的。"
    )
    units = _chosen("建设单位没按规定报送备案，罚多少？", article, ("第八章", "第五十六条"))
    assert "处20万元以上50万元以下的罚款" in units[0]
    assert not units[-1].rstrip().endswith(("：", ":"))


def test_a_case_asked_by_amount_keeps_its_introduction_over_another_articles_amount() -> None:
    # 罚多少: the best sentence is the case (（一）超出批准范围从事认证活动的；); the next
    # passage states an amount for a similar deed. The case's introduction answers.
    first = (
        "第五十九条 认证机构有下列情形之一的，责令改正，处5万元以上20万元以下的罚款：\n\n"
        "（一）超出批准范围从事认证活动的；\n\n（二）增加、减少认证规则规定的程序的。"
    )
    second = (
        "第五十七条 经登记设立的境外认证机构代表机构在境内从事认证活动的，责令改正，"
        "处10万元以上50万元以下的罚款。"
    )
    chunks = [
        Chunk("car:0", "car", ("第五十九条",), ("第五十九条",), first, (0, len(first))),
        Chunk(
            "car:1",
            "car",
            ("第五十七条",),
            ("第五十七条",),
            second,
            (len(first) + 2, len(first) + 2 + len(second)),
        ),
    ]
    passages = [Passage(i + 1, c, DOCS[0].title, "", 1.0 - i / 10) for i, c in enumerate(chunks)]
    analysis = analyse("认证机构超出批准范围从事认证活动会被罚多少？", DOCS)
    evidence = score_evidence(analysis, passages, {}, {})
    assert evidence[0].text.startswith("（一）超出批准范围")  # the premise of the test
    units = [e.text for e in choose_evidence(evidence, analysis, (), passages)]
    assert "处5万元以上20万元以下的罚款" in units[0]
    assert units[-1].startswith("（一）超出批准范围从事认证活动的")


def test_a_paragraph_referring_back_to_the_answer_comes_with_it() -> None:
    # 前款 makes the second 款 a condition on the first: what must follow the 限价 the
    # first 款 allows, which is what the question asks.
    article = (
        "第三十条 当重要商品价格显著上涨时，省、自治区、直辖市人民政府可以对部分价格采取"
        "规定限价等干预措施。\n\n"
        "省、自治区、直辖市人民政府采取前款规定的干预措施，应当报国务院备案。"
    )
    (unit,) = _chosen(
        "省里对涨得很凶的商品规定了限价，事后要报给谁?", article, ("第四章", "第三十条")
    )
    assert unit.startswith("第三十条") and unit.endswith("应当报国务院备案。")
    # A 款 that does not refer back is another rule, and stays out (also ARTICLE above).
    other = article.replace("采取前款规定的干预措施", "采取价格调控措施")
    (unit,) = _chosen(
        "省里对涨得很凶的商品规定了限价，事后要报给谁?", other, ("第四章", "第三十条")
    )
    assert "备案" not in unit


def test_a_paragraph_referring_back_comes_after_what_it_refers_to() -> None:
    # 前款规定以外的处方药 means nothing without the 款 naming the drugs it sets apart.
    article = (
        "第十五条 麻醉药品、精神药品等特殊药品，不得作广告。\n\n"
        "前款规定以外的处方药，只能在国务院卫生行政部门指定的医学、药学专业刊物上作广告。"
    )
    (unit,) = _chosen("处方药只能在哪里登广告?", article, ("第二章", "第十五条"))
    assert unit.startswith("第十五条 麻醉药品") and unit.endswith("专业刊物上作广告。")


HEAVIER = (
    "第十六条 经营者有下列情形之一的，应当从重处罚：\n\n（一）价格违法行为严重或者社会影响较大的；"
    "\n\n（二）屡查屡犯的；\n\n（三）伪造、涂改或者转移、销毁证据的；"
    "\n\n（四）应予从重处罚的其他价格违法行为。"
)


def test_a_catch_all_item_is_answered_by_its_list() -> None:
    # （四）…其他价格违法行为 repeats the question's words best and names no case.
    units = _chosen("价格违法碰到哪些情况会被从重处罚?", HEAVIER, ("第二章", "第十六条"))
    shown = "".join(units)
    assert "应当从重处罚：" in shown and "（一）价格违法行为严重" in shown
    assert not shown.startswith("（四）")


def test_an_item_naming_others_before_the_last_is_a_case() -> None:
    from qa.answer.evidence import Evidence
    from qa.answer.structure import is_catch_all

    def item(text: str, start: int) -> Evidence:
        return Evidence(1, "d", (start, start + len(text)), text, 1.0)

    items = [
        item("（一）在食品中添加食品添加剂以外的化学物质和其他可能危害人体健康的物质；", 0),
        item("（二）法律、法规规定的其他情形。", 50),
    ]
    assert not is_catch_all(items, 0) and is_catch_all(items, 1)
