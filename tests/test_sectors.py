"""A question about one regulated product is not answered by another product's law."""

from qa.answer.sectors import own_law_of, sectors_named, unnamed_products, written_for_all
from qa.textnorm import search_form
from qa.types import Passage
from tests.law_passages import law_passage, refusal

FOOD_LABEL = "第六十七条 预包装食品的包装上应当有标签。标签应当标明下列事项："
PRODUCT_LABEL = "第二十七条 产品或者其包装上的标识必须真实，并符合下列要求："


def _passage(title: str, text: str, rank: int = 1) -> Passage:
    return law_passage(title, text, rank)


def _reason(question: str, *passages: Passage) -> str:
    return refusal(question, *passages, corpus_extra="化妆品")


def test_a_product_is_named_by_its_regimes_words() -> None:
    assert sectors_named(search_form("小区电梯多久检验一次")) == {"特种设备"}
    assert sectors_named(search_form("化妆品标签")) == {"化妆品"}
    assert sectors_named(search_form("家里的旧衣服")) == frozenset()


def test_traditional_script_names_the_same_product() -> None:
    assert sectors_named(search_form("醫療器械註冊")) == {"医疗器械"}


def test_only_a_law_naming_no_product_is_written_for_all() -> None:
    assert written_for_all(search_form("中华人民共和国产品质量法"))
    assert not written_for_all(search_form("中华人民共和国食品安全法"))
    # A policy document is no law: a passage of it not naming the product says nothing of it.
    assert not written_for_all(search_form("厦门市人民政府关于进一步实施质量强市战略的意见"))
    assert written_for_all(search_form("中华人民共和国产品质量法（2018修正）"))
    # A title that only mentions law is no law.
    assert not written_for_all(search_form("成年人国家监护的法律适用与监护主体的义务"))


def test_another_products_law_does_not_answer() -> None:
    food_law = _passage("中华人民共和国食品安全法", FOOD_LABEL)
    reason = _reason("化妆品标签上必须标注哪些内容?", food_law)
    assert "化妆品" in reason


def test_a_law_for_all_products_may_answer() -> None:
    product_law = _passage("中华人民共和国产品质量法", PRODUCT_LABEL)
    assert _reason("化妆品标签上必须标注哪些内容?", product_law) == ""


def test_the_products_own_words_in_the_passage_let_it_answer() -> None:
    text = "第四十条 电梯的维护保养应当由电梯制造单位或者依法取得许可的安装单位进行。"
    special = _passage("中华人民共和国特种设备安全法", text)
    assert _reason("电梯的维保可以交给谁做?", special) == ""
    # … and its regime's word stands for it (锅炉 is a 特种设备).
    general = "第三十二条 特种设备使用单位应当使用取得许可生产并经检验合格的特种设备。"
    assert unnamed_products(search_form("锅炉能随便买吗"), ["特种设备安全法"], general) == []


def test_a_question_naming_several_products_stands_if_one_is_named() -> None:
    form = search_form("食品加工厂和锅炉电梯多的乡镇设什么机构?")
    answer = search_form("县级以上地方人民政府确定本级食品安全监督管理部门的职责。")
    assert unnamed_products(form, ["中华人民共和国食品安全法"], answer) == []
    assert unnamed_products(form, ["中华人民共和国药品管理法"], "药品") == ["食品", "锅炉", "电梯"]


def test_a_question_naming_no_product_is_not_judged() -> None:
    assert unnamed_products(search_form("标签上要写什么"), ["食品安全法"], "") == []


def test_a_products_own_law_is_the_one_whose_title_names_it() -> None:
    question = search_form("卖锅炉的经销商要建立哪项记录制度?")
    assert own_law_of(question, search_form("中华人民共和国特种设备安全法"))
    assert not own_law_of(question, search_form("中华人民共和国食品安全法"))
    assert not own_law_of(question, search_form("中华人民共和国产品质量法"))
    # A policy document naming the product is no law of it.
    assert not own_law_of(question, search_form("关于加强特种设备安全工作的意见"))
    assert not own_law_of(
        search_form("记录要保存多久?"), search_form("中华人民共和国特种设备安全法")
    )
