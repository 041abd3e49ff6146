"""Document metadata read from the text by general rules, then human overrides.

Decisions:
- title: a Markdown ``# title`` line wins. For a notice that issues another document
  (关于印发《X》的通知, or a cover text "《X》已经……印发"), the title is the issued
  document's own title X, the name a reader cites; line breaks inside 《…》 are
  removed, so a title broken over two lines comes out whole. Otherwise the first
  short title-like line of the head (no sentence punctuation, not a number or date).
- doc_number: the first 发文字号 (X〔2015〕114号) that *starts a line* before the first
  outline heading. Numbers cited inside sentences (根据《…》(晋政办发〔2014〕50号))
  never start a line, so they are not taken.
- date: the signing date, a line that is only a date (2015年4月27日, 二〇一五年四月
  二十七日); failing that a date opening a promulgation line of a law's head
  ("2009年2月28日 第十一届……通过"). Web timestamps (2022-07-23 09:01:39) are never
  used: for a web copy whose only date is the site's posting time the date is "",
  because the posting time is not the document's date.
- issuer: the signature line just above the signing date; else the name before
  关于 in the title; else a last line that is an organisation's name.
- region: the leading place name of the issuer (else the title) ending in
  自治区/自治州/自治县/省/市/盟/州/县/区/旗.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import cast

import cn2an

from qa.gazetteer import gazetteer
from qa.ingest.noise import line_table
from qa.textnorm import detect_script, to_simplified
from qa.types import Script

OVERRIDABLE_FIELDS = ("title", "issuer", "doc_number", "date", "region")

_DOC_NUMBER = re.compile(
    r"^[ \t\u3000\u00a0]*"
    r"([\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,5}\s*[号號])",
    re.MULTILINE,
)
_CN_DIGITS = "〇零一二三四五六七八九十"
_DATE = re.compile(
    rf"(\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年\s*(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*月"
    rf"\s*(\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*日"
)
_ISSUED_TITLE = re.compile(r"关于印发\s*《([^《》]{2,120})》\s*的?通知")
_COVER_TITLE = re.compile(r"《([^《》]{4,120})》(?:已经|业经|已|经)[^。《》]{0,40}印发")
_NOTICE = re.compile(r"关于印发.{2,120}的?通知")
_ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办公厅|办公室|委员会|行政公署|行署|公署|管委会|常委会|人大|法院|检察院|厅|局|委|署|部|院|会|办)$"
)
# What follows a place at the head of an issuer or title of a 公文.
_LOCAL_BODY = re.compile(
    r"(人民政府|政府|人大|党委|委员会|办公厅|办公室|行政公署|行署|管委会|关于|市场监督管理局|质量技术监督局)"
)
_PLACE = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:自治区|自治州|自治县|省|市|盟|州|县|区|旗))")
_TITLE_MAX = 60
# Title, number, signing date and issuer are looked for in the first lines only.
_HEAD_SCAN_LINES = 400
_SIGNATURE_MAX = 30
# The signature block (issuer, date) is among the last lines of a 公文.
_SIGNATURE_LINES = 8


@dataclass(frozen=True)
class Metadata:
    title: str
    issuer: str
    doc_number: str
    date: str
    region: str
    script: Script


def extract_metadata(text: str, overrides: Mapping[str, str] | None = None) -> Metadata:
    """Metadata from ``text``; ``overrides`` (field -> value) replace what is found."""
    overrides = dict(overrides or {})
    lines, noise = line_table(text)
    contents = [ln.content(text) if not noise[i] else "" for i, ln in enumerate(lines)]
    simplified = [to_simplified(c) if c else "" for c in contents[:_HEAD_SCAN_LINES]]
    head = _head_lines(text, len(simplified))
    title = overrides.get("title") or _as_written_title(
        find_title(simplified, head), contents, simplified
    )
    date_index, date = _find_date(simplified, head)
    raw_lines = [ln.content(text) for ln in lines[-5:]]
    signer, signed = _signature_block([ln.content(text) for ln in lines[-_SIGNATURE_LINES:]])
    if not date:
        date = signed
    promulgator, order_number = _promulgation(contents[:head])
    issuer = (
        overrides.get("issuer")
        or _find_issuer(simplified, contents, raw_lines, date_index, title)
        or signer
        or promulgator
    )
    doc_number = overrides.get(
        "doc_number", _find_doc_number("\n".join(contents[:head])) or order_number
    )
    region = overrides.get("region") or find_region(issuer, title)
    meta = Metadata(
        title=title,
        issuer=issuer,
        doc_number=doc_number,
        date=date,
        region=region,
        script=script_of(text),
    )
    if "date" in overrides:
        meta = replace(meta, date=overrides["date"])
    return meta


def _head_lines(text: str, limit: int) -> int:
    """Number of lines before the first outline heading (the preamble)."""
    from qa.ingest.outline import parse_outline

    sections = parse_outline(text)
    if not sections:
        return limit
    return min(limit, text.count("\n", 0, sections[0].span[0]))


def script_of(text: str) -> Script:
    return cast(Script, detect_script(text))


def _joined_head(simplified: list[str], head: int) -> str:
    # Joining without separators mends titles broken over lines inside 《…》.
    return "\n".join(simplified[: max(head, 1)])


def find_title(simplified: list[str], head: int) -> str:
    first = next((c for c in simplified if c.strip()), "")
    if first.startswith("# "):
        return first[2:].strip()
    joined = _joined_head(simplified, head)
    flat = re.sub(r"\s+", "", joined)
    for pattern in (_ISSUED_TITLE, _COVER_TITLE):
        m = pattern.search(flat)
        if m:
            return m.group(1)
    for k, line in enumerate(simplified[: max(head, 1)]):
        candidate = line.strip()
        if _is_title_like(candidate):
            if _NOTICE.fullmatch(candidate) is None and "关于印发" in candidate:
                # A notice title broken over lines: join until it closes.
                candidate = _join_broken(simplified, k)
            return candidate
    return ""


def _join_broken(simplified: list[str], k: int) -> str:
    parts = [simplified[k].strip()]
    for line in simplified[k + 1 : k + 4]:
        if not line.strip():
            continue
        parts.append(line.strip())
        if "通知" in line:
            break
    return "".join(parts)


# The red letterhead (版头) of a printed 公文, e.g. 厦门市人民政府文件: the issuer, not
# the title, which follows the 文号 below it. Web copies usually drop it; PDFs and
# OFDs of the printed document keep it.
_LETTERHEAD = re.compile(r"(?!.*关于).{2,30}文件")


def _is_title_like(line: str) -> bool:
    return (
        4 <= len(line) <= _TITLE_MAX
        and not _LETTERHEAD.fullmatch(line)
        and not re.search(r"[。；;！？!?:：,，]", line)
        and not _DOC_NUMBER.match(line)
        and not _DATE.search(line)
    )


def _find_doc_number(head_text: str) -> str:
    m = _DOC_NUMBER.search(head_text)
    return re.sub(r"\s+", "", m.group(1)).replace("號", "号") if m else ""


# A law's head line: the date, then who adopted or promulgated it (第十一届全国人民代表大会
# 常务委员会第七次会议通过 / 中华人民共和国国务院令第390号公布 / 国家市场监督管理总局令第43号).
_PROMULGATION = re.compile(
    rf"^\s*{_DATE.pattern}\s*(?:第[{_CN_DIGITS}]+届)?"
    r"(?P<body>全国人民代表大会常务委员会|全国人民代表大会|(?:中华人民共和国)?国务院"
    r"|[\u4e00-\u9fff]{2,20}?(?:总局|部|委员会|局|署|院))"
    rf"(?P<order>令第[\d{_CN_DIGITS}百]+号)?(?:第[\d{_CN_DIGITS}]+次(?:常务)?会议)?"
    r"\S{0,40}?(?:通过|公布|发布|修订|施行)"
)


def _promulgation(head: list[str]) -> tuple[str, str]:
    """(issuer, order number) from the first head line of a law or regulation that
    says who adopted or promulgated it, as written; ("", "") when none does."""
    issuer = order = ""
    for line in head:
        m = _PROMULGATION.match(to_simplified(line))
        if m:
            start, end = m.span("body")
            issuer = issuer or line[start:end]
            order = order or (line[start : m.end("order")] if m.group("order") else "")
        if issuer and order:
            break
    return issuer, order


def date_mentions(text: str) -> Iterator[tuple[tuple[int, int], str]]:
    """(span, ISO date) of every full date written in ``text`` (2015年4月27日,
    二〇一五年四月二十七日), in order."""
    for m in _DATE.finditer(text):
        if iso := _iso_date(m):
            yield (m.start(), m.end()), iso


def _iso_date(m: re.Match[str]) -> str:
    try:
        year = _number(m.group(1), year=True)
        month, day = _number(m.group(2)), _number(m.group(3))
    except ValueError:
        return ""
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _number(value: str, year: bool = False) -> int:
    if value.isdigit():
        return int(value)
    if year:  # 二〇一五: digit by digit
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in value))
    return int(cn2an.cn2an(value.replace("〇", "零"), "smart"))


def _find_date(simplified: list[str], head: int) -> tuple[int, str]:
    """(line index, ISO date) of the signing date; (-1, "") when none."""
    for i, line in enumerate(simplified):
        m = _DATE.fullmatch(line.strip())
        if m and (iso := _iso_date(m)):
            return i, iso
    for i, line in enumerate(simplified[:head]):
        m = _DATE.match(line.strip())
        if m and line.strip()[m.end() : m.end() + 1].isspace() and (iso := _iso_date(m)):
            return i, iso
    return -1, ""


def _signature_block(tail: list[str]) -> tuple[str, str]:
    """(issuer, ISO date) of a 公文's signature block: its last lines, an organisation's
    name above a date line (2021年3月5日, （2021年3月5日）, 二〇二一年三月五日).
    Web-page cleaning may have dropped these lines from the content, so the raw last
    lines are read here."""
    lines = [to_simplified(line.strip()) for line in tail if line.strip()]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip("（）() \u3000")
        m = _DATE.fullmatch(line)
        if m and (iso := _iso_date(m)):
            above = lines[i - 1] if i > 0 else ""
            return (tail_original(tail, above) if _is_org_name(above) else ""), iso
    return "", ""


def tail_original(tail: list[str], simplified_line: str) -> str:
    for line in tail:
        if to_simplified(line.strip()) == simplified_line:
            return line.strip()
    return simplified_line


def _find_issuer(
    simplified: list[str], contents: list[str], raw_lines: list[str], date_index: int, title: str
) -> str:
    if date_index > 0:
        above = next(
            (simplified[i].strip() for i in range(date_index - 1, -1, -1) if simplified[i].strip()),
            "",
        )
        if _is_org_name(above):
            return _as_written(contents, simplified, above)
    before, sep, _ = title.partition("关于")
    if sep and _is_org_name(before):
        return before
    last = next((c.strip() for c in reversed(raw_lines) if c.strip()), "")
    if _is_org_name(to_simplified(last)):
        return last
    first = next((c.strip() for c in simplified if c.strip()), "")
    if _LETTERHEAD.fullmatch(first) and _is_org_name(first[: -len("文件")]):
        return _as_written(contents, simplified, first)[: -len("文件")]
    return ""


def _as_written_title(title: str, contents: list[str], simplified: list[str]) -> str:
    """The title in the document's own script (t2s keeps lengths, so offsets match)."""
    if not title:
        return title
    flat_simple = re.sub(r"\s+", "", "".join(simplified))
    flat_original = re.sub(r"\s+", "", "".join(contents[: len(simplified)]))
    start = flat_simple.find(re.sub(r"\s+", "", title))
    if start < 0 or len(flat_simple) != len(flat_original):
        return title
    return flat_original[start : start + len(re.sub(r"\s+", "", title))]


def _as_written(contents: list[str], simplified: list[str], line: str) -> str:
    for original, simple in zip(contents, simplified, strict=False):
        if simple.strip() == line:
            return original.strip()
    return line


def _is_org_name(line: str) -> bool:
    return (
        2 < len(line) <= _SIGNATURE_MAX
        and not re.search(r"[\s。，,、；：:]", line)
        and bool(_ORG_SUFFIX.search(line))
    )


def find_region(issuer: str, title: str) -> str:
    """The place an issuer (else a title) opens with, "" when none.

    A place of the gazetteer of administrative divisions wins (the most specific of
    several in a row: 福建省厦门市 -> 厦门市); a name the gazetteer does not know (a
    new or fictional county) is accepted only when an organisation's name or 关于
    follows it, so a title (推进质量强盟…) never becomes a region.
    """
    for source in (issuer, title):
        simplified = re.sub(r"\s+", "", to_simplified(source))
        if not simplified:
            continue
        known = _known_leading_place(simplified)
        if known:
            return known
        m = _PLACE.match(simplified)
        if m and _LOCAL_BODY.match(simplified[m.end() :]):
            return m.group(1)
        if m and source is issuer and _starts_with_place_word(simplified, m.group(1)):
            return m.group(1)
    return ""


def _known_leading_place(text: str) -> str:
    names = gazetteer().full_names
    place, position = "", 0
    while True:
        match = next(
            (text[position:end] for end in range(min(len(text), position + 12), position, -1)
             if text[position:end] in names),
            "",
        )  # fmt: skip
        if not match:
            return place
        place, position = match, position + len(match)


def _starts_with_place_word(text: str, place: str) -> bool:
    # The suffix rule alone would take "推进质量强盟" from a title; jieba's tagger
    # confirms that the text opens with a place (ns) or organisation (nt) name.
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    first = next(iter(jieba.posseg.cut(text[:40])), None)
    if first is None or first.flag not in ("ns", "nt"):
        return False
    return first.word.startswith(place) or place.startswith(first.word)
