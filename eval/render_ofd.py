"""Render a plain-text policy document as an OFD (test support; see render_formats).

``write_ofd`` lays out the same pages as the text PDF (``render_formats.layout``) and
writes each line as a TextObject with per-character advances (DeltaX), the running
header and page number included, as an OFD writer would. ``write_image_ofd`` makes an
OFD whose pages are only images of a PDF's pages (an OFD made from a scan).
"""

from __future__ import annotations

import html
import io
import zipfile
from itertools import pairwise
from pathlib import Path

from eval.render_formats import PAGE_H, PAGE_W, PT, Page, Placed, furniture, layout, metrics

_OFD_NS = "http://www.ofdspec.org/2016"


def _ofd_text_object(obj_id: int, line: Placed) -> str:
    """One line as a TextObject: its boundary, and each character's advance in DeltaX."""
    m = metrics()
    positions: list[tuple[float, str]] = []
    for x, piece in line.pieces:
        for k, char in enumerate(piece):
            positions.append((x + m.width(piece[:k], line.size_pt), char))
    first_x = positions[0][0]
    deltas = [round(b[0] - a[0], 3) for a, b in pairwise(positions)]
    size = round(line.size_pt * PT, 3)
    width = positions[-1][0] + m.width(positions[-1][1], line.size_pt) - first_x
    top = line.baseline - size
    text = html.escape("".join(c for _, c in positions), quote=False)
    delta_attr = f' DeltaX="{" ".join(f"{d:g}" for d in deltas)}"' if deltas else ""
    return (
        f'<ofd:TextObject ID="{obj_id}" Boundary="{first_x:.3f} {top:.3f} {width + 1:.3f} '
        f'{size * 1.3:.3f}" Font="2" Size="{size}"><ofd:TextCode X="0" Y="{size}"{delta_attr}>'
        f"{text}</ofd:TextCode></ofd:TextObject>"
    )


def _ofd_page(page: Page, first_id: int) -> str:
    objects = [
        _ofd_text_object(first_id + i, line)
        for i, line in enumerate((*page.lines, *furniture(page)))
        if line.text.strip()
    ]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}">'
        f"<ofd:Area><ofd:PhysicalBox>0 0 {PAGE_W} {PAGE_H}</ofd:PhysicalBox></ofd:Area>"
        f'<ofd:Content><ofd:Layer ID="{first_id - 1}">{"".join(objects)}</ofd:Layer>'
        "</ofd:Content></ofd:Page>"
    )


def write_ofd(text: str, target: Path, *, title: str = "") -> Path:
    pages = layout(text)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" '
            'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID>'
            f"<ofd:Title>{html.escape(title)}</ofd:Title></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        page_refs = "".join(
            f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>'
            for i in range(len(pages))
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
            f"<ofd:CommonData><ofd:MaxUnitID>{100000}</ofd:MaxUnitID><ofd:PageArea>"
            f"<ofd:PhysicalBox>0 0 {PAGE_W} {PAGE_H}</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>",
        )
        archive.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD_NS}" BaseLoc="Res">'
            '<ofd:Fonts><ofd:Font ID="2" FontName="WenQuanYi Zen Hei" FamilyName="WenQuanYi Zen Hei"/>'
            "</ofd:Fonts></ofd:Res>",
        )
        for i, page in enumerate(pages):
            archive.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", _ofd_page(page, 1000 * (i + 1)))
    return target


def write_image_ofd(text_pdf: Path, target: Path, *, dpi: int = 150, pages: int = 0) -> Path:
    """An OFD whose pages are only images of ``text_pdf``'s pages (an OFD made from a
    scan, as e-government systems produce); ``pages`` > 0 keeps only the first ones."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(text_pdf))
    try:
        count = len(source) if pages <= 0 else min(pages, len(source))
        images = []
        for index in range(count):
            buffer = io.BytesIO()
            source[index].render(scale=dpi / 72).to_pil().convert("L").save(
                buffer, format="JPEG", quality=80
            )
            images.append(buffer.getvalue())
    finally:
        source.close()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" '
            'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>'
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        refs = "".join(
            f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(count)
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
            f"<ofd:CommonData><ofd:MaxUnitID>1000</ofd:MaxUnitID><ofd:PageArea>"
            f"<ofd:PhysicalBox>0 0 {PAGE_W} {PAGE_H}</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>"
            f"<ofd:Pages>{refs}</ofd:Pages></ofd:Document>",
        )
        media = "".join(
            f'<ofd:MultiMedia ID="{100 + i}" Type="Image" Format="JPEG">'
            f"<ofd:MediaFile>page_{i}.jpg</ofd:MediaFile></ofd:MultiMedia>"
            for i in range(count)
        )
        archive.writestr(
            "Doc_0/DocumentRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD_NS}" BaseLoc="Res">'
            f"<ofd:MultiMedias>{media}</ofd:MultiMedias></ofd:Res>",
        )
        for i, data in enumerate(images):
            archive.writestr(f"Doc_0/Res/page_{i}.jpg", data)
            archive.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}">'
                f'<ofd:Content><ofd:Layer ID="{200 + i}"><ofd:ImageObject ID="{300 + i}" '
                f'Boundary="0 0 {PAGE_W} {PAGE_H}" CTM="{PAGE_W} 0 0 {PAGE_H} 0 0" '
                f'ResourceID="{100 + i}"/></ofd:Layer></ofd:Content></ofd:Page>',
            )
    return target
