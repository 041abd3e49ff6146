"""The hand-made evaluation set (eval/qa.jsonl) and its matching helpers."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from eval.matching import (
    all_phrases_found,
    any_phrase_in,
    doc_matches,
    expected_docs,
    normalize_for_match,
    phrase_in,
)
from eval.qa_file import KNOWN_TYPES, QAItem, load_qa_file
from qa.errors import InputError

REPO = Path(__file__).resolve().parents[1]
QA_FILE = REPO / "eval" / "qa.jsonl"
CORPUS_DIR = REPO / "corpus"
REGIONS = ("厦门", "太原", "阿拉善", "福建", "东莞")


@dataclass(frozen=True)
class _CorpusDoc:
    doc_id: str
    title: str
    region: str
    text: str


def _read_corpus() -> list[_CorpusDoc]:
    try:
        from qa.ingest.corpus import load_corpus
    except ImportError:
        return _read_corpus_fallback()
    return [_CorpusDoc(d.doc_id, d.title, d.region, d.text) for d in load_corpus(CORPUS_DIR)]


def _read_corpus_fallback() -> list[_CorpusDoc]:
    # Only until qa.corpus exists: the file stem stands in for doc_id and title.
    regions = {
        "xiamen": "厦门市",
        "taiyuan": "太原市",
        "alxa": "阿拉善盟",
        "fujian": "福建省",
        "dongguan": "东莞市",
    }
    docs = []
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        region = regions[path.stem.split("-")[0]]
        docs.append(_CorpusDoc(path.stem, path.stem, region, path.read_text(encoding="utf-8-sig")))
    return docs


@pytest.fixture(scope="module")
def qa_items() -> list[QAItem]:
    return load_qa_file(QA_FILE)


@pytest.fixture(scope="module")
def corpus() -> list[_CorpusDoc]:
    return _read_corpus()


def _docs_named(name: str, corpus: list[_CorpusDoc]) -> list[_CorpusDoc]:
    return [d for d in corpus if doc_matches(name, doc_id=d.doc_id, title=d.title, region=d.region)]


# ---- the Q&A set itself -------------------------------------------------------------


def test_qa_file_size_and_unique_ids(qa_items: list[QAItem]) -> None:
    assert len(qa_items) >= 150
    ids = [item.id for item in qa_items]
    assert len(ids) == len(set(ids))


def test_every_type_is_present_with_enough_hard_cases(qa_items: list[QAItem]) -> None:
    counts = Counter(item.type for item in qa_items)
    assert set(counts) == set(KNOWN_TYPES)
    assert counts["cross_script"] >= 12
    assert counts["comparison"] >= 10


def test_unanswerable_questions_have_no_doc_and_no_answers(qa_items: list[QAItem]) -> None:
    unanswerable = [i for i in qa_items if i.type == "unanswerable"]
    assert len(unanswerable) >= 15
    assert all(i.doc == "" and i.answers == () for i in unanswerable)


def test_every_document_is_expected_by_at_least_20_questions(qa_items: list[QAItem]) -> None:
    counts = Counter(name for item in qa_items for name in expected_docs(item.doc))
    assert set(counts) == set(REGIONS)
    assert all(counts[region] >= 20 for region in REGIONS), counts


def test_comparison_questions_name_several_documents(qa_items: list[QAItem]) -> None:
    for item in qa_items:
        if item.type == "comparison":
            assert len(expected_docs(item.doc)) >= 2, item.id


def test_each_expected_name_picks_exactly_one_document(
    qa_items: list[QAItem], corpus: list[_CorpusDoc]
) -> None:
    names = {name for item in qa_items for name in expected_docs(item.doc)}
    for name in names:
        assert len(_docs_named(name, corpus)) == 1, name


def test_answer_phrases_occur_in_the_expected_documents(
    qa_items: list[QAItem], corpus: list[_CorpusDoc]
) -> None:
    problems = []
    for item in qa_items:
        named = [d for name in expected_docs(item.doc) for d in _docs_named(name, corpus)]
        if not named:
            continue
        if len(named) == 1:
            problems += [
                f"{item.id}: {p!r} not in {named[0].doc_id}"
                for p in item.answers
                if not phrase_in(p, named[0].text)
            ]
            continue
        problems += [
            f"{item.id}: {p!r} in none of {item.doc}"
            for p in item.answers
            if not any(phrase_in(p, d.text) for d in named)
        ]
        problems += [
            f"{item.id}: no phrase from {d.doc_id}"
            for d in named
            if not any(phrase_in(p, d.text) for p in item.answers)
        ]
    assert problems == []


def test_questions_are_not_copied_from_the_documents(
    qa_items: list[QAItem], corpus: list[_CorpusDoc]
) -> None:
    texts = [normalize_for_match(d.text) for d in corpus]
    for item in qa_items:
        stem = normalize_for_match(item.question).rstrip("?？")
        assert not any(stem in text for text in texts), item.id


# ---- matching rules -----------------------------------------------------------------


def test_normalize_for_match_folds_width_script_and_spaces() -> None:
    assert normalize_for_match("到 2020 年\u3000服務業（一）") == "到2020年服务业(一)"


def test_phrase_in_matches_across_scripts_and_spacing() -> None:
    text = "服務業對經濟增長的貢獻率達到 40%以上"
    assert phrase_in("服务业对经济增长的贡献率达到40%以上", text)
    assert not phrase_in("贡献率达到50%以上", text)
    assert not phrase_in("   ", text)


def test_expected_docs_splits_on_bar() -> None:
    assert expected_docs("厦门| 阿拉善") == ["厦门", "阿拉善"]
    assert expected_docs("") == []


def test_doc_matches_region_title_or_id() -> None:
    facts = {"doc_id": "alxa-opinion", "title": "推進質量強盟戰略實施意見", "region": "阿拉善盟"}
    assert doc_matches("阿拉善", **facts)
    assert doc_matches("厦门|阿拉善", **facts)
    assert doc_matches("质量强盟", **facts)  # simplified name, traditional title
    assert doc_matches("alxa", **facts)
    assert not doc_matches("厦门", **facts)
    assert not doc_matches("", **facts)


def test_answer_and_retrieval_rules() -> None:
    phrases = ("森林覆盖率达42.9%", "建成区绿化覆盖率达42%")
    assert any_phrase_in(phrases, "厦门森林覆盖率达 42.9%。")
    assert not any_phrase_in(phrases, "森林覆盖率达40%")
    assert all_phrases_found(phrases, ["森林覆盖率达42.9%,", "建成区绿化覆盖率达42%。"])
    assert not all_phrases_found(phrases, ["森林覆盖率达42.9%"])
    assert not all_phrases_found((), ["anything"])


# ---- load_qa_file error messages ----------------------------------------------------

_DROP = object()  # marks a field to leave out of a test line
_GOOD = {
    "id": "q1",
    "question": "厦门森林覆盖率?",
    "answers": ["42.9%"],
    "doc": "厦门",
    "section": "二、（四）",
    "type": "figure",
}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _line(**changes: object) -> str:
    row: dict[str, object] = {**_GOOD, **changes}
    return json.dumps({k: v for k, v in row.items() if v is not _DROP}, ensure_ascii=False)


def test_load_qa_file_reads_good_lines_and_skips_blanks(tmp_path: Path) -> None:
    path = _write(tmp_path, _line(), "", _line(id="q2", doc="", answers=[], type="unanswerable"))
    items = load_qa_file(path)
    assert [i.id for i in items] == ["q1", "q2"]
    assert items[0].answers == ("42.9%",) and items[0].answerable
    assert not items[1].answerable


@pytest.mark.parametrize(
    ("bad_line", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "expected a JSON object"),
        (_line(answers=_DROP), "missing field(s) answers"),
        (_line(question=_DROP, doc=_DROP), "missing field(s) question"),
        (_line(answers="42.9%"), "'answers' must be a list of strings"),
        (_line(answers=[42.9]), "'answers' must be a list of strings"),
        (_line(doc=3), "'doc' must be a string"),
        (_line(type=""), "'type' is empty"),
        (_line(tags="placeless"), "'tags' must be a list of strings"),
        (_line(answers=[]), "has no answer phrases"),
        (_line(doc=""), "has answer phrases but no expected doc"),
        (_line(answers=[""]), "empty phrase"),
    ],
)
def test_load_qa_file_names_file_and_line(tmp_path: Path, bad_line: str, fragment: str) -> None:
    path = _write(tmp_path, _line(), bad_line)
    with pytest.raises(InputError) as caught:
        load_qa_file(path)
    assert f"{path}:2" in str(caught.value)
    assert fragment in str(caught.value)


def test_load_qa_file_rejects_duplicate_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, _line(), _line(question="again?"))
    with pytest.raises(
        InputError, match=r"mine\.jsonl:2: duplicate id 'q1' \(first used on line 1\)"
    ):
        load_qa_file(path)


def test_load_qa_file_missing_or_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_qa_file(tmp_path / "absent.jsonl")
    with pytest.raises(InputError, match="no questions"):
        load_qa_file(_write(tmp_path, ""))


def test_free_labels_are_accepted_and_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, _line(type="trivia", tags=["placeless", "regulation"]))
    (item,) = load_qa_file(path)
    assert item.type == "trivia" and item.labels == ("trivia", "placeless", "regulation")


def test_csv_and_excel_files_have_the_same_columns(tmp_path: Path) -> None:
    import csv

    import openpyxl

    header = ["id", "question", "answers", "doc", "section", "type", "tags", "history"]
    rows = [
        [
            "c1",
            "厦门呢?",
            "森林覆盖率达42.9%",
            "厦门",
            "二、（四）",
            "followup",
            "placeless, x",
            '["森林覆盖率目标?"]',
        ],
        ["c2", "各地合格率?", "a|b", "厦门|东莞", "", "comparison", "", ""],
        ["c3", "上海的目标?", "", "", "", "unanswerable", "", ""],
    ]
    csv_path = tmp_path / "mine.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    xlsx_path = tmp_path / "mine.xlsx"
    book.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        items = load_qa_file(path)
        assert [i.id for i in items] == ["c1", "c2", "c3"]
        assert items[0].tags == ("placeless", "x") and items[0].history == ("森林覆盖率目标?",)
        assert items[1].answers == ("a", "b") and items[1].doc == "厦门|东莞"
        assert not items[2].answerable and items[2].answers == ()


def test_csv_without_required_columns_says_which(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,question\nq1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"lacks the column\(s\) answers\."):
        load_qa_file(path)


def test_a_file_of_questions_and_answers_alone_is_enough(tmp_path: Path) -> None:
    from eval.matching import ANY_DOCUMENT, doc_matches

    path = tmp_path / "mine.csv"
    path.write_text(
        "question,answers\n厦门森林覆盖率目标?,42.9%\n上海的目标是什么?,\n", encoding="utf-8"
    )
    first, second = load_qa_file(path)
    assert (first.id, first.type, first.doc) == ("row2", "unlabelled", ANY_DOCUMENT)
    assert first.answerable and not second.answerable and second.doc == ""
    assert doc_matches(first.doc, doc_id="xm", title="任何文件", region="")
    # An empty doc still means the corpus does not answer: answers with it are an error.
    path.write_text("question,answers,doc\n厦门?,42.9%,\n", encoding="utf-8")
    with pytest.raises(InputError, match="no expected doc"):
        load_qa_file(path)
