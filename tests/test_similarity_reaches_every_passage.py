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
