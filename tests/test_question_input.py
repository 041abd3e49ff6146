"""Input checked once at the edge (qa.question_input), the document filter
(qa.retrieve.places.documents_named), how many passages a ranking cites
(qa.retrieve.passages.citation_depth) and what a follow-up names anew
(qa.shown_answers.new_topics): the pure functions the Assistant delegates to."""

import pytest
from conftest import make_document

from qa.errors import InputError
from qa.question_input import validated_history, validated_question
from qa.retrieve.passages import citation_depth
from qa.retrieve.places import documents_named
from qa.retrieve.stages import Ranking
from qa.shown_answers import history_before, new_topics

DOCS = [
    make_document(doc_id="xm", region="厦门市"),
    make_document(doc_id="ty", region="太原市"),
]


def test_a_question_is_normalised_and_bad_ones_say_why() -> None:
    assert validated_question("  厦门森林覆盖率？ ", 100) == validated_question(
        "厦门森林覆盖率？", 100
    )
    with pytest.raises(InputError, match="文字"):
        validated_question(None, 100)
    with pytest.raises(InputError, match="太长"):
        validated_question("质量" * 60, 100)
    with pytest.raises(InputError, match="太短"):
        validated_question(" ？ ", 100)


def test_history_must_be_a_list_of_questions() -> None:
    assert validated_history(("a", "b")) == ["a", "b"]
    with pytest.raises(InputError, match="history"):
        validated_history("厦门呢")
    with pytest.raises(InputError, match="history"):
        validated_history(["厦门", 3])


def test_a_document_filter_names_documents_by_id_or_region() -> None:
    assert documents_named(None, DOCS) == []
    assert documents_named("厦门|ty", DOCS) == ["xm", "ty"]
    assert documents_named(["太原", "太原市"], DOCS) == ["ty"]
    with pytest.raises(InputError, match="No document matches") as raised:
        documents_named("杭州", DOCS)
    assert "xm (厦门市)" in str(raised.value.hint)


def test_a_comparison_cites_each_compared_document() -> None:
    few = Ranking(items=[], routed=("xm", "ty"))
    many = Ranking(items=[], routed=tuple(f"d{i}" for i in range(8)))
    assert citation_depth(few, 5, across_documents=False) == 5
    assert citation_depth(few, 3, across_documents=True) == 4  # two from each
    assert citation_depth(many, 5, across_documents=True) == 8  # one from each


def test_a_follow_up_names_new_topics_only_when_it_asks_of_something_else() -> None:
    previous = "厦门的森林覆盖率目标是多少?"
    assert new_topics("到哪一年?", previous, DOCS) == ()
    assert "空气质量" in "".join(new_topics("空气质量优良天数比例呢?", previous, DOCS))
    assert history_before(["q1", previous, "q2"], previous) == ["q1"]
