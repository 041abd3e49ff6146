"""The prompt of the generated answer mode: the question and the passages numbered [n].

Pure functions. The passages keep the numbers they have on the page ([1] is the first
card), so the model's markers point at the cards the reader sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.types import Passage, Script

SCRIPT_NAMES = {"simplified": "简体中文", "traditional": "繁體中文"}

_SYSTEM = (
    "你是政府政策文件问答助手。只根据用户给出的编号段落回答问题，不使用段落以外的知识。"
    "用{script}回答，简短，不超过三句话。"
    "每句话都写明说的是哪个指标或事项，不要只写数字。"
    "每句话结尾用方括号标出它所依据的段落编号，例如[1]或[1][3]。"
    "数字、百分比和年份必须与段落原文完全一致，不换算、不四舍五入、不推算。"
    "段落中没有答案时，只回答：文件中没有找到答案。"
)


def passage_block(passage: Passage) -> str:
    chunk = passage.chunk
    path = " › ".join(chunk.section_path)
    head = f"[{passage.rank}]《{passage.doc_title}》" + (f" {path}" if path else "")
    return f"{head}\n{chunk.text.strip()}"


def build_messages(
    question: str, passages: Sequence[Passage], script: Script = "simplified"
) -> list[dict[str, str]]:
    """Chat messages (OpenAI format) asking for a short, cited answer in ``script``."""
    blocks = "\n\n".join(passage_block(p) for p in passages)
    user = f"段落：\n{blocks}\n\n问题：{question}"
    return [
        {"role": "system", "content": _SYSTEM.format(script=SCRIPT_NAMES[script])},
        {"role": "user", "content": user},
    ]
