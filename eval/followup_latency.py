"""How long a follow-up takes: asked right after its previous question in the same
process (the answer shown is remembered, qa.shown_answers) against asked with a history
this process never answered (the previous question is answered again).

    python -m eval.followup_latency --qa eval/v2/dev17.jsonl --qa eval/v2/dev18.jsonl \\
        --corpus-list eval/v2/corpus.txt --index-dir /tmp/v2idx

Only records whose history holds one question are timed. Both runs are warm (every
question asked once before timing). Prints the medians and p95s; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from eval.eval_corpus import open_eval_assistant
from eval.qa_file import load_qa_file
from qa.config import Settings
from qa.shown_answers import ShownAnswers


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", action="append", required=True, type=Path)
    parser.add_argument("--corpus-list", type=Path, required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    assistant = open_eval_assistant(Settings.from_env(), args.corpus_list, args.index_dir)
    records = [r for path in args.qa for r in load_qa_file(path) if len(r.history) == 1]
    records = records[: args.limit]
    for record in records:  # warm: embeddings of questions and sentences
        assistant.ask(record.question, history=record.history)
    again, remembered = [], []
    for record in records:
        assistant._shown = ShownAnswers()  # this process never answered the history
        start = time.perf_counter()
        assistant.ask(record.question, history=record.history)
        again.append(_ms(start))
        assistant.ask(record.history[0])
        start = time.perf_counter()
        assistant.ask(record.question, history=record.history)
        remembered.append(_ms(start))
    for name, times in (("previous answered again", again), ("previous remembered", remembered)):
        p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
        print(
            f"{name}: {len(times)} follow-ups, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"
        )


if __name__ == "__main__":
    main()
