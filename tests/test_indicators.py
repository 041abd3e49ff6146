"""Which documents state an asked indicator (qa.indicators), in other words too."""

from qa.indicators import documents_stating, names_every_term
from qa.types import Figure


def _figure(doc_id: str, indicator: str) -> Figure:
    text = f"{indicator}达100%"
    return Figure(
        doc_id, ("二、",), indicator, "100", 100.0, "%", "", None, "", text, (0, len(text))
    )


def test_an_indicator_names_a_term_written_without_its_last_or_first_character() -> None:
    terms = ["饮用", "水源地", "水质"]
    assert names_every_term("集中式饮用水源地水质达标率", terms)
    # 东莞 says 饮用水源, not 饮用水源地: the same indicator
    assert names_every_term("城市集中式饮用水源水质达标率", terms)
    # a missing term is still missing; two-character terms are matched whole
    assert not names_every_term("城市生活污水处理率", terms)
    assert not names_every_term("饮用水质达标率", ["饮用", "水源"])
    assert not names_every_term("任何指标", [])


def test_documents_stating_an_indicator_in_other_words() -> None:
    figures = [
        _figure("ty", "集中式饮用水源地水质达标率"),
        _figure("dg", "城市集中式饮用水源水质达标率"),
        _figure("xm", "森林覆盖率"),
    ]
    assert documents_stating(figures, ["饮用", "水源地", "水质"]) == ["ty", "dg"]
