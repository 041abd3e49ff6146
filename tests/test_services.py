"""A question about an everyday service ruled elsewhere is not answered by a passage
that never names it."""

from qa.answer.services import services_named, unnamed_services
from qa.textnorm import search_form
from qa.types import Passage
from tests.law_passages import law_passage, refusal

SERVICE_QUALITY = "推广服务质量体系认证，加强服务质量监管，促进服务业发展规范化。"
CONSUMER_LAW = "第四十九条 经营者提供商品或者服务，造成消费者人身伤害的，应当赔偿医疗费。"
RIDE_HAILING = "第十二条 网络预约出租汽车经营者应当保证提供服务车辆具备合法营运资质。"


def _passage(title: str, text: str, rank: int = 1) -> Passage:
    return law_passage(title, text, rank)


def _reason(question: str, *passages: Passage) -> str:
    return refusal(question, *passages)


def test_a_service_is_named_by_its_groups_words() -> None:
    assert services_named(search_form("共享单车投放数量有上限吗")) == {"共享单车"}
    assert services_named(search_form("小区停车位老被外人占")) == {"停车位"}
    # Renting is a consumer case of the consumer-protection rules (租房中介骗租客).
    assert services_named(search_form("租房中介用假房源骗租客")) == frozenset()
    assert services_named(search_form("网购的东西在快递途中摔坏了")) == frozenset()


def test_traditional_script_names_the_same_service() -> None:
    assert services_named(search_form("網約車平台對司機有什麼要求")) == {"网约车"}


def test_a_passage_not_naming_the_service_does_not_answer() -> None:
    policy = _passage("厦门市人民政府关于进一步实施质量强市战略的意见", SERVICE_QUALITY)
    reason = _reason("网约车的服务质量有什么评价指标?", policy)
    assert "网约车" in reason


def test_a_law_for_all_consumers_is_not_exempt() -> None:
    law = _passage("中华人民共和国消费者权益保护法", CONSUMER_LAW)
    assert "宠物" in _reason("宠物医院把我家猫治坏了，能要求赔多少钱?", law)


def test_a_passage_naming_the_service_in_its_regimes_words_may_answer() -> None:
    rule = _passage("网络预约出租汽车经营服务管理暂行办法", RIDE_HAILING)
    assert unnamed_services(search_form("网约车要有什么资质?"), search_form(RIDE_HAILING)) == []
    assert "网约车" not in _reason("网约车要有什么资质?", rule)


def test_a_question_naming_no_service_is_not_judged() -> None:
    assert unnamed_services(search_form("电梯多久检验一次?"), search_form(SERVICE_QUALITY)) == []
