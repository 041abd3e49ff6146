"""Adding documents through the UI: every rejection changes nothing; a good upload is
indexed incrementally, searchable at once, and still there after reopening from disk."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import docx
import gradio as gr
import pytest

import app
from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import DocumentError, DuplicateDocumentError
from qa.ingest.readers import format_for
from qa.ingest.uploads import safe_file_name, staged_upload
from tests.conftest import index_folder
from tests.fakes import NEW_DOC, FakeEmbedder

DOC_A = """甲市人民政府关于实施质量强市战略的意见
一、总体目标
到2020年，全市产品质量监督抽查合格率达到95%以上，森林覆盖率达到40%，培育名牌产品30个。
二、工作措施
(一)加强标准建设。推动企业采用国际标准，新增标准化示范企业20家。(牵头部门:市质监局)
(二)强化质量监管。开展重点产品专项整治，建立质量安全风险监测机制，严厉打击制售假冒伪劣行为。
"""
DOC_B = """乙市质量发展行动计划
一、主要任务
(一)提升服务质量。到2018年，服务业顾客满意度达到85以上，旅游服务质量投诉处理率达到100%。
(二)提升工程质量。大中型工程项目一次验收合格率达到100%，住宅工程质量投诉率逐年下降。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("uploads-base")
    (root / "corpus").mkdir()
    (root / "corpus" / "city-a.txt").write_text(DOC_A, encoding="utf-8")
    (root / "corpus" / "city-b.txt").write_text(DOC_B, encoding="utf-8")
    index_folder(root / "corpus", root / "index")
    return root


@pytest.fixture
def settings(built: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    shutil.copytree(built / "index", tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


def open_assistant(settings: Settings) -> Assistant:
    return Assistant(settings, FakeEmbedder())


def snapshot(settings: Settings) -> tuple[list[tuple[str, str]], bytes]:
    files = sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in settings.corpus_dir.iterdir()
    )
    return files, (settings.index_dir / "manifest.json").read_bytes()


def upload_file(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


REJECTED_FILES = {
    "wrong type": ("report.pdf", b"%PDF-1.4 binary"),
    "no extension": ("report", NEW_DOC.encode()),
    "fake docx": ("report.docx", NEW_DOC.encode()),
    "zip but not word": ("report.docx", None),
    "png named txt": ("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    "binary with nul bytes": ("data.txt", bytes(range(256)) * 8),
    "undecodable bytes": ("legacy.txt", bytes(range(0x80, 0x100)) * 20),
    "empty": ("empty.txt", b""),
    "whitespace only": ("blank.txt", " \n\t\n　\n".encode()),
    "almost no text": ("tiny.txt", "一、".encode()),
    "duplicate content": ("another-name.txt", DOC_A.encode()),
    "hidden name": (".hidden.txt", NEW_DOC.encode()),
}


@pytest.mark.parametrize("case", sorted(REJECTED_FILES))
def test_rejected_upload_changes_nothing(settings: Settings, tmp_path: Path, case: str) -> None:
    name, content = REJECTED_FILES[case]
    if content is None:
        path = tmp_path / "uploads" / name
        path.parent.mkdir()
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notes.txt", NEW_DOC)
    else:
        path = upload_file(tmp_path, name, content)
    handlers = app.Handlers(open_assistant(settings))
    before = snapshot(settings)
    with pytest.raises(gr.Error) as caught:
        handlers.add_upload(str(path))
    assert str(caught.value).strip()
    with pytest.raises(gr.Error):
        handlers.preview_upload(str(path))
    assert snapshot(settings) == before
    assert len(handlers.assistant.documents) == 2


def test_too_big_is_rejected_before_reading(settings: Settings, tmp_path: Path) -> None:
    limit = format_for("big.txt").max_bytes
    path = upload_file(tmp_path, "big.txt", NEW_DOC.encode() + b" " * limit)
    before = snapshot(settings)
    with (
        pytest.raises(DocumentError, match=r"文件太大.*上限是 5 MB"),
        staged_upload(path, path.name, settings, []),
    ):
        pass
    handlers = app.Handlers(open_assistant(settings))
    with pytest.raises(gr.Error, match="文件太大"):
        handlers.add_upload(str(path))
    assert snapshot(settings) == before


UNSAFE_NAMES = [
    "../escape.txt",
    "sub/dir.txt",
    "a\\b.txt",
    "a..b.txt",
    ".env.txt",
    "x" * 130 + ".txt",
    "bad\x00name.txt",
    "",
]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_names_are_refused(settings: Settings, tmp_path: Path, name: str) -> None:
    path = upload_file(tmp_path, "fine.txt", NEW_DOC.encode())
    before = snapshot(settings)
    with pytest.raises(DocumentError), staged_upload(path, name, settings, []):
        pass
    assert snapshot(settings) == before


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("质量 报告 (1).TXT", "质量-报告-1.txt"),
        ("Plan_2015.md", "Plan_2015.md"),
        ("ｐｌａｎ．ｔｘｔ", "plan.txt"),  # full-width forms normalised (NFKC)
        ("a&b;c.docx", "a-b-c.docx"),
    ],
)
def test_names_are_normalised(given: str, safe: str) -> None:
    assert safe_file_name(given) == safe


def test_duplicate_is_detected_by_content_not_name(settings: Settings, tmp_path: Path) -> None:
    path = upload_file(tmp_path, "totally-different-name.txt", DOC_B.encode())
    assistant = open_assistant(settings)
    known = assistant.documents
    with pytest.raises(DuplicateDocumentError), staged_upload(path, path.name, settings, known):
        pass
    # Same name as an indexed file but new content: accepted under a fresh name.
    renamed = upload_file(tmp_path, "city-a.txt", NEW_DOC.encode())
    with staged_upload(renamed, renamed.name, settings, assistant.documents) as staged:
        assert staged.name == "city-a-2.txt"


def test_good_upload_is_searchable_and_survives_a_restart(
    settings: Settings, tmp_path: Path
) -> None:
    path = upload_file(tmp_path, "丙县 方案.txt", NEW_DOC.encode())
    handlers = app.Handlers(open_assistant(settings))
    preview, figures = handlers.preview_upload(str(path))
    assert "一、发展目标" in preview and "丙县-方案.txt" in preview
    assert "99" in set(figures["数值"])
    stages: list[str] = []

    def progress(fraction: tuple[int, int], desc: str = "") -> None:
        stages.append(desc)

    message = handlers.add_upload(str(path), progress)  # type: ignore[arg-type]
    assert "已加入并索引" in message
    assert {"解析文件", "计算向量", "写入索引"} <= set(stages)
    assert (settings.corpus_dir / "丙县-方案.txt").read_bytes() == NEW_DOC.encode()
    answer = handlers.assistant.ask("茶叶产品抽检合格率要达到多少?")
    assert any("丙县" in p.doc_title for p in answer.passages)
    assert "99%" in answer.answer
    assert len(handlers.assistant.documents) == 3

    reopened = Assistant.open(settings, embedder=FakeEmbedder())  # checks corpus == index
    again = reopened.ask("茶叶产品抽检合格率要达到多少?")
    assert any("丙县" in p.doc_title for p in again.passages)
    assert any(f.value == "99" for f in reopened.figures)


def test_docx_upload_is_indexed(settings: Settings, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "ding-county.docx", NEW_DOC.splitlines())
    handlers = app.Handlers(open_assistant(settings))
    handlers.add_upload(str(path))
    assert (settings.corpus_dir / "ding-county.docx").is_file()
    answer = handlers.assistant.ask("茶叶产品抽检合格率是多少?")
    assert any("丙县" in p.doc_title for p in answer.passages)
    Assistant.open(settings, embedder=FakeEmbedder())


def test_failed_indexing_removes_the_file_again(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = upload_file(tmp_path, "county.txt", NEW_DOC.encode())
    handlers = app.Handlers(open_assistant(settings))

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(handlers.assistant.backend, "add", explode)
    before = snapshot(settings)
    with pytest.raises(gr.Error, match="内部错误"):
        handlers.add_upload(str(path))
    assert snapshot(settings) == before
    assert len(handlers.assistant.documents) == 2


def test_fifty_megabyte_file_is_rejected_and_changes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "uploads" / "huge.txt"
    path.parent.mkdir()
    with path.open("wb") as handle:  # sparse: 50 MB on paper, nothing written
        handle.truncate(50 * 1024 * 1024)
    handlers = app.Handlers(open_assistant(settings))
    before = snapshot(settings)
    with pytest.raises(gr.Error, match="文件太大"):
        handlers.add_upload(str(path))
    assert snapshot(settings) == before


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "big5", "utf-16", "utf-8-sig"])
def test_legacy_encodings_are_accepted_and_searchable(
    settings: Settings, tmp_path: Path, codec: str
) -> None:
    text = (
        NEW_DOC
        if codec != "big5"
        else "丙縣人民政府關於推進質量強縣的實施方案\n一、發展目標\n到2021年，全縣茶葉產品抽檢合格率達到99%以上。\n"
    )
    path = upload_file(tmp_path, f"county-{codec}.txt", text.encode(codec))
    handlers = app.Handlers(open_assistant(settings))
    handlers.add_upload(str(path))
    answer = handlers.assistant.ask("丙县茶叶产品抽检合格率要达到多少?")
    assert answer.found and "99%" in answer.answer


def test_file_without_any_outline_is_indexed_whole(settings: Settings, tmp_path: Path) -> None:
    plain = "关于茶叶质量的说明\n本县茶叶产品抽检合格率达到99%以上，品牌建设成效明显。\n今后继续加强质量监管。\n"
    path = upload_file(tmp_path, "no-outline.txt", plain.encode())
    handlers = app.Handlers(open_assistant(settings))
    handlers.add_upload(str(path))
    passages = handlers.assistant.ask("茶叶产品抽检合格率是多少?").passages
    assert any("99%" in p.chunk.text and p.chunk.section_path == () for p in passages)
