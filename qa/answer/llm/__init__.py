"""The generated answer mode ("generated"): a language model's answer, checked sentence
by sentence against its citations (qa.answer.verify) before anything is shown.

``prompt`` builds the messages, ``client`` talks to any OpenAI-compatible endpoint,
``generator`` runs the extractive engine first, asks the model, verifies, falls back.
"""

from qa.answer.llm import generator  # noqa: F401  (registers "generated")
