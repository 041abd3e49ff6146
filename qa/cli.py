"""`python -m qa`: a thin command line over the library.

python -m qa model                      build the embedded default model if missing
python -m qa build [--force|--if-needed] build the index of the corpus folder
python -m qa outline FILE [--json]      a document's metadata and outline tree
python -m qa chunks FILE [--json]       its citable chunks
python -m qa figures [--doc DOC] [--json]  every figure of the corpus
python -m qa duties [--doc DOC] [--dept DEPT] [--role lead|cooperating|any] [--json]
                                        the responsibility matrix (任务分工)
python -m qa ask "问题" [--k 5] [--doc DOC] [--json] [--questions FILE]
python -m qa users add NAME --role reader|maintainer [--password-stdin | --no-password]
python -m qa users remove NAME | python -m qa users list     (QA_USERS_FILE or --file)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from qa.config import BASE_MODEL, DEFAULT_MODEL, Settings
from qa.errors import QAError


def _progress_bars() -> Callable[[str, int, int], None]:
    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total, desc=stage, unit="chunk" if stage == "embed" else "step"
            )
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def cmd_model(settings: Settings, args: argparse.Namespace) -> int:
    from qa.embed.adaptation import build_models

    if settings.embed_model not in (DEFAULT_MODEL, BASE_MODEL):
        print(f"QA_EMBED_MODEL={settings.embed_model}: nothing to build for a named model.")
        return 0
    path = build_models(settings, force=args.force)
    print(f"model ready: {path}")
    return 0


def cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    from qa.embed import load_embedder
    from qa.errors import BadIndexError
    from qa.indexing import build_corpus_index
    from qa.ingest.corpus import corpus_hash, load_corpus
    from qa.store import open_backend

    documents = load_corpus(settings.corpus_dir)
    backend = open_backend(settings)
    embedder = load_embedder(settings)
    if args.if_needed and not args.force:
        try:
            backend.open(model=embedder.name, corpus_hash=corpus_hash(documents))
            print(f"index up to date: {settings.index_dir}")
            return 0
        except BadIndexError as err:
            print(f"rebuilding: {err.message}")
    summary = build_corpus_index(settings, embedder, documents, progress=_progress_bars())
    _audit_build(settings, summary.documents)
    print(
        f"index built: {summary.documents} documents, {summary.chunks} chunks, "
        f"{summary.vectors or summary.chunks} {summary.store_kind} vectors, "
        f"model {summary.model} -> "
        f"{summary.location or settings.index_dir}"
    )
    return 0


def _audit_build(settings: Settings, documents: int) -> None:
    """A rebuild changes what the app serves: it goes in the audit log like any change."""
    import getpass

    from qa.audit import AuditLog, audit_path

    try:
        AuditLog(audit_path(settings)).append(
            user=getpass.getuser(), role="", via="cli", client="local", action="build",
            result="ok", detail=f"重建索引：{documents} 份文件",
        )  # fmt: skip
    except OSError as err:
        print(f"warning: the audit log cannot be written ({err})", file=sys.stderr)


def _read_password(args: argparse.Namespace) -> str | None:
    """From a prompt (asked twice) or one line of standard input; never from argv."""
    import getpass

    if args.no_password:
        return None
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 (password): ")
    if getpass.getpass("再输入一次 (again): ") != first:
        raise QAError("两次输入的密码不一致。(Passwords differ.)", "请重新运行并输入相同的密码。")
    return first


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    from qa.users import ROLE_LABELS, load_users, remove_user, set_user

    path = Path(args.file or settings.users_file or "")
    if not str(path) or str(path) == ".":
        raise QAError(
            "没有指定用户文件。(No users file.)", "设置 QA_USERS_FILE，或加 --file PATH。"
        )
    if args.action == "list":
        for user in load_users(path).values():
            kind = "仅代理登录" if user.password_hash == "-" else "密码"
            print(f"{user.name}\t{user.role}\t{ROLE_LABELS[user.role]}\t{kind}")
        return 0
    if not args.name:
        raise QAError(
            "请给出用户名。(A user name is needed.)", "例如 python -m qa users add zhangsan"
        )
    if args.action == "remove":
        if not remove_user(path, args.name):
            raise QAError(f"用户文件中没有 {args.name}。(No such user.)", "用 users list 查看。")
        print(f"removed {args.name} from {path}")
        return 0
    user = set_user(path, args.name, args.role, _read_password(args))
    print(f"{user.name}: {user.role} -> {path}")
    return 0


def cmd_outline(settings: Settings, args: argparse.Namespace) -> int:
    from qa.ingest.parse import parse_file
    from qa.present.views import format_outline, outline_to_dict

    parsed = parse_file(Path(args.file), settings)
    if args.json:
        _print_json(outline_to_dict(parsed.document, parsed.sections))
    else:
        print(format_outline(parsed.document, parsed.sections))
    return 0


def cmd_chunks(settings: Settings, args: argparse.Namespace) -> int:
    from qa.ingest.parse import parse_file
    from qa.present.views import chunks_to_list

    parsed = parse_file(Path(args.file), settings)
    if args.json:
        _print_json(chunks_to_list(parsed.chunks))
        return 0
    for chunk in parsed.chunks:
        print(f"[{chunk.chunk_id}] {' > '.join(chunk.section_path) or '(前言)'}")
        print(f"    {chunk.text}\n")
    return 0


def cmd_figures(settings: Settings, args: argparse.Namespace) -> int:
    from qa.ingest.corpus import load_corpus
    from qa.ingest.parse import parse
    from qa.present.records import figure_row
    from qa.retrieve.places import names_document

    rows: list[dict[str, Any]] = []
    for document in load_corpus(settings.corpus_dir):
        if args.doc and not names_document(args.doc, document):
            continue
        rows.extend(figure_row(f, document) for f in parse(document, settings).figures)
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        year = f" ({row['target_year']})" if row["target_year"] else ""
        lead = f"  牵头: {row['lead_department']}" if row["lead_department"] else ""
        print(
            f"{row['region']}  {row['indicator']}: {row['comparator']} {row['value']}{row['unit']}{year}{lead}"
        )
    return 0


def cmd_duties(settings: Settings, args: argparse.Namespace) -> int:
    from qa.duties.matrix import open_matrix
    from qa.duties.names import AliasTable
    from qa.present.duties import duties_table_text, duty_record, filter_duties
    from qa.retrieve.places import names_document

    matrix, source = open_matrix(settings)
    if source == "corpus":
        print(
            "（索引不是最新的，分工取自文件夹中的文件。）(Index missing or stale: read from the corpus folder.)",
            file=sys.stderr,
        )
    if args.doc and not any(names_document(args.doc, d) for d in matrix.documents.values()):
        known = ", ".join(f"{d.doc_id} ({d.region})" for d in matrix.documents.values())
        raise QAError(
            f"没有与 {args.doc!r} 对应的文件。(No document matches.)", f"Known documents: {known}."
        )
    aliases = AliasTable.load(settings.duty_aliases)
    duties = filter_duties(
        matrix, aliases, document=args.doc or "", department=args.dept or "", role=args.role
    )
    if args.dept and not matrix.find_departments(args.dept, aliases):
        raise QAError(
            f"分工中没有部门 {args.dept!r}。(No task names this department.)",
            "请换一种写法，例如 市质监局、太原市质监局、盟市場監管局。",
        )
    if args.json:
        _print_json([duty_record(d, matrix) for d in duties])
    else:
        print(duties_table_text(matrix, duties))
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from qa.assistant import Assistant
    from qa.present.records import answer_to_record

    if not args.question and not args.questions:
        raise QAError("Give a question, or --questions FILE with one question per line.")
    if args.answer_mode:
        settings = replace(settings, answer_mode=args.answer_mode)
    assistant = Assistant.open(settings)
    questions = [args.question] if args.question else _read_questions(Path(args.questions))
    failures = 0
    for question in questions:
        try:
            answer = assistant.ask(question, k=args.k, doc_filter=args.doc, history=args.history)
        except QAError as err:
            failures += 1
            if args.json:
                _print_json({"question": question, "error": str(err)}, indent=None)
            else:
                print(f"error: {err}", file=sys.stderr)
            continue
        if args.json:
            _print_json(answer_to_record(answer), indent=None if args.questions else 2)
        else:
            print(render_answer(answer))
    return 1 if failures and len(questions) == 1 else 0


def render_answer(answer: Any) -> str:
    from qa.answer.text import read_as_note
    from qa.present.related import also_stated_text

    lines = [f"问：{answer.question}"]
    lines += [f"注：{note}" for note in answer.notes]
    lines += [f"理解为：{answer.resolved_question}"] if answer.resolved_question else []
    lines += [f"注：{read_as_note(answer.read_as)}"] if answer.read_as else []
    # As the page says it: only sentences a model wrote (a duty-matrix answer is quoted).
    generated = (
        " (模型生成，已核对出处和数字)" if any(s.generated for s in answer.sentences) else ""
    )
    lines += [f"答{generated}：{answer.answer}"]
    also = also_stated_text(answer)  # "" unless a place-less answer has others to name
    lines += [f"另见：{also}", ""] if also else [""]
    for p in answer.passages:
        path = " > ".join(p.chunk.section_path) or "(前言)"
        lines.append(f"[{p.rank}] 《{p.doc_title}》 {path}  (score {p.score:.3f})")
        lines.append(f"    {p.chunk.text[:200]}{'…' if len(p.chunk.text) > 200 else ''}")
    if answer.figures:
        lines.append("")
        lines.append("数据：")
        for cited in answer.figures:
            f = cited.figure
            lines.append(
                f"  [{cited.passage_rank}] {f.indicator} {f.value}{f.unit} {f.comparator} {f.target_year or ''} {f.lead_department}"
            )
    return "\n".join(lines)


def _read_questions(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise QAError(
            f"Cannot read the question file {path}: {err}.",
            "Give a UTF-8 text file, one question per line.",
        ) from None
    return [line.strip() for line in lines if line.strip()]


def _print_json(value: Any, indent: int | None = 2) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=indent))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m qa",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("model", help="build the embedded default model if missing")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_model)
    p = sub.add_parser("build", help="build the index of the corpus folder")
    p.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p.add_argument("--if-needed", action="store_true", help="do nothing when the index is current")
    p.set_defaults(func=cmd_build)
    for name, func in (("outline", cmd_outline), ("chunks", cmd_chunks)):
        p = sub.add_parser(name, help=f"print a document's {name}")
        p.add_argument("file")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
    p = sub.add_parser("figures", help="every figure of the corpus")
    p.add_argument("--doc", help="doc id, region or title fragment")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_figures)
    p = sub.add_parser("duties", help="the responsibility matrix: who leads and cooperates on what")
    p.add_argument("--doc", help="doc id, region or title fragment")
    p.add_argument("--dept", help="a department as written: 市质监局, 太原市质监局, 盟市場監管局")
    p.add_argument("--role", choices=("lead", "cooperating", "any"), default="any")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_duties)
    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question", nargs="?")
    p.add_argument("--k", type=int, default=None, help="passages to cite (default QA_TOP_K, 5)")
    p.add_argument("--doc", help="only search this document (id, region or title; A|B for several)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--questions", help="a file with one question per line")
    p.add_argument(
        "--history",
        action="append",
        default=[],
        metavar="QUESTION",
        help="an earlier question of the conversation (repeatable, oldest first)",
    )
    p.add_argument(
        "--answer-mode",
        help="extractive (default, QA_ANSWER_MODE) or generated (needs QA_LLM_URL)",
    )
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("users", help="who may sign in to the app, and their roles")
    p.add_argument("action", choices=("add", "remove", "list"))
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=("reader", "maintainer"), default="reader")
    p.add_argument("--file", help="the users file (default QA_USERS_FILE)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument(
        "--no-password", action="store_true", help="a proxy (single-sign-on) user: role only"
    )
    p.set_defaults(func=cmd_users)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    from qa.ingest.readers.progress import reading_progress, tqdm_progress

    # Scanned pages are read by OCR, seconds a page: any command that reads files
    # shows a bar for them on stderr.
    ocr_bar, close_bar = tqdm_progress("OCR")
    try:
        with reading_progress(ocr_bar):
            return int(args.func(settings, args))
    except QAError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        close_bar()
