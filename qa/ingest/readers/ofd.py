"""OFD (GB/T 33190, the national e-document format): text in reading order, with pages.

An OFD is a zip of XML: ``OFD.xml`` names the document root (``DocRoot``), whose
``Document.xml`` lists the pages (``Pages/Page@BaseLoc``) and templates; each page's
``Content.xml`` holds ``TextObject``s (a ``Boundary`` box in mm, ``Size``, an optional
``CTM``) with ``TextCode`` runs (``X``/``Y`` baseline origin inside the box, per-character
advances in ``DeltaX`` with the ``g n d`` repeat form). Read with lxml, entities off.

Writers differ (ofdrw, SurRead, KingGrid, Suwell…): namespaces vary or are missing, paths
are relative to the referring file or absolute, some write one TextObject per character.
So elements are matched by local name, paths resolved both ways, and runs are placed by
their coordinates and grouped into visual rows, which then go through the same print
layout rules as a PDF (``layout.pages_to_text``). Template pages are read under their
page, so running headers in a template are dropped like any header.

A page with no text but a page-sized image (an OFD made from a scan) is read by OCR
(``ocr.recognise``), the image's boxes placed in page millimetres, confidence kept.

Refused before reading: not a zip / not an OFD, a zip bomb (``zipcheck``), encrypted
(``Encryptions``), no pages, more than ``MAX_PAGES`` pages, no text.
"""

from __future__ import annotations

import contextlib
import posixpath
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, register
from qa.ingest.readers.layout import PageLines, TextLine, paged_result
from qa.ingest.readers.ocr import MAX_IMAGE_PIXELS, recognise
from qa.ingest.readers.progress import report
from qa.ingest.readers.zipcheck import check_zip, read_member

MAX_PAGES = 500
# An XML part larger than this is not page content a person wrote.
MAX_PART_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024  # one scanned page image
_RESAVE = "请用 OFD 阅读器（如数科、福昕、永中）另存为 OFD 或导出为 PDF 后重试。"
_DEFAULT_BOX = (0.0, 0.0, 210.0, 297.0)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _first(element: Any, name: str) -> Any:
    for node in element.iter():
        if _local(node.tag) == name:
            return node
    return None


def _numbers(text: str | None) -> list[float]:
    out: list[float] = []
    for token in (text or "").split():
        try:
            out.append(float(token))
        except ValueError:
            continue
    return out


def deltas(text: str | None) -> list[float]:
    """A DeltaX/DeltaY list with the ``g count value`` repeat form expanded."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                # A repeat count is bounded by the characters it can apply to.
                out.extend([float(tokens[i + 2])] * min(int(tokens[i + 1]), 100_000))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out


class _Package:
    """The zip with size-capped, entity-free XML parsing and path resolution."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = {name.lstrip("/"): name for name in archive.namelist()}
        self.lower = {name.lower(): name for name in self.names}

    def resolve(self, base_dir: str, location: str) -> str | None:
        location = location.strip().replace("\\", "/")
        candidates = [location.lstrip("/")]
        if not location.startswith("/"):
            candidates.insert(0, posixpath.normpath(posixpath.join(base_dir, location)))
        for candidate in candidates:
            if candidate in self.names:
                return candidate
            if candidate.lower() in self.lower:
                return self.lower[candidate.lower()]
        return None

    def xml(self, name: str) -> Any:
        from lxml import etree

        data = read_member(self.archive, self.names[name], MAX_PART_BYTES)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        try:
            return etree.fromstring(data.lstrip(b"\xef\xbb\xbf"), parser)
        except etree.XMLSyntaxError as err:
            raise DocumentError(
                f"{self.path.name}：OFD 中的 {name} 不是有效的 XML（{err}）。(Damaged OFD.)",
                _RESAVE,
            ) from None


def check_ofd(path: Path) -> None:
    check_zip(path, required=("OFD.xml",), kind="OFD 文件", hint=_RESAVE)


@dataclass(frozen=True)
class _Run:
    text: str
    x0: float
    x1: float
    baseline: float
    size: float


def _ctm(obj: Any) -> tuple[float, float, float, float, float, float]:
    values = _numbers(obj.get("CTM"))
    return tuple(values) if len(values) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)  # type: ignore[return-value]


def _runs(content: Any) -> list[_Run]:
    runs: list[_Run] = []
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = _numbers(obj.get("Boundary"))
        if len(box) < 2:
            continue
        a, _b, _c, d, e, f = _ctm(obj)
        scale_x, scale_y = (a or 1.0), (d or 1.0)
        size = (_numbers(obj.get("Size")) or [3.5])[0] * abs(scale_y)
        x, y = 0.0, 0.0
        for code in _children(obj, "TextCode"):
            text = "".join(code.itertext())
            if not text:
                continue
            if code.get("X") is not None:
                x = (_numbers(code.get("X")) or [0.0])[0]
            if code.get("Y") is not None:
                y = (_numbers(code.get("Y")) or [0.0])[0]
            advances = deltas(code.get("DeltaX"))
            start = box[0] + x * scale_x + e
            width = sum(advances[: len(text) - 1]) * scale_x
            last = text[-1]
            width += size * (0.5 if last.isascii() else 1.0)
            runs.append(_Run(text, start, start + width, box[1] + y * scale_y + f, size))
            x += sum(advances[: len(text) - 1]) + size  # where a following code would go
    return runs


def _lines(runs: list[_Run]) -> list[TextLine]:
    """Runs grouped into rows (same baseline within a third of the type size), x order."""
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (round(r.baseline, 1), r.x0)):
        if rows and abs(rows[-1][0].baseline - run.baseline) < run.size / 3:
            rows[-1].append(run)
        else:
            rows.append([run])
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        text = ""
        end = None
        for run in row:
            gap = run.x0 - end if end is not None else 0.0
            text += (" " if text and gap > 1.5 * run.size else "") + run.text
            end = run.x1
        size = max(r.size for r in row)
        baseline = row[0].baseline
        lines.append(
            TextLine(
                text,
                min(r.x0 for r in row),
                baseline - size,
                max(r.x1 for r in row),
                baseline + 0.2 * size,
            )
        )
    return lines


def _box(element: Any, fallback: tuple[float, ...]) -> tuple[float, ...]:
    node = _first(element, "PhysicalBox") if element is not None else None
    values = _numbers(node.text) if node is not None else []
    return tuple(values) if len(values) == 4 else fallback


def read_ofd(path: Path) -> ReadResult:
    check_ofd(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise DocumentError(
            f"{path.name}：OFD 文件已损坏（{err}）。(Damaged OFD.)", _RESAVE
        ) from None
    with archive:
        return _read(_Package(path, archive))


def _read(package: _Package) -> ReadResult:
    name = package.path.name
    if any(n.lower().endswith("encryptions.xml") for n in package.names):
        raise DocumentError(
            f"{name}：OFD 文件已加密，无法读取。(Encrypted OFD.)",
            "请在 OFD 阅读器中解密后另存为不加密的文件，再上传。",
        )
    root = package.xml("OFD.xml")
    doc_root = _first(root, "DocRoot")
    location = package.resolve("", doc_root.text or "") if doc_root is not None else None
    if location is None:
        raise DocumentError(f"{name}：OFD 中找不到文档主体（DocRoot）。(Damaged OFD.)", _RESAVE)
    document = package.xml(location)
    doc_dir = posixpath.dirname(location)
    common = _first(document, "CommonData")
    area = _box(_first(common, "PageArea") if common is not None else None, _DEFAULT_BOX)
    templates: dict[str, str] = {}
    if common is not None:
        for template in _children(common, "TemplatePage"):
            where = package.resolve(doc_dir, template.get("BaseLoc", ""))
            if where:
                templates[template.get("ID", "")] = where
    pages_node = _first(document, "Pages")
    page_refs = _children(pages_node, "Page") if pages_node is not None else []
    if not page_refs:
        raise DocumentError(f"{name}：OFD 没有任何页面。(Empty OFD.)", "请上传有正文的文件。")
    if len(page_refs) > MAX_PAGES:
        raise DocumentError(
            f"{name}：OFD 有 {len(page_refs)} 页，超过上限 {MAX_PAGES} 页。(Too many pages.)",
            "请拆分成较小的文件后分别上传。",
        )
    media = _media(package, doc_dir, common)
    pages: list[PageLines] = []
    scans: list[int] = []
    for ref in page_refs:
        where = package.resolve(doc_dir, ref.get("BaseLoc", ""))
        if where is None:
            raise DocumentError(
                f"{name}：OFD 缺少页面 {ref.get('BaseLoc', '')}。(Damaged OFD.)", _RESAVE
            )
        page = package.xml(where)
        runs = _runs(page)
        for template in _children(page, "Template"):
            part = templates.get(template.get("TemplateID", ""))
            if part:
                runs.extend(_runs(package.xml(part)))
        box = _box(_first(page, "Area"), area)
        lines = _lines(runs)
        if not runs and _page_images(page, media):
            scans.append(len(pages))
        pages.append(PageLines(box[2], box[3], tuple(lines)))
    read_by_ocr = []
    for done, index in enumerate(scans, 1):
        where = package.resolve(doc_dir, page_refs[index].get("BaseLoc", ""))
        assert where is not None  # resolved above
        recognised = _ocr_page(package, package.xml(where), media, pages[index])
        if recognised.lines:
            pages[index] = recognised
            read_by_ocr.append(index)
        report(done, len(scans), f"OCR 第{index + 1}页")
    no_text = DocumentError(
        f"{name}：OFD 中没有文字，图片中也没有识别出文字。(No text in the OFD.)",
        "请确认文件不是空白页；扫描件请以 200–300 dpi 重新扫描后制作。",
    )
    return paged_result(pages, "ofd", read_by_ocr, no_text)


def _media(package: _Package, doc_dir: str, common: Any) -> dict[str, str]:
    """Image resource id -> zip member, from the document's PublicRes and DocumentRes."""
    found: dict[str, str] = {}
    if common is None:
        return found
    for res_ref in [*_children(common, "PublicRes"), *_children(common, "DocumentRes")]:
        location = package.resolve(doc_dir, res_ref.text or "")
        if location is None:
            continue
        res = package.xml(location)
        base = posixpath.join(posixpath.dirname(location), res.get("BaseLoc", ""))
        for item in res.iter():
            if _local(item.tag) != "MultiMedia" or item.get("Type", "Image") != "Image":
                continue
            file_node = _first(item, "MediaFile")
            target = file_node is not None and package.resolve(base, file_node.text or "")
            if target:
                found[item.get("ID", "")] = target
    return found


def _page_images(page: Any, media: dict[str, str]) -> list[tuple[str, list[float]]]:
    """(zip member, boundary) of the page's images large enough to hold text."""
    out = []
    for obj in page.iter():
        if _local(obj.tag) != "ImageObject" or obj.get("ResourceID") not in media:
            continue
        box = _numbers(obj.get("Boundary"))
        if len(box) == 4 and box[2] * box[3] >= 1000:  # mm²: more than a seal or a logo
            out.append((media[obj.get("ResourceID", "")], box))
    return out


def _ocr_page(package: _Package, page: Any, media: dict[str, str], blank: PageLines) -> PageLines:
    """A scanned OFD page: each image recognised, its boxes placed in page millimetres."""
    import io

    from PIL import Image, UnidentifiedImageError

    lines: list[TextLine] = []
    for member, (x, y, w, h) in _page_images(page, media):
        data = read_member(package.archive, package.names[member], MAX_IMAGE_BYTES)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(data))
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise DocumentError(
                        f"{package.path.name}：OFD 中的图片 {member} 太大"
                        f"（{image.width}×{image.height} 像素）。(Image too large.)",
                        "请降低扫描分辨率后重新制作 OFD。",
                    )
                image.load()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            continue  # an image that cannot be decoded holds no text we can read
        found = recognise(image)
        sx, sy = w / found.width, h / found.height
        for ln in found.lines:
            lines.append(
                TextLine(
                    ln.text,
                    x + ln.x0 * sx,
                    y + ln.top * sy,
                    x + ln.x1 * sx,
                    y + ln.bottom * sy,
                    ln.confidence,
                )
            )
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return PageLines(blank.width, blank.height, tuple(lines))


register(
    FileFormat(
        suffixes=(".ofd",),
        label="OFD 版式文件",
        max_bytes=50 * 1024 * 1024,
        read=read_ofd,
        check=check_ofd,
    )
)
