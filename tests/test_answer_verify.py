"""The verifier of generated answers (pure: a reply and the passages it may cite)."""

from __future__ import annotations

from qa.answer.verify import SentenceCheck, parse_reply, stated_figures, verify_reply
from qa.textnorm import search_form
from qa.types import Chunk, Passage

FOREST = "（四）改善环境质量。到2018年，森林覆盖率达42.9%，建成区绿化覆盖率达42%。"
FOREST_2020 = "（五）生态建设。到2020年，森林覆盖率达到45%，新增造林面积三万亩。"
PRODUCTS = (
    "（一）提高产品质量。到2018年，监督抽查合格率稳定在94%以上，制造业质量竞争力指数达90以上。"
)
ALXA = (
    "3. 服務質量。服務業對經濟增長的貢獻率達到40%以上，生產性服務業顧客滿意度達到85%以上。"
    "對獲得中國馳名商標的企業獎勵50萬元，有效期三年。"
)


def _passages(
    *texts: str, title: str = "厦门市人民政府关于进一步实施质量强市战略的意见"
) -> list[Passage]:
    out, start = [], 0
    for rank, text in enumerate(texts, 1):
        chunk = Chunk(f"d:{start}", "d", ("二、目标",), ("二、",), text, (start, start + len(text)))
        out.append(Passage(rank, chunk, title, "厦门市", 1.0))
        start += len(text) + 1
    return out


XM = _passages(FOREST, FOREST_2020, PRODUCTS)


def _one(reply: str, passages: list[Passage] = XM) -> SentenceCheck:
    checks = verify_reply(reply, passages).checks
    assert len(checks) == 1, checks
    return checks[0]


def test_a_sentence_whose_figures_are_in_its_passage_is_kept_and_marked() -> None:
    check = _one("到2018年，厦门森林覆盖率要达到42.9%[1]。")
    assert check.ok and check.sentence is not None
    sentence = check.sentence
    assert sentence.generated and sentence.verified
    assert [c.passage_rank for c in sentence.citations] == [1]
    # The citation points at the passage's sentence that states the figure.
    span = sentence.citations[0].span
    chunk = XM[0].chunk
    cited = chunk.text[span[0] - chunk.span[0] : span[1] - chunk.span[0]]
    assert "42.9%" in cited


def test_an_invented_number_removes_the_sentence() -> None:
    check = _one("到2018年，厦门森林覆盖率要达到43.5%[1]。")
    assert not check.ok and check.sentence is None
    assert check.unsupported == ("43.5",)
    assert "43.5" in check.problems[0]


def test_a_rounded_or_truncated_number_is_not_the_passage_number() -> None:
    # 42.9 holds "42" as characters, not as a number; and 42% is a figure of passage 1
    # only for 建成区绿化覆盖率, which this check does not tell apart (see README).
    assert not _one("森林覆盖率达到43%[1]。").ok
    assert _one("建成区绿化覆盖率达42%[1]。").ok


def test_a_number_from_an_uncited_passage_removes_the_sentence() -> None:
    # Passage 2 is about forest cover too (so the citation shares content), but 42.9%
    # is only in passage 1.
    check = _one("森林覆盖率要达到42.9%[2]。")
    assert not check.ok
    assert "42.9" in check.unsupported
    assert _one("森林覆盖率要达到42.9%[1][2]。").ok


def test_a_citation_to_a_passage_that_does_not_exist() -> None:
    check = _one("森林覆盖率达到42.9%[7]。")
    assert not check.ok and "[7]不存在" in check.problems[0]
    # Beside a valid citation the phantom one is dropped and the sentence stays.
    kept = _one("森林覆盖率达到42.9%[1][7]。")
    assert kept.ok and kept.kept == (1,) and "[7]不存在" in kept.dropped
    assert kept.sentence is not None and [c.passage_rank for c in kept.sentence.citations] == [1]


def test_a_citation_to_an_unrelated_passage_removes_a_sentence_without_figures() -> None:
    assert _one("厦门要提高监督抽查合格率，提升制造业质量竞争力[3]。").ok
    check = _one("厦门要提高监督抽查合格率，提升制造业质量竞争力[1]。")
    assert not check.ok and "[1]与句子内容无关" in check.problems[0]


def test_a_sentence_without_citation_is_removed() -> None:
    check = _one("森林覆盖率达到42.9%。")
    assert not check.ok and check.problems == ("没有标注出处",)


def test_traditional_passage_simplified_sentence_and_back() -> None:
    alxa = _passages(ALXA, title="推進質量強盟戰略實施意見")
    assert _one("服务业对经济增长的贡献率要达到40%以上[1]。", alxa).ok
    assert _one("对获得中国驰名商标的企业奖励50万元[1]。", alxa).ok
    assert _one("對獲得中國馳名商標的企業獎勵50萬元[1]。", alxa).ok
    assert _one("对获得中国驰名商标的企业奖励五十万元[1]。", alxa).ok is False
    # The unit belongs to the figure: 50元 is not 50萬元, 五年 is not 三年.
    assert not _one("对获得中国驰名商标的企业奖励50元[1]。", alxa).ok
    assert _one("商标的有效期三年[1]。", alxa).ok
    assert not _one("商标的有效期五年[1]。", alxa).ok
    # And a simplified passage against a traditional sentence.
    assert _one("到2018年，森林覆蓋率達42.9%[1]。").ok
    assert _one("新增造林面積三萬畝[2]。").ok
    assert not _one("新增造林面積四萬畝[2]。").ok


def test_full_width_digits_are_the_same_numbers() -> None:
    assert _one("森林覆盖率达到４２．９％［1］。").ok
    full = _passages("到２０１８年，森林覆盖率达４２．９％。")
    assert _one("到2018年，森林覆盖率达42.9%[1]。", full).ok
    check = _one("森林覆盖率达到４５％[1]。", full)
    assert not check.ok and check.unsupported == ("45",)


def test_a_sentence_in_english_is_removed() -> None:
    check = _one("The forest coverage will reach 42.9% [1].")
    assert not check.ok and check.problems == ("不是中文",)
    assert _one("监督抽查合格率（ISO抽查）稳定在94%以上[3]。").ok


def test_several_sentences_are_judged_one_by_one() -> None:
    reply = "森林覆盖率达42.9%[1]。建成区绿化覆盖率达50%[1]。监督抽查合格率稳定在94%以上[3]。"
    verification = verify_reply(reply, XM)
    assert [c.ok for c in verification.checks] == [True, False, True]
    assert [s.citations[0].passage_rank for s in verification.sentences] == [1, 3]
    assert verification.removed[0].unsupported == ("50",)


def test_markers_after_the_stop_lists_and_reasoning_blocks() -> None:
    reply = (
        "<think>用户问森林覆盖率，答案是99%。</think>\n"
        "答：\n1. **森林覆盖率**达42.9%。[1]\n- 监督抽查合格率稳定在94%以上[3]\n[1]"
    )
    drafts = parse_reply(reply)
    assert [d.ranks for d in drafts] == [(1,), (3, 1)]
    assert drafts[0].text == "森林覆盖率达42.9%。"
    assert all(c.ok for c in verify_reply(reply, XM).checks)


def test_marker_forms() -> None:
    drafts = parse_reply("甲乙丙[1,3]。丁戊己【2】。庚辛[1-3]。壬癸[2、1]。")
    assert [d.ranks for d in drafts] == [(1, 3), (2,), (1, 2, 3), (2, 1)]


def test_a_document_number_is_not_a_citation() -> None:
    passages = _passages("《意见》（厦府〔2015〕114号）自印发之日起施行，有效期三年。")
    check = _one("该意见的文号是厦府〔2015〕114号[1]。", passages)
    assert check.ok and check.draft.ranks == (1,)
    assert not _one("该意见的文号是厦府〔2016〕114号[1]。", passages).ok


def test_figures_stated_are_found_with_the_extractors_number_pattern() -> None:
    form = search_form("奖励50萬元，百分之三十，300余家，十分重要，一次验收，有效期三年")
    assert stated_figures(form) == ["50万元", "百分之三十", "300余家", "三年"]


def test_a_figure_moved_to_another_indicator_of_the_passage_is_removed() -> None:
    # 42% is in passage 1, but as 建成区绿化覆盖率; 森林覆盖率 is 42.9%.
    check = _one("到2018年，厦门森林覆盖率要达到42%[1]。")
    assert not check.ok and "“森林覆盖率”是42.9%" in check.problems[0]
    alxa = _passages(ALXA, title="推進質量強盟戰略實施意見")
    moved = _one("生产性服务业顾客满意度达到40%以上[1]。", alxa)
    assert not moved.ok and "生產性服務業顧客滿意度" in moved.problems[0]


def test_several_figures_each_on_its_own_indicator_are_kept() -> None:
    assert _one("森林覆盖率达42.9%，建成区绿化覆盖率达42%[1]。").ok
    assert _one("监督抽查合格率要稳定在94%以上，制造业质量竞争力指数要达到90以上[3]。").ok
    # Swapped within one sentence: both figures are the passage's, neither where it belongs.
    assert not _one("森林覆盖率达42%，建成区绿化覆盖率达42.9%[1]。").ok
