"""Everyday words and the documents' words for them (qa.retrieve.thesaurus)."""

from pathlib import Path

import pytest

from qa.answer.evidence import score_evidence
from qa.answer.support import unsupported_reason
from qa.answer.text import read_as_note
from qa.assistant import Assistant
from qa.cli import render_answer
from qa.config import Settings
from qa.errors import InputError
from qa.present.conversation import answer_block
from qa.present.records import answer_to_record
from qa.retrieve.query import analyse
from qa.retrieve.thesaurus import (
    DEFAULT_THESAURUS,
    EMPTY,
    Expansion,
    Thesaurus,
    ThesaurusError,
    load_thesaurus,
    read_as_terms,
)
from qa.textnorm import search_form
from qa.types import Chunk, Passage
from tests.fakes import FakeEmbedder


def _thesaurus(tmp_path: Path, text: str) -> Thesaurus:
    path = tmp_path / "thesaurus.toml"
    path.write_text(text, encoding="utf-8")
    return Thesaurus.load(path)


def test_the_longest_everyday_word_wins_and_words_never_overlap(tmp_path: Path) -> None:
    thesaurus = _thesaurus(
        tmp_path,
        '[[group]]\nasked = ["修车厂"]\nmeans = ["修理者"]\n'
        '[[group]]\nasked = ["修车", "厂里"]\nmeans = ["维修", "企业"]\n',
    )
    # 修车厂 is taken whole; 修车 inside it is not matched again; 厂里 overlaps 修车厂.
    assert thesaurus.expand("修车厂里的单据") == (Expansion("修车厂", ("修理者",)),)
    assert thesaurus.expand("厂里的人会修车吗") == (
        Expansion("厂里", ("维修", "企业")),
        Expansion("修车", ("维修", "企业")),
    )


def test_terms_the_question_already_uses_are_not_added(tmp_path: Path) -> None:
    thesaurus = _thesaurus(tmp_path, '[[group]]\nasked = ["商家"]\nmeans = ["经营者", "销售者"]\n')
    assert thesaurus.expand("商家和销售者") == (Expansion("商家", ("经营者",)),)
    assert thesaurus.expand("商家是经营者还是销售者") == ()
    assert thesaurus.expand("生产者") == ()


def test_an_everyday_word_inside_a_longer_word_of_the_question_is_not_that_word(
    tmp_path: Path,
) -> None:
    thesaurus = _thesaurus(
        tmp_path,
        '[[group]]\nasked = ["商户", "卖家"]\nmeans = ["经营者"]\n'
        '[[group]]\nasked = ["物业"]\nmeans = ["物业服务单位"]\n',
    )
    # 商户 inside 工商户, 物业 inside 物业费: other things.
    assert thesaurus.expand("个体工商户和物业费", ["个体", "工商户", "和", "物业费"]) == ()
    # A word across the segmentation's boundaries is still found (说不 出卖 家).
    assert thesaurus.expand("说不出卖家是谁", ["说不", "出卖", "家", "是", "谁"]) == (
        Expansion("卖家", ("经营者",)),
    )
    assert analyse("个体工商户可以修理计量器具吗", [], Thesaurus.load()).expansions == ()


def test_traditional_questions_are_expanded_like_simplified_ones() -> None:
    thesaurus = Thesaurus.load()
    simplified = thesaurus.expand(search_form("商家不给退钱怎么办"))
    assert simplified and simplified == thesaurus.expand(search_form("商家不給退錢怎麼辦"))
    assert "经营者" in simplified[0].means


def test_the_bundled_thesaurus_loads_and_keeps_its_own_rules() -> None:
    thesaurus = Thesaurus.load(DEFAULT_THESAURUS)
    assert len(thesaurus.entries) > 100
    for asked, means in thesaurus.entries:
        assert len(asked) >= 2 and asked == search_form(asked)
        assert means and asked not in means
    lengths = [len(asked) for asked, _ in thesaurus.entries]
    assert lengths == sorted(lengths, reverse=True)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[group]\n", "not valid UTF-8 TOML"),
        ('[[group]]\nasked = ["商家"]\n', "needs `asked` and `means`"),
        ('[[group]]\nasked = "商家"\nmeans = ["经营者"]\n', "needs `asked` and `means`"),
        ('[[group]]\nasked = ["钱"]\nmeans = ["价款"]\n', "shorter than two characters"),
    ],
)
def test_a_broken_thesaurus_says_what_to_fix(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ThesaurusError, match=says):
        _thesaurus(tmp_path, text)


def test_the_setting_names_the_bundled_file_none_or_a_path(tmp_path: Path) -> None:
    assert load_thesaurus("default") == Thesaurus.load(DEFAULT_THESAURUS)
    assert load_thesaurus("none") is EMPTY
    own = tmp_path / "own.toml"
    own.write_text('[[group]]\nasked = ["老乡"]\nmeans = ["农民"]\n', encoding="utf-8")
    assert load_thesaurus(str(own)).expand("老乡") == (Expansion("老乡", ("农民",)),)
    with pytest.raises(InputError, match="QA_THESAURUS"):
        load_thesaurus(str(tmp_path / "missing.toml"))


def _passage(rank: int, text: str) -> Passage:
    chunk = Chunk(f"t:{rank}", "law", ("第二十四条",), (), text, (0, len(text)))
    return Passage(rank, chunk, "消费者权益保护法", "", 1.0)


def test_a_sentence_in_the_documents_words_holds_the_everyday_word() -> None:
    question = "商家不给退钱怎么办?"
    passages = [
        _passage(1, "消费者可以依照国家规定要求更换或者修理。"),
        _passage(2, "经营者应当返还消费者支付的价款。"),
    ]
    idf = {"经营者": 2.0, "返还": 2.0, "价款": 2.0, "退货": 1.0, "商家": 0.0, "退钱": 0.0}
    plain = score_evidence(analyse(question, []), passages, {}, idf)
    expanded = score_evidence(analyse(question, [], Thesaurus.load()), passages, {}, idf)
    # Without the thesaurus nothing of the question is in either sentence: rank decides.
    assert plain[0].passage_rank == 1
    assert expanded[0].passage_rank == 2
    assert expanded[0].score > plain[0].score


def test_how_long_a_licence_can_be_used_reads_as_its_validity() -> None:
    question = "批下来的生产许可证能用几年?"
    passages = [
        _passage(1, "产品使用期限不足1年的，记录保存期限不得少于2年。"),
        _passage(2, "生产许可证有效期为5年。"),
    ]
    idf = {"有效期": 3.0, "使用": 1.0, "期限": 1.0, "生产": 1.0, "许可证": 2.0}
    expanded = score_evidence(analyse(question, [], Thesaurus.load()), passages, {}, idf)
    assert expanded[0].passage_rank == 2
    plain = score_evidence(analyse(question, []), passages, {}, idf)
    assert plain[0].score < expanded[0].score


@pytest.mark.parametrize(
    ("question", "right", "parallel"),
    [
        # Two regulations with the same structure: the product's everyday name picks the
        # right one (the entries for dev20's four laws, stop 35).
        (
            "面霜的注册证快到期了，要提前多久申请延续?",
            "化妆品注册证有效期届满需要延续的，应当在有效期届满30个工作日前提出延续注册申请。",
            "医疗器械注册证有效期届满需要延续注册的，应当在有效期届满6个月前提出延续注册申请。",
        ),
        (
            "血糖仪的注册证快到期了，要提前多久申请延续?",
            "医疗器械注册证有效期届满需要延续注册的，应当在有效期届满6个月前提出延续注册申请。",
            "化妆品注册证有效期届满需要延续的，应当在有效期届满30个工作日前提出延续注册申请。",
        ),
    ],
)
def test_an_everyday_product_name_chooses_between_parallel_regulations(
    question: str, right: str, parallel: str
) -> None:
    passages = [_passage(1, parallel), _passage(2, right)]
    idf = {"化妆品": 2.0, "医疗器械": 2.0, "注册证": 1.0}
    plain = score_evidence(analyse(question, []), passages, {}, idf)
    expanded = score_evidence(analyse(question, [], Thesaurus.load()), passages, {}, idf)
    assert plain[0].passage_rank == 1
    assert expanded[0].passage_rank == 2


def test_a_passage_in_the_documents_words_shares_the_everyday_words() -> None:
    # Nothing of the question is literally in the passage (rule 8 of not-found), but
    # 大型游乐设施 is the documents' term for 过山车.
    text = "大型游乐设施在每日投入使用前，运营使用单位应当进行试运行和例行安全检查。"
    passages = [_passage(1, text)]
    question = "过山车每天开门前要试跑吗?"
    plain = unsupported_reason(
        analyse(question, []), passages, search_form(text), answer_passages=passages
    )
    expanded = unsupported_reason(
        analyse(question, [], Thesaurus.load()), passages, search_form(text),
        answer_passages=passages,
    )  # fmt: skip
    assert "没有共同的词语" in plain
    assert expanded == ""


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        # 看病 is not the document's word; 医院 and 医疗 are.
        ("厦门会不会想办法让看病的体验好一点?", "提升医院管理和医疗服务质量"),
        # 卖到国外 is 出口, 东西 is 产品.
        ("厦门对卖到国外的东西有什么要求?", "出口"),
    ],
)
def test_questions_in_everyday_words_find_the_documents_passage(
    fake_assistant: Assistant, question: str, gold: str
) -> None:
    with_thesaurus = fake_assistant.rank(question, k=10)[2]
    settings = Settings.from_env(
        {}, corpus_dir=fake_assistant.settings.corpus_dir,
        index_dir=fake_assistant.settings.index_dir, thesaurus="none",
    )  # fmt: skip
    plain = Assistant(settings, FakeEmbedder(), index=fake_assistant.index)
    without = plain.rank(question, k=10)[2]

    def rank_of(passages: list[Passage]) -> int:
        return next((p.rank for p in passages if gold in search_form(p.chunk.text)), 99)

    assert rank_of(with_thesaurus) < rank_of(without)
    assert rank_of(with_thesaurus) <= 3


@pytest.mark.parametrize(
    "question",
    [
        "经营者应当自收到退回商品之日起几日内返还价款?",
        "厦门到2018年森林覆盖率要达到多少?",
        "特种设备使用单位应当向哪个部门申请定期检验?",
        "阿拉善盟對獲得中國馳名商標的企業獎勵多少?",
    ],
)
def test_a_question_in_the_documents_own_words_is_searched_as_asked(question: str) -> None:
    # The bundled thesaurus expands everyday words only: the documents' own terms (经营者,
    # 森林覆盖率, 定期检验, 驰名商标) are never an `asked` word, so these are unchanged.
    analysis = analyse(question, [], Thesaurus.load())
    assert analysis.expansions == ()
    assert analysis.search_text() == analysis.text


def test_the_reader_is_told_which_terms_an_everyday_word_was_read_as() -> None:
    expansions = Thesaurus.load().expand(search_form("商家不给退钱怎么办"))
    passages = [_passage(1, "经营者应当自收到退回商品之日起七日内返还消费者支付的商品价款。")]
    read_as = read_as_terms(expansions, passages)
    # Only the terms the cited passage uses; 销售者 and 退还 are not in it.
    assert read_as == (("商家", ("经营者",)), ("退钱", ("返还", "价款")))
    assert read_as_note(read_as) == "检索时把“商家”理解为“经营者”，“退钱”理解为“返还”或“价款”。"
    assert read_as_terms(expansions, [_passage(1, "消费者可以要求修理。")]) == ()


def test_an_answer_says_how_its_everyday_words_were_read(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("厦门会不会想办法让看病的体验好一点?")
    assert any(asked == "看病" and "医疗" in means for asked, means in answer.read_as)
    record = answer_to_record(answer)
    assert {"asked": "看病", "means": list(dict(answer.read_as)["看病"])} in record["read_as"]
    html = answer_block(1, answer, fake_assistant.index.documents)
    assert "检索时把“看病”理解为" in html
    assert "检索时把" in render_answer(answer)
    plain = fake_assistant.ask("厦门到2018年森林覆盖率要达到多少?")
    assert plain.read_as == () and "检索时把" not in render_answer(plain)


def test_a_missing_thesaurus_stops_the_assistant_with_how_to_fix_it(
    fake_assistant: Assistant, tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {"QA_THESAURUS": str(tmp_path / "missing.toml")},
        corpus_dir=fake_assistant.settings.corpus_dir,
        index_dir=fake_assistant.settings.index_dir,
    )
    with pytest.raises(InputError, match="QA_THESAURUS") as caught:
        Assistant(settings, FakeEmbedder(), index=fake_assistant.index)
    assert "missing.toml" in str(caught.value)


def test_the_short_form_of_a_supervising_department_reads_as_the_laws_write_it() -> None:
    # 市场监管部门 is how people say what the laws call 市场监督管理部门.
    expansions = Thesaurus.load().expand(search_form("被市场监管部门查封的货物被转移了怎么罚"))
    assert any("市场监督管理部门" in e.means for e in expansions)
