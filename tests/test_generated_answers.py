"""The generated answer mode against a small OpenAI-protocol server started by the test.

The server (eval/llm_stub.py) replies with prepared answers; the passages come from the
real five documents indexed with the fake embedder, so replies find the rank of the
passage they mean to cite in the prompt they receive.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import pairwise
from typing import Any

import pytest

from eval.llm_stub import Reply, StubChatServer, last_user_message
from qa.answer import AnswerRequest
from qa.answer.llm.client import UNREACHABLE
from qa.answer.llm.generator import (
    EMPTY,
    NOT_CONFIGURED,
    WRONG_LANGUAGE,
    GeneratedAnswerGenerator,
)
from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import InputError
from qa.present.conversation import Turn, turn_html
from qa.present.html import DRAFT_LABEL, GENERATED_LABEL
from qa.present.records import answer_to_record
from qa.types import Answer, AnswerProgress

FOREST_Q = "厦门到2018年森林覆盖率要达到多少?"
FOREST_FACT = "森林覆盖率达42.9%"


def rank_of(prompt: str, phrase: str) -> int:
    """The [n] of the first passage in the prompt that holds ``phrase``."""
    for block in prompt.split("\n\n"):
        found = re.search(r"^\[(\d+)\]《", block, re.MULTILINE)
        if found and phrase in block:
            return int(found.group(1))
    raise AssertionError(f"{phrase!r} is in no passage of the prompt")


def citing(template: str, phrase: str = FOREST_FACT) -> Callable[[dict[str, Any]], Reply]:
    """A reply whose {n} is the rank of the passage holding ``phrase``."""
    return lambda request: Reply(template.format(n=rank_of(last_user_message(request), phrase)))


def _request(assistant: Assistant, question: str) -> AnswerRequest:
    analysis, _, passages = assistant.rank(question)
    return AnswerRequest(question, analysis, tuple(passages), assistant.index)


def _generator(url: str, **overrides: Any) -> GeneratedAnswerGenerator:
    settings = Settings.from_env({}, llm_url=url, llm_model="stub-model", **overrides)
    return GeneratedAnswerGenerator(settings)


def _ask(
    assistant: Assistant,
    reply: Callable[[dict[str, Any]], Reply],
    question: str = FOREST_Q,
    **kw: Any,
) -> tuple[Answer, StubChatServer]:
    with StubChatServer(reply) as server:
        answer = _generator(server.url, **kw).answer(_request(assistant, question))
    return answer, server


def _extractive(assistant: Assistant, question: str = FOREST_Q) -> Answer:
    return assistant.generator.answer(_request(assistant, question))


def _assert_fallback(answer: Answer, extractive: Answer, note: str) -> None:
    assert answer.mode == "extractive"
    assert answer.answer == extractive.answer and answer.sentences == extractive.sentences
    assert note in answer.notes
    assert not any(s.generated for s in answer.sentences)


def test_a_good_reply_is_shown_with_its_checked_citations(fake_assistant: Assistant) -> None:
    answer, server = _ask(fake_assistant, citing("到2018年，厦门森林覆盖率要达到42.9%[{n}]。"))
    n = rank_of(last_user_message(server.requests[0]), FOREST_FACT)
    assert answer.found and answer.mode == "generated" and answer.notes == ()
    assert [s.text for s in answer.sentences] == ["到2018年，厦门森林覆盖率要达到42.9%。"]
    assert answer.answer == f"到2018年，厦门森林覆盖率要达到42.9%。[{n}]"
    sentence = answer.sentences[0]
    assert sentence.generated and sentence.verified
    assert [c.passage_rank for c in sentence.citations] == [n]
    # The figure shown is the passage's own, verbatim.
    assert any(c.figure.value == "42.9" and c.passage_rank == n for c in answer.figures)
    record = answer_to_record(answer)
    assert record["answer_mode"] == "generated"
    assert record["sentences"][0]["generated"] is True
    assert record["sentences"][0]["verified"] is True
    assert record["sentences"][0]["citations"][0]["passage_rank"] == n
    # What the model was sent: the question, numbered passages, the script, the model.
    sent = server.requests[0]
    assert sent["model"] == "stub-model" and sent["stream"] is False
    assert FOREST_Q in last_user_message(sent) and "[1]《" in last_user_message(sent)
    assert "简体中文" in sent["messages"][0]["content"]


def test_an_invented_figure_is_removed_and_the_rest_kept(fake_assistant: Assistant) -> None:
    reply = citing("森林覆盖率达到42.9%[{n}]。建成区绿化覆盖率达到48%[{n}]。")
    answer, _ = _ask(fake_assistant, reply)
    assert answer.mode == "generated"
    assert [s.text for s in answer.sentences] == ["森林覆盖率达到42.9%。"]
    assert (
        len(answer.notes) == 1 and "1 句未通过核对" in answer.notes[0] and "48" in answer.notes[0]
    )
    assert "48" not in answer.answer


def test_only_invented_figures_fall_back_to_the_extractive_answer(
    fake_assistant: Assistant,
) -> None:
    answer, _ = _ask(fake_assistant, citing("到2018年，厦门森林覆盖率要达到45%[{n}]。"))
    extractive = _extractive(fake_assistant)
    assert answer.mode == "extractive" and "45" not in answer.answer
    assert answer.answer == extractive.answer
    assert len(answer.notes) == 1 and "没有一句能与所引段落核对" in answer.notes[0]


def test_a_wrong_citation_falls_back(fake_assistant: Assistant) -> None:
    def wrong(request: dict[str, Any]) -> Reply:
        n = rank_of(last_user_message(request), FOREST_FACT)
        return Reply(f"厦门森林覆盖率要达到42.9%[{n % 5 + 1}]。")

    answer, _ = _ask(fake_assistant, wrong)
    assert answer.mode == "extractive" and "没有一句能与所引段落核对" in answer.notes[0]


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        (Reply(garbage=True), "无法读取"),
        (Reply(status=500), "HTTP 500"),
        (Reply(status=404), "QA_LLM_MODEL"),
        (Reply("   "), EMPTY),
        (Reply("<think>让我想想……</think>"), EMPTY),
        (Reply("The forest coverage rate will reach 42.9% by 2018 [1]."), WRONG_LANGUAGE),
        (Reply("文件中没有找到答案。"), "没有标注出处"),
    ],
    ids=["garbage", "http-500", "http-404", "empty", "only-reasoning", "english", "no-citation"],
)
def test_unusable_replies_fall_back_with_a_note(
    fake_assistant: Assistant, reply: Reply, note: str
) -> None:
    answer, _ = _ask(fake_assistant, lambda request: reply)
    extractive = _extractive(fake_assistant)
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    assert len(answer.notes) == 1 and note in answer.notes[0]


def test_a_slow_model_times_out_to_the_extractive_answer(fake_assistant: Assistant) -> None:
    answer, _ = _ask(
        fake_assistant, lambda request: Reply("森林覆盖率达42.9%[1]。", delay=3), llm_timeout=0.3
    )
    assert answer.mode == "extractive" and "0.3 秒内没有答完" in answer.notes[0]


def test_a_refused_key_falls_back(fake_assistant: Assistant) -> None:
    with StubChatServer(citing("森林覆盖率达42.9%[{n}]。"), api_key="right-key") as server:
        wrong = _generator(server.url, llm_api_key="wrong-key").answer(
            _request(fake_assistant, FOREST_Q)
        )
        right = _generator(server.url, llm_api_key="right-key").answer(
            _request(fake_assistant, FOREST_Q)
        )
    assert wrong.mode == "extractive" and "QA_LLM_API_KEY" in wrong.notes[0]
    assert right.mode == "generated"
    assert server.headers[-1]["authorization"] == "Bearer right-key"


def test_an_endpoint_that_is_down_falls_back(fake_assistant: Assistant) -> None:
    with StubChatServer(lambda request: Reply("")) as server:
        url = server.url  # a port that was just closed
    answer = _generator(url).answer(_request(fake_assistant, FOREST_Q))
    _assert_fallback(answer, _extractive(fake_assistant), UNREACHABLE)


def test_no_model_configured_answers_extractively(fake_assistant: Assistant) -> None:
    generator = GeneratedAnswerGenerator(Settings.from_env({}))
    answer = generator.answer(_request(fake_assistant, FOREST_Q))
    _assert_fallback(answer, _extractive(fake_assistant), NOT_CONFIGURED)


def test_the_model_cannot_turn_not_found_into_an_answer(fake_assistant: Assistant) -> None:
    confident = lambda request: Reply("上海市森林覆盖率要达到42.9%[1]。")  # noqa: E731
    answer, server = _ask(fake_assistant, confident, question="上海市的森林覆盖率目标是多少?")
    assert not answer.found and answer.not_found_reason and answer.sentences == ()
    assert server.requests == []  # never asked
    progress = list(
        _generator(server.url).stream(_request(fake_assistant, "上海市的森林覆盖率目标是多少?"))
    )
    assert len(progress) == 1 and progress[0].answer is not None and not progress[0].answer.found


def test_a_traditional_question_gets_a_traditional_answer(fake_assistant: Assistant) -> None:
    question = "廈門到2018年森林覆蓋率要達到多少?"
    answer, server = _ask(
        fake_assistant, citing("厦门森林覆盖率要达到42.9%[{n}]。"), question=question
    )
    assert "繁體中文" in server.requests[0]["messages"][0]["content"]
    assert answer.mode == "generated"
    assert answer.sentences[0].text == "廈門森林覆蓋率要達到42.9%。"


# -- streaming --------------------------------------------------------------------------


def _stream(
    assistant: Assistant, reply: Callable[[dict[str, Any]], Reply], **kw: Any
) -> list[AnswerProgress]:
    with StubChatServer(reply) as server:
        return list(_generator(server.url, **kw).stream(_request(assistant, FOREST_Q)))


def test_a_streamed_reply_arrives_in_drafts_and_ends_checked(fake_assistant: Assistant) -> None:
    template = "森林覆盖率达到42.9%[{n}]。建成区绿化覆盖率达到48%[{n}]。"
    progress = _stream(fake_assistant, citing(template))
    drafts, last = progress[:-1], progress[-1]
    assert len(drafts) > 3 and all(p.answer is None for p in drafts)
    texts = [p.draft for p in drafts]
    assert all(b.startswith(a) and len(b) > len(a) for a, b in pairwise(texts))
    assert "48%" in texts[-1]  # the draft showed it …
    assert last.answer is not None and last.draft == ""
    assert last.answer.mode == "generated"
    assert "48" not in last.answer.answer  # … the final, checked answer does not
    assert [s.text for s in last.answer.sentences] == ["森林覆盖率达到42.9%。"]


def test_a_stream_that_stalls_or_breaks_falls_back(fake_assistant: Assistant) -> None:
    slow = _stream(
        fake_assistant,
        lambda request: Reply("森林覆盖率达到42.9%[1]。" * 5, delay=0.2, piece=2),
        llm_timeout=0.5,
    )
    final = slow[-1].answer
    assert final is not None and final.mode == "extractive"
    assert "0.5 秒内没有答完" in final.notes[0]
    silent = _stream(
        fake_assistant, lambda request: Reply("森林覆盖率达到42.9%[1]。", stall=3), llm_timeout=0.5
    )
    assert silent[-1].answer is not None and "0.5 秒内没有答完" in silent[-1].answer.notes[0]
    broken = _stream(fake_assistant, lambda request: Reply(garbage=True))
    assert broken[-1].answer is not None and "无法读取" in broken[-1].answer.notes[0]
    refused = _stream(fake_assistant, lambda request: Reply(status=401))
    assert refused[-1].answer is not None and "QA_LLM_API_KEY" in refused[-1].answer.notes[0]


def test_the_page_renders_drafts_and_generated_answers(fake_assistant: Assistant) -> None:
    documents = fake_assistant.index.documents
    progress = _stream(fake_assistant, citing("森林覆盖率达到42.9%[{n}]。<b>x</b>"))

    def shown(answer: object = None, draft: str = "") -> str:
        return turn_html(Turn(1, answer, question=FOREST_Q, draft=draft), documents)  # type: ignore[arg-type]

    assert DRAFT_LABEL in shown(draft=progress[0].draft)
    final = progress[-1].answer
    assert final is not None
    page = shown(final)
    assert GENERATED_LABEL in page and 'class="qa-generated"' in page
    assert "<b>x</b>" not in shown(draft=progress[-2].draft)  # escaped
    fallback = _stream(fake_assistant, lambda request: Reply(status=500))[-1].answer
    assert fallback is not None
    assert 'class="qa-note"' in shown(fallback) and GENERATED_LABEL not in shown(fallback)


# -- through the Assistant ----------------------------------------------------------


@pytest.fixture
def generated_assistant(
    fake_assistant: Assistant,
) -> Iterator[Callable[[StubChatServer], Assistant]]:
    def over(server: StubChatServer) -> Assistant:
        settings = replace(
            fake_assistant.settings, answer_mode="generated", llm_url=server.url, llm_timeout=20.0
        )
        return Assistant(
            settings, fake_assistant.embedder, fake_assistant.backend, fake_assistant.index
        )

    yield over


def test_assistant_asks_and_streams_in_generated_mode(
    generated_assistant: Callable[[StubChatServer], Assistant],
) -> None:
    with StubChatServer(citing("森林覆盖率达到42.9%[{n}]。")) as server:
        assistant = generated_assistant(server)
        answer = assistant.ask(FOREST_Q)
        updates = list(assistant.ask_stream(FOREST_Q))
    assert answer.mode == "generated" and "total" in answer.timings_ms
    assert updates[-1].answer is not None and updates[-1].answer.mode == "generated"
    assert updates[-1].answer.answer == answer.answer
    assert "total" in updates[-1].answer.timings_ms


def test_a_generation_holds_no_lock_against_other_questions(
    generated_assistant: Callable[[StubChatServer], Assistant],
) -> None:
    """The first question's model call waits until a second question has been answered
    by the same Assistant: with a lock held during generation this would deadlock."""
    second_done = threading.Event()

    def reply(request: dict[str, Any]) -> Reply:
        prompt = last_user_message(request)
        if "监督抽查合格率" in prompt.split("问题：")[-1]:
            return Reply(
                f"监督抽查合格率稳定在94%以上[{rank_of(prompt, '监督抽查合格率稳定在94%')}]。"
            )
        assert second_done.wait(timeout=15), "the second question was blocked by the first"
        return Reply(f"森林覆盖率达到42.9%[{rank_of(prompt, FOREST_FACT)}]。")

    results: dict[str, Answer] = {}
    with StubChatServer(reply) as server:
        assistant = generated_assistant(server)
        first = threading.Thread(
            target=lambda: results.setdefault("first", assistant.ask(FOREST_Q))
        )
        first.start()
        while not server.requests:  # the first generation is under way
            threading.Event().wait(0.01)
        results["second"] = assistant.ask("厦门产品监督抽查合格率要稳定在什么水平?")
        second_done.set()
        first.join(timeout=30)
    assert results["second"].mode == "generated"
    assert results["first"].mode == "generated"


@pytest.mark.parametrize("url", ["localhost:8080", "http://[::1", "ftp://host/v1"])
def test_a_malformed_url_is_refused_at_start_with_what_to_do(url: str) -> None:
    with pytest.raises(InputError, match="QA_LLM_URL") as caught:
        _generator(url)
    assert "http://127.0.0.1:8080/v1" in str(caught.value)


def test_a_reasoning_block_is_not_shown_in_the_draft(fake_assistant: Assistant) -> None:
    progress = _stream(
        fake_assistant, citing("<think>也许是45%？</think>森林覆盖率达到42.9%[{n}]。")
    )
    assert all("45" not in p.draft and "think" not in p.draft for p in progress)
    assert progress[-2].draft.startswith("森林覆盖率达到42.9%")
    assert progress[-1].answer is not None and progress[-1].answer.mode == "generated"
