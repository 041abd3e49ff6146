"""Question and text normalisation."""

from hypothesis import given
from hypothesis import strategies as st

from qa.textnorm import (
    detect_script,
    normalize_question,
    search_form,
    split_sentences,
    to_simplified,
)


def test_search_form_unifies_width_script_case_and_space() -> None:
    assert search_form("推進質量強盟　ＡＢ １２％") == "推进质量强盟ab12%"
    assert search_form("森林覆蓋率") == search_form("森林覆盖率")


def test_normalize_question_strips_controls_and_collapses_space() -> None:
    assert normalize_question("  厦门\u0000的\t目标\u200b？ ") == "厦门的 目标?"


def test_detect_script() -> None:
    assert detect_script("推進質量強盟戰略實施意見，為適應經濟發展新常態") == "traditional"
    assert detect_script("推进质量强盟战略实施意见，为适应经济发展新常态") == "simplified"
    assert detect_script("12345 abc") == "simplified"


def test_to_simplified_keeps_length_on_cjk() -> None:
    text = "質量強盟戰略實施意見"
    assert len(to_simplified(text)) == len(text)


def test_split_sentences_spans() -> None:
    text = "一、总则\n到2018年，达到95%。其次；好！ "
    spans = split_sentences(text, offset=10)
    assert [text[s - 10 : e - 10] for s, e in spans] == [
        "一、总则",
        "到2018年，达到95%。",
        "其次；",
        "好！",
    ]


@given(st.text())
def test_normaliser_never_crashes_and_is_idempotent(text: str) -> None:
    once = normalize_question(text)
    assert normalize_question(once) == once
    assert search_form(search_form(text)) == search_form(text)


@given(st.text(), st.integers(min_value=0, max_value=1000))
def test_sentence_spans_index_the_text(text: str, offset: int) -> None:
    for start, end in split_sentences(text, offset):
        piece = text[start - offset : end - offset]
        assert piece and piece == piece.strip()
