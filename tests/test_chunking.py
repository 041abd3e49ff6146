"""Chunks: exact spans, size limits, no orphans, no chrome, full heading paths."""

from __future__ import annotations

import itertools
import statistics

import pytest

from qa.config import PROJECT_ROOT
from qa.errors import InputError
from qa.ingest.chunking import chunk_document, sentence_texts, split_span, vector_texts
from qa.ingest.corpus import load_corpus
from qa.ingest.outline import parse_outline
from qa.ingest.parse import parse_document
from qa.present.views import chunks_to_list
from qa.types import Chunk, Document

CHROME = (
    "扫一扫",
    "返回顶部",
    "备案号",
    "【字体",
    "主办单位",
    "信息来源",
    "導語",
    "時間:",
    "相关附件",
    "媒体报道",
    "分享到",
    "网站地图",
    "联系我们",
    "文章关键词",
    "二维码",
    "即将离开",
    "附件:",
)
# Menu entries too short to search for inside text (牵头部门 contains 头部): whole lines.
CHROME_LINES = ("头部", "ico", "文件", "访谈", "其他", "图解类", "福建省人民政府")


@pytest.fixture(scope="module")
def parsed() -> list[tuple[Document, list[Chunk]]]:
    return [
        (d, list(parse_document(d, chunk_size=400, chunk_min=80).chunks))
        for d in load_corpus(PROJECT_ROOT / "corpus")
    ]


def _doc(text: str, title: str = "测试文件", script: str = "simplified") -> Document:
    return Document(
        doc_id="t",
        source_name="t.txt",
        text=text,
        title=title,
        issuer="",
        doc_number="",
        date="",
        region="",
        script=script,  # type: ignore[arg-type]
        content_hash="0",
    )


def test_chunk_text_is_the_document_text(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    for document, chunks in parsed:
        assert chunks
        for chunk in chunks:
            start, end = chunk.span
            assert chunk.text == document.text[start:end]
            assert chunk.text == chunk.text.strip()
            assert chunk.chunk_id == f"{document.doc_id}:{start}-{end}"
        spans = [c.span for c in chunks]
        assert spans == sorted(spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "chunks overlap"


def test_no_chrome_in_any_chunk(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    for _, chunks in parsed:
        for chunk in chunks:
            for word in CHROME:
                assert word not in chunk.text, (chunk.chunk_id, word)
            lines = {line.strip() for line in chunk.text.splitlines()}
            assert not lines & set(CHROME_LINES), chunk.chunk_id


def test_size_limit_and_no_orphans(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    for _, chunks in parsed:
        assert max(len(c.text) for c in chunks) <= 400
        by_path: dict[tuple[str, ...], list[Chunk]] = {}
        for chunk in chunks:
            by_path.setdefault(chunk.section_path, []).append(chunk)
        for group in by_path.values():
            if len(group) > 1 and group[0].section_path:  # a section split into pieces
                assert min(len(c.text) for c in group) >= 80


def test_every_chunk_but_the_preamble_has_a_heading_path(
    parsed: list[tuple[Document, list[Chunk]]],
) -> None:
    for document, chunks in parsed:
        sections = parse_outline(document.text)
        first_heading = sections[0].span[0]
        for chunk in chunks:
            if chunk.span[0] >= first_heading and not chunk.section_path:
                # only a document's closing text may sit outside every section
                assert chunk.span[0] >= sections[-1].span[1]
            assert len(chunk.section_numbers) == len(chunk.section_path)


def test_paths_and_search_text(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    xiamen, chunks = next(p for p in parsed if p[0].doc_id.startswith("xiamen"))
    chunk = next(c for c in chunks if "森林覆盖率达42.9%" in c.text)
    assert chunk.section_path == ("二、持续提升四大领域质量水平", "(四)改善环境质量")
    assert chunk.section_numbers == ("二、", "(四)")
    assert chunk.search_text.startswith(
        f"{xiamen.title} 二、持续提升四大领域质量水平 > (四)改善环境质量\n"
    )
    _, alxa_chunks = next(p for p in parsed if p[0].doc_id.startswith("alxa"))
    target = next(c for c in alxa_chunks if "森林覆蓋率達到23%" in c.text)
    assert "森林覆盖率达到23%" in target.search_text
    assert target.search_text.startswith(
        "推进质量强盟战略实施意见 二、总体目标 > (一)质量目标 > 4.环境质量\n"
    )


def test_trailing_paragraph_is_cited_to_the_parent(
    parsed: list[tuple[Document, list[Chunk]]],
) -> None:
    _, chunks = next(p for p in parsed if p[0].doc_id.startswith("xiamen"))
    closing = next(c for c in chunks if c.text.startswith("本意见自发布之日起实施"))
    assert closing.section_path == ("五、切实完善质量工作保障措施",)


def test_preamble_chunk(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    _, chunks = next(p for p in parsed if p[0].doc_id.startswith("dongguan"))
    preamble = [c for c in chunks if not c.section_path and c.span[0] < 500]
    assert preamble and "东府办〔2013〕3号" in preamble[-1].text
    assert preamble[-1].text.endswith("制定本工作方案。")


def test_parent_intro_only_when_it_says_more_than_the_heading(
    parsed: list[tuple[Document, list[Chunk]]],
) -> None:
    _, chunks = next(p for p in parsed if p[0].doc_id.startswith("alxa"))
    paths = [c.section_path for c in chunks]
    assert ("二、總體目標",) in paths  # heading plus a paragraph of its own
    assert ("三、主要任務",) not in paths  # bare heading
    assert ("二、總體目標", "(一)質量目標") not in paths


def test_long_section_is_split_at_sentence_ends() -> None:
    sentence = "加强质量安全监管，落实企业主体责任，完善质量诚信体系建设。"
    text = "一、主要任务\n" + sentence * 40 + "\n"
    document = _doc(text)
    chunks = chunk_document(document, parse_outline(text), chunk_size=200, chunk_min=50)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.text) <= 200
        assert chunk.text.endswith(("。", "，"))
        assert chunk.section_path == ("一、主要任务",)
        assert chunk.text == text[chunk.span[0] : chunk.span[1]]


def test_tiny_tail_merges_into_previous_piece() -> None:
    text = "甲" * 190 + "。" + "乙" * 190 + "。" + "丙丙丙。"
    pieces = split_span(text, (0, len(text)), 200, 50)
    assert [text[s:e] for s, e in pieces][-1].endswith("丙丙丙。")
    assert all(e - s >= 50 for s, e in pieces)
    assert all(e - s <= 200 for s, e in pieces)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)


def test_unsplittable_run_is_cut_by_size() -> None:
    text = "一、标题\n" + "质" * 1000
    chunks = chunk_document(_doc(text), parse_outline(text), chunk_size=300, chunk_min=80)
    assert "".join(c.text for c in chunks).replace("\n", "") == text.replace("\n", "")
    assert all(len(c.text) <= 300 for c in chunks)


def test_text_without_headings_is_one_preamble() -> None:
    text = "\n  一段没有标题的说明文字。\n"
    (chunk,) = chunk_document(_doc(text), parse_outline(text))
    assert chunk.section_path == () and chunk.text == "一段没有标题的说明文字。"


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(InputError):
        chunk_document(_doc("正文。"), (), chunk_size=0)


def test_chunks_to_list_shape(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    _, chunks = parsed[0]
    item = chunks_to_list(chunks)[1]
    assert list(item) == ["id", "section_path", "text", "span"]
    assert item["id"] == chunks[1].chunk_id and item["span"] == list(chunks[1].span)


def test_size_distribution_is_reasonable(parsed: list[tuple[Document, list[Chunk]]]) -> None:
    for _, chunks in parsed:
        assert 150 <= statistics.median(len(c.text) for c in chunks) <= 400


def test_a_chunk_of_several_sentences_is_also_searched_by_each() -> None:
    def chunk(text: str) -> Chunk:
        return Chunk("d:0-1", "d", (), (), text, (0, len(text)), "标题\n" + text)

    several = chunk("（四）推進電梯安全立法。設立96333電梯應急平台。\n（五）略。")
    # Each sentence of six or more characters, in simplified script; （五）略。 is too short.
    assert sentence_texts(several) == ("（四）推进电梯安全立法。", "设立96333电梯应急平台。")
    one = chunk("第三条 本法自公布之日起施行。")
    assert sentence_texts(one) == ()
    texts = vector_texts([several, one], with_sentences=True)
    assert [t for _, t in texts][:2] == [several.search_text, one.search_text]
    assert [c for c, _ in texts[2:]] == [several, several]
    assert vector_texts([several, one], with_sentences=False) == [
        (several, several.search_text),
        (one, one.search_text),
    ]
