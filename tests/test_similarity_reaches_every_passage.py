"""The embedded model's similarity is asked of sentences of every passage the answer
sees, not only of the top three (stop 48)."""

from collections.abc import Sequence
from dataclasses import replace

from qa.answer.evidence_weights import FEATURES
from qa.answer.extractive import ExtractiveGenerator
from qa.assistant import Assistant
from qa.types import Chunk, Passage

SIMILARITY = FEATURES.index("similarity")
QUESTION = "检验报告由谁负责?"
ANSWERING = "食品检验由食品检验机构指定的检验人独立进行。"


def _passage(rank: int, text: str, doc_id: str) -> Passage:
    chunk = Chunk(f"t:{rank}", doc_id, (f"第{rank}条",), (), text, (0, len(text)))
    return Passage(rank, chunk, "食品安全法", "", 1.0 / rank)


def _closest_to(texts: Sequence[str]) -> list[float]:
    return [0.9 if t == ANSWERING else 0.2 for t in texts]


def test_a_fifth_passage_sentence_is_scored_by_the_model(fake_assistant: Assistant) -> None:
    doc_id = next(iter(fake_assistant.index.documents))
    near_misses = [_passage(r, f"检验报告应当加盖公章，第{r}项。", doc_id) for r in range(1, 5)]
    passages = (*near_misses, _passage(5, ANSWERING, doc_id))
    request = replace(
        fake_assistant.answer_request(QUESTION), passages=passages, similarity=_closest_to
    )
    evidence = ExtractiveGenerator().evidence(request)
    fifth = [e for e in evidence if e.passage_rank == 5]
    assert fifth and fifth[0].features[SIMILARITY] == 1.0
    # The others are scaled below it, not left unscored.
    assert all(e.features[SIMILARITY] == 0.0 for e in evidence if e.passage_rank < 5)
    assert len([e for e in evidence if e.passage_rank < 5]) == 4


def test_a_later_paragraph_scores_with_its_articles_subject(fake_assistant: Assistant) -> None:
    doc_id = next(iter(fake_assistant.index.documents))
    text = "第八十五条 食品检验由食品检验机构指定的检验人独立进行。\n检验人应当对报告负责。"
    chunk = Chunk("t:1", doc_id, ("第八十五条",), ("第八十五条",), text, (0, len(text)))
    other = _passage(2, "检验报告应当加盖公章。", doc_id)
    passages = (Passage(1, chunk, "食品安全法", "", 1.0), other)

    def cosines(texts: Sequence[str]) -> list[float]:
        # Alone the later paragraph is far (0.2); read with its subject, near (1.0).
        return [
            1.0
            if t.startswith("食品检验由") and t.endswith("负责。")
            else 0.2
            if t == "检验人应当对报告负责。"
            else 0.5
            for t in texts
        ]

    request = replace(
        fake_assistant.answer_request(QUESTION), passages=passages, similarity=cosines
    )
    evidence = ExtractiveGenerator().evidence(request)
    later = next(e for e in evidence if e.text == "检验人应当对报告负责。")
    assert later.features[SIMILARITY] == 1.0  # (0.2 + 1.0) / 2 above every 0.5
