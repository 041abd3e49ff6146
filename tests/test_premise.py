"""A figure the question takes for granted and the document states otherwise."""

from qa.answer.premise import stated_otherwise
from qa.textnorm import search_form

AWARDS = "对获得驰名商标的企业奖励50万元。设立市长质量奖，对每家获奖企业奖励20万元。"


def _otherwise(question: str, terms: tuple[str, ...], answer: str) -> str:
    return stated_otherwise(search_form(question), terms, search_form(answer))


def test_the_figure_of_the_closest_sentence_contradicts_the_premise() -> None:
    message = _otherwise(
        "市长质量奖每家奖励50万元，这笔钱谁出?", ("市长", "质量奖", "奖励"), AWARDS
    )
    assert "20万元" in message and "50万元" in message


def test_the_premise_stated_by_the_closest_sentence_stands() -> None:
    assert (
        _otherwise("市长质量奖每家奖励20万元，这笔钱谁出?", ("市长", "质量奖", "奖励"), AWARDS)
        == ""
    )


def test_traditional_script_and_words_for_numbers_are_read() -> None:
    message = _otherwise(
        "市長質量獎每家獎勵五十萬元，這筆錢誰出?", ("市长", "质量奖", "奖励"), AWARDS
    )
    assert "20万元" in message


def test_a_case_is_no_contradiction_of_a_condition() -> None:
    law = "货值金额一万元以上的，并处货值金额十倍以上二十倍以下罚款。"
    assert _otherwise("货值金额5万元的食品，罚款多少?", ("货值", "金额", "食品"), law) == ""


def test_bounds_of_the_same_direction_are_compared() -> None:
    law = "家用汽车产品的三包有效期不得低于2年；包修期不得低于3年。"
    message = _otherwise("家用汽车三包有效期不低于3年，从哪天算?", ("家用汽车", "有效期"), law)
    assert "2年" in message


def test_a_date_is_no_period() -> None:
    plan = "2014年6月前，全市检测机构全部完成检测数据自动上传工作。"
    assert _otherwise("检测机构要在5月完成数据上传吗?", ("检测机构", "数据", "上传"), plan) == ""


def test_a_figure_with_too_few_words_around_it_is_not_judged() -> None:
    assert _otherwise("奖励50万元的是谁?", ("奖励",), AWARDS) == ""
