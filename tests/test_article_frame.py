"""A later 款 of a law article is read with the article's subject (stop 48)."""

from qa.answer.article_frame import article_subjects, framed_by_article
from qa.answer.evidence import Evidence
from qa.types import Chunk, Passage

ARTICLE = (
    "第八十五条 食品检验由食品检验机构指定的检验人独立进行。\n"
    "检验人应当依照有关法律、法规的规定，并按照食品安全标准和检验规范对食品进行检验。"
)


def _passage(text: str, heading: str, numbers: tuple[str, ...]) -> Passage:
    chunk = Chunk("law:85", "law", (heading,), numbers, text, (100, 100 + len(text)))
    return Passage(1, chunk, "食品安全法", "", 1.0)


def _evidence(passage: Passage, sentence: str) -> Evidence:
    start = passage.chunk.text.index(sentence) + passage.chunk.span[0]
    return Evidence(1, "law", (start, start + len(sentence)), sentence, 0.0)


def test_a_later_paragraph_is_read_after_the_opening_clause() -> None:
    passage = _passage(ARTICLE, "第八十五条", ("第八十五条",))
    later = "检验人应当依照有关法律、法规的规定，并按照食品安全标准和检验规范对食品进行检验。"
    assert framed_by_article(_evidence(passage, later), article_subjects([passage])) == (
        "食品检验由食品检验机构指定的检验人独立进行，" + later
    )


def test_the_opening_itself_and_policy_passages_are_left_alone() -> None:
    passage = _passage(ARTICLE, "第八十五条", ("第八十五条",))
    opening = "第八十五条 食品检验由食品检验机构指定的检验人独立进行。"
    assert framed_by_article(_evidence(passage, opening), article_subjects([passage])) == ""
    policy = _passage(ARTICLE.replace("第八十五条 ", ""), "（三）加强检验", ("（三）",))
    later = "检验人应当依照有关法律、法规的规定，并按照食品安全标准和检验规范对食品进行检验。"
    assert framed_by_article(_evidence(policy, later), article_subjects([policy])) == ""


def test_a_bare_opening_clause_frames_nothing() -> None:
    text = "第二条 本法:\n国家对食品实行检验。"
    passage = _passage(text, "第二条", ("第二条",))
    assert article_subjects([passage]) == {}
    assert framed_by_article(_evidence(passage, "国家对食品实行检验。"), {}) == ""
