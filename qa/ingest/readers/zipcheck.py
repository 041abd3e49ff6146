"""Zip-based formats (.docx, .ofd): structure and decompressed-size checks.

A zip's directory states each member's uncompressed size; a member can still lie, so
readers that decompress also read with a cap (``read_member``). The limits keep a small
upload from expanding into gigabytes (a "zip bomb").
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from qa.errors import DocumentError

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 20_000
# Text and XML compress ~10x; 200x only happens for padding built to expand.
MAX_RATIO = 200


def check_zip(path: Path, required: Sequence[str], kind: str, hint: str) -> None:
    if not zipfile.is_zipfile(path):
        raise DocumentError(
            f"{path.name}：扩展名是 {path.suffix.lower()}，但内容不是{kind}。", hint
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise DocumentError(f"{path.name}：{kind}已损坏，无法打开（{err}）。", hint) from None
    names = {m.filename for m in members}
    missing = [r for r in required if r not in names]
    if missing:
        raise DocumentError(
            f"{path.name}：是 ZIP 压缩包，但不是{kind}（缺少 {missing[0]}）。", hint
        )
    if len(members) > MAX_MEMBERS:
        raise DocumentError(
            f"{path.name}：{kind}包含 {len(members)} 个部件，超过上限 {MAX_MEMBERS}。", hint
        )
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_RATIO:
        raise DocumentError(
            f"{path.name}：{kind}解压后有 {total / 1e6:.0f} MB（压缩比 {total / packed:.0f}:1），"
            "超过安全上限，可能是恶意构造的文件。",
            f"解压后不超过 {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB 的文件才能上传。",
        )


def read_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_UNCOMPRESSED_BYTES) -> bytes:
    """A member's bytes, refusing to decompress more than ``limit`` whatever it claims."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(
            f"压缩包中的 {name} 解压后超过 {limit // (1024 * 1024)} MB。", "请检查文件来源。"
        )
    return data
