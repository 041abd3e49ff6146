"""Who may change the corpus, over real HTTP (issue 16): servers in each access mode,
called through every function index the page exposes, by gradio_client and by a
hand-made HTTP client (``tests/gradio_http.py``), with and without signing in.

Set QA_ACCESS_TABLE=path to write the endpoint x role table the tests found (Markdown).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
import pytest

import app
from qa.assistant import Assistant
from qa.config import Settings
from qa.ingest.readers import formats
from qa.users import set_user
from qa.web.access import OPEN, PASSWORD, PROXY, READ_ONLY, AccessPolicy
from tests.conftest import index_folder
from tests.fakes import FakeEmbedder
from tests.gradio_http import Outcome, RawClient
from tests.test_access import DOCX_PARTS, zip_bomb

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MAINTAINER_FNS = {"add", "remove", "preview_for_page", "audit_table"}
REFUSAL = ("只有维护人员", "只读模式")
PASSWORDS = {"duzhe": "reader-pass-1", "weihu": "maintainer-pass-1"}
QUESTION = "厦门到2018年森林覆盖率要达到多少?"
TABLE: dict[str, dict[int, str]] = {}
NAMES: dict[int, str] = {}


def new_document(folder: Path, county: str) -> Path:
    path = folder / f"{county}方案.txt"
    path.write_text(
        f"{county}人民政府关于推进质量强县的实施方案\n一、发展目标\n"
        f"到2021年，{county}茶叶产品抽检合格率达到99%以上，新增地理标志产品3个。\n"
        "二、重点工作\n(一)发展特色产业。建设标准化生产基地10个。(牵头部门:县农业局)\n",
        encoding="utf-8",
    )
    return path


@dataclass
class Server:
    url: str
    settings: Settings
    policy: AccessPolicy
    assistant: Assistant

    def corpus_state(self) -> list[tuple[str, str]]:
        return sorted(
            (
                str(p.relative_to(self.settings.corpus_dir)),
                hashlib.sha256(p.read_bytes()).hexdigest(),
            )
            for p in self.settings.corpus_dir.rglob("*")
            if p.is_file() and p.name != ".uploads.jsonl"
        )

    def manifest(self) -> bytes:
        return (self.settings.index_dir / "manifest.json").read_bytes()

    def audit(self) -> list[dict[str, Any]]:
        path = self.policy.audit.path if self.policy.audit else None
        if not path or not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("access-server")
    shutil.copytree(CORPUS, root / "corpus")
    index_folder(root / "corpus", root / "index")
    return root


def network_address() -> str | None:
    """A non-loopback IPv4 address of this machine, to serve on as a department would."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for address in out.split():
        if "." in address and not address.startswith("127."):
            return address
    return None


@pytest.fixture(scope="module")
def launch(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    demos: list[gr.Blocks] = []

    def start(host: str = "127.0.0.1", **overrides: Any) -> Server:
        home = tmp_path_factory.mktemp("home")
        shutil.copytree(base / "corpus", home / "corpus")
        shutil.copytree(base / "index", home / "index")
        settings = Settings(
            corpus_dir=home / "corpus", index_dir=home / "index", host=host, **overrides
        )
        policy = AccessPolicy.from_settings(settings)
        assistant = Assistant(settings, FakeEmbedder())
        demo = app.build_app(assistant, policy)
        demo.queue(default_concurrency_limit=4)
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = int(probe.getsockname()[1])
        options = policy.launch_options(max_file_size=max(f.max_bytes for f in formats()))
        demo.launch(
            server_name=host, server_port=port, prevent_thread_lock=True, quiet=True, **options
        )
        demos.append(demo)
        return Server(f"http://{host}:{port}", settings, policy, assistant)

    yield start
    for demo in demos:
        demo.close()


def users_file(folder: Path) -> Path:
    path = folder / "users.txt"
    set_user(path, "duzhe", "reader", PASSWORDS["duzhe"])
    set_user(path, "weihu", "maintainer", PASSWORDS["weihu"])
    set_user(path, "sso-boss", "maintainer", None)
    return path


def qa_file(folder: Path) -> Path:
    path = folder / "qa.jsonl"
    item = {"id": "q1", "question": QUESTION, "answers": ["42.9"], "doc": "厦门", "type": "figure"}
    path.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# -- calling every function index --------------------------------------------------------


def probe(
    client: RawClient, new_doc: Path, qa: Path, remove_target: str | None = None
) -> dict[int, Outcome]:
    """Call every dependency of the page once, with inputs a real user would send."""
    config = client.config()
    components = {c["id"]: c for c in config["components"]}
    first_doc = next(
        c["props"]["value"]
        for c in components.values()
        if c["props"].get("elem_id") == "document-choice"
    )
    status, doc_file = client.upload(new_doc)
    status_qa, qa_upload = client.upload(qa)
    assert status == status_qa == 200, (status, doc_file)
    outcomes: dict[int, Outcome] = {}
    # As the page does on load: this session's lists of documents are brought up to date.
    refresh = next(d["id"] for d in config["dependencies"] if d["api_name"] == "refresh")
    client.call(refresh, [])
    runs: list[str] = []
    added: str | None = None
    for dep in config["dependencies"]:
        index, name = dep["id"], dep["api_name"] or ""
        NAMES[index] = name
        data = []
        for i in dep["inputs"]:
            kind = components[i]["type"]
            data.append(None if kind in ("state", "file") else components[i]["props"].get("value"))
        event_data = None
        if name == "ask":
            data = [QUESTION, "", []]
        elif name == "load_example":
            data = [0]
        elif name.startswith("ask_ui"):
            data[0] = QUESTION
        elif name == "open_source":
            event_data = {"doc_id": first_doc, "start": 0, "end": 10}
        elif name == "briefing":
            # 新对话 (called above) emptied the conversation: ask once more first.
            seen = {n: i for i, n in NAMES.items()}
            client.call(seen["ask_ui"], [QUESTION, "", None])
            listed = client.call(seen["briefing_choices"], [None])
            choices = [c[1] for c in listed.data[0]["choices"]] if listed.success else []
            data[1] = choices[:1]
        elif name in ("preview_for_page", "add"):
            data = [doc_file]
        elif name == "run":
            data = [qa_upload, ["full"]]
        elif name == "compare":
            data = [None, runs[0] if runs else None]
        elif name == "remove":
            data = [remove_target or added or first_doc, True]
        elif name.startswith("document_view"):
            data = [first_doc]
        outcome = client.call(index, data, event_data)
        if name == "run" and outcome.success:
            # Two runs, so that 对比 has an earlier one: the second offers the first.
            outcome = client.call(index, data)
            if outcome.success:
                runs.append(outcome.data[-2]["value"])
        if name == "add" and outcome.success:
            added = next(
                (
                    row[-1]
                    for row in outcome.data[6]["choices"]
                    if new_doc.stem.removesuffix("方案") in row[0]
                ),
                None,
            )
        outcomes[index] = outcome
    return outcomes


def verdict(outcome: Outcome) -> str:
    if outcome.http != 200:
        return f"HTTP {outcome.http}"
    if outcome.success:
        return "allowed"
    if any(r in outcome.error for r in REFUSAL):
        return "refused"
    return f"error: {outcome.error[:60]}"


def check_roles(outcomes: dict[int, Outcome], maintainer: bool, column: str) -> None:
    TABLE[column] = {i: verdict(o) for i, o in outcomes.items()}
    for index, outcome in outcomes.items():
        name = NAMES[index]
        if name in MAINTAINER_FNS and not maintainer:
            assert verdict(outcome) == "refused", (column, name, outcome)
        else:
            assert outcome.success, (column, name, outcome.error)


# -- the modes ---------------------------------------------------------------------------


def test_read_only_on_a_network_address(
    launch: Callable[..., Server], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    host = network_address()
    if host is None:
        pytest.skip("no non-loopback address on this machine (the decision is unit-tested)")
    server = launch(host)
    assert server.policy.mode == READ_ONLY and "READ-ONLY" in server.policy.describe()
    before, manifest = server.corpus_state(), server.manifest()
    client = RawClient(server.url)
    check_roles(
        probe(client, new_document(tmp_path, "丁县"), qa_file(tmp_path)),
        False,
        "anonymous, read-only",
    )
    session = next(i for i, n in NAMES.items() if n == "session_view")
    assert "只读模式" in client.call(session, []).data[0]
    # Other routes reach the same handlers: /run/<any name> with the fn_index of add,
    # /call/add, and a stock gradio_client with its private-endpoint check switched off.
    add = next(i for i, n in NAMES.items() if n == "add")
    _, doc = client.upload(new_document(tmp_path, "戊县"))
    direct = client.call(add, [doc], route="ask")
    assert direct.http == 500 and "只读模式" in direct.error
    called = client.http.post("/gradio_api/call/add", json={"data": [doc]})
    event = called.json()["event_id"]
    stream = client.http.get(f"/gradio_api/call/add/{event}").text
    error = json.loads(stream.split("event: error\ndata:", 1)[1])
    assert "只读模式" in error["error"] and error["title"] == "没有权限"
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    stock = Client(server.url, verbose=False)
    with pytest.raises(ValueError, match="Invalid function index"):
        stock.predict(handle_file(str(new_document(tmp_path, "己县"))), fn_index=add)
    for index in stock.endpoints:
        stock.endpoints[index].is_valid = True  # as a modified client would
    with pytest.raises(AppError, match="只读模式"):
        stock.predict(handle_file(str(new_document(tmp_path, "己县"))), fn_index=add)
    remove = next(i for i, n in NAMES.items() if n == "remove")
    with pytest.raises(AppError, match="只读模式"):
        stock.predict(server.assistant.documents[0].doc_id, True, fn_index=remove)
    assert stock.predict(QUESTION, "", [], api_name="/ask")["found"]
    assert server.corpus_state() == before and server.manifest() == manifest
    refused = [r for r in server.audit() if r["result"] == "refused"]
    assert {r["action"] for r in refused} >= {
        "UploadHandlers.add_upload", "DocumentHandlers.remove_document",
        "UploadHandlers.preview_upload", "AccountHandlers.audit_table",
    }  # fmt: skip
    assert all(r["client"] and r["via"] == READ_ONLY for r in refused)


def test_open_on_loopback_everyone_maintains_as_before(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    server = launch("127.0.0.1")
    assert server.policy.mode == OPEN
    outcomes = probe(RawClient(server.url), new_document(tmp_path, "庚县"), qa_file(tmp_path))
    check_roles(outcomes, True, "anonymous, open (127.0.0.1)")
    assert [r["result"] for r in server.audit()] == ["ok", "ok"]  # the add and the remove
    # Through a reverse proxy the same app is not a laptop any more.
    proxied = RawClient(server.url, headers={"X-Forwarded-For": "192.0.2.77"})
    outcomes = probe(proxied, new_document(tmp_path, "辛县"), qa_file(tmp_path))
    check_roles(outcomes, False, "anonymous via a proxy, open")


def test_password_mode_reader_refused_maintainer_allowed_and_audited(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    server = launch("127.0.0.1", users_file=str(users_file(tmp_path)))
    assert server.policy.mode == PASSWORD
    anonymous = RawClient(server.url)
    assert anonymous.http.get("/config").status_code == 401
    assert anonymous.upload(new_document(tmp_path, "壬县"))[0] == 401
    # Every function index refuses an anonymous caller (Gradio's login check, 401).
    column = TABLE.setdefault("anonymous, sign-in required", {})
    for index in range(40):
        outcome = anonymous.call(index, [])
        assert outcome.http == 401, (index, outcome)
        column[index] = verdict(outcome)
    # A wrong password and an unknown user get the same answer.
    wrong = anonymous.http.post("/login", data={"username": "weihu", "password": "nope-nope"})
    unknown = anonymous.http.post("/login", data={"username": "nobody", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 400 and wrong.text == unknown.text
    assert "weihu" not in wrong.text and "password" not in wrong.text.lower()
    from gradio_client import Client

    with pytest.raises(ValueError) as caught:
        Client(server.url, auth=("weihu", "nope-nope"), verbose=False)
    assert "nope" not in str(caught.value)

    maintainer = RawClient(server.url)
    assert maintainer.sign_in("weihu", PASSWORDS["weihu"]) == 200
    kept = new_document(tmp_path, "癸县")
    outcomes = probe(maintainer, new_document(tmp_path, "子县"), qa_file(tmp_path))
    check_roles(outcomes, True, "maintainer (signed in)")
    add = next(i for i, n in NAMES.items() if n == "add")
    assert maintainer.call(add, [maintainer.upload(kept)[1]]).success
    kept_id = next(d.doc_id for d in server.assistant.documents if d.source_name == kept.name)
    before, manifest = server.corpus_state(), server.manifest()

    reader = RawClient(server.url)
    assert reader.sign_in("duzhe", PASSWORDS["duzhe"]) == 200
    outcomes = probe(reader, new_document(tmp_path, "丑县"), qa_file(tmp_path), kept_id)
    check_roles(outcomes, False, "reader (signed in)")
    assert server.corpus_state() == before and server.manifest() == manifest
    session = next(i for i, n in NAMES.items() if n == "session_view")
    header, upload_tab, audit_tab, records = reader.call(session, []).data
    assert "duzhe（读者）" in header and "退出登录" in header
    assert upload_tab["visible"] is False and audit_tab["visible"] is False
    assert records["data"] == []  # the record is for maintainers
    header, upload_tab, audit_tab, records = maintainer.call(session, []).data
    assert "weihu（维护人员）" in header and upload_tab["visible"] and audit_tab["visible"]
    assert records["data"], "maintainers see the audit log on the page"

    # gradio_client signed in: the reader asks through /ask; an upload is refused.
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    as_reader = Client(server.url, auth=("duzhe", PASSWORDS["duzhe"]), verbose=False)
    assert as_reader.predict(QUESTION, "", [], api_name="/ask")["found"]
    for index in as_reader.endpoints:
        as_reader.endpoints[index].is_valid = True
    with pytest.raises(AppError, match="只有维护人员"):
        as_reader.predict(handle_file(str(new_document(tmp_path, "寅县"))), fn_index=add)
    as_maintainer = Client(server.url, auth=("weihu", PASSWORDS["weihu"]), verbose=False)
    for index in as_maintainer.endpoints:
        as_maintainer.endpoints[index].is_valid = True
    result = as_maintainer.predict(handle_file(str(new_document(tmp_path, "卯县"))), fn_index=add)
    assert "已加入并索引" in result[0]

    records = server.audit()
    by_user = {(r["user"], r["action"], r["result"]) for r in records}
    assert ("weihu", "UploadHandlers.add_upload", "ok") in by_user
    assert ("weihu", "DocumentHandlers.remove_document", "ok") in by_user
    assert ("duzhe", "UploadHandlers.add_upload", "refused") in by_user
    assert ("duzhe", "DocumentHandlers.remove_document", "refused") in by_user
    added = next(r for r in records if r["file"] == kept.name and r["result"] == "ok")
    assert added["sha256"] == hashlib.sha256(kept.read_bytes()).hexdigest()
    assert added["role"] == "maintainer" and added["via"] == PASSWORD
    text = server.policy.audit.path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert not any(p in text for p in PASSWORDS.values())


def test_proxy_sign_on_only_from_the_trusted_proxy(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    server = launch(
        "127.0.0.1",
        users_file=str(users_file(tmp_path)),
        trusted_user_header="X-Remote-User",
        trusted_proxies="127.0.0.1",
    )
    assert server.policy.mode == PROXY
    assert RawClient(server.url).http.get("/config").status_code == 401
    unlisted = RawClient(server.url, headers={"X-Remote-User": "someone"})
    outcomes = probe(unlisted, new_document(tmp_path, "辰县"), qa_file(tmp_path))
    check_roles(outcomes, False, "proxy: unlisted user (default role reader)")
    boss = RawClient(server.url, headers={"X-Remote-User": "sso-boss"})
    outcomes = probe(boss, new_document(tmp_path, "巳县"), qa_file(tmp_path))
    check_roles(outcomes, True, "proxy: listed maintainer")
    # The same header from an address that is not the proxy is not believed.
    other = launch("127.0.0.1", trusted_user_header="X-Remote-User", trusted_proxies="10.255.255.1")
    forged = RawClient(other.url, headers={"X-Remote-User": "sso-boss"})
    assert forged.http.get("/config").status_code == 401
    assert forged.call(0, [QUESTION, "", []]).http == 401


# -- limits --------------------------------------------------------------------------------


def test_an_upload_flood_is_refused_while_others_are_answered(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    server = launch(
        "127.0.0.1",
        users_file=str(users_file(tmp_path)),
        rate_upload_mb_per_hour=1,
        rate_calls_per_minute=40,
        rate_questions_per_minute=8,
    )
    before, manifest = server.corpus_state(), server.manifest()
    flooder = RawClient(server.url)
    assert flooder.sign_in("duzhe", PASSWORDS["duzhe"]) == 200
    other = RawClient(server.url)
    assert other.sign_in("weihu", PASSWORDS["weihu"]) == 200
    ask = 0
    big = tmp_path / "块.txt"
    big.write_bytes("质量强县。".encode() * 20_000)  # 300 KB
    answers: list[bool] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            answers.append(other.call(ask, [QUESTION, "", []]).success)
            time.sleep(1.0)

    asking = threading.Thread(target=keep_asking)
    asking.start()
    try:
        statuses = [flooder.upload(big) for _ in range(12)]
        joins = [flooder.call(ask, [QUESTION, "", []]) for _ in range(45)]
    finally:
        stop.set()
        asking.join()
    codes = [s for s, _ in statuses]
    assert codes[:3] == [200, 200, 200] and 429 in codes  # ~1 MB, then refused
    refusal = next(body for s, body in statuses if s == 429)
    assert isinstance(refusal, str) and "每小时最多 1 MB 上传" in refusal and "秒后再试" in refusal
    # Questions: 8 a minute at the handler (a clear error), calls: 40 a minute (429).
    errors = [o.error for o in joins if not o.success]
    assert any("每分钟最多 8 个问题" in e for e in errors)
    assert any(o.http == 429 and "每分钟最多 40 次请求" in o.error for o in joins)
    assert answers and all(answers), "the other client kept being answered"
    assert server.corpus_state() == before and server.manifest() == manifest
    # gradio_client users read the same Chinese message.
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(server.url, auth=("weihu", PASSWORDS["weihu"]), verbose=False)
    with pytest.raises(AppError, match="每分钟最多 8 个问题"):
        for _ in range(10):
            client.predict(QUESTION, "", [], api_name="/ask")


def test_a_zip_bomb_upload_is_refused_and_the_server_keeps_answering(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    server = launch("127.0.0.1", users_file=str(users_file(tmp_path)))
    before, manifest = server.corpus_state(), server.manifest()
    maintainer = RawClient(server.url)
    assert maintainer.sign_in("weihu", PASSWORDS["weihu"]) == 200
    config = maintainer.config()
    index = {d["api_name"]: d["id"] for d in config["dependencies"]}
    bomb = zip_bomb(tmp_path / "方案.docx", DOCX_PARTS)
    _, upload = maintainer.upload(bomb)
    preview = maintainer.call(index["preview_for_page"], [upload])
    assert preview.success and "超过安全上限" in preview.data[0]
    added = maintainer.call(index["add"], [upload])
    assert added.success and "超过安全上限" in added.data[0] and "恶意构造" in added.data[0]
    assert maintainer.call(index["ask"], [QUESTION, "", []]).success
    assert server.corpus_state() == before and server.manifest() == manifest
    (record,) = [r for r in server.audit() if r["action"] == "UploadHandlers.add_upload"]
    assert record["result"] == "failed" and "超过安全上限" in record["detail"]


def test_secrets_stay_out_of_the_page_and_the_api(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    server = launch(
        "127.0.0.1",
        users_file=str(users_file(tmp_path)),
        llm_api_key="sk-never-shown-123",
        llm_url="http://bob:hunter2@127.0.0.1:9/v1",
    )
    client = RawClient(server.url)
    assert client.sign_in("weihu", PASSWORDS["weihu"]) == 200
    shown = [client.http.get(p).text for p in ("/", "/config", "/gradio_api/info")]
    outcomes = probe(client, new_document(tmp_path, "午县"), qa_file(tmp_path))
    shown += [o.text for o in outcomes.values()]
    for text in shown:
        for secret in ("sk-never-shown-123", "hunter2", *PASSWORDS.values(), "$argon2"):
            assert secret not in text


def teardown_module() -> None:
    target = os.environ.get("QA_ACCESS_TABLE")
    if not target or not TABLE:
        return
    columns = list(TABLE)
    lines = [
        "| fn_index | function | kind | " + " | ".join(columns) + " |",
        "|---|---|---|" + "---|" * len(columns),
    ]
    for index in sorted(NAMES):
        kind = "maintainer" if NAMES[index] in MAINTAINER_FNS else "reader"
        cells = [TABLE[c].get(index, "") for c in columns]
        lines.append(f"| {index} | {NAMES[index]} | {kind} | " + " | ".join(cells) + " |")
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_only_failed_sign_ins_are_limited(launch: Callable[..., Server], tmp_path: Path) -> None:
    server = launch(
        "127.0.0.1", users_file=str(users_file(tmp_path)), rate_failed_logins_per_minute=3
    )
    # A whole office behind one address signs in at once.
    for _ in range(12):
        assert RawClient(server.url).sign_in("duzhe", PASSWORDS["duzhe"]) == 200
    guesser = RawClient(server.url)
    assert [guesser.sign_in("weihu", f"guess-{n}") for n in range(3)] == [400, 400, 400]
    refused = guesser.http.post(
        "/login", data={"username": "weihu", "password": PASSWORDS["weihu"]}
    )
    assert refused.status_code == 429 and "每分钟最多 3 次登录失败" in refused.json()["detail"]
