"""An answer far from the question in the model's cosine carries a caution."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import fake_assistant_over

from qa.answer.caution import (
    CAUTION_NOTE,
    DEFAULT_MODEL_CAUTION,
    answer_similarity,
    caution_threshold,
    needs_caution,
)
from qa.answer.extractive import ExtractiveGenerator, extractive_for
from qa.assistant import Assistant
from qa.config import Settings
from qa.present.conversation import answer_block
from qa.present.records import answer_to_record


def test_the_measured_threshold_holds_for_the_default_model_only() -> None:
    assert caution_threshold(Settings.from_env({})) == DEFAULT_MODEL_CAUTION
    # Another model's cosines lie on another scale: no caution unless one is set.
    other = Settings.from_env({"QA_EMBED_MODEL": "BAAI/bge-small-zh-v1.5"})
    assert caution_threshold(other) == 0.0
    assert caution_threshold(replace(other, answer_caution_similarity=0.5)) == 0.5
    assert caution_threshold(Settings.from_env({"QA_ANSWER_CAUTION_SIMILARITY": "0"})) == 0.0
    assert extractive_for(Settings.from_env({})).caution == DEFAULT_MODEL_CAUTION


def test_an_answer_is_as_near_as_its_nearest_sentence() -> None:
    assert answer_similarity([0.31, 0.52]) == 0.52
    assert answer_similarity([]) is None
    assert needs_caution(0.39, 0.40) and not needs_caution(0.40, 0.40)
    assert not needs_caution(None, 0.40)  # nothing computed (keyword mode): no caution
    assert not needs_caution(0.1, 0.0)  # off


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("caution")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "xm.txt").write_text(
        "厦门市质量强市实施意见\n一、主要目标\n到2020年，森林覆盖率达到45%以上。\n"
        "二、保障措施\n加强组织领导，落实工作责任。\n",
        encoding="utf-8",
    )
    return fake_assistant_over(corpus, root / "index")


def _with_caution(assistant: Assistant, threshold: float) -> Assistant:
    assistant.generator = ExtractiveGenerator(caution=threshold)
    return assistant


def test_a_far_answer_is_shown_with_the_caution(assistant: Assistant) -> None:
    question = "厦门森林覆盖率的目标是多少?"
    near = _with_caution(assistant, 0.0).ask(question)
    assert near.found and near.similarity is not None and not near.uncertain
    assert CAUTION_NOTE not in near.notes
    # The same answer, held to a cosine it does not reach: still the answer, cautioned.
    far = _with_caution(assistant, near.similarity + 0.01).ask(question)
    assert far.answer == near.answer and far.uncertain and CAUTION_NOTE in far.notes
    record = answer_to_record(far)
    assert record["uncertain"] is True and record["answer_similarity"] == round(near.similarity, 4)


def test_keyword_mode_computes_no_similarity_and_no_caution(assistant: Assistant) -> None:
    answer = _with_caution(assistant, 2.0).ask("厦门森林覆盖率的目标是多少?", mode="keyword")
    assert answer.found and answer.similarity is None and not answer.uncertain


def test_a_not_found_answer_carries_no_caution(assistant: Assistant) -> None:
    answer = _with_caution(assistant, 2.0).ask("上海市的森林覆盖率目标是多少?")
    assert not answer.found and not answer.uncertain


def test_the_page_shows_the_caution_apart_from_other_notes(assistant: Assistant) -> None:
    question = "厦门森林覆盖率的目标是多少?"
    near = _with_caution(assistant, 0.0).ask(question)
    assert near.similarity is not None
    far = _with_caution(assistant, near.similarity + 0.01).ask(question)
    documents = assistant.index.documents
    assert "qa-caution" in answer_block(1, far, documents)
    assert "qa-caution" not in answer_block(1, near, documents)
