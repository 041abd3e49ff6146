"""Retrieval: question analysis, rankers, fusion and stages, the retriever."""
