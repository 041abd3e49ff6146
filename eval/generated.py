"""The verifier of generated answers measured on hand-written model replies.

No model runs here (none can be downloaded on this machine): ``generated_replies.jsonl``
holds, for 30 answerable questions of eval/qa.jsonl and 3 unanswerable ones, the
passages the assistant retrieved for them (chunk ids in rank order, chosen once with
the real model) and replies written by hand from those passages, each sentence labelled
with what it is:

| label | the sentence | should be |
|---|---|---|
| ok | correct, from the passage it cites | kept |
| invented | states a figure found in no passage | removed |
| uncited | states a true figure of a passage it does not cite | removed |
| wrong_citation | no figure; cites a passage that does not say it | removed |
| phantom | cites a passage number that does not exist | removed |
| no_citation | cites nothing | removed |
| english | is not in Chinese | removed |
| swapped | a figure of the cited passage put on another indicator | removed |
| invented_fact | a false statement without any figure | removed (known gap) |
| not_found | a confident answer to a question the corpus does not answer | never asked |

Each reply goes through the real path: the generator, the ``openai`` client, the stub
OpenAI-protocol server (eval/llm_stub.py), the verifier, the fallback.

    python -m eval.generated [--replies FILE ...] [--out eval/generated_report.md]

By default two files: ``generated_replies.jsonl`` (the set the verifier's thresholds
were chosen on) and ``generated_replies_heldout.jsonl`` (19 more sentences about the
several figures of one passage, written after the thresholds were fixed).

Needs the index (``make index``); no embedding model is loaded: the passages are
taken by chunk id.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eval.llm_stub import Reply, StubChatServer
from qa.answer import AnswerRequest
from qa.answer.llm.client import FALLBACK
from qa.answer.llm.generator import GeneratedAnswerGenerator
from qa.answer.verify import SentenceCheck, verify_reply
from qa.config import Settings
from qa.errors import QAError
from qa.retrieve.query import analyse
from qa.store import SearchIndex, open_backend
from qa.textnorm import normalize_question
from qa.types import Answer, Passage

HERE = Path(__file__).resolve().parent
DEFAULT_REPLIES = (HERE / "generated_replies.jsonl", HERE / "generated_replies_heldout.jsonl")
SHOULD_STAY = {"ok"}
KNOWN_GAPS = ("invented_fact",)
LABEL_ORDER = (
    "ok",
    "invented",
    "uncited",
    "wrong_citation",
    "phantom",
    "no_citation",
    "english",
    "swapped",
    "invented_fact",
)


@dataclass(frozen=True)
class Outcome:
    qid: str
    reply: str
    labels: tuple[str, ...]
    checks: tuple[SentenceCheck, ...]
    answer: Answer
    model_called: bool


def load_replies(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as err:
                raise QAError(f"{path}:{number}: not JSON ({err}).") from None
    return rows


def passages_of(index: SearchIndex, chunk_ids: list[str]) -> tuple[Passage, ...]:
    out = []
    for rank, chunk_id in enumerate(chunk_ids, 1):
        chunk = index.chunks.get(chunk_id)
        if chunk is None:
            raise QAError(
                f"Chunk {chunk_id} of generated_replies.jsonl is not in the index.",
                "The corpus or the chunking changed: choose the passages again.",
            )
        document = index.documents[chunk.doc_id]
        out.append(Passage(rank, chunk, document.title, document.region, 0.0))
    return tuple(out)


def run(rows: list[dict[str, Any]], settings: Settings, index: SearchIndex) -> list[Outcome]:
    current = [""]
    outcomes = []
    with StubChatServer(lambda request: Reply(current[0])) as server:
        generator = GeneratedAnswerGenerator(
            replace(settings, llm_url=server.url, llm_timeout=30.0)
        )
        for row in rows:
            question = normalize_question(row["question"])
            passages = passages_of(index, row["passages"])
            analysis = analyse(question, list(index.documents.values()))
            request = AnswerRequest(question, analysis, passages, index)
            for reply in row["replies"]:
                text = "".join(s["text"] for s in reply["sentences"])
                labels = tuple(s["label"] for s in reply["sentences"])
                checks = verify_reply(text, passages[: settings.llm_passages]).checks
                if labels != ("not_found",) * len(labels) and len(checks) != len(labels):
                    raise QAError(
                        f"{row['id']} {reply['name']}: {len(labels)} labelled sentences, "
                        f"but the reply reads as {len(checks)}."
                    )
                current[0] = text
                before = len(server.requests)
                answer = generator.answer(request)
                called = len(server.requests) > before
                outcomes.append(Outcome(row["id"], reply["name"], labels, checks, answer, called))
    return outcomes


HEADER = """# Generated answers: the verifier on prepared replies

No language model could be run here: no trustworthy package ships weights and the
network reaches only package registries (issue 14). So this measures the verifier
and the fallback on replies written by hand from the retrieved passages, sent
through the real path (generator, `openai` client, a local OpenAI-protocol stub
server, verifier). It says what the checks catch and what they let through; it
says nothing about how often a real model writes such sentences, nor about a real
model's accuracy or speed.

The passages of each question are those the assistant retrieved with the real model
(stored by chunk id). The first file is the set the verifier's two thresholds (content
shared with a cited passage; when a figure belongs to another indicator) were chosen
on; the second was written after they were fixed, on passages stating several figures,
where moved figures are most likely.
"""


def report(outcomes: list[Outcome], title: str) -> str:
    answerable = [o for o in outcomes if "not_found" not in o.labels]
    unanswerable = [o for o in outcomes if "not_found" in o.labels]
    by_label: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    false_removals: list[tuple[str, str, str]] = []
    missed: list[tuple[str, str, str]] = []
    for o in answerable:
        for label, check in zip(o.labels, o.checks, strict=True):
            by_label[label]["removed" if not check.ok else "kept"] += 1
            for problem in check.problems:
                reasons[label][_reason_kind(problem)] += 1
            if label in SHOULD_STAY and not check.ok:
                false_removals.append((o.qid, check.draft.text, "；".join(check.problems)))
            if label not in SHOULD_STAY and check.ok:
                missed.append((o.qid, label, check.draft.text))
    sentences = sum(sum(c.values()) for c in by_label.values())
    removed = sum(c["removed"] for c in by_label.values())
    figures = [by_label[label] for label in ("invented", "uncited")]
    caught = sum(c["removed"] for c in figures)
    figure_total = sum(sum(c.values()) for c in figures)
    generated = [o for o in answerable if o.answer.mode == "generated"]
    fallbacks = [o for o in answerable if o.answer.mode != "generated"]
    shown_bad = sum(
        1
        for o in generated
        for label, check in zip(o.labels, o.checks, strict=True)
        if label in ("invented", "uncited") and check.ok
    )
    lines = [
        f"## {title}",
        "",
        f"- {len({o.qid for o in answerable})} answerable questions, {len(answerable)} replies, "
        f"{sentences} sentences.",
        f"- Sentences removed: {removed} of {sentences} ({removed / sentences:.0%}).",
        f"- Invented figures caught (labels `invented` and `uncited`): {caught} of "
        f"{figure_total}; sentences with such a figure shown to a reader: {shown_bad}.",
        f"- Figures moved to another indicator caught (label `swapped`): "
        f"{by_label['swapped']['removed']} of {sum(by_label['swapped'].values())}.",
        f"- Correct sentences removed (false removals): {by_label['ok']['removed']} of "
        f"{sum(by_label['ok'].values())}.",
        f"- Replies shown as generated: {len(generated)}; fell back to the extractive answer "
        f"with a note: {len(fallbacks)} of {len(answerable)}.",
    ]
    if unanswerable:
        lines.append(
            f"- {len(unanswerable)} unanswerable questions with a confident invented reply: "
            f"the model was asked {sum(o.model_called for o in unanswerable)} times; "
            f"answers shown as found: {sum(o.answer.found for o in unanswerable)}."
        )
    lines += [
        "",
        "### Sentences by label",
        "",
        "| label | sentences | removed | kept | should be | removed because |",
        "|---|---|---|---|---|---|",
    ]
    for label in LABEL_ORDER:
        counts = by_label.get(label)
        if not counts:
            continue
        should = "kept" if label in SHOULD_STAY else "removed"
        if label in KNOWN_GAPS:
            should += " (known gap)"
        why = ", ".join(f"{k} {n}" for k, n in reasons[label].most_common())
        lines.append(
            f"| {label} | {sum(counts.values())} | {counts['removed']} | {counts['kept']} "
            f"| {should} | {why} |"
        )
    lines += [
        "",
        "### Replies",
        "",
        "| reply | replies | shown generated | fell back |",
        "|---|---|---|---|",
    ]
    by_reply: dict[str, Counter[str]] = defaultdict(Counter)
    for o in answerable:
        by_reply[o.reply]["generated" if o.answer.mode == "generated" else "fallback"] += 1
    for name, counts in sorted(by_reply.items()):
        lines.append(
            f"| {name} | {sum(counts.values())} | {counts['generated']} | {counts['fallback']} |"
        )
    lines += ["", "### Correct sentences removed", ""]
    lines += [f"- {qid} `{text}`: {why}" for qid, text, why in false_removals] or ["none"]
    lines += ["", "### Wrong sentences kept", ""]
    lines += [f"- {qid} ({label}) `{text}`" for qid, label, text in missed] or ["none"]
    lines += ["", "### Notes shown with fallbacks", ""]
    notes = Counter(n.split(FALLBACK)[0].rstrip("，") for o in fallbacks for n in o.answer.notes)
    lines += [f"- {n} ×{count}" for n, count in notes.most_common()] or ["none"]
    return "\n".join(lines) + "\n"


def _reason_kind(problem: str) -> str:
    for key, kind in (
        ("数字", "figure not in cited passage"),
        ("不存在", "no such passage"),
        ("无关", "cited passage does not say it"),
        ("都不支持", "cited passages do not say it"),
        ("没有标注", "no citation"),
        ("不是中文", "not Chinese"),
        ("所引段落中", "figure belongs to another indicator"),
    ):
        if key in problem:
            return kind
    return problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.generated", description=__doc__)
    parser.add_argument("--replies", nargs="+", default=[str(p) for p in DEFAULT_REPLIES])
    parser.add_argument("--out", default=str(HERE / "generated_report.md"))
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        index = open_backend(settings).open()
    except QAError as err:
        print(f"error: {err}")
        return 2
    default = args.replies == parser.get_default("replies")
    command = "python -m eval.generated" + (
        "" if default else f" --replies {' '.join(args.replies)}"
    )
    sections = [HEADER, f"Command: `{command}`\n"]
    for path in map(Path, args.replies):
        sections.append(report(run(load_replies(path), settings, index), path.name))
    text = "\n".join(sections)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
