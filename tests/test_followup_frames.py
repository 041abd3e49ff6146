"""A follow-up that puts a condition on what was just asked (rule 4 of qa.retrieve.followup),
answered as it asks: 逾期不交的话罚多少? after …向哪个部门交报告? wants an amount."""

from pathlib import Path

import pytest
from conftest import assistant_over_texts, make_document

from qa.answer.base import AnswerRequest, PreviousAnswer
from qa.answer.evidence import Evidence
from qa.answer.extractive import repeats
from qa.assistant import Assistant
from qa.retrieve.followup import resolve_followup
from qa.retrieve.query import analyse, as_followup
from qa.textnorm import search_form
from qa.types import Answer

DOCS = [make_document(doc_id="xm", region="厦门市")]


def _assistant_over(tmp_path: Path, law: str) -> Assistant:
    """An assistant (fake embedder) over one law's text."""
    return assistant_over_texts(tmp_path, {"law.txt": law})


REPORT = "取得生产许可证的企业要定期向哪个部门交报告?"


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        (REPORT, "逾期一直不交的话罚多少?"),
        ("农民合作社卖农产品要开什么合格证?", "没按规定开的话罚多少?"),
        (
            "电梯的检验合格证快到期了，要提前多久申请定期检验?",
            "要是过期了还没检，电梯还能接着用吗?",
        ),
    ],
)
def test_a_condition_on_what_was_just_asked_is_asked_in_its_frame(
    previous: str, question: str
) -> None:
    resolved = search_form(resolve_followup(question, [previous], DOCS))
    assert resolved.startswith(search_form(previous)) and resolved.endswith(search_form(question))


@pytest.mark.parametrize(
    "question",
    [
        "如果商家不退货怎么办?",  # a condition, but on a new topic: a new question
        "厦门的森林覆盖率目标是多少?",
    ],
)
def test_a_new_question_after_another_is_left_alone(question: str) -> None:
    assert resolve_followup(question, ["东莞的空气质量目标是什么?"], DOCS) == question


def test_a_follow_up_asking_its_own_question_is_answered_as_it_asks() -> None:
    resolved = analyse(resolve_followup("逾期一直不交的话罚多少?", [REPORT], DOCS), DOCS)
    assert resolved.asks_department  # the frame asked which department
    followup = as_followup(resolved, analyse("逾期一直不交的话罚多少?", DOCS))
    assert followup.asks_money and not followup.asks_department
    assert "逾期" in followup.asked_tokens
    # 呢 with no question word of its own keeps the frame's kind (厦门呢? asks the same).
    same = as_followup(resolved, analyse("那东莞呢?", DOCS))
    assert same.asks_department


def test_the_amount_in_the_clause_after_the_best_one_answers(tmp_path: Path) -> None:
    assistant = _assistant_over(
        tmp_path,
        "工业产品生产许可证管理条例\n\n"
        "第三十八条 企业应当保证产品质量稳定合格，并定期向主管部门提交报告。\n\n"
        "第五十三条 取得生产许可证的企业未依照本条例规定定期向主管部门提交报告的，"
        "由主管部门责令限期改正；逾期未改正的，处5000元以下的罚款。\n\n"
        "第五十四条 企业冒用他人的生产许可证证书的，责令停止生产。\n",
    )
    answer = assistant.ask("逾期一直不交的话罚多少?", history=[REPORT])
    assert answer.found, answer.not_found_reason
    assert "处5000元以下的罚款" in answer.answer


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        # more about what was asked, naming nothing new
        ("厦门对建设工程质量提出了什么目标?", "到哪一年?"),
        ("东莞在工程质量方面定了哪些目标?", "负责的是哪个部门?"),
        ("太原要求检测机构在什么时候前实现检测数据自动上传?", "没完成的会怎么处理?"),
        # a condition ending in 呢 is a case, not an item
        ("汽车厂收到召回通知，认为车没缺陷，能在多少天内提异议?", "要是既不召回也不提异议呢?"),
        # a whole question continuing with 那 and naming nothing new
        ("买到不符合食品安全标准的食品，还能要多少赔偿金?", "那东西很便宜的话，最少赔多少?"),
        # the previous question's last words are a predicate (单位要罚), not an attribute
        ("特种设备发生一般事故，负有责任的单位要罚多少?", "那单位的主要负责人呢?"),
    ],
)
def test_a_question_naming_nothing_new_is_asked_in_the_frame_before_it(
    previous: str, question: str
) -> None:
    resolved = search_form(resolve_followup(question, [previous], DOCS))
    assert resolved.startswith(search_form(previous).rstrip("?")), resolved
    assert resolved.endswith(search_form(question).removeprefix("那")), resolved


def test_a_new_item_ending_in_ne_still_replaces_the_old_one() -> None:
    resolved = resolve_followup("新型科研机构呢?", ["厦门的省级研发机构要达到多少家?"], DOCS)
    assert "新型科研机构" in resolved and "省级研发机构" not in resolved


def test_the_person_in_charge_is_not_a_department() -> None:
    assert not analyse("那单位的主要负责人要罚多少?", DOCS).asks_department
    assert analyse("由哪个单位负责?", DOCS).asks_department
    assert analyse("谁负责牵头?", DOCS).asks_department
    # a bare 牵头 in a question asking a number is the task's word, not the question
    assert not analyse("今年底前要带动公司牵头编写多少项标准?", DOCS).asks_department
    # a body named as the subject of a question asking a time is not what is asked
    # (stop 25: it made the answer a department sentence, then refused it for no time)
    timed = analyse("牵头部门要在多少天内报告?", DOCS)
    assert timed.asks_when and not timed.asks_department
    assert analyse("牵头部门是哪个，要在多少天内报告?", DOCS).asks_department
    assert analyse("食品安全工作由市食药监局牵头吗?", DOCS).asks_department


def test_an_amount_asked_of_a_list_is_answered_by_the_item_stating_it(tmp_path: Path) -> None:
    assistant = _assistant_over(
        tmp_path,
        "特种设备安全法\n\n"
        "第九十一条 对事故发生负有责任的单位的主要负责人未依法履行职责的，"
        "依照下列规定处以罚款；\n"
        "（一）发生一般事故，处上一年年收入百分之三十的罚款；\n"
        "（二）发生较大事故，处上一年年收入百分之四十的罚款；\n"
        "（三）发生重大事故，处上一年年收入百分之六十的罚款。\n\n"
        "第九十二条 特种设备安全管理人员未履行岗位职责的，责令改正。\n",
    )
    answer = assistant.ask("发生较大事故，负有责任的单位的主要负责人要罚多少?")
    assert answer.found, answer.not_found_reason
    assert "处上一年年收入百分之四十的罚款" in answer.answer
    assert "依照下列规定处以罚款" not in answer.answer


def test_an_amount_stated_as_a_multiple_of_the_price_answers_how_much(tmp_path: Path) -> None:
    assistant = _assistant_over(
        tmp_path,
        "食品安全法\n\n"
        "第一百四十八条 生产不符合食品安全标准的食品，消费者除要求赔偿损失外，"
        "还可以向生产者要求支付价款十倍或者损失三倍的赔偿金。\n\n"
        "第一百四十九条 违反本法规定，构成犯罪的，依法追究刑事责任。\n",
    )
    answer = assistant.ask("买到不符合食品安全标准的食品，能要多少赔偿金?")
    assert answer.found, answer.not_found_reason
    assert "价款十倍或者损失三倍的赔偿金" in answer.answer


def test_a_penalty_question_is_answered_from_the_penalty_article(tmp_path: Path) -> None:
    asked = analyse("企业不公开执行的标准，会被怎么处理?", DOCS)
    assert asked.asks_penalty and "罚款" in asked.search_text()
    # what follows from a missing signature is not a penalty question
    assert not analyse("没有总监理工程师签字会怎样?", DOCS).asks_penalty
    assistant = _assistant_over(
        tmp_path,
        "标准化法\n\n"
        "第二十七条 企业应当公开其执行的强制性标准、推荐性标准、团体标准或者企业标准的编号和名称。\n\n"
        "第三十八条 企业未依照本法规定公开其执行的标准的，由标准化行政主管部门责令限期改正；"
        "逾期不改正的，在标准信息公共服务平台上公示。\n",
    )
    answer = assistant.ask("企业不公开执行的标准，会被怎么处理?")
    assert answer.found, answer.not_found_reason
    assert "责令限期改正" in answer.answer


@pytest.mark.parametrize(
    ("previous", "question"),
    [
        ("锅炉爆炸属于较大事故，负有责任的单位会被罚多少?", "那单位的主要负责人要罚多少?"),
        ("国家标准分成哪两类?", "那行业标准属于哪一类?"),
    ],
)
def test_a_question_opening_with_na_goes_on_from_the_last_one(previous: str, question: str) -> None:
    resolved = search_form(resolve_followup(question, [previous], DOCS))
    assert resolved.startswith(search_form(previous).rstrip("?")), resolved
    # 那些 / 那个 open a question of their own
    standalone = "那些检验机构要具备什么条件?"
    assert resolve_followup(standalone, [previous], DOCS) == standalone


def test_a_follow_up_is_answered_with_the_sentence_holding_the_words_it_adds(
    tmp_path: Path,
) -> None:
    assistant = _assistant_over(
        tmp_path,
        "农产品质量安全法\n\n"
        "第五十一条 农产品生产经营者对监督抽查检测结果有异议的，可以自收到检测结果之日起"
        "五个工作日内，向农业农村主管部门申请复检。复检机构与初检机构不得为同一机构。\n\n"
        "复检机构应当自收到复检样品之日起七个工作日内出具检测报告。\n\n"
        "第五十二条 发生农产品质量安全事故时，有关单位和个人应当采取控制措施。\n",
    )
    previous = "对农产品监督抽查的检测结果不服，几个工作日内能申请复检?"
    answer = assistant.ask("那复检报告多久能出来?", history=[previous])
    assert answer.found, answer.not_found_reason
    assert answer.answer.startswith("复检机构应当自收到复检样品之日起七个工作日内出具检测报告")


def test_the_words_a_follow_up_adds_are_its_topic_words_first() -> None:
    previous = "网上买的生鲜海鲜，能不能七天无理由退?"
    question = "其他能退的东西，寄回去的运费谁出?"
    resolved = analyse(resolve_followup(question, [previous], DOCS), DOCS)
    followup = as_followup(resolved, analyse(question, DOCS), previous)
    assert "运费" in followup.added_tokens
    assert "其他" not in followup.added_tokens
    # with no topic word of its own, its other new words are kept
    bare = as_followup(resolved, analyse("那要多久?", DOCS), previous)
    assert bare.added_tokens == ("那要", "多久")
    # asked whole (no previous question), nothing is added
    assert as_followup(resolved, analyse(question, DOCS)).added_tokens == ()


def test_a_body_in_the_case_of_a_yes_no_or_how_question_is_not_asked() -> None:
    for question in (
        "碰到认证新领域、主管部门还没出认证规则，认证机构能自己定规则吗?",
        "主管部门还没出认证规则，认证机构怎么办?",
        "被主管部门选定的认证机构把业务转包给别家，会怎么罚?",
    ):
        assert not analyse(question, DOCS).asks_department, question
    # … but it is asked with a question word, or as who leads.
    assert analyse("主管部门是哪个，认证机构怎么办?", DOCS).asks_department
    assert analyse("认证规则由哪个主管部门制定?", DOCS).asks_department
    assert analyse("食品安全工作由市食药监局牵头吗?", DOCS).asks_department


PRODUCT_LAW = (
    "产品质量法\n\n"
    "第四十五条 因产品存在缺陷造成损害要求赔偿的诉讼时效期间为二年，"
    "自当事人知道或者应当知道其权益受到损害时起计算。\n"
    "因产品存在缺陷造成损害要求赔偿的请求权，在造成损害的缺陷产品交付最初消费者满十年丧失；"
    "但是，尚未超过明示的安全使用期的除外。\n\n"
    "第四十六条 本法所称缺陷，是指产品存在危及人身、他人财产安全的不合理的危险。\n"
)


def test_a_follow_up_is_not_answered_with_the_previous_answer(tmp_path: Path) -> None:
    assistant = _assistant_over(tmp_path, PRODUCT_LAW)
    previous = "因为产品缺陷受了伤，要求赔偿的诉讼时效是多久?"
    first = assistant.ask(previous)
    assert "诉讼时效期间为二年" in first.sentences[0].text
    followed = assistant.ask("那要是东西卖出去好多年以后才出事呢?", history=[previous])
    assert followed.found, followed.not_found_reason
    assert "满十年丧失" in followed.sentences[0].text
    assert "诉讼时效期间为二年" not in followed.answer


def test_the_previous_answer_is_repeated_when_nothing_else_answers(tmp_path: Path) -> None:
    assistant = _assistant_over(
        tmp_path,
        "产品质量法\n\n第四十五条 产品缺陷损害赔偿的诉讼时效期间为二年，"
        "自当事人知道或者应当知道其权益受到损害时起计算。\n",
    )
    previous = "产品缺陷损害赔偿的诉讼时效是多久?"
    followed = assistant.ask("那这个期限要怎么起算呢?", history=[previous])
    assert followed.found, followed.not_found_reason
    assert "受到损害时起计算" in followed.answer  # the only sentence there is


def test_a_follow_up_naming_nothing_new_asks_more_of_the_same_sentence(tmp_path: Path) -> None:
    assistant = _assistant_over(
        tmp_path,
        "建设工程质量管理条例\n\n"
        "第五十二条 建设工程发生质量事故，有关单位应当在24小时内向当地建设行政主管部门和"
        "其他有关部门报告。\n\n"
        "第五十三条 特别重大质量事故的调查程序按照国务院有关规定办理。\n",
    )
    previous = "工地发生工程质量事故，有关单位要在多长时间内上报?"
    assert "24小时内" in assistant.ask(previous).answer
    followed = assistant.ask("报给谁?", history=[previous])
    assert "当地建设行政主管部门" in followed.sentences[0].text


def test_a_sentence_shown_before_repeats_unless_it_writes_a_new_topic() -> None:
    sentence = Evidence(
        1, "law", (10, 60), "消费者组织不得以收取费用的方式向消费者推荐商品和服务。", 1.0
    )
    shown = (("law", (0, 100)),)
    assert repeats(sentence, PreviousAnswer(shown, ("手机号",)))
    assert not repeats(sentence, PreviousAnswer(shown, ("推荐",)))
    assert not repeats(sentence, PreviousAnswer(shown, ("收费",)))  # spelled out: 收取费用
    assert not repeats(sentence, PreviousAnswer((("law", (20, 100)),), ("手机号",)))
    assert not repeats(sentence, PreviousAnswer((("other", (0, 100)),), ("手机号",)))


def test_a_follow_up_is_checked_against_the_answer_shown_without_answering_it_again(
    tmp_path: Path,
) -> None:
    assistant = _assistant_over(tmp_path, PRODUCT_LAW)
    calls: list[str] = []
    answer = assistant.generator.answer

    def counted(request: AnswerRequest) -> Answer:
        calls.append(request.question)
        return answer(request)

    assistant.generator.answer = counted  # type: ignore[method-assign]
    previous = "因为产品缺陷受了伤，要求赔偿的诉讼时效是多久?"
    followup = "那要是东西卖出去好多年以后才出事呢?"
    assistant.ask(previous)
    followed = assistant.ask(followup, history=[previous])
    assert calls == [previous, followup]  # the previous answer was remembered, not redone
    assert "满十年丧失" in followed.sentences[0].text
    # An API call bringing its own history answers the previous question once, then
    # remembers it as well.
    (tmp_path / "other").mkdir()
    other = _assistant_over(tmp_path / "other", PRODUCT_LAW)
    other_calls: list[str] = []
    other_answer = other.generator.answer

    def other_counted(request: AnswerRequest) -> Answer:
        other_calls.append(request.question)
        return other_answer(request)

    other.generator.answer = other_counted  # type: ignore[method-assign]
    again = other.ask(followup, history=[previous])
    assert other_calls == [previous, followup]
    assert again.answer == followed.answer  # the same answer either way
    other.ask(followup, history=[previous])
    assert other_calls == [previous, followup, followup]


def test_shown_answers_are_bounded_and_keyed_by_the_index_build() -> None:
    from qa.shown_answers import ShownAnswers, ShownKey

    memory = ShownAnswers(capacity=2)
    keys = [ShownKey("build-1", f"问题{n}", (), 5, (), "full") for n in range(3)]
    for key in keys:
        memory.remember(key, Answer(question=key.question, found=True, answer="甲"))
    assert memory.recall(keys[0]) is None  # the oldest went
    assert memory.recall(keys[2]) is not None
    rebuilt = ShownKey("build-2", "问题2", (), 5, (), "full")
    assert memory.recall(rebuilt) is None  # an answer of another build is not this one's
