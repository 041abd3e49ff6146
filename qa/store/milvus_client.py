"""Connecting to Milvus, and turning its failures into messages that say what to do.

``QA_MILVUS_URI`` is either a file path (Milvus Lite runs inside this process; one
process at a time may open the file) or a server URI (``http://host:19530``: Milvus
standalone, a cluster, or ``milvus-lite server``), shared by any number of app
replicas. Every call into pymilvus goes through ``milvus_errors`` so that an
unreachable server, a refused token, a missing database or a file held by another
process reaches the user as a ``QAError`` in Chinese and English, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import Settings
from qa.errors import QAError, StoreUnavailableError

if TYPE_CHECKING:
    from pymilvus import MilvusClient

DEFAULT_LITE_FILE = "milvus.db"
SERVER_SCHEMES = ("http://", "https://", "tcp://", "grpc://", "unix:")


def milvus_uri(settings: Settings) -> str:
    """The URI from the settings; "" means a Milvus Lite file in the index folder."""
    return settings.milvus_uri or str(settings.index_dir / DEFAULT_LITE_FILE)


def is_lite_file(uri: str) -> bool:
    return not uri.lower().startswith(SERVER_SCHEMES)


def start_hint(uri: str) -> str:
    if is_lite_file(uri):
        return (
            f"请确认 {uri} 所在的文件夹可写，且安装了 milvus-lite。"
            f"(Make sure the folder of {uri} is writable and milvus-lite is installed: "
            "`pip install -r requirements.txt`.)"
        )
    return (
        "请确认 Milvus 已启动、QA_MILVUS_URI 的地址和端口正确；本机测试可运行 "
        "`milvus-lite server --data-dir DIR --port 19530`。"
        "(Start Milvus or correct QA_MILVUS_URI; for a local test run "
        "`milvus-lite server --data-dir DIR --port 19530`.)"
    )


def translate(err: Exception, uri: str) -> QAError:
    """A user-facing error for a failure of pymilvus (or of the connection under it)."""
    if isinstance(err, QAError):
        return err
    detail = str(getattr(err, "message", "") or err).strip() or type(err).__name__
    lowered = detail.lower()
    if is_lite_file(uri) and ("open local milvus failed" in lowered or "lock" in lowered):
        return StoreUnavailableError(
            f"Milvus Lite 文件 {uri} 正被另一个进程使用。"
            f"(Another process has the Milvus Lite file {uri} open.)",
            "一个 Milvus Lite 文件同一时间只能由一个进程打开：请先停止那个进程；多个进程共用时，"
            f"请运行 `milvus-lite server --data-dir {uri} --port 19530` 并设置 "
            "QA_MILVUS_URI=http://127.0.0.1:19530。(A Milvus Lite file serves one process: "
            "stop the other one, or serve the file with `milvus-lite server` and point "
            "QA_MILVUS_URI at it.)",
        )
    if any(word in lowered for word in ("auth", "credential", "token", "permission", "denied")):
        return StoreUnavailableError(
            f"Milvus（{uri}）拒绝了登录：{detail}。(Milvus at {uri} refused the credentials.)",
            "请检查 QA_MILVUS_TOKEN（user:password 或 API key）。"
            "(Check QA_MILVUS_TOKEN: user:password or an API key.)",
        )
    if "database" in lowered and ("not exist" in lowered or "not found" in lowered):
        return StoreUnavailableError(
            f"Milvus（{uri}）中没有这个数据库：{detail}。(The database does not exist in Milvus at {uri}.)",
            "请先在 Milvus 中创建数据库，或修改 QA_MILVUS_DATABASE（留空即默认数据库）。"
            "(Create the database first, or set QA_MILVUS_DATABASE; empty means the default.)",
        )
    if any(
        word in lowered
        for word in ("fail connecting", "unavailable", "deadline", "timeout", "connect", "refused")
    ):
        return StoreUnavailableError(
            f"无法连接 Milvus（{uri}）：{detail}。(Milvus at {uri} cannot be reached.)",
            start_hint(uri),
        )
    return StoreUnavailableError(
        f"Milvus（{uri}）返回错误：{detail}。(Milvus at {uri} reported an error.)",
        "请稍后再试；如果一直出现，请用 `python -m qa build --force` 重建索引。"
        "(Try again; if it persists, rebuild the index with `python -m qa build --force`.)",
    )


@contextlib.contextmanager
def milvus_errors(uri: str) -> Iterator[None]:
    """Run pymilvus calls; any failure leaves as a ``QAError`` with what to do."""
    try:
        yield
    except QAError:
        raise
    except Exception as err:  # pymilvus, grpc and socket errors have no common base
        raise translate(err, uri) from None


def connect(settings: Settings) -> MilvusClient:
    """A checked connection (the database is listed once, so a wrong one fails here)."""
    uri = milvus_uri(settings)
    with milvus_errors(uri):
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise StoreUnavailableError(
                "没有安装 pymilvus。(pymilvus is not installed.)",
                "请运行 `pip install -r requirements.txt`。(Install the requirements.)",
            ) from None
        # pymilvus logs every failed call with a traceback (its import sets the levels);
        # the failures reach the user through milvus_errors instead, with what to do.
        for name in ("pymilvus", "pymilvus.milvus_client"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        if is_lite_file(uri):
            Path(uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
        client = MilvusClient(
            uri=uri,
            token=settings.milvus_token,
            db_name=settings.milvus_database,
            timeout=settings.milvus_timeout,
        )
        client.list_collections()
        return client
