"""Saved web pages (.html, .htm, .mhtml): the article, without the site around it.

Government sites wrap a document in navigation, breadcrumbs, share bars, sidebars and
footers. readability-lxml (Apache-2.0; the Readability algorithm: scores blocks by
their text and link density and keeps the best one with its siblings) finds the
article; it is chosen over trafilatura because it returns the article's HTML, which is
turned into text here one block per line (so 一、/（一） markers stay at line starts
and nothing is re-flowed or dropped by a second set of heuristics), and it needs only
lxml, which the project already has. The page's ``<h1>`` title is put back in front
when the article block left it out. The noise rules (``qa.ingest.noise``) then still
drop any chrome line inside the article (发布时间, 【字体, 扫一扫 …).

.mhtml (a page saved "as a single file") is a MIME message; its first text/html part
is read. Encodings: BOM, then the page's declared charset, then UTF-8, then GB18030.
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path
from typing import Any

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, read_bytes, register

_RESAVE = "请在浏览器中打开网页，用“另存为 → 网页，全部”或“网页，仅 HTML”保存后重试。"
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "head", "title", "iframe", "object"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SPACES = re.compile(r"[ \t\r\n\f]+")


def decode_html(raw: bytes, declared: str = "") -> str:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace").lstrip("\ufeff")
    match = _CHARSET.search(raw[:4096])
    names = [declared] if declared else []
    if match:
        names.append(match.group(1).decode("ascii").lower())
    for name in [*names, "utf-8"]:
        if name.lower() in {"gb2312", "gbk", "x-gbk"}:
            name = "gb18030"
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("gb18030", errors="replace")


def _mhtml_page(raw: bytes, name: str) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return decode_html(payload, part.get_content_charset() or "")
    raise DocumentError(f"{name}：MHTML 文件中没有网页正文（text/html）。(No HTML part.)", _RESAVE)


def block_text(element: Any) -> str:
    """Text of an HTML tree, one line per block element, inline whitespace collapsed."""
    lines: list[str] = []
    current: list[str] = []

    def newline() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip(" ")
        if line:
            lines.append(line)
        current.clear()

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if tag in _SKIP:
            if node.tail:
                current.append(node.tail)
            return
        block = tag in _BLOCK
        if block:
            newline()
        if node.text and tag:
            current.append(node.text)
        for child in node:
            walk(child)
        if block:
            newline()
        if node.tail:
            current.append(node.tail)

    walk(element)
    newline()
    return "\n".join(lines)


def _article(page: str, name: str) -> str:
    import lxml.html
    from readability import Document as Readable

    try:
        tree = lxml.html.document_fromstring(page)
    except Exception as err:  # lxml raises ParserError / ValueError for empty documents
        raise DocumentError(f"{name}：网页无法解析（{err}）。(Unparsable HTML.)", _RESAVE) from None
    titles = [block_text(h) for h in tree.iter("h1")]
    title = next((t for t in titles if len(t) >= 4), "")
    try:
        summary = Readable(page).summary(html_partial=True)
        text = block_text(lxml.html.fragment_fromstring(summary, create_parent="div"))
    except Exception:  # readability gives up on some pages: fall back to the whole body
        text = ""
    if len(text) < 50:
        for node in tree.xpath("//nav|//header|//footer|//aside|//script|//style|//form"):
            node.drop_tree()
        body = tree.find("body")
        text = block_text(body if body is not None else tree)
    if title and text.split("\n", 1)[0] != title:
        text = f"{title}\n{text}"
    return text


def read_html(path: Path) -> ReadResult:
    raw = read_bytes(path)
    check_html(path)
    if not raw.strip():
        raise DocumentError(f"{path.name}：文件是空的。(Empty file.)", "请上传有正文的网页。")
    is_mhtml = path.suffix.lower() in {".mhtml", ".mht"}
    page = _mhtml_page(raw, path.name) if is_mhtml else decode_html(raw)
    text = _article(page, path.name)
    if not text.strip():
        raise DocumentError(f"{path.name}：网页中没有正文。(No text in the page.)", _RESAVE)
    return ReadResult(text, "mhtml" if is_mhtml else "html")


def check_html(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(4096)
    lowered = head.lower()
    if path.suffix.lower() in {".mhtml", ".mht"}:
        if b"mime-version" not in lowered and b"content-type" not in lowered:
            raise DocumentError(
                f"{path.name}：扩展名是 {path.suffix.lower()}，但内容不是 MHTML 网页。", _RESAVE
            )
        return
    if head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8")):
        raise DocumentError(
            f"{path.name}：扩展名是 {path.suffix.lower()}，但内容不是网页。(Not HTML.)", _RESAVE
        )
    if b"<" not in head:
        raise DocumentError(
            f"{path.name}：扩展名是 {path.suffix.lower()}，但内容不是 HTML。(Not HTML.)",
            "纯文本请保存为 .txt 后上传。",
        )


register(
    FileFormat(
        suffixes=(".html", ".htm", ".mhtml", ".mht"),
        label="网页",
        max_bytes=10 * 1024 * 1024,
        read=read_html,
        check=check_html,
    )
)
