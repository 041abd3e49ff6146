"""Question analysis and answer assembly (pure functions, synthetic passages)."""

from conftest import make_document

from qa.answer.answer_unit import choose_evidence
from qa.answer.cited_figures import relevant_figures
from qa.answer.evidence import Evidence, clause_window, score_evidence
from qa.answer.evidence_weights import FEATURES, HEADING
from qa.answer.text import sentences_text
from qa.ingest.figures import extract_figures
from qa.retrieve.places import place_aliases
from qa.retrieve.query import analyse
from qa.retrieve.thesaurus import Thesaurus
from qa.types import AnswerSentence, Chunk, Citation, Document, Figure, Passage


def compose(chosen: list[Evidence], labels: dict[str, str] | None = None) -> str:
    return sentences_text(
        [
            AnswerSentence(
                e.text,
                (Citation(e.passage_rank, e.doc_id, e.span),),
                labels[e.doc_id] if labels else "",
            )
            for e in chosen
        ]
    )


def _doc(doc_id: str, region: str, title: str = "") -> Document:
    return make_document(doc_id=doc_id, region=region, title=title or f"{region}质量强市意见")


DOCS = [
    _doc("xm", "厦门市"),
    _doc("alxa", "阿拉善盟", "推進質量強盟戰略實施意見"),
    _doc("fj", "福建省"),
]


def test_place_aliases_strip_one_suffix() -> None:
    assert place_aliases("厦门市") == {"厦门市", "厦门"}
    assert place_aliases("阿拉善盟") == {"阿拉善盟", "阿拉善"}
    assert place_aliases("市") == {"市"}


def test_analyse_finds_places_in_order_of_mention_across_scripts() -> None:
    a = analyse("阿拉善和廈門的森林覆蓋率分别是多少?", DOCS)
    assert a.doc_ids == ("alxa", "xm")
    assert a.wants_figure
    assert not any("厦门" in t or "阿拉善" in t for t in a.content_tokens)
    assert "覆盖率" in a.content_tokens


def test_analyse_unknown_place_and_year() -> None:
    a = analyse("上海市2030年的目标是什么?", DOCS)
    assert a.doc_ids == ()
    assert a.unknown_places == ("上海市",)
    assert a.years == ("2030",)


def test_analyse_document_named_by_title() -> None:
    assert analyse("《推进质量强盟战略实施意见》提出了什么?", DOCS).doc_ids == ("alxa",)


def test_analyse_across_documents() -> None:
    assert analyse("各地监督抽查合格率的目标分别是多少?", DOCS).across_documents
    assert not analyse("厦门监督抽查合格率的目标是多少?", DOCS).across_documents


def test_a_body_named_in_a_question_asking_a_time_is_not_asked() -> None:
    situation = "车企收到主管部门的召回通知后，认为没有缺陷，可以在多长时间内提出异议?"
    assert analyse(situation, DOCS).asks_when
    assert not analyse(situation, DOCS).asks_department
    assert analyse("谁主管全国的产品质量监督工作?", DOCS).asks_department
    assert analyse("召回的主管部门是哪个，多少天内要报告?", DOCS).asks_department
    assert analyse("太原保障食品安全的牵头部门是哪个?", DOCS).asks_department


def test_which_points_is_not_what_time() -> None:
    from qa.answer.stated import CLOCK_STATED, time_stated

    # 哪几点 asks which points a rule makes; 几点 alone asks the hour.
    assert not analyse("电梯检测公司给物业做检验检测，应该做到哪几点？", DOCS).asks_when
    assert analyse("晚上几点以后就不能施工了?", DOCS).asks_when
    assert time_stated("晚上几点以后就不能施工了?") is CLOCK_STATED
    assert time_stated("要达到哪几点要求?") is not CLOCK_STATED


def test_naming_two_documents_compares_them() -> None:
    # no cue word: the named documents are the comparison
    assert analyse("比较一下厦门、福建对首席质量官的要求。", DOCS).across_documents
    assert not analyse("比较一下厦门对首席质量官的要求。", DOCS).across_documents


def test_which_few_asks_across_documents_only_of_places() -> None:
    assert analyse("哪几个城市提出了森林覆盖率目标?", DOCS).across_documents
    assert analyse("各个地方的质量奖奖金分别是多少?", DOCS).across_documents
    # counting months, steps or towns is about one document's content
    assert not analyse("创建工作的巩固提升阶段安排在哪几个月?", DOCS).across_documents
    assert not analyse("环评管理机制分成哪几个环节?", DOCS).across_documents
    assert not analyse("各个镇街在花钱支持质量工作上要做什么?", DOCS).across_documents


def _passage(rank: int, text: str, doc_id: str = "xm", start: int = 0) -> Passage:
    chunk = Chunk(
        f"{doc_id}:{start}", doc_id, ("二、目标",), ("二、",), text, (start, start + len(text))
    )
    return Passage(rank, chunk, "标题", "厦门市", 1.0 / rank)


def test_best_sentence_is_the_one_with_the_question_words() -> None:
    text = "加强质量基础建设。到2018年，森林覆盖率达到45%以上。完善考核机制。"
    passages = [_passage(1, text, start=100)]
    a = analyse("厦门到2018年森林覆盖率要达到多少?", DOCS)
    evidence = score_evidence(a, passages, {}, {})
    chosen = choose_evidence(evidence, a)
    assert chosen[0].text == "到2018年，森林覆盖率达到45%以上。"
    assert text[chosen[0].span[0] - 100 : chosen[0].span[1] - 100] == chosen[0].text
    assert compose(chosen) == "到2018年，森林覆盖率达到45%以上。[1]"


def test_per_document_choice_covers_each_place() -> None:
    passages = [
        _passage(1, "厦门森林覆盖率达到45%。", "xm"),
        _passage(2, "厦门绿化。", "xm", 50),
        _passage(3, "阿拉善森林覆盖率达到8%。", "alxa"),
    ]
    a = analyse("厦门和阿拉善的森林覆盖率分别是多少?", DOCS)
    chosen = choose_evidence(score_evidence(a, passages, {}, {}), a, per_document=a.doc_ids)
    assert [e.doc_id for e in chosen] == ["xm", "alxa"]
    text = compose(chosen, {"xm": "厦门市", "alxa": "阿拉善盟"})
    assert text.splitlines() == [
        "厦门市：厦门森林覆盖率达到45%。[1]",
        "阿拉善盟：阿拉善森林覆盖率达到8%。[3]",
    ]


def test_clause_window_keeps_the_answering_clauses_of_a_long_sentence() -> None:
    filler = "，".join(f"推进第{i}项工作" for i in range(30))
    text = f"{filler}，森林覆盖率达到45%，{filler}。"
    lo, hi = clause_window(text, {"森林": 1.0, "覆盖率": 1.0}, limit=40)
    assert "森林覆盖率达到45%" in text[lo:hi]
    assert hi - lo <= 40


def test_clause_window_for_a_figure_question_keeps_the_clause_stating_the_number() -> None:
    filler = "，".join("加强大气污染防治工作" for _ in range(30))
    text = f"提升空气质量，{filler}，城市空气质量达标率达到65%以上，{filler}。"
    weights = {"空气质量": 4.0}
    lo, hi = clause_window(text, weights, limit=60)
    assert text[lo:hi] == "提升空气质量"  # the shortest run with the word
    lo, hi = clause_window(text, weights, limit=60, wants_figure=True)
    assert "城市空气质量达标率达到65%以上" in text[lo:hi]


def test_clause_window_keeps_a_list_joined_by_enumeration_commas_whole() -> None:
    filler = "，".join(f"推进第{i}项工作" for i in range(30))
    text = f"{filler}，形成质量强市、质量强镇、质量强业、质量强企四层工作格局，{filler}。"
    lo, hi = clause_window(text, {"四层": 1.0, "工作": 0.2, "格局": 1.0}, limit=60)
    assert text[lo:hi] == "形成质量强市、质量强镇、质量强业、质量强企四层工作格局"
    # …but a single clause too long to show whole is still cut at its 、
    items = "、".join(f"第{i}类产品" for i in range(40))
    long_clause = f"重点抽查{items}及森林覆盖率，{filler}。"
    lo, hi = clause_window(long_clause, {"森林": 1.0, "覆盖率": 1.0}, limit=40)
    assert "森林覆盖率" in long_clause[lo:hi] and hi - lo <= 40


def test_figures_shown_are_verbatim_in_their_passage() -> None:
    text = "到2018年，森林覆盖率达到45%以上。"
    passage = _passage(1, text, start=10)
    good = Figure(
        "xm",
        ("二、目标",),
        "森林覆盖率",
        "45",
        45.0,
        "%",
        "at_least",
        2018,
        "",
        "森林覆盖率达到45%以上",
        (17, 29),
    )
    forged = Figure(
        "xm",
        ("二、目标",),
        "森林覆盖率",
        "50",
        50.0,
        "%",
        "at_least",
        2018,
        "",
        "森林覆盖率达到50%以上",
        (17, 29),
    )
    a = analyse("森林覆盖率目标是多少?", DOCS)
    chosen = choose_evidence(score_evidence(a, [passage], {1: [good, forged]}, {}), a)
    shown = relevant_figures(chosen, {1: [good, forged]}, a, [passage])
    assert [c.figure.value for c in shown] == ["45"]
    assert shown[0].passage_rank == 1


def test_comparison_leaves_out_documents_without_an_answer() -> None:
    passages = [
        _passage(1, "厦门监督抽查合格率稳定在94%以上。", "xm"),
        _passage(2, "太原要加强组织领导，落实工作责任。", "ty", 50),
    ]
    docs = [*DOCS, _doc("ty", "太原市")]
    a = analyse("各地监督抽查合格率的目标分别是多少?", docs)
    chosen = choose_evidence(score_evidence(a, passages, {}, {}), a, per_document=["xm", "ty"])
    assert [e.doc_id for e in chosen] == ["xm"]


def test_comparison_table_keeps_figures_on_the_asked_indicator() -> None:
    from qa.answer.cited_figures import on_indicator
    from qa.types import CitedFigure

    def cited(indicator: str) -> CitedFigure:
        return CitedFigure(
            Figure("xm", (), indicator, "90", 90.0, "%", "at_least", None, "", indicator, (0, 1)), 1
        )

    a = analyse("各地监督抽查合格率的目标分别是多少?", DOCS)
    kept = on_indicator(
        [cited("国家监督抽查合格率"), cited("质量安全监测合格率"), cited("制造业质量竞争力指数")], a
    )
    assert [c.figure.indicator for c in kept] == ["国家监督抽查合格率"]


# -- the unit shown: lists with their items, notes with their task, no dangling commas --


def _chosen(question: str, text: str, doc_id: str = "xm") -> list[str]:
    passages = [_passage(1, text, doc_id, start=10)]
    a = analyse(question, DOCS)
    evidence = score_evidence(a, passages, {}, {})
    return [e.text for e in choose_evidence(evidence, a, (), passages)]


def test_a_sentence_introducing_a_list_comes_with_its_items() -> None:
    text = (
        "第三十九条 消费者和经营者发生消费者权益争议的，可以通过下列途径解决：\n"
        "（一）与经营者协商和解；\n（二）请求消费者协会调解；\n（三）向人民法院提起诉讼。\n"
        "第四十条 其他规定。"
    )
    (unit,) = _chosen("消费者和经营者发生争议可以通过哪些途径解决?", text)
    assert unit.startswith("第三十九条") and unit.endswith("向人民法院提起诉讼。")
    assert "第四十条" not in unit


def test_a_department_note_comes_with_the_task_it_closes() -> None:
    text = (
        "开展农产品质量安全专项整治，建立健全监管长效机制。"
        "(牵头部门:市食药监局。责任单位:市农委、市质监局)\n"
        "构建企业法人代表(负责人)、质量管理人员三级责任体系。"
    )
    (unit,) = _chosen("农产品质量安全专项整治由哪个部门牵头?", text)
    assert unit.startswith("开展农产品") and unit.endswith("市质监局)")


def test_the_note_closing_an_item_names_who_leads_it_sentences_later() -> None:
    text = (
        "14、构建市场监管体系。以两建工作为契机，全力构建政府负责、部门监管的市场监管体系。"
        "加强日常监管，强化退出机制。定期发布全市质量状况分析报告。"
        "(市两建工作领导小组牵头，市质监局、市工商局配合)"
    )
    units = _chosen("构建市场监管体系由谁牵头?", text)
    assert units[-1].startswith("(市两建工作领导小组牵头")
    # a task whose own sentence names who leads needs no note
    led = "建设电梯应急平台，由市质监局牵头。加强日常监管。(市工商局负责)"
    assert _chosen("电梯应急平台由谁牵头?", led) == ["建设电梯应急平台，由市质监局牵头。"]


def test_a_document_of_a_comparison_is_not_answered_by_its_heading() -> None:
    from qa.answer.evidence_weights import FEATURES

    def scored(doc_id: str, text: str, score: float, heading: bool) -> Evidence:
        features = tuple(
            float(heading) if name == "heading" else 0.5 if name == "coverage" else 0.0
            for name in FEATURES
        )
        return Evidence(1, doc_id, (0, len(text)), text, score, features)

    # The heading scores highest (it holds every asked word), as it did for 东莞's
    # (一)总体目标; the document is answered by its best other sentence naming the topic.
    evidence = [
        scored("xm", "（一）总体目标", 1.0, heading=True),
        scored("fj", "（一）总体目标", 0.9, heading=True),
        scored("xm", "到2018年，实现总体目标，建设质量强市取得明显成效。", 0.6, heading=False),
        scored("fj", "到2015年，总体目标是建立比较完善的质量工作机制。", 0.5, heading=False),
    ]
    a = analyse("各地的质量总体目标分别定在哪一年实现?", DOCS)
    chosen = choose_evidence(evidence, a, ("xm", "fj"))
    assert [e.text for e in chosen] == [
        "到2018年，实现总体目标，建设质量强市取得明显成效。",
        "到2015年，总体目标是建立比较完善的质量工作机制。",
    ]


def test_a_markdown_title_line_is_never_the_answer() -> None:
    text = "# 家用汽车产品修理更换退货责任规定\n本规定所称家用汽车产品，是指消费者为生活消费需要而购买和使用的乘用车。"
    (unit,) = _chosen("家用汽车产品修理更换退货责任规定里的家用汽车产品指什么?", text)
    assert unit.startswith("本规定所称")


def test_a_clause_window_ends_at_its_clause_not_on_a_comma() -> None:
    long = (
        "产品质量——生产加工环节及流通领域的产品质量安全水平稳定提高,主要工业产品85%以上按国际标准或国外先进标准组织生产,"
        "国家监督抽查合格率高于90%,全市重点产品监督抽查不合格发现率低于6%,重点食品监督抽查不合格发现率低于5%,"
        "全市主要农产品抽检合格率高于98%,进出口工业产品法检合格率居于全国城市前列,出口商品遭境外通报比率低于全国平均水平。"
    )
    (unit,) = _chosen("厦门国家监督抽查合格率要达到多少?", long)
    assert "国家监督抽查合格率高于90%" in unit and not unit.endswith((",", "，"))


def test_a_definition_answers_with_the_sentence_defining_the_asked_term() -> None:
    text = (
        "第二条 特种设备的生产（包括设计、制造、安装）、经营、使用，适用本法。\n"
        "本法所称特种设备，是指锅炉、压力容器（含气瓶）、压力管道、电梯、起重机械。\n"
        "国家对特种设备实行目录管理。"
    )
    # The first sentence holds the question's own cue word (包括) and its subject; only
    # the second defines the subject, and it is shown alone, not after its neighbour.
    assert _chosen("特种设备包括哪些?", text) == [
        "本法所称特种设备，是指锅炉、压力容器（含气瓶）、压力管道、电梯、起重机械。"
    ]


def test_definition_subject_and_defining_sentences() -> None:
    from qa.answer.evidence import defines, definition_subject

    assert definition_subject("特种设备包括哪些?") == "特种设备"
    assert definition_subject("什么是缺陷?") == "缺陷"
    assert definition_subject("产品质量法所称产品是指什么?") == "产品"
    assert definition_subject("规定里的家用汽车产品指什么?") == "家用汽车产品"
    assert definition_subject("厦门的目标是多少?") == ""
    # asked as 是什么意思, and a quoted term is the one asked
    assert definition_subject("三包有效期是什么意思?") == "三包有效期"
    assert definition_subject("建设单位“肢解发包”工程是什么意思?") == "肢解发包"
    assert analyse("肢解发包是什么意思?", DOCS).asks_definition
    assert defines("第二条 标准包括国家标准、行业标准", "标准")
    assert defines("本规定所称家用汽车产品（以下简称家用汽车），是指乘用车", "家用汽车产品")
    assert not defines("国家标准分为强制性标准、推荐性标准", "标准")
    assert not defines("标准包括国家标准", "")
    # The term named after its description (…为X, …以下称X), closing its clause.
    assert defines(
        "第十一条 在我国境内首次使用于化妆品的天然或者人工原料为化妆品新原料。", "新原料"
    )
    assert defines(
        "国务院授权的市场监督管理部门，以下称地方认证监督管理部门。", "地方认证监督管理部门"
    )
    assert not defines("以新原料为主要成分的化妆品应当注册。", "新原料")
    assert not defines("将新原料作为普通原料使用的，责令改正。", "新原料")
    assert not defines("对符合要求的化妆品新原料准予注册。", "新原料")
    assert not defines("发布广告的行为属于虚假广告。", "虚假广告")


def test_a_term_defined_with_a_bare_zhi_is_the_definition() -> None:
    # X，指… carries no cue word (是指, 包括); the sentence defining the asked term still
    # wins over a neighbour that defines another term with a cue word in it.
    text = (
        "第四十条 本规定下列用语的含义：\n"
        "严重安全性能故障，指家用汽车产品存在的危及人身安全的质量问题，包括起火等情形。\n"
        "家用汽车产品，指消费者为生活消费需要而购买和使用的乘用车和皮卡车。"
    )
    assert _chosen("规定里的家用汽车产品指什么?", text) == [
        "家用汽车产品，指消费者为生活消费需要而购买和使用的乘用车和皮卡车。"
    ]


def test_an_exception_clause_comes_with_the_rule_it_qualifies() -> None:
    text = (
        "第二条 建设工程不适用本法规定；但是，建设工程使用的建筑材料、建筑构配件和设备，"
        "属于前款规定的产品范围的，适用本法规定。"
    )
    # The 但是 clause holds the question's words, but it qualifies the rule before it.
    for question in ("产品质量法适用于建设工程吗?", "建设工程使用的建筑材料适用产品质量法吗?"):
        (answer,) = _chosen(question, text)
        assert "建设工程不适用本法规定；但是" in answer
        assert answer.endswith("适用本法规定。")


def test_an_exception_after_a_full_stop_comes_with_its_rule_when_both_are_short() -> None:
    text = (
        "第三十五条 国家对食品生产经营实行许可制度。从事食品销售，应当依法取得许可。"
        "但是，仅销售预包装食品的，不需要取得许可。"
    )
    # The release from the duty (不需要) answers 要不要; it is shown after the duty.
    assert _chosen("只卖预包装食品要不要取得许可?", text) == [
        "从事食品销售，应当依法取得许可。但是，仅销售预包装食品的，不需要取得许可。"
    ]


def test_a_question_about_one_item_of_a_list_is_answered_by_that_item() -> None:
    text = (
        "第二十七条 产品或者其包装上的标识必须真实，并符合下列要求：\n"
        "（一）有产品质量检验合格证明；\n"
        "（二）根据产品的特点和使用要求，需要标明产品规格的，予以标明；\n"
        "需要事先让消费者知晓的，应当在外包装上标明；\n"
        "（三）限期使用的产品，应当在显著位置清晰地标明生产日期和失效日期；\n"
        "（四）使用不当容易造成产品损坏的产品，应当有警示标志。\n"
        "第二十八条 其他规定。"
    )
    # The item runs on after a sentence that opens with no item label; it is still found.
    assert _chosen("限期使用的产品，标识上必须标明哪些日期?", text) == [
        "（三）限期使用的产品，应当在显著位置清晰地标明生产日期和失效日期；"
    ]
    # A question about the list as a whole still gets the list (as far as it fits).
    (unit,) = _chosen("产品标识必须符合哪些要求?", text)
    assert unit.startswith("第二十七条") and "（一）有产品质量检验合格证明" in unit
    assert "第二十八条" not in unit


def test_a_count_question_takes_the_sentence_counting_what_is_asked() -> None:
    text = (
        "第十七条 核查人员依照本条例规定的条件对企业进行实地核查。"
        "实地核查时，主管部门应当指派2至4名核查人员。"
    )
    # The best sentence by its words states no number; the next one counts the people.
    assert _chosen("实地核查一般会来几个人?", text) == [
        "实地核查时，主管部门应当指派2至4名核查人员。"
    ]
    # A count of something else (驰名商标达200件) does not answer 多少件 发明专利.
    other = (
        "加大对发明专利的资助力度，提高企业发明专利拥有量。"
        "到2015年，驰名商标达200件，著名商标达3000件。"
    )
    assert _chosen("发明专利拥有量的目标是多少件?", other)[0] == (
        "加大对发明专利的资助力度，提高企业发明专利拥有量。"
    )


def test_who_asks_for_a_party_as_well_as_a_department() -> None:
    text = (
        "第十五条 制定标准，应当对有关行政主管部门、企业和消费者的实际需求进行调查。"
        "第十九条 企业可以根据需要自行制定企业标准。"
    )
    # 谁 alone does not make a department the answer (主管部门 in the first sentence).
    assert _chosen("企业标准是由谁来制定的?", text) == [
        "第十九条 企业可以根据需要自行制定企业标准。"
    ]
    assert analyse("质量强市工作由谁牵头?", DOCS).asks_department
    assert not analyse("企业标准是由谁来制定的?", DOCS).asks_department


def test_a_money_question_takes_the_close_sentence_stating_an_amount() -> None:
    text = (
        "大力实施品牌战略，鼓励企业争创全国驰名商标，政府给予支持。"
        "加强品牌宣传推介。"
        "对获得中国驰名商标的企业奖励50万元。"
    )
    # The first sentence holds more of the words; the last states the amount asked.
    assert _chosen("企业被评为全国驰名商标，政府奖多少钱?", text) == [
        "对获得中国驰名商标的企业奖励50万元。"
    ]


def test_a_negated_question_is_answered_by_the_sentence_negating_the_same() -> None:
    from qa.answer.evidence import negated_verbs, negates

    assert negated_verbs("大家也没委托物业，出了问题该谁管?") == ("委",)
    assert negated_verbs("厂家在什么情况下可以不用赔?") == ("赔",)
    assert negated_verbs("能不能退货？有没有规定?") == ()  # yes/no questions negate nothing
    assert negates("共有人未委托的，由共有人履行管理义务。", ["委"])
    assert negates("生产者能够证明的，不承担赔偿责任。", ["赔"])
    assert not negates("共有人可以委托物业服务单位管理。", ["委"])
    text = (
        "第三十八条 特种设备属于共有的，共有人可以委托物业服务单位或者其他管理人管理特种设备。"
        "共有人未委托的，由共有人或者实际管理人履行管理义务。"
    )
    a = analyse("电梯归业主共有，没委托物业，由谁管理?", DOCS)
    best = score_evidence(a, [_passage(1, text, "xm", start=10)], {}, {})[0]
    assert best.text.startswith("共有人未委托的")


def _negation_by_sentence(question: str, text: str) -> dict[str, float]:
    """The negation feature of each sentence of ``text`` (keyed by its first four
    characters), best sentence first, for ``question``."""
    scored = score_evidence(analyse(question, DOCS), [_passage(1, text, "xm", start=10)], {}, {})
    return {e.text[:4]: e.features[FEATURES.index("negation")] for e in scored}


def test_a_question_asking_what_may_not_be_done_is_answered_by_the_prohibition() -> None:
    # 不能交给…生产 negates no verb of the article (它写委托生产), but asks what is
    # forbidden, which the article's 不得 states.
    text = (
        "第三十二条 药品上市许可持有人可以自行生产药品，也可以委托药品生产企业生产。"
        "委托生产的，应当委托符合条件的药品生产企业。"
        "血液制品、麻醉药品、精神药品不得委托生产。"
    )
    ranked = _negation_by_sentence("哪些药品不能委托别的企业生产?", text)
    assert next(iter(ranked)) == "血液制品" and ranked["血液制品"] == 1.0
    # 不准的量具 is an inaccurate one, not a prohibition.
    assert _negation_by_sentence("用了不准的量具造成损失，要没收什么?", text)["血液制品"] == 0.0


def test_may_one_do_it_is_answered_by_the_prohibition_not_whether_one_must() -> None:
    text = (
        "第十三条 广告主可以委托广告经营者设计、制作广告。"
        "禁止在大众传播媒介或者公共场所、公共交通工具、户外发布烟草广告。"
        "发布烟草广告应当遵守国家有关规定。"
    )
    # 可以…吗 asks whether one may: the prohibition answers it outright.
    assert _negation_by_sentence("烟草广告可以在公交车上投放吗?", text)["禁止在大"] == 1.0
    # 要不要 asks whether one must, and 怎么 how: no prohibition is preferred.
    assert _negation_by_sentence("发布烟草广告要不要遵守规定?", text)["禁止在大"] == 0.0
    assert _negation_by_sentence("法律允许烟草广告怎么发布?", text)["禁止在大"] == 0.0


def test_a_long_sentence_before_the_answer_is_not_prepended() -> None:
    question = "阿拉善提升环境质量最终要全面打造什么?"
    answer = "推进节能减排，削减主要污染物排放总量，全面打造北疆亮丽风景线。"
    # 打造 is the rare word: the answer is the best sentence; 环境质量, common, is only in
    # the sentence before, which is added when short and left out when it would bury it.
    idf = {"打造": 5.0, "全面": 2.0, "提升": 0.2, "环境": 0.2, "质量": 0.2}
    a = analyse(question, DOCS)
    for before, shown in (
        ("提升环境质量。", ["提升环境质量。", answer]),
        ("提升环境质量，" + "加大大气污染防治力度，组织实施主要污染物减排" * 6 + "。", [answer]),
    ):
        passages = [_passage(1, before + answer, "alxa", start=10)]
        chosen = choose_evidence(score_evidence(a, passages, {}, idf), a, (), passages)
        assert [e.text for e in chosen] == shown


def test_a_completed_follow_up_is_answered_by_the_words_just_asked() -> None:
    from dataclasses import replace

    # 消费者权益保护法 第五十五条, and the idf its words have in the v2 evaluation index.
    text = (
        "第五十五条 经营者提供商品或者服务有欺诈行为的，应当按照消费者的要求增加赔偿其受到的"
        "损失，增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；"
        "增加赔偿的金额不足五百元的，为五百元。法律另有规定的，依照其规定。\n"
        "经营者明知商品或者服务存在缺陷，仍然向消费者提供，造成消费者或者其他受害人死亡或者"
        "健康严重损害的，受害人有权要求经营者依照本法第四十九条、第五十一条等法律规定赔偿损失，"
        "并有权要求所受损失二倍以下的惩罚性赔偿。"
    )
    idf = {"经营": 1.3, "经营者": 2.0, "欺诈": 6.1, "行为": 2.4, "增加": 5.0, "赔偿": 3.0}
    idf |= {"金额": 3.8, "明知": 5.0, "商品": 2.8, "缺陷": 3.1, "还": 4.2, "结果": 3.1, "人": 3.9}
    resolved = "经营者有欺诈行为的，增加赔偿的金额是多少?要是明知商品有缺陷还卖，结果把人害死了呢?"
    asked = analyse("要是明知商品有缺陷还卖，结果把人害死了呢?", DOCS).content_tokens
    passages = [_passage(1, text, "xm", start=0)]
    figures = {1: extract_figures(make_document(text=text, doc_id="xm"))}  # 三倍 is no figure
    whole = analyse(resolved, DOCS)
    follow_up = replace(whole, asked_tokens=asked)
    assert "惩罚性赔偿" in score_evidence(follow_up, passages, figures, idf)[0].text
    assert "三倍" in score_evidence(whole, passages, figures, idf)[0].text  # the frame alone


def test_a_cover_line_names_its_document_and_answers_nothing() -> None:
    cover = "关于印发《东莞市创建全国质量强市示范城市工作方案》的通知"
    body = "到2014年，创建工作顺利通过全国质量强市示范城市验收考核。"
    a = analyse("什么是质量强市示范城市?", DOCS)
    passages = [_passage(1, cover + "\n" + body, "xm", start=0)]
    evidence = score_evidence(a, passages, {}, {})
    assert evidence[0].text == body
    # With its document number it answers a 文号 question.
    numbered = "东府办〔2013〕3号" + cover
    a = analyse("东莞方案的文号是什么?", DOCS)
    evidence = score_evidence(a, [_passage(1, numbered + "\n" + body, "xm", start=0)], {}, {})
    assert evidence[0].text.startswith("东府办〔2013〕3号")


def test_the_preamble_of_a_gongwen_answers_nothing_but_its_number() -> None:
    from dataclasses import replace

    # 太原's preamble: its cover line opened by the number, the title, the salutation.
    title = "某市贯彻实施质量发展纲要2014年行动计划"
    preamble = (
        f"并政办发〔2014〕50号《某市人民政府办公厅关于印发{title}的通知》\n"
        "各县(市、区)人民政府,各开发区(园区)管委会,市直各委、局、办,各有关单位:\n"
        f"{title}\n"
    )
    body = "建立质量工作财政稳定投入机制。"
    passage = replace(_passage(1, preamble + body, "ty"), doc_title=title)
    for question in ("质量工作的经费从哪里来?", "某市质量发展纲要行动计划各有关单位要做什么?"):
        evidence = score_evidence(analyse(question, DOCS), [passage], {}, {})
        headings = [e.text for e in evidence if e.features[HEADING] == 1.0]
        assert len(headings) == 3, (question, headings)
    evidence = score_evidence(analyse("某市行动计划的文号是什么?", DOCS), [passage], {}, {})
    assert evidence[0].text.startswith("并政办发〔2014〕50号")


def test_the_transmittal_sentence_of_a_notice_answers_only_who_sent_it() -> None:
    from dataclasses import replace

    # 太原's notice sends the plan with one sentence naming it; that sentence shares the
    # plan's words (质量, 发展) with nearly every question and answers none of them.
    title = "某市贯彻实施质量发展纲要2014年行动计划"
    sent = f"《{title}》已经市人民政府同意,现印发给你们,请按照执行。"
    body = "加大对质量违法案件和质量失信企业的曝光力度。"
    passage = replace(_passage(1, sent + "\n" + body, "ty"), doc_title="某市人民政府办公厅通知")
    question = "某市质量发展行动计划对质量违法怎么曝光?"
    evidence = score_evidence(analyse(question, DOCS), [passage], {}, {})
    assert evidence[0].text == body
    assert [e.features[HEADING] for e in evidence if e.text == sent] == [1.0]
    # 现将…印发给你们 is the other way a notice sends a plan.
    other = "现将《某市质量发展行动计划》印发给你们，请认真贯彻执行。"
    passage = replace(_passage(1, other + "\n" + body, "ty"), doc_title="某市人民政府办公厅通知")
    evidence = score_evidence(analyse(question, DOCS), [passage], {}, {})
    assert evidence[0].text == body
    # Who approved the plan is what the transmittal sentence states.
    approved = score_evidence(analyse("某市质量发展行动计划经谁同意印发?", DOCS), [passage], {}, {})
    assert approved[0].text == other


def test_a_when_question_is_answered_by_the_sentence_stating_a_time() -> None:
    analysis = analyse("东莞创建工作的总结验收阶段安排在什么时候?", [])
    assert analysis.asks_when
    undated = Evidence(
        1, "dg", (0, 30), "质量强市领导小组办公室组织开展总结验收阶段的评估考核。", 2.0
    )
    dated = Evidence(1, "dg", (40, 60), "总结验收阶段(2014年11月至12月)。", 1.5)
    far = Evidence(4, "dg", (900, 920), "全面推进阶段(2013年1月至2014年6月)。", 1.8)
    assert choose_evidence([undated, far, dated], analysis) == [dated]
    # A question not asking when keeps the best sentence.
    what = analyse("东莞创建工作的总结验收阶段做什么?", [])
    assert choose_evidence([undated, far, dated], what) == [undated]
    # Other ways of asking when: which stretch of time, which year, which months.
    for question in (
        "东莞创建工作的总结验收阶段是哪段时间?",
        "总结验收阶段安排在哪几个月?",
        "厦门是哪一年率先实施质量强市战略的?",
    ):
        assert choose_evidence([undated, far, dated], analyse(question, [])) == [dated]


def test_a_bare_how_much_is_answered_by_a_number_of_the_same_passage() -> None:
    analysis = analyse("退车时的使用补偿系数最高不能超过多少?", [])
    intro = Evidence(1, "law", (0, 30), "消费者更换或者退货的，应当支付使用补偿费。", 2.0)
    capped = Evidence(1, "law", (40, 60), "使用补偿系数n不得高于0.5%。", 1.5)
    other_article = Evidence(2, "law", (0, 30), "单次修理时间超过5日的，应当提供备用车。", 1.8)
    assert choose_evidence([intro, other_article, capped], analysis) == [capped]
    # only the same passage: the next one states some number almost always
    assert choose_evidence([intro, other_article], analysis) == [intro]
    # a question asking no number keeps the best sentence
    what = analyse("退车时要支付什么费用?", [])
    assert choose_evidence([intro, other_article, capped], what) == [intro]


def test_which_time_asks_a_count_of_times() -> None:
    analysis = analyse("同一个问题反复修，修到第几次就可以要求换车?", [])
    days = Evidence(1, "law", (0, 30), "销售者应当自收到要求之日起20个工作日内完成更换。", 2.0)
    times = Evidence(1, "law", (40, 70), "因同一质量问题累计修理超过4次的。", 1.0)
    assert choose_evidence([days, times], analysis) == [times]


def test_a_comparison_quotes_each_documents_sentence_holding_the_quoted_term() -> None:
    analysis = analyse("哪些城市提出要开展“质量月”活动?", [])
    assert analysis.quoted_phrases == ("质量月",)
    general = Evidence(1, "dg", (0, 20), "组织开展城市质量精神征集和研讨活动。", 3.0)
    quoted = Evidence(2, "dg", (30, 50), "精心组织全国“质量月”活动。", 2.0)
    other = Evidence(3, "fj", (0, 20), "广泛开展质量兴业等活动。", 2.5)
    chosen = choose_evidence([general, other, quoted], analysis, per_document=["dg", "fj"])
    # 东莞's sentence holding the quoted term; 福建's holds no 质量月, so it is left out.
    assert chosen == [quoted]


def test_a_comparison_keeps_a_document_stating_the_documents_term_for_an_everyday_word() -> None:
    analysis = analyse("各地分别提到要发挥哪些投诉电话的作用?", [], Thesaurus.load())
    hotline = Evidence(1, "xm", (0, 30), "充分发挥12365、12315等投诉热线的作用。", 2.0)
    channel = Evidence(2, "fj", (0, 30), "畅通12315、12365等质量投诉举报渠道。", 1.5)
    assert choose_evidence([hotline, channel], analysis, per_document=["xm", "fj"]) == [
        hotline,
        channel,
    ]


def test_which_parts_of_a_thing_is_not_which_places() -> None:
    docs = [
        make_document(doc_id="xm", region="厦门市"),
        make_document(doc_id="car", region="", title="家用汽车产品修理更换退货责任规定"),
    ]
    parts = analyse("提车的时候，4S店要和买车的人一起检查哪些地方？", docs)
    assert not parts.across_documents and not parts.across_places
    for question in ("哪些地方提出了森林覆盖率目标?", "全国有哪些地方开展了质量强市活动?"):
        places = analyse(question, docs)
        assert places.across_documents and places.across_places, question


def test_what_happens_to_whoever_fails_a_duty_asks_its_penalty() -> None:
    for question in (
        "国内的认证机构拿到了国外认可机构的认可，却没去备案，会怎样？",
        "公司自己定的产品标准一直没对外公布，被查到了一直不改会怎样?",
        "企业逾期不报告有什么后果?",
    ):
        assert analyse(question, DOCS).asks_penalty, question
    assert not analyse("森林覆盖率提高以后会怎样?", DOCS).asks_penalty


def test_which_ones_is_a_list_not_a_figure() -> None:
    # 哪几块 asks which parts (a list), not how many; 几项 asks a number.
    assert not analyse("东莞在最后验收那一段，要考哪几块的质量？", DOCS).wants_figure
    assert analyse("东莞要创建几项示范工程？", DOCS).wants_figure


def test_what_counts_as_a_term_is_asked_by_the_terms_definition() -> None:
    from qa.answer.evidence import definition_subject

    question = "什么情况算是化妆品不良反应?"
    assert analyse(question, DOCS).asks_definition
    assert definition_subject(question) == "化妆品不良反应"
    endorser = "公司老板亲自出镜给自家产品做推荐，算不算法律意义上的广告代言人?"
    assert definition_subject(endorser) == "广告代言人"
    # asked, then another question: what the reader wants is the second one's answer
    assert not analyse("皮卡车算不算家用汽车，能不能享受三包?", DOCS).asks_definition
    text = (
        "第五十二条 国家建立化妆品不良反应监测制度。"
        "化妆品经营者发现可能与使用化妆品有关的不良反应的，应当报告化妆品不良反应监测机构。"
        "化妆品不良反应是指正常使用化妆品所引起的皮肤及其附属器官的病变。"
    )
    # The reporting duty holds every word of the question too; the definition answers.
    assert _chosen(question, text) == [
        "化妆品不良反应是指正常使用化妆品所引起的皮肤及其附属器官的病变。"
    ]


def test_a_penalty_once_suffered_is_not_a_penalty_imposed() -> None:
    from qa.answer.stated import PENALTY_STATED

    suffered = "对在虚假广告中作推荐、证明受到行政处罚未满三年的自然人，不得利用其作为广告代言人。"
    assert not PENALTY_STATED.search(suffered)
    for imposed in (
        "由市场监督管理部门没收违法所得，并处违法所得一倍以上二倍以下的罚款",
        "由公安机关依法给予治安管理处罚",
        "依法给予处分",
    ):
        assert PENALTY_STATED.search(imposed), imposed


def test_a_penalty_article_does_not_answer_what_the_rule_asks() -> None:
    from qa.answer.evidence_weights import EVIDENCE_WEIGHTS

    # The penalty article repeats the rule's words and ranks first; the rule answers.
    penalty = (
        "第六十五条 违反本条例规定，施工单位未对涉及结构安全的试块取样检测的，责令改正，"
        "处10万元以上20万元以下的罚款。"
    )
    rule = (
        "第三十一条 施工人员对涉及结构安全的试块、试件以及有关材料，应当在建设单位或者工程监理单位"
        "监督下现场取样，并送具有相应资质等级的质量检测单位进行检测。"
    )
    passages = [_passage(1, penalty, "xm", start=0), _passage(2, rule, "xm", start=500)]
    asked = analyse("施工方做的混凝土试块要送检，取样时得有谁在场盯着？", DOCS)
    assert score_evidence(asked, passages, {}, {})[0].text.startswith("第三十一条")
    unweighted = {**EVIDENCE_WEIGHTS, "unasked_penalty": 0.0}
    assert score_evidence(asked, passages, {}, {}, unweighted)[0].text.startswith("第六十五条")
    # Asking the penalty, or only touching consequences, leaves the penalty sentence be.
    for question in ("施工单位不对试块取样检测，会被怎么罚？", "试块取样不检测要承担什么责任？"):
        assert score_evidence(analyse(question, DOCS), passages, {}, {})[0].text.startswith(
            "第六十五条"
        )
