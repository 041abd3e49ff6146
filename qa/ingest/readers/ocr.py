"""Text from images: scanned PDF pages and .png/.jpg/.tif files, by OCR (RapidOCR).

RapidOCR 3.10 runs PP-OCR detection and recognition ONNX models that ship inside its
wheel on onnxruntime (pinned by the project), so nothing is downloaded at run time. The
engine takes 1–3 s to start and is built once per process. Each recognised line keeps
its box and confidence; lines are grouped into visual rows so the print-layout rules
(``layout.pages_to_text``) rejoin paragraphs and drop page furniture as for a text PDF.
"""

from __future__ import annotations

import logging
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.errors import DocumentError
from qa.ingest.readers.base import FileFormat, ReadResult, register
from qa.ingest.readers.layout import PageLines, TextLine, paged_result
from qa.ingest.readers.progress import report

if TYPE_CHECKING:
    from PIL.Image import Image

# A scanned A4 page at 300 dpi has ~8.7 million pixels; more than this is not a page.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_PAGES = 50  # frames of a multi-page TIFF
# Pages are recognised at this resolution (pixels per inch): 三号 body text is then
# ~33 px high, where PP-OCR reads Chinese reliably; higher only costs time.
OCR_DPI = 150
_RESCAN = "请用扫描仪以 200–300 dpi 重新扫描，或上传带文字层的 PDF。"

_engine: Any = None
_engine_lock = threading.RLock()  # engine() is called while held


def engine() -> Any:
    """The RapidOCR engine, built on first use (models from the installed wheel)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as err:  # pragma: no cover - the package is a requirement
                raise DocumentError(
                    f"文字识别组件未安装（{err}）。(OCR is not installed.)",
                    "请运行 make install。",
                ) from None
            # box_thresh 0.3 (default 0.5): on a full page the detector otherwise drops
            # small isolated boxes such as an item number "1." set apart by a space.
            _engine = RapidOCR(params={"Global.log_level": "warning", "Det.box_thresh": 0.3})
            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        return _engine


def recognise(image: Image, scale: float = 1.0) -> PageLines:
    """The text lines of one page image; box units are the image's pixels / ``scale``."""
    import numpy as np

    rgb = image.convert("RGB")
    with _engine_lock:
        result = engine()(np.asarray(rgb))
    boxes = [] if result.boxes is None else result.boxes.tolist()
    pieces = []
    for box, text, score in zip(boxes, result.txts or (), result.scores or (), strict=False):
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        if text.strip():
            pieces.append(TextLine(text, min(xs), min(ys), max(xs), max(ys), float(score)))
    return PageLines(rgb.width / scale, rgb.height / scale, tuple(rows(pieces)))


def rows(pieces: list[TextLine]) -> list[TextLine]:
    """Boxes on one visual row merged left to right; rows top to bottom."""
    ordered = sorted(pieces, key=lambda p: (p.top + p.bottom) / 2)
    grouped: list[list[TextLine]] = []
    for piece in ordered:
        middle = (piece.top + piece.bottom) / 2
        if grouped:
            last = grouped[-1]
            top = min(p.top for p in last)
            bottom = max(p.bottom for p in last)
            if top < middle < bottom:
                last.append(piece)
                continue
        grouped.append([piece])
    merged = []
    for row in grouped:
        row.sort(key=lambda p: p.x0)
        # Boxes far apart on one row are separate lines (columns, table cells); the
        # layout rules put columns in reading order.
        height = sorted(p.height for p in row)[len(row) // 2]
        segment = [row[0]]
        for piece in row[1:]:
            if piece.x0 - max(p.x1 for p in segment) > 2.5 * height:
                merged.append(_merge(segment))
                segment = [piece]
            else:
                segment.append(piece)
        merged.append(_merge(segment))
    return merged


def _merge(row: list[TextLine]) -> TextLine:
    text = ""
    for piece in row:
        glue = " " if text and text[-1].isascii() and piece.text[0].isascii() else ""
        text = text + glue + piece.text if text else piece.text
    weights = [len(p.text) for p in row]
    confidence = sum(p.confidence * w for p, w in zip(row, weights, strict=True)) / sum(weights)
    return TextLine(
        text,
        min(p.x0 for p in row),
        min(p.top for p in row),
        max(p.x1 for p in row),
        max(p.bottom for p in row),
        confidence,
    )


def _open_image(path: Path) -> Image:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # PIL warns of large images; check_image refuses them by MAX_IMAGE_PIXELS.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise DocumentError(
            f"{path.name}：图片已损坏或格式无法识别（{err}）。(Unreadable image.)", _RESCAN
        ) from None
    return image


def check_image(path: Path) -> None:
    """The bytes are an image of a size a page can have; nothing is decoded yet."""
    image = _open_image(path)
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise DocumentError(
            f"{path.name}：图片太大（{width}×{height} 像素）。(Image too large.)",
            f"每页不超过 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素，请降低分辨率后重试。",
        )
    if min(width, height) < 200:
        raise DocumentError(
            f"{path.name}：图片太小（{width}×{height} 像素），无法识别文字。(Image too small.)",
            _RESCAN,
        )
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_IMAGE_PAGES:
        raise DocumentError(
            f"{path.name}：图片有 {frames} 页，超过上限 {MAX_IMAGE_PAGES} 页。(Too many pages.)",
            "请拆分后分别上传，或上传 PDF。",
        )


def read_image(path: Path) -> ReadResult:
    """OCR of an image file; each frame of a multi-page TIFF is a page."""
    from PIL import ImageSequence

    check_image(path)
    image = _open_image(path)
    try:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except OSError as err:
        raise DocumentError(
            f"{path.name}：图片已损坏，无法解码（{err}）。(Corrupt image.)", _RESCAN
        ) from None
    pages = []
    for number, frame in enumerate(frames, 1):
        # Resolution as stored, so that boxes keep their proportions; scale is 1.
        pages.append(recognise(frame))
        report(number, len(frames), f"OCR 第{number}页")
    no_text = DocumentError(f"{path.name}：图片中没有识别出文字。(No text recognised.)", _RESCAN)
    return paged_result(pages, "ocr", range(len(pages)), no_text)


register(
    FileFormat(
        suffixes=(".png", ".jpg", ".jpeg", ".tif", ".tiff"),
        label="图片（扫描件）",
        max_bytes=20 * 1024 * 1024,
        read=read_image,
        check=check_image,
    )
)
