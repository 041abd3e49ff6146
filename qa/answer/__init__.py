"""Answers: the generator interface, the extractive engine, the not-found rules.

Importing this package registers the generators; add one by writing its module (an
``AnswerGenerator``, see ``base``) and importing it below.
"""

from qa.answer import (
    extractive,  # noqa: F401  (registers "extractive")
    llm,  # noqa: F401  (registers "generated")
)
from qa.answer.base import (
    GENERATORS,
    AnswerGenerator,
    AnswerRequest,
    PreviousAnswer,
    stream_answer,
)

__all__ = ["GENERATORS", "AnswerGenerator", "AnswerRequest", "PreviousAnswer", "stream_answer"]
