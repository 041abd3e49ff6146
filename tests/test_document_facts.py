"""Questions about a document itself: its signing date and its issuer, quoted."""

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import index_folder, make_document

from qa.answer.document_facts import MAX_LISTED, fact_answer, fact_asked
from qa.assistant import Assistant
from qa.types import Chunk, Document
from tests.fakes import FakeEmbedder

NOTICE = (
    "厦门市人民政府关于进一步实施质量强市战略的意见\n"
    "厦府〔2015〕114号\n"
    "各区人民政府，市直各委、办、局：\n"
    "现提出如下意见。\n"
    "厦门市人民政府\n"
    "  2015年4月27日\n"
    "一、总体目标\n"
    "到2018年，森林覆盖率达42.9%。\n"
)
LAW = (
    "# 中华人民共和国食品安全法\n\n"
    "2009年2月28日 第十一届全国人民代表大会常务委员会第七次会议通过\n\n"
    "2015年4月24日 第十二届全国人民代表大会常务委员会第十四次会议修订\n\n"
    "## 第一章 总 则\n\n第一条 为了保证食品安全，制定本法。\n"
)


def _document(text: str, doc_id: str, **facts: str) -> tuple[Document, list[Chunk]]:
    document = replace(make_document(text, doc_id=doc_id, region=facts.pop("region", "")), **facts)
    head = text.index("一、") if "一、" in text else text.index("## ")
    chunks = [
        Chunk(f"{doc_id}:0", doc_id, (), (), text[:head], (0, head)),
        Chunk(f"{doc_id}:1", doc_id, ("一、",), ("一、",), text[head:], (head, len(text))),
    ]
    return document, chunks


def _of(chunks: list[Chunk]) -> Callable[[str], list[Chunk]]:
    """A document's chunks, as the index gives them."""
    return lambda doc_id: [c for c in chunks if c.doc_id == doc_id]


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("厦门的意见是什么时候印发的？", "date"),
        ("太原行动计划的发布日期？", "date"),
        ("這份文件是什麼時候印發的？", "date"),
        ("食品安全法是哪一年通过的?", "date"),
        ("东莞的方案是哪个部门印发的？", "issuer"),
        ("这份文件的发文机关是什么？", "issuer"),
        # About something the document announces, or not about a document at all.
        ("厦门什么时候出台计量发展规划实施意见?", None),
        ("厦门在计量方面要研究出台什么文件?", None),
        ("质量奖什么时候颁布?", None),
        ("产品质量法的施行日期?", None),  # 施行 is in the text of an article
    ],
)
def test_questions_about_the_document_itself(question: str, fact: str | None) -> None:
    assert fact_asked(question) == fact


def test_the_signing_date_and_issuer_are_quoted_where_the_text_states_them() -> None:
    xm, chunks = _document(
        NOTICE, "xm", date="2015-04-27", issuer="厦门市人民政府", region="厦门市"
    )
    for fact, expected in (("date", "2015年4月27日"), ("issuer", "厦门市人民政府")):
        answer = fact_answer("?", fact, [xm], _of(chunks))  # type: ignore[arg-type]
        assert answer.found and [s.text for s in answer.sentences] == [expected]
        (citation,) = answer.sentences[0].citations
        assert NOTICE[citation.span[0] : citation.span[1]] == expected
        assert answer.passages[0].chunk == chunks[0]  # the head, where it is written
    # The issuer's name also opens the title; the signature's is the one quoted.
    issuer = fact_answer("?", "issuer", [xm], _of(chunks))
    assert issuer.sentences[0].citations[0].span[0] == NOTICE.rindex("厦门市人民政府")


def test_a_law_gives_its_adoption_and_every_amendment() -> None:
    law, chunks = _document(LAW, "food", date="2009-02-28")
    answer = fact_answer("?", "date", [law], _of(chunks))
    assert [s.text[:10] for s in answer.sentences] == ["2009年2月28日", "2015年4月24日"]
    assert all(s.text.endswith(("通过", "修订")) for s in answer.sentences)


def test_a_fact_no_chunk_states_is_not_found_with_what_the_record_says() -> None:
    xm, chunks = _document(NOTICE, "xm", date="2015-04-27", region="厦门市")
    body_only = chunks[1:]  # the head is in no chunk
    answer = fact_answer("?", "date", [xm], _of(body_only))
    assert not answer.found and "2015-04-27" in answer.not_found_reason
    unknown, chunks = _document(NOTICE.replace("2015年4月27日", ""), "u", date="")
    assert "没有可以引用的成文日期。" in fact_answer("?", "date", [unknown], _of(chunks)).answer
    # Several documents: those stating it are quoted, the others named.
    both = fact_answer("?", "date", [xm, unknown], _of([*chunks, *_document(NOTICE, "xm")[1]]))
    assert [s.label for s in both.sentences] == ["厦门市"]
    assert both.notes and "没有可以引用的成文日期" in both.notes[0]


def test_the_assistant_answers_from_the_documents_record(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("厦门的意见是什么时候印发的？")
    assert answer.found and answer.sentences[0].text == "2015年4月27日"
    passage = answer.passages[0]
    assert "2015年4月27日" in passage.chunk.text and passage.region == "厦门市"
    assert fake_assistant.ask("阿拉善盟的文件是哪一年发布的？").found is False
    # A question about what the document announces is answered from its text.
    content = fake_assistant.ask("厦门在计量方面要研究出台什么文件?")
    assert content.found and "计量" in content.answer
    # A place no document is about, or a law not in the corpus, has no record to read.
    for question, named in (
        ("深圳的意见是什么时候印发的？", "深圳"),
        ("电子商务法是哪年颁布的?", "电子商务法"),
    ):
        absent = fake_assistant.ask(question)
        assert not absent.found and named in absent.answer and not absent.passages


def test_the_document_number_and_the_promulgator_of_a_regulation() -> None:
    regulation = (
        "# 某某管理条例\n\n2000年1月30日 中华人民共和国国务院令第279号发布\n\n"
        "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 中华人民共和国国务院有关部门负责监督。\n"
    )
    document, _ = _document(NOTICE, "n")
    document = replace(
        document,
        text=regulation,
        issuer="中华人民共和国国务院",
        doc_number="中华人民共和国国务院令第279号",
    )
    head = regulation.index("## ")
    chunks = [
        Chunk("r:0", "n", (), (), regulation[:head], (0, head)),
        Chunk("r:1", "n", ("第一章 总则",), (), regulation[head:], (head, len(regulation))),
    ]
    number = fact_answer("?", "number", [document], _of(chunks))
    assert [s.text for s in number.sentences] == ["中华人民共和国国务院令第279号"]
    # Its promulgation line, not the article naming it again in another role.
    issuer = fact_answer("?", "issuer", [document], _of(chunks))
    assert issuer.passages[0].chunk.chunk_id == "r:0"
    assert fact_asked("建设工程质量管理条例的文号是什么?") == "number"


def test_a_fact_of_one_document_among_many_names_it_or_asks_which(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(MAX_LISTED + 1):
        city = f"{'甲乙丙丁戊己庚辛壬癸子丑'[n]}城市"
        text = (
            f"{city}人民政府关于质量工作的意见\n{city}人民政府\n2015年4月{n + 1}日\n"
            f"一、目标\n{city}推进第{n}号质量工程。\n"
        )
        (corpus / f"c{n}.txt").write_text(text, encoding="utf-8")
    settings = index_folder(corpus, tmp_path / "index")
    assistant = Assistant(settings, FakeEmbedder())
    which = assistant.ask("这份文件是什么时候印发的?")
    assert not which.found and "哪份文件" in which.answer
    # Named by what it is about, the document retrieval finds first is the one.
    named = assistant.ask("第3号质量工程的文件是什么时候印发的?")
    assert named.found and named.sentences[0].text == "2015年4月4日"
    # Told which document, it answers.
    chosen = assistant.ask("这份文件是什么时候印发的?", doc_filter="c5")
    assert chosen.found and chosen.sentences[0].text == "2015年4月6日"


def test_a_number_or_issuer_on_no_record_is_left_to_retrieval() -> None:
    unknown, chunks = _document(NOTICE, "u", region="厦门市")  # no issuer, no number on record
    assert fact_answer("?", "issuer", [unknown], _of(chunks)) is None
    assert fact_answer("?", "number", [unknown], _of(chunks)) is None
    # A number of a document it cites is not its own.
    assert fact_asked("阿拉善盟这份实施意见依据的自治区文件文号是什么?") is None
