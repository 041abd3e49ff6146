"""Who may change the corpus (issue 16), without a server: the access mode decided at
start, the users file and its hashes, who a request comes from, the audit log, the
token buckets, zip and PDF bombs, and secrets kept out of what is shown."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

import app
from qa.audit import AuditLog
from qa.cli import main as cli_main
from qa.config import Settings
from qa.errors import DocumentError, InputError
from qa.ingest.readers import READERS, format_for
from qa.ingest.readers.zipcheck import MAX_UNCOMPRESSED_BYTES, check_zip
from qa.ingest.uploads import staged_upload
from qa.redact import redact_env, redact_url
from qa.users import (
    NO_PASSWORD,
    load_users,
    parse_users,
    set_user,
    verify_password,
)
from qa.web.access import (
    MAINTAINER,
    OPEN,
    PASSWORD,
    PROXY,
    READ_ONLY,
    READER,
    AccessPolicy,
    Refused,
    decide_mode,
    is_loopback_host,
)
from qa.web.limits import Limiter, Rate, TokenBucket, rates
from tests.conftest import index_folder
from tests.fakes import NEW_DOC, FakeEmbedder

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PASSWORD_A = "correct horse 甲乙"


# -- the mode decided at start -----------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.0.2.2", False),
     ("10.1.2.3", False), ("", False), ("no-such-host.invalid", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_the_mode_is_safe_by_default() -> None:
    # The laptop case is unchanged; a network without users is read-only.
    assert decide_mode("127.0.0.1", False, "", False) == OPEN
    assert decide_mode("0.0.0.0", False, "", False) == READ_ONLY
    assert decide_mode("192.0.2.2", False, "", False) == READ_ONLY
    # Behind a proxy, loopback is not a laptop any more.
    assert decide_mode("127.0.0.1", False, "", True) == READ_ONLY
    assert decide_mode("0.0.0.0", True, "", False) == PASSWORD
    assert decide_mode("127.0.0.1", True, "", False) == PASSWORD
    assert decide_mode("0.0.0.0", True, "X-Remote-User", True) == PROXY


def test_policy_from_settings(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    assert (
        AccessPolicy.from_settings(Settings(host="0.0.0.0", index_dir=tmp_path)).mode == READ_ONLY
    )
    assert AccessPolicy.from_settings(Settings(index_dir=tmp_path)).mode == OPEN
    with pytest.raises(InputError, match="找不到用户文件"):
        AccessPolicy.from_settings(Settings(users_file=str(users), index_dir=tmp_path))
    set_user(users, "wang", "maintainer", PASSWORD_A)
    policy = AccessPolicy.from_settings(
        Settings(host="0.0.0.0", users_file=str(users), index_dir=tmp_path)
    )
    assert policy.mode == PASSWORD and policy.audit and policy.audit.path.parent == tmp_path
    with pytest.raises(InputError, match="QA_TRUSTED_PROXIES"):
        AccessPolicy.from_settings(Settings(trusted_user_header="X-User", index_dir=tmp_path))
    with pytest.raises(InputError, match="不是 IP 地址"):
        AccessPolicy.from_settings(
            Settings(trusted_user_header="X-User", trusted_proxies="proxy", index_dir=tmp_path)
        )
    with pytest.raises(InputError, match="QA_DEFAULT_ROLE"):
        AccessPolicy("proxy", trusted_proxies="10.0.0.1", default_role="admin")


def test_read_only_start_is_said_in_the_log_and_on_the_page(tmp_path: Path) -> None:
    policy = AccessPolicy.from_settings(Settings(host="0.0.0.0", index_dir=tmp_path))
    assert "READ-ONLY" in policy.describe() and "QA_USERS_FILE" in policy.describe()
    handlers = SimpleNamespace(access=policy)
    from qa.web.account import AccountHandlers

    banner, upload_tab, audit_tab, records = AccountHandlers.session_view(handlers, request(""))  # type: ignore[arg-type]
    assert "只读模式" in banner and "不能添加或删除文件" in banner
    assert upload_tab["visible"] is False and audit_tab["visible"] is False and records.empty


# -- the users file ----------------------------------------------------------------------


def test_users_file_holds_hashes_never_passwords(tmp_path: Path) -> None:
    path = tmp_path / "users.txt"
    set_user(path, "张三", "maintainer", PASSWORD_A)
    set_user(path, "lisi", "reader", "another password")
    set_user(path, "sso-only", "reader", None)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD_A not in text and "another password" not in text
    assert text.count("$argon2id$") == 2 and "sso-only:reader:-" in text
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    users = load_users(path)
    assert users["张三"].role == MAINTAINER and users["lisi"].role == READER
    assert verify_password(users["张三"], PASSWORD_A)
    assert not verify_password(users["张三"], PASSWORD_A + "x")
    assert not verify_password(None, PASSWORD_A)  # unknown name: same answer
    assert not verify_password(users["sso-only"], "")  # no password signs in as a proxy user
    # A role change keeps the hash; the comment line survives rewrites.
    set_user(path, "lisi", "maintainer", None)
    assert load_users(path)["lisi"].password_hash == users["lisi"].password_hash
    assert path.read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize(
    ("line", "message"),
    [("zhang:maintainer:plaintext-password", "不是 Argon2 哈希"),
     ("zhang:admin:-", "角色"), ("zhang maintainer", "格式不对"), ("a b:reader:-", "用户名")],
)  # fmt: skip
def test_users_file_refuses_plain_passwords_and_bad_lines(line: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_users(f"# comment\n{line}\n")
    assert "plaintext-password" not in str(caught.value)


def test_users_cli_reads_the_password_from_stdin_never_argv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "users.txt"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD_A + "\n"))
    assert cli_main(["users", "add", "wang", "--role", "maintainer", "--file", str(path)]) == 0
    assert verify_password(load_users(path)["wang"], PASSWORD_A)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli_main(["users", "add", "zhao", "--file", str(path)]) == 2
    assert "密码太短" in capsys.readouterr().err
    assert cli_main(["users", "list", "--file", str(path)]) == 0
    listed = capsys.readouterr().out
    assert "wang\tmaintainer" in listed and "$argon2" not in listed
    with pytest.raises(SystemExit):
        cli_main(["users", "add", "zhao", "--password", PASSWORD_A, "--file", str(path)])
    assert cli_main(["users", "remove", "wang", "--file", str(path)]) == 0
    assert load_users(path) == {}


# -- who a request comes from -------------------------------------------------------------


def request(
    peer: str, headers: dict[str, str] | None = None, username: str | None = None
) -> gr.Request:
    return gr.Request(username=username, headers=headers or {}, client=SimpleNamespace(host=peer))  # type: ignore[arg-type]


def test_open_mode_everyone_maintains_but_not_through_a_proxy() -> None:
    policy = AccessPolicy(OPEN)
    assert policy.identify(request("127.0.0.1")).is_maintainer
    assert policy.identify(None).is_maintainer  # a test or a script on the server
    proxied = policy.identify(request("127.0.0.1", {"X-Forwarded-For": "10.0.0.7"}))
    assert proxied.role == READER


def test_read_only_mode_nobody_maintains() -> None:
    policy = AccessPolicy(READ_ONLY)
    assert policy.identify(request("192.0.2.9")).role == READER
    assert not policy.identify(None).is_maintainer


def test_password_mode_role_from_the_users_file(tmp_path: Path) -> None:
    from qa.users import UserDirectory

    path = tmp_path / "users.txt"
    set_user(path, "wang", "maintainer", PASSWORD_A)
    set_user(path, "li", "reader", PASSWORD_A)
    policy = AccessPolicy(PASSWORD, users=UserDirectory(path))
    assert policy.identify(request("10.0.0.1", username="wang")).is_maintainer
    assert policy.identify(request("10.0.0.1", username="li")).role == READER
    assert policy.identify(request("10.0.0.1")).role is None
    # Demoted while signed in: the next action already sees it (the file is re-read).
    set_user(path, "wang", "reader", None)
    assert policy.identify(request("10.0.0.1", username="wang")).role == READER
    set_user(path, "gone", "reader", None)
    (tmp_path / "users.txt").write_text("li:reader:-\n", encoding="utf-8")
    assert policy.identify(request("10.0.0.1", username="wang")).role is None


def test_proxy_header_is_honoured_only_from_trusted_proxies(tmp_path: Path) -> None:
    from qa.users import UserDirectory

    path = tmp_path / "users.txt"
    set_user(path, "boss", "maintainer", None)
    policy = AccessPolicy(
        PROXY, users=UserDirectory(path), trusted_header="X-Remote-User",
        trusted_proxies="10.0.0.5, 10.1.0.0/24",
    )  # fmt: skip
    header = {"X-Remote-User": "boss", "X-Forwarded-For": "192.0.2.50"}
    trusted = policy.identify(request("10.1.0.9", header))
    assert trusted.user == "boss" and trusted.is_maintainer and trusted.client == "192.0.2.50"
    forged = policy.identify(request("192.0.2.66", header))
    assert forged.user == "" and forged.role is None and forged.client == "192.0.2.66"
    other = policy.identify(request("10.0.0.5", {"x-remote-user": "%E5%BC%A0%E4%B8%89"}))
    assert other.user == "张三" and other.role == READER  # not listed: the default role
    assert policy.identify(request("10.0.0.5", {"x-remote-user": " "})).user == ""
    # A client cannot hide behind a forged X-Forwarded-For: only trusted hops are skipped.
    assert (
        policy.client_address("10.0.0.5", {"x-forwarded-for": "1.2.3.4, 192.0.2.7"}) == "192.0.2.7"
    )
    assert policy.client_address("192.0.2.7", {"x-forwarded-for": "10.0.0.5"}) == "192.0.2.7"


# -- the gate in the handlers, and the audit log ------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("access-base")
    shutil.copytree(CORPUS, root / "corpus")
    index_folder(root / "corpus", root / "index")
    return root


@pytest.fixture
def settings(built: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    shutil.copytree(built / "index", tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


def state(settings: Settings) -> tuple[list[tuple[str, str]], bytes]:
    files = sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in settings.corpus_dir.rglob("*")
        if p.is_file()
    )
    return files, (settings.index_dir / "manifest.json").read_bytes()


def handlers_for(settings: Settings, policy: AccessPolicy) -> app.Handlers:
    from qa.assistant import Assistant

    return app.Handlers(Assistant(settings, FakeEmbedder()), policy)


def test_reader_refused_maintainer_allowed_and_every_attempt_audited(
    settings: Settings, tmp_path: Path
) -> None:
    from qa.users import UserDirectory

    users = tmp_path / "users.txt"
    set_user(users, "wang", "maintainer", PASSWORD_A)
    set_user(users, "li", "reader", PASSWORD_A)
    log = AuditLog(tmp_path / "audit.jsonl")
    log.path.write_text('{"earlier": "record"}\n', encoding="utf-8")
    policy = AccessPolicy(PASSWORD, users=UserDirectory(users), audit=log)
    handlers = handlers_for(settings, policy)
    source = tmp_path / "up" / "丙县方案.txt"
    source.parent.mkdir()
    source.write_text(NEW_DOC, encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    before = state(settings)
    reader = request("10.0.0.8", username="li")
    for call in (
        lambda: handlers.add_upload(str(source), request=reader),
        lambda: handlers.preview_upload(str(source), reader),
        lambda: handlers.remove_document(handlers.assistant.documents[0].doc_id, True, reader),
        lambda: handlers.audit_table(reader),
        lambda: handlers.add_upload(str(source)),  # no request at all: refused too
    ):
        with pytest.raises(Refused, match="只有维护人员"):
            call()
    assert state(settings) == before
    # A reader sees no remove button, whatever the document.
    assert (
        handlers.document_view(handlers.assistant.documents[0].doc_id, reader)[1]["visible"]
        is False
    )

    maintainer = request("10.0.0.9", username="wang")
    message = handlers.add_upload(str(source), request=maintainer)
    assert "已加入并索引" in message and len(handlers.assistant.documents) == 6
    added = next(d for d in handlers.assistant.documents if d.source_name == "丙县方案.txt")
    removed = handlers.remove_document(added.doc_id, True, maintainer)
    assert "已删除" in removed and len(handlers.assistant.documents) == 5

    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"earlier": "record"}'  # appended to, never rewritten
    records = [json.loads(line) for line in lines[1:]]
    assert [(r["user"], r["action"], r["result"]) for r in records] == [
        ("li", "UploadHandlers.add_upload", "refused"),
        ("li", "UploadHandlers.preview_upload", "refused"),
        ("li", "DocumentHandlers.remove_document", "refused"),
        ("li", "AccountHandlers.audit_table", "refused"),
        ("", "UploadHandlers.add_upload", "refused"),
        ("wang", "UploadHandlers.add_upload", "ok"),
        ("wang", "DocumentHandlers.remove_document", "ok"),
    ]
    assert records[0]["file"] == "丙县方案.txt" and records[0]["sha256"] == digest
    assert records[0]["client"] == "10.0.0.8" and records[0]["role"] == READER
    assert records[5]["sha256"] == digest and records[5]["role"] == MAINTAINER
    assert records[6]["doc_id"] == added.doc_id and records[6]["file"] == "丙县方案.txt"
    assert all(r["time"] for r in records)
    # Maintainers read the record, newest first.
    table = handlers.audit_table(maintainer)
    assert list(table["结果"][:2]) == ["完成", "完成"] and table["用户"][0] == "wang"


def test_a_failed_change_is_audited_as_failed(settings: Settings, tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    handlers = handlers_for(settings, AccessPolicy(OPEN, audit=log))
    duplicate = tmp_path / "copy.txt"
    shutil.copy(next(settings.corpus_dir.glob("*.txt")), duplicate)
    with pytest.raises(gr.Error):
        handlers.add_upload(str(duplicate), request=request("127.0.0.1"))
    (record,) = log.recent()
    assert record["result"] == "failed" and record["detail"] and record["file"] == "copy.txt"


def test_audit_log_tail_and_torn_lines(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a" / "audit.jsonl")
    assert log.recent() == []
    for n in range(5):
        log.append(user=f"u{n}", action="x", result="ok")
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write('{"torn": ')
    assert [r["user"] for r in log.recent(3)] == ["u4", "u3", "u2"]


# -- limits ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_refills_evenly() -> None:
    rate = Rate(6, 60, "个问题", "每分钟")
    bucket = TokenBucket(rate, now=0.0)
    assert [bucket.take(1, 0.0) for _ in range(6)] == [0.0] * 6
    assert bucket.take(1, 0.0) == pytest.approx(10.0)  # one token every 10 s
    assert bucket.take(1, 10.0) == 0.0
    assert bucket.take(7, 100.0) == float("inf")  # more than the bucket ever holds


def test_limiter_keeps_clients_apart_with_chinese_messages() -> None:
    clock = Clock()
    limiter = Limiter(rates(Settings(rate_questions_per_minute=3)), clock=clock)
    for _ in range(3):
        limiter.check("questions", "user:a")
    with pytest.raises(
        gr.Error, match=r"请求过于频繁：每分钟最多 3 个问题。请在 20 秒后再试"
    ) as caught:
        limiter.check("questions", "user:a")
    assert caught.value.title == "请求过于频繁"
    limiter.check("questions", "user:b")  # someone else is still answered
    clock.now += 20
    limiter.check("questions", "user:a")
    off = Limiter(rates(Settings(rate_questions_per_minute=1)), enabled=False)
    for _ in range(10):
        off.check("questions", "ip:127.0.0.1")  # the laptop keeps no limits
    unlimited = Limiter(rates(Settings(rate_questions_per_minute=0)))
    for _ in range(10):
        unlimited.check("questions", "x")


def test_questions_are_limited_per_user_in_the_handlers(settings: Settings) -> None:
    policy = AccessPolicy(READ_ONLY, limiter=Limiter(rates(Settings(rate_questions_per_minute=2))))
    handlers = handlers_for(settings, policy)
    one, other = request("192.0.2.1"), request("192.0.2.2")
    for _ in range(2):
        assert handlers.api_ask("厦门森林覆盖率目标是多少?", request=one)["passages"]
    with pytest.raises(gr.Error, match="请求过于频繁"):
        handlers.api_ask("厦门森林覆盖率目标是多少?", request=one)
    with pytest.raises(gr.Error, match="请求过于频繁"):
        list(handlers.ask("厦门森林覆盖率目标是多少?", "", [], one))
    assert handlers.api_ask("厦门森林覆盖率目标是多少?", request=other)["passages"]


# -- zip bombs and PDF bombs: refused before anything is read or written -----------------


def zip_bomb(path: Path, required: tuple[str, ...], megabytes: int = 50) -> Path:
    """A real bomb: megabytes of zeros in the main part, ~1,000:1."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in required[1:]:
            archive.writestr(name, "<x/>")
        with archive.open(required[0], "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                part.write(block)
    return path


def lying_zip(path: Path, required: tuple[str, ...]) -> Path:
    """Small parts whose directory claims 300 MB each (the sizes are what a reader trusts)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in required:
            archive.writestr(name, "<x/>" * 200)
        for info in archive.infolist():
            info.file_size = 300 * 1024 * 1024
    return path


DOCX_PARTS = ("word/document.xml", "[Content_Types].xml")
OFD_PARTS = ("Doc_0/Document.xml", "OFD.xml")


@pytest.mark.parametrize("kind", ["bomb", "lying"])
def test_a_zip_bomb_docx_is_refused_and_nothing_is_written(
    settings: Settings, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "up" / "炸弹.docx"
    path.parent.mkdir()
    (zip_bomb if kind == "bomb" else lying_zip)(path, DOCX_PARTS)
    assert path.stat().st_size < format_for(path.name).max_bytes  # small on disk
    before = state(settings)
    with (
        pytest.raises(DocumentError, match=r"解压后.*超过安全上限") as caught,
        staged_upload(path, path.name, settings, []),
    ):
        pass
    assert "恶意构造" in str(caught.value)
    handlers = handlers_for(settings, AccessPolicy(OPEN))
    with pytest.raises(gr.Error, match="超过安全上限"):
        handlers.add_upload(str(path), request=request("127.0.0.1"))
    assert state(settings) == before and len(handlers.assistant.documents) == 5


@pytest.mark.parametrize("kind", ["bomb", "lying"])
def test_zip_limits_hold_for_ofd_packages(tmp_path: Path, kind: str) -> None:
    """The OFD reader (being added) checks its zip with the same ``check_zip``."""
    path = (zip_bomb if kind == "bomb" else lying_zip)(tmp_path / "公文.ofd", OFD_PARTS)
    with pytest.raises(DocumentError, match=r"OFD 文件解压后.*超过安全上限"):
        check_zip(path, required=("OFD.xml",), kind="OFD 文件", hint="")
    assert MAX_UNCOMPRESSED_BYTES < 300 * 1024 * 1024


def test_an_ofd_zip_bomb_upload_is_refused_once_the_reader_lands(
    settings: Settings, tmp_path: Path
) -> None:
    if ".ofd" not in READERS:
        pytest.skip("the OFD reader has not landed on this branch (issue-formats)")
    path = zip_bomb(tmp_path / "公文.ofd", OFD_PARTS)
    before = state(settings)
    with (
        pytest.raises(DocumentError, match="超过安全上限"),
        staged_upload(path, path.name, settings, []),
    ):
        pass
    assert state(settings) == before


def pdf_declaring(pages: int) -> bytes:
    """A tiny PDF whose page tree declares ``pages`` pages (one is really there)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_a_pdf_declaring_100000_pages_is_refused_once_the_reader_lands(
    settings: Settings, tmp_path: Path
) -> None:
    if ".pdf" not in READERS or format_for("x.pdf").refusal:
        pytest.skip("the PDF reader has not landed on this branch (issue-formats)")
    path = tmp_path / "十万页.pdf"
    path.write_bytes(pdf_declaring(100_000))
    before = state(settings)
    with (
        pytest.raises(DocumentError, match="上限") as caught,
        staged_upload(path, path.name, settings, []),
    ):
        pass
    # Refused for its page count (not as damaged): the message names the count.
    assert re.search(r"100,?000 ?页", str(caught.value))
    assert state(settings) == before


# -- secrets -----------------------------------------------------------------------------


def test_settings_repr_masks_keys_and_tokens() -> None:
    settings = Settings.from_env(
        {"QA_LLM_API_KEY": "sk-very-secret", "QA_LLM_URL": "https://bob:hunter2@llm.example/v1"}
    )
    for shown in (repr(settings), str(settings), f"{settings}"):
        assert "sk-very-secret" not in shown and "hunter2" not in shown
        assert "llm_api_key='***'" in shown and "llm_max_tokens=400" in shown
    assert settings.llm_api_key == "sk-very-secret"  # the value itself is unchanged
    assert redact_url("https://u:p@h:8443/v1?x=1") == "https://***@h:8443/v1?x=1"
    assert redact_url("http://h/v1") == "http://h/v1"
    assert redact_env([("QA_MILVUS_TOKEN", "root:Milvus"), ("QA_HOST", "0.0.0.0")]) == [
        "QA_MILVUS_TOKEN=***",
        "QA_HOST=0.0.0.0",
    ]


def test_a_bad_llm_url_message_hides_its_credentials() -> None:
    from qa.answer.llm.client import ChatClient

    with pytest.raises(InputError) as caught:
        ChatClient(Settings(llm_url="ftp://bob:hunter2@host/v1", llm_api_key="sk-x"))
    assert "hunter2" not in str(caught.value) and "sk-x" not in str(caught.value)


def test_the_access_log_line_names_no_secret(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    set_user(users, "wang", "maintainer", PASSWORD_A)
    policy = AccessPolicy.from_settings(Settings(users_file=str(users), index_dir=tmp_path))
    line = policy.describe()
    assert "1 users" in line and PASSWORD_A not in line and "$argon2" not in line


def test_proxy_only_users_have_no_password(tmp_path: Path) -> None:
    path = tmp_path / "users.txt"
    set_user(path, "sso", "maintainer", None)
    assert load_users(path)["sso"].password_hash == NO_PASSWORD


def test_the_log_filter_masks_secrets_and_url_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from qa.redact import SecretFilter, secret_values

    secrets = secret_values({"QA_LLM_API_KEY": "sk-abcdef", "QA_HOST": "0.0.0.0"})
    assert secrets == ["sk-abcdef"]
    log = logging.getLogger("qa.test-secrets")
    caplog.handler.addFilter(SecretFilter(secrets))
    with caplog.at_level(logging.INFO, logger="qa.test-secrets"):
        log.info("POST %s with key %s", "http://bob:hunter2@llm:8080/v1/chat", "sk-abcdef")
    assert caplog.messages == ["POST http://***@llm:8080/v1/chat with key ***"]


def test_evaluation_runs_are_limited_per_user(settings: Settings, tmp_path: Path) -> None:
    policy = AccessPolicy(READ_ONLY, limiter=Limiter(rates(Settings(rate_evaluations_per_hour=1))))
    handlers = handlers_for(settings, policy)
    qa = tmp_path / "qa.jsonl"
    item = {"id": "q1", "question": "厦门森林覆盖率目标是多少?", "answers": ["42.9"], "doc": "厦门", "type": "figure"}  # fmt: skip
    qa.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    one = request("192.0.2.1")
    assert "评测完成" in handlers.run_evaluation(str(qa), ["full"], None, one)[0]
    with pytest.raises(gr.Error, match="每小时最多 1 次评测"):
        handlers.run_evaluation(str(qa), ["full"], None, one)
    # A file that cannot be read costs no run; another evaluator is not affected.
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(gr.Error, match="评测文件无法读取"):
        handlers.run_evaluation(str(bad), ["full"], None, request("192.0.2.2"))
    assert "评测完成" in handlers.run_evaluation(str(qa), ["full"], None, request("192.0.2.2"))[0]
