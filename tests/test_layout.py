"""Print layout back to paragraphs (pure): joins, headings, page furniture, page spans."""

from __future__ import annotations

import pytest

from qa.ingest.pages import page_at, page_label, pages_of_span
from qa.ingest.readers.layout import PageLines, TextLine, is_page_number, pages_to_text
from qa.ingest.readers.ocr import rows

# A page in mm like the renderer's: body from x=28 to x=184, 28 characters a line.
LEFT, RIGHT, PITCH = 28.0, 184.0, 10.2
CHAR = (RIGHT - LEFT) / 28


def units(text: str) -> float:
    """Width in body characters: CJK 1, ASCII ½ (as the font sets them)."""
    return sum(0.5 if c.isascii() else 1.0 for c in text)


def body(text: str, row: int, *, indent: int = 0, full: bool = True) -> TextLine:
    """A body line; a full one is justified to the right margin, so its text must fill it."""
    top = 40.0 + row * PITCH
    x0 = LEFT + indent * CHAR
    if full:
        assert abs(units(text) - (28 - indent)) <= 1, (text, units(text))
    x1 = RIGHT if full else x0 + units(text) * CHAR
    return TextLine(text, x0, top, x1, top + CHAR)


def furniture(number: int) -> tuple[TextLine, TextLine]:
    return (
        TextLine("质量强市政策文件汇编", 80.0, 18.0, 130.0, 22.0),
        TextLine(f"— {number} —", 95.0, 275.0, 115.0, 280.0),
    )


def page(lines: list[TextLine], number: int, *, header: bool = False) -> PageLines:
    running, footer = furniture(number)
    return PageLines(210.0, 297.0, ((running,) if header else ()) + (*lines, footer))


@pytest.mark.parametrize(
    "text", ["— 3 —", "-3-", "- 12 -", "第3页 共10页", "第 3 页", "3/10", "3", "—3—"]
)
def test_page_numbers_are_recognised(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["一、总体目标", "2018年", "3.5%", "第三条", "（一）"])
def test_text_is_not_a_page_number(text: str) -> None:
    assert not is_page_number(text)


def test_wrapped_lines_join_and_headings_stay_lines() -> None:
    pages = [
        page(
            [
                body("一、总体目标", 0, indent=2, full=False),
                body("到2018年,全市森林覆盖率达到规划确定的目标水平并继续", 1, indent=2),
                body("42.9%,城市空气质量优良率一直保持在较高水平并且逐年提高到", 2),
                body("95%以上。", 3, full=False),
                body("（一）产品质量。合格率达到全省平均水平以上并稳定在", 4, indent=2),
                body("92%。", 5, full=False),
                body("1.工程质量稳步提升", 6, indent=2, full=False),
                body("第三条 本办法自发布之日起施行,此前发布的有关规定与原", 7, indent=2),
                body("办法同时废止。", 8, full=False),
            ],
            1,
        )
    ]
    assert pages_to_text(pages).text.split("\n") == [
        "一、总体目标",
        "到2018年,全市森林覆盖率达到规划确定的目标水平并继续"
        "42.9%,城市空气质量优良率一直保持在较高水平并且逐年提高到95%以上。",
        "（一）产品质量。合格率达到全省平均水平以上并稳定在92%。",
        "1.工程质量稳步提升",
        "第三条 本办法自发布之日起施行,此前发布的有关规定与原办法同时废止。",
    ]


def test_a_marker_at_a_line_start_is_never_joined_even_after_a_full_line() -> None:
    full = "各单位要加强组织领导,确保完成年度目标任务并按时报送"
    pages = [page([body(full, 0, indent=2), body("二、保障措施", 1, full=False)], 1)]
    assert pages_to_text(pages).text.split("\n") == [
        full,
        "二、保障措施",
    ]


def test_headers_footers_and_numbers_are_dropped_and_paragraphs_cross_pages() -> None:
    first = [body("第一段的开头在这一页一直不停地写到了本页的最后一行然", 20, indent=2)]
    second = [
        body("后在下一页结束。", 0, full=False),
        body("第二段。", 1, indent=2, full=False),
    ]
    last = [body("第三段。", 0, indent=2, full=False)]
    result = pages_to_text(
        [page(first, 1, header=True), page(second, 2, header=True), page(last, 3, header=True)]
    )
    assert result.text == (
        "第一段的开头在这一页一直不停地写到了本页的最后一行然后在下一页结束。\n第二段。\n第三段。"
    )
    assert "汇编" not in result.text and "—" not in result.text
    # Page 2 starts where its first line's text went, inside the joined paragraph.
    assert result.text[result.page_starts[1] :].startswith("后在下一页")
    assert result.text[result.page_starts[2] :] == "第三段。"


def test_a_single_page_keeps_its_header_line_unless_it_is_a_number() -> None:
    # One page cannot show that a line repeats; only the page number is certain.
    result = pages_to_text([page([body("正文。", 0, indent=2, full=False)], 1, header=True)])
    assert result.text == "质量强市政策文件汇编\n正文。"


def test_a_centered_title_over_two_lines_is_one_line() -> None:
    title = [
        TextLine("厦门市人民政府关于印发进一步", 40.0, 40.0, 170.0, 48.0),
        TextLine("实施质量强市战略意见的通知", 50.0, 55.0, 160.0, 63.0),
    ]
    lines = [
        *title,
        body("厦府〔2015〕114号", 3, indent=8, full=False),
        body("各区人民政府,市直各委、办、局:", 4, full=False),
        body("正文第一段,说明印发的事项。", 5, indent=2, full=False),
    ]
    result = pages_to_text([PageLines(210.0, 297.0, tuple(lines))])
    assert result.text.split("\n")[0] == "厦门市人民政府关于印发进一步实施质量强市战略意见的通知"


def test_latin_words_split_by_a_wrap_get_a_space_cjk_does_not() -> None:
    english = "the quality of products and services in this city has"
    pages = [page([body(english, 0, indent=2), body("improved 质量", 1, full=False)], 1)]
    assert pages_to_text(pages).text == english + " improved 质量"


def test_ocr_boxes_on_one_row_merge_left_to_right_unless_far_apart() -> None:
    pieces = [
        TextLine("质量强市战略", 85.0, 101.0, 150.0, 109.0, 0.9),
        TextLine("厦门市实施", 30.0, 100.0, 80.0, 110.0, 0.8),
        TextLine("另一栏", 190.0, 100.0, 220.0, 110.0, 0.9),  # a gap of 4 line heights
        TextLine("下一行", 30.0, 120.0, 60.0, 130.0, 0.95),
    ]
    merged = rows(pieces)
    assert [m.text for m in merged] == ["厦门市实施质量强市战略", "另一栏", "下一行"]
    assert 0.8 < merged[0].confidence < 0.9


def test_two_columns_are_read_left_column_first() -> None:
    def line(text: str, x0: float, row: int, x1: float) -> TextLine:
        return TextLine(text, x0, 40.0 + row * PITCH, x1, 40.0 + row * PITCH + CHAR)

    title = [line("两栏排版的标题", 60.0, 0, 150.0)]
    left = [line(f"左栏第{n}行文字", 20.0, n + 1, 100.0) for n in range(5)]
    right = [line(f"右栏第{n}行文字", 110.0, n + 1, 190.0) for n in range(5)]
    interleaved = [title[0]] + [x for pair in zip(left, right, strict=True) for x in pair]
    text = pages_to_text([PageLines(210.0, 297.0, tuple(interleaved))]).text
    assert text.split("\n")[0] == "两栏排版的标题"
    assert text.index("左栏第4行") < text.index("右栏第0行")


def test_pages_of_a_span() -> None:
    starts = (0, 100, 100, 250)  # page 3 is empty: its start equals page 4's
    assert page_at(starts, 0) == 1 and page_at(starts, 99) == 1 and page_at(starts, 100) == 3
    assert pages_of_span(starts, (90, 110)) == (1, 2, 3)
    assert pages_of_span(starts, (260, 300)) == (4,)
    assert pages_of_span(starts, (50, 100)) == (1,)  # the end is exclusive
    assert pages_of_span((), (0, 10)) == ()
    assert page_label((3,)) == "第3页" and page_label((3, 4)) == "第3–4页" and page_label(()) == ""


def test_a_text_layer_of_unmapped_glyphs_counts_as_garbled() -> None:
    from qa.ingest.readers.pdf import garbled

    assert garbled("\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009\ue00a\ue00b一")
    assert garbled("\ufffd" * 12)
    assert not garbled("到2018年,全市森林覆盖率达到42.9%。")
    assert not garbled("\ue001\ue002")  # too little to judge


def test_a_lone_last_character_with_a_padded_ocr_box_still_joins() -> None:
    full = "(六)全面提升服务质量,形成以顾客满意度为核心的消费环"
    lone = TextLine(
        "境", LEFT - 1.0, 40.0 + PITCH - 1.5, LEFT + 1.6 * CHAR, 40.0 + PITCH + CHAR + 1.5
    )
    rest = [body("第二段文字写在这里,没有写满一行。", n, indent=2, full=False) for n in (2, 3, 4)]
    text = pages_to_text([page([body(full, 0, indent=2), lone, *rest], 1)]).text
    assert text.split("\n")[0] == full + "境"
