"""Load test: run by hand, not in CI.

Starts the app on 127.0.0.1 (a free port), asks every distinct question once alone to
get reference answers, then drives the app with N concurrent gradio_client clients
asking Q questions drawn from eval/qa.jsonl. Bounded in count and time; it stops by
itself. Reports throughput, p50/p95/max latency, errors, answers that differ from the
same question asked alone, and the server's RSS at start and end.

    .venv/bin/python scripts/load_test.py --clients 20 --questions 400
    .venv/bin/python scripts/load_test.py --clients 20 --questions 2000   # memory run
    .venv/bin/python scripts/load_test.py --clients 20 --questions 400 --sign-in

``--sign-in`` starts the app with a users file of one reader per client (passwords
made up for the run, hashed as ``python -m qa users add`` does), so every client signs
in and the per-user limits of a department deployment are in force; the reference
answers are then asked by the same users, one question at a time.

Several replicas (QA_STORE=milvus and QA_MILVUS_URI naming one Milvus server, whose
process id --watch-pid adds to the report): --replicas N starts N apps, the clients are
spread over them round-robin, and every answer is compared with the same question asked
alone.

    QA_STORE=milvus QA_MILVUS_URI=http://127.0.0.1:19530 \
        .venv/bin/python scripts/load_test.py --replicas 2 --watch-pid "$MILVUS_PID"
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from gradio_client import Client

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(port: int, timeout: float, users_file: str = "") -> subprocess.Popen[bytes]:
    env = dict(os.environ, QA_HOST="127.0.0.1", QA_PORT=str(port), QA_USERS_FILE=users_file)
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the app did not start in time")


def signature(record: dict[str, Any]) -> str:
    """What must not change under load: the answer and the cited passages."""
    return json.dumps(
        {
            "found": record.get("found"),
            "answer": record.get("answer"),
            "passages": [(p["doc_id"], p["span"]) for p in record.get("passages", [])],
            "figures": [(f["value"], f["passage_rank"]) for f in record.get("figures", [])],
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def ask(client: Client, question: str) -> tuple[float, dict[str, Any] | None, str]:
    started = time.perf_counter()
    try:
        result = client.predict(question, "", api_name="/ask")
        record = result if isinstance(result, dict) else json.loads(result)
        return (time.perf_counter() - started) * 1000, record, ""
    except Exception as err:
        return (time.perf_counter() - started) * 1000, None, f"{type(err).__name__}: {err}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--qa", default=str(ROOT / "eval" / "qa.jsonl"))
    parser.add_argument("--max-seconds", type=float, default=1200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="")
    parser.add_argument("--sign-in", action="store_true", help="one signed-in reader per client")
    parser.add_argument("--replicas", type=int, default=1, help="app processes to start")
    parser.add_argument("--watch-pid", type=int, default=0, help="also report this process")
    parser.add_argument(
        "--answers", default="", help="write each question's answer signature (JSON) here"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    accounts: list[tuple[str, str]] = []
    users_file = ""
    if args.sign_in:
        from qa.users import set_user

        users_file = str(Path(tempfile.mkdtemp(prefix="qa-load-")) / "users.txt")
        for n in range(args.clients):
            accounts.append((f"load-{n:02d}", secrets.token_urlsafe(12)))
            set_user(Path(users_file), accounts[-1][0], "reader", accounts[-1][1])

    questions = [
        json.loads(line)["question"]
        for line in Path(args.qa).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(args.seed)
    workload = [rng.choice(questions) for _ in range(args.questions)]
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    for _ in range(args.replicas):
        port = free_port()
        procs.append(start_app(port, timeout=300, users_file=users_file))
        urls.append(f"http://127.0.0.1:{port}/")
    watched = [psutil.Process(p.pid) for p in procs]
    if args.watch_pid:
        watched.append(psutil.Process(args.watch_pid))
    try:
        signed_in = time.perf_counter()
        clients = [
            Client(urls[n % len(urls)], verbose=False, auth=accounts[n] if accounts else None)
            for n in range(args.clients)
        ]
        sign_in_seconds = time.perf_counter() - signed_in
        alone: dict[str, str] = {}
        # One question at a time; with sign-in, spread over the users (each its own limits).
        for n, question in enumerate(dict.fromkeys(workload)):
            _, record, error = ask(clients[n % len(clients)], question)
            alone[question] = signature(record) if record else f"error {error}"
        if args.answers:  # to compare runs (stores, replica counts) with each other
            Path(args.answers).write_text(
                json.dumps(alone, ensure_ascii=False, indent=0), encoding="utf-8"
            )
        rss_start = [w.memory_info().rss for w in watched]
        cpu_start = [w.cpu_times() for w in watched]
        latencies: list[float] = []
        errors: list[str] = []
        differing: list[str] = []
        lock = threading.Lock()
        deadline = time.time() + args.max_seconds
        started = time.perf_counter()

        def worker(slot: int) -> None:
            client = clients[slot]
            for position in range(slot, len(workload), args.clients):
                if time.time() > deadline:
                    return
                question = workload[position]
                ms, record, error = ask(client, question)
                with lock:
                    latencies.append(ms)
                    if error:
                        errors.append(error)
                    elif signature(record or {}) != alone[question]:
                        differing.append(question)

        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            for future in as_completed([pool.submit(worker, slot) for slot in range(args.clients)]):
                future.result()
        elapsed = time.perf_counter() - started
        rss_end = [w.memory_info().rss for w in watched]
        cpu_end = [w.cpu_times() for w in watched]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()

    values = np.array(latencies) if latencies else np.array([0.0])
    report = {
        "clients": args.clients,
        "signed_in": bool(accounts),
        "sign_in_seconds": round(sign_in_seconds, 1),
        "questions_asked": len(latencies),
        "questions_planned": len(workload),
        "seconds": round(elapsed, 1),
        "throughput_qps": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": {
            "p50": round(float(np.percentile(values, 50)), 1),
            "p95": round(float(np.percentile(values, 95)), 1),
            "max": round(float(values.max()), 1),
        },
        "errors": len(errors),
        "error_examples": errors[:5],
        "answers_differing_from_alone": len(differing),
        "differing_examples": differing[:5],
        "replicas": args.replicas,
        # Per watched process: the apps, then --watch-pid (e.g. the Milvus server).
        "server_rss_mb": [
            {"start": round(a / 2**20, 1), "end": round(b / 2**20, 1)}
            for a, b in zip(rss_start, rss_end, strict=True)
        ],
        # CPU each process spent during the concurrent phase; the rest of the machine's
        # two cores went to the 20 clients, which run on the same machine.
        "server_cpu_seconds": [
            round((b.user + b.system) - (a.user + a.system), 1)
            for a, b in zip(cpu_start, cpu_end, strict=True)
        ],
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0 if not errors and not differing else 1


if __name__ == "__main__":
    sys.exit(main())
