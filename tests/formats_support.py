"""Small files of every format for the format tests, built at test time."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from eval.render_formats import write_html, write_text_pdf
from eval.render_ofd import write_ofd

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# A short 公文 with an outline, figures and enough text for three pages.
SAMPLE = "\n".join(
    [
        "丙县人民政府关于加快建设质量强县的实施意见",
        "丙政〔2024〕7号",
        "各乡镇人民政府,县直各部门:",
        "为贯彻落实质量强国建设纲要,推动全县经济高质量发展,现提出如下实施意见。",
        "一、总体目标",
        "到2027年,全县质量整体水平显著提升,制造业产品质量合格率稳定在95%以上,"
        "农产品质量安全例行监测合格率达到98%以上,服务质量满意度达到82分以上,"
        "工程质量抽查合格率达到100%,质量强县建设取得明显成效。" * 2,
        "二、重点任务",
        "（一）提升产品质量。实施质量提升行动,推动规模以上工业企业全面建立质量管理体系,"
        "每年培育县级质量标杆企业5家以上,新增省级以上品牌10个。" * 3,
        "（二）提升工程质量。落实工程质量终身责任制,创建省级优质工程3项以上,"
        "绿色建筑占新建建筑比例达到70%。" * 3,
        "（三）提升服务质量。开展服务质量监测,到2026年,公共服务质量满意度达到85分,"
        "旅游投诉结案率保持在100%。" * 3,
        "三、保障措施",
        "各乡镇、各部门要加强组织领导,将质量工作纳入年度绩效考核,县财政每年安排质量发展专项资金"
        "不少于500万元,确保各项任务落到实处。" * 4,
        "丙县人民政府",
        "2024年3月1日",
    ]
)


def sample_txt(folder: Path, name: str = "sample.txt") -> Path:
    path = folder / name
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def pdf_with_page_tree(count: int, kids: int) -> bytes:
    """A minimal PDF whose page tree declares ``count`` pages and holds ``kids`` entries."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[" + b" ".join(b"3 0 R" for _ in range(kids)) + b"]/Count %d>>" % count,
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes | None]) -> Path:
    """A copy of a zip with members replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename in replace:
                continue
            new.writestr(item, old.read(item.filename))
        for name, data in replace.items():
            if data is not None:
                new.writestr(name, data)
    return target


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rendered")
    return {
        "pdf": write_text_pdf(SAMPLE, folder / "sample.pdf"),
        "ofd": write_ofd(SAMPLE, folder / "sample.ofd"),
        "html": write_html(SAMPLE, folder / "sample.html"),
        "locked": write_text_pdf(SAMPLE, folder / "locked.pdf", password="1234"),
    }
