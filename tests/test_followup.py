"""Follow-up questions are completed from the previous one, deterministically."""

import pytest
from conftest import make_document

from qa.assistant import Assistant
from qa.retrieve.followup import resolve_followup

DOCS = [
    make_document(doc_id="xm", region="厦门市"),
    make_document(doc_id="ty", region="太原市"),
    make_document(doc_id="dg", region="东莞市"),
]


@pytest.mark.parametrize(
    ("previous", "question", "resolved"),
    [
        ("厦门到2018年森林覆盖率要达到多少?", "太原呢?", "太原到2018年森林覆盖率要达到多少?"),
        ("厦门到2018年森林覆盖率要达到多少?", "那东莞的呢？", "东莞到2018年森林覆盖率要达到多少?"),
        ("森林覆盖率目标是多少?", "厦门呢?", "厦门森林覆盖率目标是多少?"),
        (
            "太原保障食品农产品质量安全的牵头部门是哪个?",
            "那责任单位有哪些?",
            "太原保障食品农产品质量安全，责任单位有哪些?",
        ),
        ("太原的食品安全工作有什么要求?", "牵头部门是谁?", "太原的食品安全工作，牵头部门是谁?"),
        ("建设工程屋面防水的最低保修期是几年?", "供热系统呢?", "供热系统的最低保修期是几年?"),
    ],
)
def test_follow_ups_take_the_missing_part_from_the_previous_question(
    previous: str, question: str, resolved: str
) -> None:
    assert resolve_followup(question, [previous], DOCS) == resolved


def test_complete_questions_and_empty_history_are_left_alone() -> None:
    question = "福建省级监督抽查合格率要稳定在多少?"
    assert resolve_followup(question, ["厦门到2018年森林覆盖率要达到多少?"], DOCS) == question
    assert resolve_followup("厦门呢?", [], DOCS) == "厦门呢?"
    assert resolve_followup("厦门呢?", ["", "  "], DOCS) == "厦门呢?"


def test_the_assistant_answers_a_follow_up_about_another_place(fake_assistant: Assistant) -> None:
    first = "厦门到2018年森林覆盖率要达到多少?"
    alone = fake_assistant.ask("太原呢?")
    followed = fake_assistant.ask("太原呢?", history=[first])
    assert followed.resolved_question == "太原到2018年森林覆盖率要达到多少?"
    assert {p.region for p in followed.passages} == {"太原市"}
    assert alone.resolved_question == ""
    direct = fake_assistant.ask("太原到2018年森林覆盖率要达到多少?")
    assert [p.chunk.chunk_id for p in followed.passages] == [
        p.chunk.chunk_id for p in direct.passages
    ]


def test_bad_history_is_a_readable_error(fake_assistant: Assistant) -> None:
    from qa.errors import InputError

    with pytest.raises(InputError, match="历史"):
        fake_assistant.ask("太原呢?", history=[3])  # type: ignore[list-item]
