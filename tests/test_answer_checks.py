"""Strict answer judgements: position of the phrase, comparisons, citations, sections."""

from eval.answer_checks import (
    AnswerView,
    SentenceView,
    judge,
    section_markers,
    section_rank,
)

PASSAGES = {1: "到2018年，森林覆盖率达42.9%。其他。", 2: "东莞合格率达98%。"}


def view(*sentences: tuple[str, tuple[int, ...]], text: str = "", found: bool = True) -> AnswerView:
    views = tuple(SentenceView(t, r) for t, r in sentences)
    return AnswerView(found, text or "".join(t for t, _ in sentences), views, PASSAGES)


def test_phrase_in_first_sentence_is_correct_and_cited() -> None:
    result = judge(["森林覆盖率达42.9%"], "厦门", view(("森林覆盖率达42.9%。", (1,))))
    assert result.strict and result.lenient and result.citation_ok


def test_phrase_buried_in_a_long_answer_is_wrong_strictly_but_not_leniently() -> None:
    filler = "无关的句子。" * 30
    answer = view((filler, (2,)), ("森林覆盖率达42.9%。", (1,)))
    result = judge(["森林覆盖率达42.9%"], "厦门", answer)
    assert result.lenient and not result.strict


def test_short_answer_may_hold_the_phrase_in_its_second_sentence() -> None:
    answer = view(("到2018年，", (1,)), ("森林覆盖率达42.9%。", (1,)))
    assert judge(["森林覆盖率达42.9%"], "厦门", answer).strict


def test_wrong_citation_is_caught() -> None:
    result = judge(["森林覆盖率达42.9%"], "厦门", view(("森林覆盖率达42.9%。", (2,))))
    assert result.strict and result.citation_ok is False


def test_comparison_needs_every_place() -> None:
    both = view(("森林覆盖率达42.9%。", (1,)), ("东莞合格率达98%。", (2,)))
    one = view(("森林覆盖率达42.9%。", (1,)))
    phrases = ["森林覆盖率达42.9%", "合格率达98%"]
    assert judge(phrases, "厦门|东莞", both).strict
    assert not judge(phrases, "厦门|东莞", one).strict
    assert judge(phrases, "厦门|东莞", one).lenient


def test_not_found_and_unanswerable() -> None:
    assert not judge(["x"], "厦门", view(("x。", (1,)), found=False)).strict
    assert judge([], "", view(found=False)).strict
    assert not judge([], "", view(("x", (1,)))).strict


def test_scripts_and_widths_are_equal_for_judging() -> None:
    assert judge(["森林覆蓋率達42.9％"], "厦门", view(("森林覆盖率达42.9%。", (1,)))).strict


def test_section_markers_and_ranks() -> None:
    assert section_markers("三、（五）17、") == ["三、", "(五)", "17."]
    assert section_markers("第三章 第二十六条") == ["第三章", "第二十六条"]
    retrieved = [
        ("", ("一、",)),
        ("产品质量法", ("第三章", "第一节", "第二十六条")),
    ]
    assert section_rank("第三章 第二十六条", "产品质量法", retrieved) == 2
    assert section_rank("第三章 第二十七条", "产品质量法", retrieved) is None
    two = [("厦门", ("二、", "(四)")), ("东莞", ("三、", "(五)", "17、"))]
    assert section_rank("二、（四）|三、（五）17.", "厦门|东莞", two) == 2
    assert section_rank("", "厦门", two) is None
