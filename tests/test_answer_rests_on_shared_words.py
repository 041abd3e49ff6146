"""An answer rests on a passage that shares a word with the question (rule 8)."""

from dataclasses import replace

from qa.answer.extractive import ExtractiveGenerator
from qa.assistant import Assistant
from qa.types import Chunk, Passage

QUESTION = "两家为秤准不准吵起来了，最后以谁量出来的数为准?"


def _passage(rank: int, heading: str, text: str, doc_id: str) -> Passage:
    chunk = Chunk(f"t:{rank}", doc_id, (heading,), (), text, (0, len(text)))
    return Passage(rank, chunk, "计量法", "", 1.0 / rank)


def test_the_answer_comes_from_the_passage_sharing_a_word_not_from_a_guess(
    fake_assistant: Assistant,
) -> None:
    doc_id = next(iter(fake_assistant.index.documents))
    # The top passage echoes the question's characters (谁, 量, 数为) but none of its
    # words; the second holds 为准, the question's own word, in its heading only.
    guess = _passage(1, "第二十五条", "各家为秤，以谁量的数为。", doc_id)
    rule = _passage(
        2, "第二十一条 以何为准", "处理计量纠纷，以国家计量基准器具检定的数据。", doc_id
    )
    request = replace(
        fake_assistant.answer_request(QUESTION), passages=(guess, rule), similarity=None
    )
    answer = ExtractiveGenerator().answer(request)
    assert answer.found
    assert [s.text for s in answer.sentences] == [rule.chunk.text]
    assert {c.passage_rank for s in answer.sentences for c in s.citations} == {2}
    # With no passage sharing a word, it is not found rather than a guess.
    alone = ExtractiveGenerator().answer(replace(request, passages=(guess,)))
    assert not alone.found
