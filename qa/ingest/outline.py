"""A document's outline: numbered headings found by general rules, as a Section tree.

Rules (see also /work/shared/notes/outline-conventions.md):

- A marker counts only at the start of a line (after indentation and after a Markdown
  ``#`` prefix), outside web chrome, followed by plausible heading text: not ``1.1``,
  ``1.5亿元``, ``2014年``, ``12315、``, ``第十条第二款`` or ``（二）项``.
- Styles: 一、 / （一） (一) / 1. 1、 １． / （1） (1) / ① and the legal ladder
  第X编 > 第X章 > 第X节 > 第X条. Markdown headings without a marker are sections too.
- Levels follow the order in which styles first appear in *this* document, except
  that legal styles (and Markdown depths) keep their natural order among themselves,
  and Markdown headings of one depth share a level.
- Sequence: a numbered heading is accepted when it is the next number of its style
  (continuing an open sibling, or running on across parents: 太原's (六) under 二、),
  or 1/一 starting the style under a new parent. Legal numbers need only increase.
- Heading text: an inline heading is the phrase before the first 。 with the body
  following on the same line ("(一)重大意义。质量是……" -> "重大意义"); a heading on
  its own line is the whole line without marker and trailing punctuation. A numbered
  paragraph without a short opening phrase gets its first clause (cut at 30 chars,
  marked "…"). 第X条 articles get heading "" (label "第X条"; the article is its text).
- Trailing paragraphs: when every child of a parent is a one-line, inline-headed item
  and the last such item is followed by unnumbered paragraphs, those paragraphs are
  the parent's closing text (太原's final paragraphs, 厦门's 本意见自发布之日起实施),
  not part of the last item. Not applied to legal articles, whose 款 are paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import cn2an

from qa.ingest.noise import Line, line_table
from qa.types import Section

_CN = "一二三四五六七八九十百千零〇两"
_LEGAL_KINDS = {"bian": 0, "zhang": 1, "jie": 2, "tiao": 3}
_LEGAL_CHAR = {"编": "bian", "章": "zhang", "节": "jie", "条": "tiao"}
_MD = re.compile(r"(#{1,6})[ \t\u3000]+")
_LEGAL = re.compile(rf"第([{_CN}]+|[0-9０-９]{{1,4}})([编章节条])(?:之([{_CN}]+|[0-9]+))?")
_CN_DUN = re.compile(rf"([{_CN}]{{1,4}})、")
_CN_PAREN = re.compile(rf"[（(]([{_CN}]{{1,4}})[）)]")
_AR_DOT = re.compile(r"([0-9０-９]{1,3})(?:、|[.．](?![0-9０-９]))")
_AR_PAREN = re.compile(r"[（(]([0-9０-９]{1,3})[）)]")
_CIRCLED = re.compile(r"[①-⑳]")
# After 第X条 with no space, these start a reference (第十条第二款, 第十条规定), not text.
_REFERENCE_NEXT = set("第之的和及或与中至到所项款规修、，,。；;）)")
_BAD_FIRST = set("、，,。.．；;：:）)]】」』%％·-—～~/")
_QUANTIFIERS = set("项款号年月日")  # （二）项 is a reference, 目标 is a heading
_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
_TRAILING = "。；;，,：:！？! \t\u3000"
_INLINE_HEADING_MAX = 50
_OWN_LINE_HEADING_MAX = 60
_OPENING_WORDS_MAX = 30


@dataclass
class _Node:
    line: int
    kind: str
    ordinal: int
    suffix: int
    number: str
    heading: str
    inline: bool
    start: int
    children: list[_Node] = field(default_factory=list)
    level: int = 0
    last_line: int = 0


@dataclass(frozen=True)
class _Candidate:
    kind: str
    ordinal: int
    suffix: int
    number: str
    heading: str
    inline: bool
    start: int
    md_depth: int


@lru_cache(maxsize=4096)
def _ordinal(numeral: str) -> int:
    if numeral.isdigit():
        return int(numeral)
    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError):
        return -1


def _opening_words(rest: str) -> str:
    m = _CLAUSE_END.search(rest)
    head = rest[: m.start()] if m else rest
    head = head.strip()
    return head if len(head) <= _OPENING_WORDS_MAX else head[:_OPENING_WORDS_MAX] + "…"


def _heading_text(rest: str) -> tuple[str, bool]:
    """(heading, inline) for the text after a marker."""
    body = rest.rstrip(" \t\u3000")
    m = _SENTENCE_END.search(body)
    if m and m.end() < len(body):
        head = body[: m.start()].strip()
        if 0 < len(head) <= _INLINE_HEADING_MAX:
            return head, True
        return _opening_words(body), True
    head = body.rstrip(_TRAILING).strip()
    if len(head) <= _OWN_LINE_HEADING_MAX:
        return head, False
    return _opening_words(body), True


def _plausible(rest: str) -> bool:
    text = rest.lstrip(" \t\u3000")
    if not text:
        return False
    first = text[0]
    return first not in _BAD_FIRST and first not in _QUANTIFIERS and not first.isdigit()


def _candidate(content: str, offset: int) -> _Candidate | None:
    """The heading a line's content would start, before any sequence check."""
    md_depth = 0
    md = _MD.match(content)
    if md:
        md_depth = len(md.group(1))
        offset += md.end()
        content = content[md.end() :]
    found = _marker(content, offset, md_depth)
    if found is None and md_depth and content.strip():
        heading = content.strip().rstrip(_TRAILING)
        return _Candidate(f"md{md_depth}", 0, 0, "", heading, False, offset, md_depth)
    return found


def _marker(content: str, offset: int, md_depth: int) -> _Candidate | None:
    m = _LEGAL.match(content)
    if m:
        kind = _LEGAL_CHAR[m.group(2)]
        rest = content[m.end() :]
        glued = bool(rest) and not rest[0].isspace()
        if glued and (rest[0] in _REFERENCE_NEXT or (kind != "tiao" and len(rest) > 30)):
            return None
        ordinal = _ordinal(m.group(1))
        suffix = _ordinal(m.group(3)) if m.group(3) else 0
        if ordinal < 0 or suffix < 0:
            return None
        heading = "" if kind == "tiao" else rest.strip().rstrip(_TRAILING)
        return _Candidate(
            kind, ordinal, suffix, m.group(0), heading, bool(rest.strip()), offset, md_depth
        )
    for kind, pattern in (
        ("cn_dun", _CN_DUN),
        ("cn_paren", _CN_PAREN),
        ("arabic_paren", _AR_PAREN),
        ("arabic_dot", _AR_DOT),
        ("circled", _CIRCLED),
    ):
        m = pattern.match(content)
        if not m:
            continue
        rest = content[m.end() :]
        if not _plausible(rest):
            return None
        ordinal = ord(m.group(0)) - ord("①") + 1 if kind == "circled" else _ordinal(m.group(1))
        if ordinal <= 0:
            return None
        heading, inline = _heading_text(rest)
        return _Candidate(kind, ordinal, 0, m.group(0), heading, inline, offset, md_depth)
    return None


class _Levels:
    """Ordered level slots; kinds in one slot share a level."""

    def __init__(self) -> None:
        self.slots: list[list[str]] = []
        self.md_depth: dict[str, int] = {}
        self.index: dict[str, int] = {}

    def level(self, kind: str) -> int:
        return self.index[kind] + 1

    def known(self, kind: str) -> bool:
        return kind in self.index

    def add(self, kind: str, md_depth: int) -> None:
        if kind in self.index:
            return
        if md_depth:
            self.md_depth[kind] = md_depth
            for slot in self.slots:
                if any(self.md_depth.get(k) == md_depth for k in slot):
                    slot.append(kind)
                    self._reindex()
                    return
        position = len(self.slots)
        rank = _natural_rank(kind, md_depth)
        if rank is not None:
            for i, slot in enumerate(self.slots):
                if any(
                    (r := _natural_rank(k, self.md_depth.get(k, 0))) is not None and r > rank
                    for k in slot
                ):
                    position = i
                    break
        self.slots.insert(position, [kind])
        self._reindex()

    def _reindex(self) -> None:
        self.index = {k: i for i, slot in enumerate(self.slots) for k in slot}


def _natural_rank(kind: str, md_depth: int) -> float | None:
    if md_depth:
        return float(md_depth)
    if kind in _LEGAL_KINDS:
        # Below any Markdown depth used for chapters (## 第一章), in ladder order.
        return 10.0 + _LEGAL_KINDS[kind]
    return None


def _accept(cand: _Candidate, stack: list[_Node], last: dict[str, tuple[int, int]]) -> bool:
    if cand.kind.startswith("md"):
        return True
    open_node = next((n for n in reversed(stack) if n.kind == cand.kind), None)
    key = (cand.ordinal, cand.suffix)
    if cand.kind in _LEGAL_KINDS:
        if open_node is not None:
            return key > (open_node.ordinal, open_node.suffix)
        previous = last.get(cand.kind)
        return previous is None or cand.ordinal == 1 or key > previous
    if cand.suffix:
        return False
    if open_node is not None:
        return cand.ordinal == open_node.ordinal + 1
    previous = last.get(cand.kind)
    if previous is None:
        return cand.ordinal == 1
    return cand.ordinal in (1, previous[0] + 1)


@lru_cache(maxsize=8)
def parse_outline(text: str) -> tuple[Section, ...]:
    """Top-level sections of ``text`` (children nested), spans indexing ``text``.

    Cached: metadata extraction and chunking both need the outline of one text, and
    the result is immutable.
    """
    table, flags = line_table(text)
    lines, noise = list(table), list(flags)
    contents = [ln.content(text) for ln in lines]
    content_lines = [i for i, c in enumerate(contents) if c and not noise[i]]
    if not content_lines:
        return ()
    title_line = content_lines[0] if contents[content_lines[0]].startswith("# ") else -1

    levels = _Levels()
    stack: list[_Node] = []
    last: dict[str, tuple[int, int]] = {}
    nodes: list[_Node] = []
    for i in content_lines:
        if i == title_line:
            continue
        cand = _candidate(contents[i], lines[i].content_start)
        if cand is None:
            continue
        if not _accept(cand, stack, last):
            if not cand.md_depth:
                continue
            heading = _MD.sub("", contents[i], count=1).strip().rstrip(_TRAILING)
            cand = _Candidate(
                f"md{cand.md_depth}", 0, 0, "", heading, False, cand.start, cand.md_depth
            )
        levels.add(cand.kind, cand.md_depth)
        level = levels.level(cand.kind)
        while stack and levels.level(stack[-1].kind) >= level:
            stack.pop()
        node = _Node(
            i,
            cand.kind,
            cand.ordinal,
            cand.suffix,
            cand.number,
            cand.heading,
            cand.inline,
            cand.start,
        )
        stack.append(node)
        nodes.append(node)
        last[cand.kind] = (cand.ordinal, cand.suffix)
    if not nodes:
        return ()
    roots = _build_tree(nodes, levels)
    is_content = [bool(c) and not noise[i] for i, c in enumerate(contents)]
    _assign_extents(roots, len(lines), is_content)
    _detach_closing_paragraphs(roots)
    return tuple(_freeze(n, lines, is_content) for n in roots)


def _build_tree(nodes: list[_Node], levels: _Levels) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    for node in nodes:
        node.level = levels.level(node.kind)
        while stack and stack[-1].level >= node.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _assign_extents(siblings: list[_Node], boundary: int, is_content: list[bool]) -> None:
    """Set each node's last content line: up to the next sibling (or the boundary)."""
    for k, node in enumerate(siblings):
        stop = siblings[k + 1].line if k + 1 < len(siblings) else boundary
        last_line = stop - 1
        while last_line > node.line and not is_content[last_line]:
            last_line -= 1
        node.last_line = last_line
        _assign_extents(node.children, stop, is_content)


def _one_line_item(node: _Node) -> bool:
    return not node.children and node.inline and node.last_line == node.line


def _detach_closing_paragraphs(siblings: list[_Node]) -> None:
    for node in siblings:
        _detach_closing_paragraphs(node.children)
    if len(siblings) < 2 or any(
        n.kind in _LEGAL_KINDS or n.kind.startswith("md") for n in siblings
    ):
        return
    *items, final = siblings
    if all(_one_line_item(n) for n in items) and not final.children and final.inline:
        final.last_line = final.line


def _freeze(node: _Node, lines: list[Line], is_content: list[bool]) -> Section:
    end = lines[node.last_line].end
    children = tuple(_freeze(c, lines, is_content) for c in node.children)
    if node.children:
        own_last = node.children[0].line - 1
        while own_last > node.line and not is_content[own_last]:
            own_last -= 1
        body_end = lines[max(own_last, node.line)].end
    else:
        body_end = end
    return Section(
        level=node.level,
        kind=node.kind,
        number=node.number,
        heading=node.heading,
        span=(node.start, end),
        body_span=(node.start, body_end),
        children=children,
    )


def walk(
    sections: tuple[Section, ...] | list[Section],
) -> list[tuple[tuple[Section, ...], Section]]:
    """Every section in document order with its ancestors (outermost first)."""
    out: list[tuple[tuple[Section, ...], Section]] = []

    def visit(section: Section, ancestors: tuple[Section, ...]) -> None:
        out.append((ancestors, section))
        for child in section.children:
            visit(child, (*ancestors, section))

    for section in sections:
        visit(section, ())
    return out
