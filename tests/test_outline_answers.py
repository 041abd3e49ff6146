"""Questions the outline answers (主要措施有哪些? 分几个阶段?): the sub-headings, quoted."""

from conftest import make_document

from qa.answer.outline_list import heading_span, outline_answer, outline_list, sub_sections
from qa.answer.text import sentences_text
from qa.assistant import Assistant
from qa.ingest.chunking import chunk_document
from qa.ingest.outline import parse_outline
from qa.retrieve.law_names import law_names
from qa.retrieve.query import analyse
from qa.textnorm import search_form
from qa.types import AnswerSentence, Chunk, Citation, Passage

PLAN = """东莞市创建质量强市示范城市工作方案
一、主要目标
到2014年，全市质量水平明显提高。
二、主要措施
（一）加强质量发展战略规划
制定工作方案。
（二）打造城市特色质量文化
开展质量月活动。
（三）夯实城市质量发展基础
加强标准化工作。
三、进度安排
（一）规划筹备阶段（2012年10月至12月）
成立领导小组。
（二）全面推进阶段（2013年1月至2014年6月）
落实各项任务。
"""
LAW = """中华人民共和国测试法
第一章 总则
第一条 为了保障质量，制定本法。
第二条 本法适用于产品。
第二章 消费者的权利
第三条 消费者享有安全权。
第四条 消费者享有知情权。
"""
DOCUMENT = make_document(PLAN, doc_id="dg", region="东莞市", title=PLAN.splitlines()[0])
LAW_DOCUMENT = make_document(LAW, doc_id="law", title="中华人民共和国测试法")


def _chunks(document=DOCUMENT) -> list[Chunk]:  # type: ignore[no-untyped-def]
    return chunk_document(document, parse_outline(document.text))


def _passages(chunks: list[Chunk], heading: str, document=DOCUMENT) -> list[Passage]:  # type: ignore[no-untyped-def]
    hit = [c for c in chunks if any(heading in label for label in c.section_path)]
    return [Passage(1, hit[-1], document.title, document.region, 1.0)]


def _listing(question: str, heading: str):  # type: ignore[no-untyped-def]
    chunks = _chunks()
    analysis = analyse(question, [DOCUMENT])
    return outline_list(analysis, _passages(chunks, heading), lambda _: chunks)


def test_measures_and_stages_are_the_sub_headings() -> None:
    measures = _listing("东莞方案的主要措施有哪些?", "主要措施")
    assert measures is not None and measures.parent[-1].endswith("主要措施")
    assert [label[-4:] for label, _ in measures.items] == ["战略规划", "质量文化", "发展基础"]
    assert [x for x, _ in measures.items] == [
        x for x, _ in sub_sections(_chunks(), measures.parent)
    ]
    stages = _listing("创建工作分几个阶段?", "阶段")
    assert stages is not None and len(stages.items) == 2
    assert all("阶段" in label for label, _ in stages.items)


def test_the_parts_of_a_document_named_alone() -> None:
    chunks = _chunks()
    analysis = analyse("东莞方案包括哪几部分?", [DOCUMENT])
    listing = outline_list(analysis, _passages(chunks, "主要措施"), lambda _: chunks)
    assert listing is not None and listing.parent == ()
    assert [label[:2] for label, _ in listing.items] == ["一、", "二、", "三、"]


def test_a_law_named_alone_lists_its_chapters() -> None:
    chunks = _chunks(LAW_DOCUMENT)
    analysis = analyse("测试法分为几章?", [LAW_DOCUMENT])
    assert analysis.doc_ids == ("law",)
    passages = _passages(chunks, "消费者的权利", LAW_DOCUMENT)
    listing = outline_list(analysis, passages, lambda _: chunks)
    assert listing is not None and listing.parent == ()
    assert [label[:3] for label, _ in listing.items] == ["第一章", "第二章"]


def test_ordinary_list_questions_are_left_to_the_sentences() -> None:
    # Words the headings do not hold, a question that is no list, a comparison.
    assert _listing("东莞要开展哪些质量月活动?", "主要措施") is None
    assert _listing("东莞到2014年质量水平要达到什么程度?", "主要目标") is None
    assert _listing("各地的主要措施分别有哪些?", "主要措施") is None
    # A law's articles are numbers, not named items.
    chunks = _chunks(LAW_DOCUMENT)
    analysis = analyse("消费者有哪些权利?", [LAW_DOCUMENT])
    passages = _passages(chunks, "消费者的权利", LAW_DOCUMENT)
    assert outline_list(analysis, passages, lambda _: chunks) is None


def test_the_answer_quotes_each_heading_where_its_section_writes_it() -> None:
    listing = _listing("创建工作分几个阶段?", "阶段")
    assert listing is not None
    answer = outline_answer("创建工作分几个阶段?", listing, DOCUMENT)
    assert answer.found and len(answer.sentences) == len(answer.passages) == 2
    assert answer.sentences[0].label.endswith("进度安排") and not answer.sentences[1].label
    for sentence, passage in zip(answer.sentences, answer.passages, strict=True):
        (citation,) = sentence.citations
        assert PLAN[citation.span[0] : citation.span[1]] == sentence.text
        assert sentence.text in passage.chunk.text
    assert answer.answer.splitlines()[1].startswith("（二）全面推进阶段")  # no stray "："


def test_heading_spans_allow_the_spaces_the_label_dropped() -> None:
    chunk = Chunk("c", "d", ("1.產品質量",), ("1.",), "1. 產品質量\n產品合格率達到90%。", (10, 30))
    assert heading_span(chunk, "1.產品質量") == (10, 17)
    assert heading_span(chunk, "2.工程質量") is None


def test_labelled_and_unlabelled_lines_of_one_answer() -> None:
    one = AnswerSentence("（一）甲", (Citation(1, "d", (0, 4)),), "二、主要措施")
    two = AnswerSentence("（二）乙", (Citation(2, "d", (5, 9)),))
    assert sentences_text([one, two]) == "二、主要措施：（一）甲[1]\n（二）乙[2]"


def test_the_assistant_lists_the_measures(fake_assistant: Assistant) -> None:
    answer = fake_assistant.ask("东莞方案的主要措施有哪些?")
    assert answer.found and answer.sentences[0].label == "三、主要措施"
    assert len(answer.sentences) == 8 and all(s.text.startswith("(") for s in answer.sentences)


def test_an_outline_answer_obeys_the_not_found_rules(fake_assistant: Assistant) -> None:
    # The 东莞 plan's measures list the same words, but the question asks of a place
    # no document is about, or of a year no passage mentions.
    for question, says in (
        ("深圳方案的主要措施有哪些?", "深圳"),
        ("东莞方案2030年的主要措施有哪些?", "2030"),
    ):
        answer = fake_assistant.ask(question)
        assert not answer.found and says in answer.not_found_reason, question


def test_a_law_named_before_what_is_asked_of_it_is_recognised() -> None:
    for question in ("电子商务法分为哪几章?", "广告法什么时候施行?", "价格法包括哪些内容?"):
        assert law_names(search_form(question)), question
    assert law_names(search_form("商家说无法退货怎么办?")) == []
    # Pointing at a law by what it does names none.
    assert law_names(search_form("农民买种子受不受保护消费者权益那部法的保护?")) == []
    # 怎么个指导法 asks how: the 法 is a way of doing it, not a law.
    assert law_names(search_form("政府指导价到底是怎么个指导法?政府具体定的是什么?")) == []
