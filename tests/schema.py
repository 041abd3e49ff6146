"""The stable JSON answer schema (qa.present.records), one definition for the CLI and the
HTTP API tests: the first version's keys, which never change, and the keys added since
(fields are only ever added)."""

FIRST_ANSWER_KEYS = {"question", "found", "answer", "passages", "figures", "timings_ms"}
ANSWER_KEYS = FIRST_ANSWER_KEYS | {
    "answer_mode",
    "sentences",
    "table",
    "not_found_reason",
    "notes",
    "resolved_question",
    "also_stated",
    "read_as",
    "answer_similarity",
    "uncertain",
}
FIRST_PASSAGE_KEYS = {
    "rank",
    "doc_id",
    "doc_title",
    "region",
    "section_path",
    "text",
    "span",
    "score",
}
PASSAGE_KEYS = FIRST_PASSAGE_KEYS | {"pages", "ocr", "ocr_confidence"}
FIRST_FIGURE_KEYS = {"indicator", "value", "unit", "comparator", "target_year"}
FIGURE_KEYS = FIRST_FIGURE_KEYS | {"lead_department", "text", "passage_rank"}
