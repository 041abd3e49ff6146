"""Embedders: the interface, the registry and the real encoders.

Importing this package registers "torch" (sentence-transformers, fp32) and "onnx-int8"
(the same model exported to ONNX and quantised); torch itself is only imported when
one of them is constructed.
"""

from qa.embed import onnx_int8, sentence_transformer  # noqa: F401  (register themselves)
from qa.embed.base import EMBEDDERS, Embedder, load_embedder

__all__ = ["EMBEDDERS", "Embedder", "load_embedder"]
