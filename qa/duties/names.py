"""Department names: lists as written, and one canonical name per department.

A note lists names as ``市质监局、市科技局及各镇街等单位`` or, in 阿拉善's style, with
the level prefix written once: ``盟住建局、水務局`` (水務局 is 盟水務局). The written
form is kept (it is what the text says, at its exact span); the canonical form is
found, in this order:

1. a shared prefix: a bare bureau name after a prefixed one takes its prefix;
2. the document's own definitions: ``市质量技术监督局（以下简称市质监局）``;
3. the document's own names: a bare short form (质监) is the one department of the
   document named <level>质监<局/委/办/厅> (市质监局), when there is exactly one;
4. the maintained alias table (``aliases.toml``), per region, because 市质监局 of 太原
   is not 市质监局 of 东莞: exact names of that region first, then general full-name
   endings (质量技术监督局 -> 质监局) that hold everywhere.

A department is its region plus its canonical name (``qualified_name``): 太原市质监局
and 东莞市质监局 are two departments with one short name.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from qa.duties.patterns import (
    COLLECTIVE_PREFIXES,
    DEPARTMENT_ENDINGS,
    LEVEL_CHARS,
    LEVEL_WORDS,
    LIST_SEPARATORS,
    NOT_DEPARTMENTS,
    both,
)
from qa.retrieve.places import place_aliases
from qa.textnorm import search_form, to_traditional
from qa.types import Document, Span

DEFAULT_ALIASES = Path(__file__).with_name("aliases.toml")

_TRAILING_OTHERS = re.compile(
    "(?:" + both("等") + "(?:" + both("有关") + "|" + both("相关") + ")?"
    "(?:" + both("单位") + "|" + both("部门") + "|" + both("机构") + ")?)$"
)
_JOINERS = re.compile(both("以及") + "|" + both("及") + "|" + both("和") + "|" + both("与"))
_LEADING_BY = re.compile(both("由"))
_PAREN_TAIL = re.compile(r"[(（][^()（）]*[)）]$")
_DEFINITION = re.compile(
    r"([\u4e00-\u9fff“”\"]{4,30})[（(]"
    + "(?:"
    + both("以下")
    + ")?"
    + both("简称")
    + r"[:：]?[“\"]?([^”\"）)]{2,12})[”\"]?[）)]"
)
# 市质量技术监督局（以下简称市质监局）: the name is the words before the bracket.
_DEFINITION_TAIL = re.compile(
    r"[（(]" + "(?:" + both("以下") + ")?" + both("简称") + r"[^()（）]*[）)]$"
)
_BUREAU_ENDINGS = ("局", "委", "办", "厅")
_NAME_MAX = 24  # 中华人民共和国东莞出入境检验检疫局 is 17
# Words that end a name and start what follows (…工作由X负责, X牵头组织…).
_NOT_IN_NAMES = (
    "由", "牵头", "负责", "配合", "会同", "落实", "要求", "以上", "上述",
    "构建", "加强", "推进", "开展", "实施", "完善", "全力", "积极", "进一步",
)  # fmt: skip
# 各项目牵头单位, 各配合单位: a role word inside a name is part of the name.
_ROLE_IN_NAME = re.compile(r"(牵头|配合|责任)(单位|部门)$")
_BARE_MAX = 4  # 质监, 发改, 食药监: bare short forms are short
_BUREAU_BODY_MAX = 6  # 農牧業局, 市場監管局: bare bureau names after a shared prefix


@dataclass(frozen=True)
class WrittenName:
    """A name exactly as written at ``span`` (internal to extraction)."""

    written: str
    span: Span
    shared_prefix: str = ""  # 盟 for 水務局 in 盟住建局、水務局 (set by the note parser)


def _simple(name: str) -> str:
    return search_form(name)


def _without_paren_tail(form: str) -> str:
    while _PAREN_TAIL.search(form):
        form = _PAREN_TAIL.sub("", form)
    return form


def has_department_ending(name: str) -> bool:
    form = _without_paren_tail(_simple(name))
    return any(form.endswith(e) for e in DEPARTMENT_ENDINGS)


def is_collective(name: str) -> bool:
    return _simple(name).startswith(COLLECTIVE_PREFIXES)


def is_bare_short_form(name: str) -> bool:
    """质监, 环保, 发改: a department named by its field alone (no ending)."""
    form = _simple(name)
    return (
        2 <= len(form) <= _BARE_MAX
        and all("\u4e00" <= c <= "\u9fff" for c in form)
        and not has_department_ending(name)
        and form not in NOT_DEPARTMENTS
    )


def is_department_name(name: str, *, allow_bare: bool = False) -> bool:
    form = _simple(name)
    if not 2 <= len(form) <= _NAME_MAX or form in NOT_DEPARTMENTS:
        return False
    if any(word in form for word in _NOT_IN_NAMES) and not _ROLE_IN_NAME.search(form):
        return False
    if any(c.isdigit() for c in form) or any(c in "。；;：:！？!?" for c in form):
        return False
    return has_department_ending(name) or (allow_bare and is_bare_short_form(name))


def _top_level_cuts(text: str, separators: frozenset[str]) -> list[int]:
    """Positions of separators outside brackets and quotes."""
    depth, cuts = 0, []
    for i, char in enumerate(text):
        if char in "(（“「《":
            depth += 1
        elif char in ")）”」》":
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            cuts.append(i)
    return cuts


def _pieces(text: str, start: int, cuts: Iterable[int]) -> list[tuple[str, int]]:
    out, previous = [], 0
    for cut in [*cuts, len(text)]:
        out.append((text[previous:cut], start + previous))
        previous = cut + 1
    return out


def _trimmed(piece: str, at: int) -> tuple[str, int]:
    """Strip spaces, a leading 由 and a trailing 等单位 ("and other units")."""
    lead = len(piece) - len(piece.lstrip())
    piece, at = piece.strip(), at + lead
    by = _LEADING_BY.match(piece)
    if by and len(piece) - by.end() >= 2:
        rest = piece[by.end() :]
        at += by.end() + len(rest) - len(rest.lstrip())
        piece = rest.lstrip()
    definition = _DEFINITION_TAIL.search(piece)
    if definition and definition.start() >= 2:
        piece = piece[: definition.start()].rstrip()
    others = _TRAILING_OTHERS.search(piece)
    if others and others.start() >= 2:
        piece = piece[: others.start()].rstrip()
    return piece, at


def _split_joined(piece: str, at: int, allow_bare: bool) -> list[tuple[str, int]]:
    """Split at 及/和/与 only where both sides are whole names (not 人力资源和社会保障局)."""
    for m in _JOINERS.finditer(piece):
        left, right = piece[: m.start()], piece[m.end() :]
        if has_department_ending(left) and is_department_name(right.strip(), allow_bare=allow_bare):
            rest = _split_joined(right, at + m.end(), allow_bare)
            return [(left, at), *rest]
    return [(piece, at)]


def split_names(text: str, start: int, *, allow_bare: bool = False) -> list[WrittenName] | None:
    """The names of a written list at ``start``, or None when a piece is not a name."""
    out: list[WrittenName] = []
    for piece, at in _pieces(text, start, _top_level_cuts(text, LIST_SEPARATORS)):
        piece, at = _trimmed(piece, at)
        if not piece:
            return None
        for part, part_at in _split_joined(piece, at, allow_bare):
            name, name_at = _trimmed(part, part_at)
            if not is_department_name(name, allow_bare=allow_bare):
                return None
            out.append(WrittenName(name, (name_at, name_at + len(name))))
    return out or None


# -- level prefixes ---------------------------------------------------------------


def level_prefix(name: str) -> str:
    """The region-level character a name starts with (市质监局 -> 市), or ""."""
    form = _simple(name)
    if form and form[0] in LEVEL_CHARS and not form.startswith(LEVEL_WORDS):
        return name[0]
    return ""


def _bare_bureau(name: str, region_bases: Iterable[str]) -> bool:
    """水務局, 市場監管局: a bureau name written without its level prefix."""
    form = _simple(name)
    return (
        form.endswith(_BUREAU_ENDINGS)
        and len(form) <= _BUREAU_BODY_MAX
        and not level_prefix(name)
        and not is_collective(name)
        and not any(form.startswith(base) for base in region_bases)
    )


# -- the alias table --------------------------------------------------------------


@dataclass(frozen=True)
class AliasTable:
    """``aliases.toml``: general full-name endings and exact names per region."""

    endings: tuple[tuple[str, str], ...] = ()  # (full ending, short ending), search forms
    regions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DEFAULT_ALIASES) -> AliasTable:
        return _load_aliases(path.resolve())

    def region_names(self, region: str) -> Mapping[str, str]:
        aliases = place_aliases(region) if region else set()
        for key, names in self.regions.items():
            if search_form(key) in aliases:
                return names
        return {}

    def shorten(self, name: str) -> str:
        """A general full-name ending replaced by its short form (质量技术监督局 -> 质监局)."""
        form = _simple(name)
        for full, short in self.endings:
            if form.endswith(full):
                return form[: -len(full)] + short
        return form


@lru_cache(maxsize=8)
def _load_aliases(path: Path) -> AliasTable:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    endings = tuple(
        sorted(
            ((search_form(k), search_form(v)) for k, v in data.get("endings", {}).items()),
            key=lambda pair: -len(pair[0]),
        )
    )
    regions = {
        region: {search_form(k): v for k, v in names.items()}
        for region, names in data.get("regions", {}).items()
    }
    return AliasTable(endings, regions)


def document_abbreviations(text: str) -> dict[str, str]:
    """Full name (search form) -> abbreviation as written, from （以下简称…） in the text.

    The words before the bracket may start earlier than the name (…工作由市质量技术
    监督局（以下简称市质监局）), so every ending of them that starts with a level
    character (市质量技术监督局) is taken as the full name, and the whole run too.
    """
    out: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        full, short = m.group(1).strip('“”"'), m.group(2).strip()
        if not (has_department_ending(full) and is_department_name(short, allow_bare=True)):
            continue
        out[_simple(full)] = short
        for cut in range(1, len(full) - 2):
            if level_prefix(full[cut:]):
                out[_simple(full[cut:])] = short
    return out


# -- canonical names for one document -----------------------------------------------


class DocumentNames:
    """Canonical names of one document's departments (see the module docstring)."""

    def __init__(self, document: Document, table: AliasTable, written: Iterable[str] = ()) -> None:
        self.document = document
        self.table = table
        self.region_names = table.region_names(document.region)
        self.bases = sorted(place_aliases(document.region), key=len) if document.region else []
        self.level = search_form(document.region)[-1:] if document.region else ""
        self.defined = document_abbreviations(document.text)
        self._known = {_simple(n) for n in written if has_department_ending(n)}

    def canonical(self, written: str, shared_prefix: str = "") -> str:
        name = written
        if shared_prefix and _bare_bureau(name, self.bases):
            name = shared_prefix + name
        form = _simple(name)
        if form in self.defined:
            return self.defined[form]
        if is_bare_short_form(name) and (found := self._by_document(form)):
            return self._script(found)
        if form in self.region_names:
            return self._script(self.region_names[form])
        short = self.table.shorten(name)
        return name if short == form else self._script(short)

    def _by_document(self, bare: str) -> str:
        levels = {self.level} if self.level else set(LEVEL_CHARS)
        matches = {
            known
            for known in self._known
            if known[:1] in levels and known[1:-1] == bare and known.endswith(_BUREAU_ENDINGS)
        }
        return matches.pop() if len(matches) == 1 else ""

    def _script(self, name: str) -> str:
        return to_traditional(name) if self.document.script == "traditional" else name

    def qualified(self, canonical: str) -> str:
        return qualified_name(canonical, self.document.region)


def qualified_name(canonical: str, region: str) -> str:
    """The department with its place: 市质监局 of 太原市 -> 太原市质监局."""
    if not region:
        return canonical
    bases = sorted(place_aliases(region), key=len)
    form = search_form(canonical)
    if any(form.startswith(b) for b in bases):
        return canonical
    return bases[0] + canonical
