"""The generated answer mode against a real OpenAI-compatible server, when one is set.

Run with e.g. ``QA_LLM_URL=http://127.0.0.1:8080/v1 QA_LLM_MODEL=qwen2.5-1.5b-instruct
pytest -m slow tests/test_llm_real.py``. Skipped otherwise: no model server can be
downloaded or started here (README, "Generated answers").
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from qa.answer.verify import number_tokens, passage_form
from qa.assistant import Assistant
from qa.config import Settings
from qa.textnorm import search_form

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("QA_LLM_URL"),
        reason="QA_LLM_URL is not set: no OpenAI-compatible model server to test against",
    ),
]

QUESTIONS = [
    ("厦门到2018年森林覆盖率要达到多少?", "42.9"),
    ("阿拉善盟服务业对经济增长的贡献率目标是多少?", "40"),
    ("廈門產品監督抽查合格率要穩定在什麼水平?", "94"),
]


@pytest.fixture(scope="module")
def assistant(fake_assistant: Assistant) -> Assistant:
    live = Settings.from_env()
    settings = replace(
        fake_assistant.settings,
        answer_mode="generated",
        llm_url=live.llm_url,
        llm_model=live.llm_model,
        llm_api_key=live.llm_api_key,
        llm_timeout=max(live.llm_timeout, 300.0),  # two CPU cores: a few tokens a second
    )
    return Assistant(
        settings, fake_assistant.embedder, fake_assistant.backend, fake_assistant.index
    )


@pytest.mark.parametrize(("question", "figure"), QUESTIONS)
def test_a_real_model_answers_with_checked_sentences(
    assistant: Assistant, question: str, figure: str
) -> None:
    answer = assistant.ask(question)
    assert answer.found and figure in answer.answer
    passages = {p.rank: p for p in answer.passages}
    for sentence in answer.sentences:
        if not sentence.generated:
            continue
        assert sentence.verified and sentence.citations
        cited = set().union(
            *(number_tokens(passage_form(passages[c.passage_rank])) for c in sentence.citations)
        )
        assert number_tokens(search_form(sentence.text)) <= cited
    if answer.mode == "extractive":
        assert answer.notes, "a fallback must say why"


def test_a_real_model_streams(assistant: Assistant) -> None:
    updates = list(assistant.ask_stream(QUESTIONS[0][0]))
    final = updates[-1].answer
    assert final is not None and final.found
    assert all(u.answer is None for u in updates[:-1])
    if final.mode == "generated":
        assert len(updates) > 1 and updates[-2].draft
