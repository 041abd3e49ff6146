"""PDF: the text layer by pypdfium2, pages without one by OCR; paragraphs rejoined.

pypdfium2 (PDFium, Apache-2.0/BSD) extracts Chinese text exactly and in order, 3–21 ms
a page, but breaks at every visual line; ``layout.pages_to_text`` rejoins paragraphs
and drops running headers, footers and page numbers from the characters' boxes. A page
whose text layer holds almost nothing but an image (a scan), or only unmapped glyph codes
(a font without a Unicode map), is rendered and recognised by OCR (``ocr.recognise``);
its confidence is kept per page.

Refused with a Chinese message, before any page is read: not a PDF, damaged, password
protected, more than ``MAX_PAGES`` pages (the page count is read from the page tree,
so a file declaring 100,000 pages is refused without touching them), no text at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, register
from qa.ingest.readers.layout import PageLines, TextLine, paged_result
from qa.ingest.readers.ocr import OCR_DPI, recognise
from qa.ingest.readers.progress import report

MAX_PAGES = 500
# A page with fewer characters than this in its text layer is treated as a scan.
MIN_TEXT_CHARS = 10
_RESAVE = "请用 PDF 阅读器另存为（或“打印为 PDF”）后重试。"
# PDFium's FPDF_GetLastError codes.
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
_EMPTY_TREE = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+0\b|/Count\s+0\b[^>]*?/Type\s*/Pages\b")


def _open(path: Path) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise DocumentError(
            f"{path.name}：扩展名是 .pdf，但内容不是 PDF 文件。(Not a PDF.)", _RESAVE
        )
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        # pypdfium2 keeps the load error's code; FPDF_GetLastError may be stale later.
        code = err.err_code if err.err_code is not None else raw.FPDF_GetLastError()
        if code in (_ERR_PASSWORD, _ERR_SECURITY):
            raise DocumentError(
                f"{path.name}：PDF 设有打开密码（已加密），无法读取。(Password-protected PDF.)",
                "请在 PDF 阅读器中输入密码后另存为不加密的 PDF，再上传。",
            ) from None
        # PDFium fails to load a document whose page tree is empty (its code can be
        # stale then), so an empty tree is recognised from the bytes.
        if code == 0 or _EMPTY_TREE.search(path.read_bytes()):
            raise DocumentError(
                f"{path.name}：PDF 没有可读的页面（空文件或已损坏）。(Empty or damaged PDF.)",
                _RESAVE,
            ) from None
        raise DocumentError(
            f"{path.name}：PDF 文件已损坏或不完整，无法打开。(Damaged PDF.)", _RESAVE
        ) from None


def _page_count(path: Path, pdf: Any) -> int:
    count = len(pdf)
    if count == 0:
        raise DocumentError(f"{path.name}：PDF 没有任何页面。(Empty PDF.)", "请上传有正文的文件。")
    if count > MAX_PAGES:
        raise DocumentError(
            f"{path.name}：PDF 有 {count} 页，超过上限 {MAX_PAGES} 页。(Too many pages.)",
            "请拆分成较小的文件后分别上传。",
        )
    return count


def check_pdf(path: Path) -> None:
    """A PDF that opens without a password and has a page count within the limit."""
    pdf = _open(path)
    try:
        _page_count(path, pdf)
    finally:
        pdf.close()


def _text_lines(page: Any) -> PageLines:
    """The text layer's lines with their boxes (PDF y grows upwards; flipped here)."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        lines: list[TextLine] = []
        chars: list[str] = []
        boxes: list[tuple[float, float, float, float]] = []
        generated: list[bool] = []

        def flush() -> None:
            # PDFium reports a space wherever glyphs stand apart, typed or not; between
            # two Chinese characters it comes from letter-spacing (附  件, a justified
            # line), and no space was typed. Next to Latin letters or digits it is kept.
            for i in range(len(chars) - 2, 0, -1):
                if generated[i] and not (chars[i - 1].isascii() or chars[i + 1].isascii()):
                    del chars[i], boxes[i], generated[i]
            if chars and "".join(chars).strip():
                real = [b for b, c in zip(boxes, chars, strict=True) if not c.isspace()]
                lines.append(
                    TextLine(
                        "".join(chars).strip(),
                        min(b[0] for b in real),
                        height - max(b[3] for b in real),
                        max(b[2] for b in real),
                        height - min(b[1] for b in real),
                    )
                )
            chars.clear()
            boxes.clear()
            generated.clear()

        for index in range(count):
            char = chr(raw.FPDFText_GetUnicode(textpage, index))
            if char in "\r\n":
                flush()
                continue
            if char == "\ufffe" or char == "\x00":  # soft hyphen markers, padding
                continue
            chars.append(char)
            boxes.append(textpage.get_charbox(index, loose=True))
            generated.append(char == " " and bool(raw.FPDFText_IsGenerated(textpage, index)))
        flush()
    finally:
        textpage.close()
    return PageLines(width, height, tuple(lines))


def garbled(text: str) -> bool:
    """A text layer without real characters: fonts embedded without a Unicode map come
    out as private-use code points or U+FFFD, common in PDFs of Chinese 公文."""
    visible = [c for c in text if not c.isspace()]
    if len(visible) < MIN_TEXT_CHARS:
        return False
    bad = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or c < " ")
    return bad > 0.3 * len(visible)


def _needs_ocr(page: Any, page_lines: PageLines) -> bool:
    """A scanned page (almost no text layer, and an image to read) or a garbled one.

    A page with little text and no image (a cover with a vertical title, a drawing)
    keeps its text layer; OCR would only find the same few characters or nothing.
    """
    import pypdfium2.raw as raw

    text = "".join(ln.text for ln in page_lines.lines)
    if garbled(text):
        return True
    if len(text.replace(" ", "")) >= MIN_TEXT_CHARS:
        return False
    return any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4))


def read_pdf(path: Path) -> ReadResult:
    pdf = _open(path)
    try:
        count = _page_count(path, pdf)
        pages: list[PageLines] = []
        scans: list[int] = []
        read_by_ocr: list[int] = []
        for index in range(count):
            page = pdf[index]
            try:
                lines = _text_lines(page)
                if _needs_ocr(page, lines):
                    scans.append(index)
            finally:
                page.close()
            pages.append(lines)
        for done, index in enumerate(scans, 1):
            page = pdf[index]
            try:
                scale = OCR_DPI / 72
                image = page.render(scale=scale).to_pil()
                recognised = recognise(image, scale)
            finally:
                page.close()
            if recognised.lines:  # else the page keeps its (near empty) text layer
                pages[index] = recognised
                read_by_ocr.append(index)
            report(done, len(scans), f"OCR 第{index + 1}页")
    finally:
        pdf.close()
    no_text = DocumentError(
        f"{path.name}：PDF 中没有文字，扫描页也没有识别出文字。(No text in the PDF.)",
        "请确认文件不是空白页；扫描件请以 200–300 dpi 重新扫描。",
    )
    return paged_result(pages, "pdf", read_by_ocr, no_text)


register(
    FileFormat(
        suffixes=(".pdf",),
        label="PDF 文件",
        max_bytes=50 * 1024 * 1024,
        read=read_pdf,
        check=check_pdf,
    )
)
