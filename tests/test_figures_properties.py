"""Property tests: extraction never crashes and every figure quotes its own span."""

from __future__ import annotations

from conftest import make_document
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.figures import extract_figures
from qa.types import COMPARATORS

FRAGMENTS = [
    "到2018年", "到 2020 年底", "至2020年", "2015年前", "2014年6月前", "2015年4月27日",
    "达到", "达", "稳定在", "不低于", "超过", "低于", "提高", "下降", "新增", "以上", "以下",
    "以内", "内", "余", "多", "95%", "98 %", "９２％", "42.9", "百分之", "三十", "十五日",
    "有效期三年", "个百分点", "5—10个", "1,000", "〔2015〕", "114号", "12315", "第76次",
    "第三条", "十八大", "三个转变", "一、", "(一)", "（二）", "1.", "(1)", "——", "，", ",",
    "；", "。", "\n", " ", "\u3000", "合格率", "驰名商标", "件", "家", "万元", "亿元",
    "牵头部门:", "牵头单位：", "市质监局", "负责", "牵头", "(", ")", "（", "）", "由", "的",
    "達到", "以上(盟林業局負責)", "認證 15個以上", "PM2.5", "三分之二", "〇", "两", "万", "亿",
]  # fmt: skip

fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.text(max_size=300)
scripts = st.sampled_from(["simplified", "traditional"])


def _check(text: str, script: str) -> None:
    figures = extract_figures(make_document(text, script), ())
    previous = -1
    for figure in figures:
        start, end = figure.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == figure.text
        assert figure.value and figure.value in figure.text
        assert figure.text == figure.text.strip()
        assert figure.comparator in (*COMPARATORS, "")
        assert figure.section_path == ()
        assert figure.target_year is None or 1900 <= figure.target_year <= 2100
        assert figure.indicator in text
        assert start >= previous  # text order
        previous = start


@settings(max_examples=300, deadline=None)
@given(any_text, scripts)
def test_arbitrary_unicode_never_crashes(text: str, script: str) -> None:
    _check(text, script)


@settings(max_examples=400, deadline=None)
@given(fragment_text, scripts)
def test_number_like_fragments_keep_the_span_invariant(text: str, script: str) -> None:
    _check(text, script)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=30), scripts)
def test_mixed_fragments_and_noise(parts: list[str], script: str) -> None:
    _check("".join(parts), script)
