"""Property tests: outline parsing and chunking never crash and always index the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.ingest.chunking import chunk_document
from qa.ingest.noise import noise_line_spans
from qa.ingest.outline import parse_outline, walk
from qa.types import Document, Section

MARKERS = [
    "一、",
    "十一、",
    "(二)",
    "（三）",
    "（十四）",
    "1.",
    "2、",
    "３．",
    "1.1",
    "(1)",
    "（2）",
    "①",
    "第三条",
    "第一章\u3000",
    "第二节 ",
    "第十条第二款",
    "2014年",
    "1.5亿元",
    "12315、",
    "## ",
    "# ",
    "<!-- x -->",
    "扫一扫",
    "时间:2022-07-23 09:01",
    "  ",
    "\u3000",
]
WORDS = [
    "总体目标",
    "加强组织领导。",
    "质量是城市的必由之路。",
    "，",
    "；",
    "到2018年",
    "合格率达到95%以上",
    "(牵头部门:市质监局)",
    "正文",
    "質量強盟",
    "\r",
    "",
]

heading_like_line = st.builds(
    lambda parts: "".join(parts),
    st.lists(st.sampled_from(MARKERS + WORDS), min_size=0, max_size=6),
)
heading_like_text = st.builds("\n".join, st.lists(heading_like_line, max_size=40))
any_text = st.text(max_size=600)


def _document(text: str) -> Document:
    return Document(
        doc_id="p",
        source_name="p.txt",
        text=text,
        title="标题",
        issuer="",
        doc_number="",
        date="",
        region="",
        script="simplified",
        content_hash="0",
    )


def _check(text: str, chunk_size: int, chunk_min: int) -> None:
    sections = parse_outline(text)
    for ancestors, section in walk(sections):
        start, end = section.span
        assert 0 <= start < end <= len(text)
        assert section.body_span[0] == start and section.body_span[1] <= end
        assert text[start:].startswith(section.number)
        assert all(c.level > section.level for c in section.children)
        for parent in ancestors:
            assert parent.span[0] <= start and end <= parent.span[1]
    chunks = chunk_document(_document(text), sections, chunk_size=chunk_size, chunk_min=chunk_min)
    noise = noise_line_spans(text)
    previous_end = 0
    for chunk in chunks:
        start, end = chunk.span
        assert 0 <= start < end <= len(text)
        assert chunk.text == text[start:end] and chunk.text.strip() == chunk.text
        assert start >= previous_end
        previous_end = end
        assert len(chunk.text) <= chunk_size
        for n_start, n_end in noise:
            assert end <= n_start or start >= n_end, "chunk overlaps a chrome line"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text, st.integers(min_value=20, max_value=400), st.integers(min_value=0, max_value=100))
def test_arbitrary_unicode(text: str, chunk_size: int, chunk_min: int) -> None:
    _check(text, chunk_size, chunk_min)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    heading_like_text,
    st.integers(min_value=20, max_value=400),
    st.integers(min_value=0, max_value=100),
)
def test_heading_like_fragments(text: str, chunk_size: int, chunk_min: int) -> None:
    _check(text, chunk_size, chunk_min)


@settings(max_examples=100, deadline=None)
@given(heading_like_text)
def test_parse_is_deterministic(text: str) -> None:
    first: tuple[Section, ...] = parse_outline(text)
    parse_outline.cache_clear()
    assert parse_outline(text) == first
