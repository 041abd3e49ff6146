"""Loading documents and corpora: ids, hashes, metadata rules and overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT
from qa.errors import DocumentError, DuplicateDocumentError
from qa.ingest.corpus import load_corpus
from qa.ingest.metadata import extract_metadata, find_region
from qa.ingest.parse import load_document, make_doc_id, parse_document
from qa.present.views import format_outline
from qa.textnorm import to_simplified

CORPUS = PROJECT_ROOT / "corpus"

EXPECTED = {
    "xiamen-2015-quality-strong-city-opinion": (
        "厦门市人民政府关于进一步实施质量强市战略的意见",
        "厦门市人民政府",
        "厦府〔2015〕114号",
        "2015-04-27",
        "厦门市",
        "simplified",
    ),
    "taiyuan-2014-quality-outline-action-plan": (
        "太原市贯彻实施质量发展纲要2014年行动计划",
        "太原市人民政府办公厅",
        "并政办发〔2014〕50号",
        "2014-08-15",
        "太原市",
        "simplified",
    ),
    "alxa-quality-strong-league-opinion": (
        "推進質量強盟戰略實施意見",
        "阿拉善盟行政公署",
        "",
        "",
        "阿拉善盟",
        "traditional",
    ),
    "fujian-quality-strong-province-targets-2015": (
        "福建省质量强省总体目标与工作措施（原文无标题）",
        "福建省人民政府",
        "",
        "",
        "福建省",
        "simplified",
    ),
    "dongguan-2013-quality-strong-city-model-work-plan": (
        "东莞市创建全国质量强市示范城市工作方案",
        "东莞市人民政府办公室",
        "东府办〔2013〕3号",
        "2013-01-21",
        "东莞市",
        "simplified",
    ),
}


def test_corpus_metadata() -> None:
    documents = load_corpus(CORPUS)
    assert [d.source_name for d in documents] == sorted(d.source_name for d in documents)
    got = {
        d.doc_id: (d.title, d.issuer, d.doc_number, d.date, d.region, d.script) for d in documents
    }
    assert got == EXPECTED
    for document in documents:
        assert len(document.content_hash) == 64 and document.encoding == "utf-8"


def test_metadata_from_text_alone_without_overrides() -> None:
    alxa = extract_metadata((CORPUS / "alxa-quality-strong-league-opinion.txt").read_text("utf-8"))
    # The only date in this web copy is the site's posting time: no date rather than a wrong one.
    assert alxa.date == "" and alxa.doc_number == "" and alxa.region == ""
    fujian = extract_metadata(
        (CORPUS / "fujian-quality-strong-province-targets-2015.txt").read_text()
    )
    assert fujian.issuer == "福建省人民政府" and fujian.region == "福建省"


def test_cited_numbers_are_not_the_documents_own() -> None:
    text = (
        "某市人民政府办公厅关于印发某市行动计划的通知\n"
        "根据《省行动计划》(晋政办发〔2014〕50号)和《国务院通知》(国发〔2012〕9号)，制定本计划。\n"
        "一、总体要求\n正文。\n"
    )
    assert extract_metadata(text).doc_number == ""
    own = "某府办〔2013〕3号\n" + text
    assert extract_metadata(own).doc_number == "某府办〔2013〕3号"


def test_title_broken_over_lines_comes_out_whole() -> None:
    text = (
        "东府办〔2013〕3号\n\n关于印发《某市创建全国质量强市\n\n示范城市工作方案》的通知\n\n"
        "各单位:\n\n现印发给你们，请认真贯彻执行。\n\n一、总体要求\n\n正文。\n"
    )
    assert extract_metadata(text).title == "某市创建全国质量强市示范城市工作方案"


def test_signing_date_beats_web_timestamp() -> None:
    text = (
        "某网站  2013-01-24 00:42:50  来源: 某办公室\n某市关于质量工作的意见\n"
        "某市人民政府\n二〇一三年一月二十一日\n一、总则\n正文。\n"
    )
    meta = extract_metadata(text)
    assert meta.date == "2013-01-21" and meta.issuer == "某市人民政府"


def test_markdown_title_and_promulgation_date() -> None:
    text = (
        "# 中华人民共和国某某法\n\n2009年2月28日 第十一届全国人民代表大会常务委员会通过\n\n"
        "<!-- INFO END -->\n\n第一条 甲。\n"
    )
    meta = extract_metadata(text)
    assert meta.title == "中华人民共和国某某法" and meta.date == "2009-02-28"


def test_who_adopted_or_promulgated_a_law_is_its_issuer() -> None:
    law = (
        "# 中华人民共和国某某法\n\n2009年2月28日 第十一届全国人民代表大会常务委员会第七次会议通过\n\n"
        "2015年4月24日 第十二届全国人民代表大会常务委员会第十四次会议修订\n\n"
        "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 甲。\n"
    )
    meta = extract_metadata(law)
    assert (meta.issuer, meta.doc_number, meta.region) == ("全国人民代表大会常务委员会", "", "")
    regulation = (
        "# 某某管理条例\n\n2000年1月30日 中華人民共和國國務院令第279號發布\n\n"
        "<!-- INFO END -->\n\n第一条 甲。\n"
    )
    meta = extract_metadata(regulation)
    # As written (traditional here); the order is the document number.
    assert (
        meta.issuer == "中華人民共和國國務院" and meta.doc_number == "中華人民共和國國務院令第279號"
    )
    # A 公文's own signature still wins over a meeting it mentions.
    notice = "某市关于质量工作的意见\n经市政府第76次常务会议通过。\n某市人民政府\n2015年4月27日\n一、总则\n正文。\n"
    assert extract_metadata(notice).issuer == "某市人民政府"


def test_region_rules() -> None:
    assert find_region("内蒙古自治区人民政府", "") == "内蒙古自治区"
    assert find_region("", "东莞市创建全国质量强市示范城市工作方案") == "东莞市"
    assert find_region("", "推进质量强盟战略实施意见") == ""  # 强盟 is not a place


def test_simplified_conversion() -> None:
    expected = {"質量強盟": "质量强盟", "质量强市": "质量强市", "乾燥的天氣": "干燥的天气", "": ""}
    for text, simplified in expected.items():
        assert to_simplified(text) == simplified


def test_doc_ids() -> None:
    digest = "ab" * 32
    assert make_doc_id(Path("Xiamen 2015.TXT"), digest) == "xiamen-2015"
    assert make_doc_id(Path("厦门意见.txt"), digest) == "doc-abababab"
    assert make_doc_id(Path("厦门-2015意见.md"), digest) == "2015-doc-abababab"


def test_load_document_overrides_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("某市质量工作方案\n一、总则\n正文。\n", encoding="gb18030")
    document = load_document(path, {"issuer": "某市人民政府", "date": "2020-01-02"})
    assert document.encoding == "gb18030"
    assert document.issuer == "某市人民政府" and document.date == "2020-01-02"
    assert document.title == "某市质量工作方案"
    with pytest.raises(DocumentError, match="unknown field"):
        load_document(path, {"author": "x"})
    with pytest.raises(DocumentError, match="YYYY-MM-DD"):
        load_document(path, {"date": "2020/1/2"})


def _corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def test_duplicate_content_is_refused(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    shutil.copy(corpus / "xiamen-2015-quality-strong-city-opinion.txt", corpus / "zz-copy.txt")
    with pytest.raises(DuplicateDocumentError, match=r"zz-copy\.txt"):
        load_corpus(corpus)


def test_broken_file_is_named(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    (corpus / "broken.md").write_bytes(b"\x00\x01binary")
    with pytest.raises(DocumentError, match=r"broken\.md"):
        load_corpus(corpus)


def test_metadata_file_errors(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    (corpus / "metadata.toml").write_text('["missing.txt"]\ntitle = "x"\n', "utf-8")
    with pytest.raises(DocumentError, match=r"missing\.txt"):
        load_corpus(corpus)
    (corpus / "metadata.toml").write_text("[oops\n", "utf-8")
    with pytest.raises(DocumentError, match="TOML"):
        load_corpus(corpus)
    with pytest.raises(DocumentError, match="not found"):
        load_corpus(tmp_path / "nowhere")


def test_format_outline_is_readable() -> None:
    document = load_document(CORPUS / "taiyuan-2014-quality-outline-action-plan.txt")
    sections = parse_document(document, chunk_size=400, chunk_min=80).sections
    text = format_outline(document, sections)
    lines = text.splitlines()
    assert lines[0] == "《太原市贯彻实施质量发展纲要2014年行动计划》"
    assert "并政办发〔2014〕50号" in lines[1]
    assert any(line.startswith("    (六)加快质量诚信体系建设  [") for line in lines)
