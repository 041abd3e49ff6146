"""Evaluation of the assistant: the hand-made Q&A set, matching rules and benchmark runner."""
