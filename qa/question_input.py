"""A question and its conversation as the user gave them, checked once at the edge:
a clear message for bad input (qa.errors.InputError), the normalised text otherwise."""

from __future__ import annotations

from qa.errors import InputError
from qa.textnorm import normalize_question, search_form


def validated_question(question: object, max_chars: int) -> str:
    if not isinstance(question, str):
        raise InputError("问题必须是文字。(The question must be text.)")
    text = normalize_question(question)
    if len(text) > max_chars:
        raise InputError(
            f"问题太长（{len(text)} 字）。(The question has {len(text)} characters.)",
            f"请缩短到 {max_chars} 字以内。",
        )
    if len([c for c in search_form(text) if c.isalnum()]) < 2:
        raise InputError(
            "问题为空或太短，没有可以检索的内容。(The question is empty or too short.)",
            "请输入一个完整的问题，例如：厦门到2018年森林覆盖率要达到多少？",
        )
    return text


def validated_history(history: object) -> list[str]:
    """The earlier questions, oldest first."""
    if not isinstance(history, list | tuple) or not all(isinstance(h, str) for h in history):
        raise InputError("对话历史必须是文字列表。(history must be a list of questions.)")
    return list(history)
