"""Lines of a document and which of them are web-page chrome rather than content.

Policy documents copied from government web sites carry navigation, share buttons,
site notices and footers. These rules recognise such lines by their *kind*, never by
their exact wording in one page:

- site-notice keywords (扫一扫, 返回顶部, 备案号/ICP备, 主办单位, 网站地图, 分享到 …),
  matched in both scripts, on short lines only;
- header label lines of a reposting site (来源: / 时间: 2022-07-23 09:01 / 导语: …)
  and any short line carrying a web timestamp (yyyy-mm-dd hh:mm);
- lines that are only punctuation or symbols, and whole-line HTML comments;
- in the head and tail zones (before the first and after the last prose line), runs
  of three or more very short menu lines (头部 / ico / 相关附件 / 媒体报道 …);
- in the tail zone, any short line without sentence punctuation: footers, menu
  leftovers, and a bare signature or date line after the last paragraph, which is
  metadata (qa.metadata reads it) but not citable content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qa.textnorm import to_traditional
from qa.types import Span

_INDENT = " \t\u3000\u00a0\r"
# A line with one of these is a sentence of prose, not a label or menu entry.
_SENTENCE_PUNCT = re.compile(r"[。！？；!?;]")
_CLAUSE_PUNCT = re.compile(r"[，,、]")
_HAS_WORD = re.compile(
    r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
)
_HTML_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_DOTTED_NUMBER = re.compile(r"\d+(?:\.\d+)+")
_TIMESTAMP = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*\d{1,2}:\d{2}")
# Outline markers: a line starting with one is never chrome.
_MARKER_START = re.compile(
    r"^(?:#{1,6}\s*)?(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d０-９]+[）)]"
    r"|[0-9０-９]{1,3}[.．、](?![0-9])|[①-⑳]|第[一二三四五六七八九十百千零〇两\d]+[编章节条])"
)

# Site chrome words, written in simplified; _both_scripts also accepts the
# traditional spelling of each character.
# Never found in a policy text, so they mark chrome even inside a sentence.
_STRONG_CHROME_WORDS = (
    "扫一扫",
    "返回顶部",
    "回到顶部",
    "即将离开",
    "不代表本站",
    "本站观点",
    "网友上传",
    "ICP备",
    "公网安备",
    "网站标识码",
)
# Chrome only on a line that is not a sentence (no 。；！？), e.g. a footer or a button.
_WEAK_CHROME_WORDS = (
    "扫描二维码",
    "二维码",
    "打印本页",
    "关闭窗口",
    "关注我们",
    "网站地图",
    "联系我们",
    "分享到",
    "文章关键词",
    "关键词：",
    "相关新闻",
    "相关附件",
    "相关链接",
    "相关阅读",
    "上一篇",
    "下一篇",
    "是否继续",
    "版权所有",
    "技术支持：",
    "主办单位：",
    "承办单位：",
    "备案号",
    "【字体",
    "字号：",
    "当前位置",
    "您的位置",
    "浏览次数",
    "阅读次数",
    "点击数",
    "收藏本页",
    "设为首页",
    "加入收藏",
    "手机阅读",
    "手机打开",
)
# Labels a reposting site puts in front of a value at the start of a line.
_LABEL_WORDS = (
    "信息来源",
    "来源",
    "发布机构",
    "发布日期",
    "发布时间",
    "导语",
    "作者",
    "责任编辑",
    "编辑",
    "浏览",
)
_DATED_LABEL_WORDS = ("时间", "日期")

# Lines longer than this are prose even if they mention a chrome word.
_CHROME_MAX_CHARS = 160
_MENU_MAX_CHARS = 8
_MENU_RUN = 3
_TAIL_MAX_CHARS = 20
# A line this long with clause punctuation counts as prose even without a full stop.
_PROSE_MIN_CHARS = 30


@dataclass(frozen=True)
class Line:
    """One line of a text: ``text[start:end]`` without its line break."""

    start: int
    end: int
    content_start: int  # after indentation

    def content(self, text: str) -> str:
        return text[self.content_start : self.end].rstrip(_INDENT)


_LINE = re.compile(r"[^\n]*")


def split_lines(text: str) -> list[Line]:
    """All lines of ``text`` (``\\n`` separated; a trailing ``\\r`` is not content)."""
    lines: list[Line] = []
    pos = 0
    length = len(text)
    while pos <= length:
        m = _LINE.match(text, pos)
        assert m is not None  # the pattern matches the empty string
        end = m.end()
        content_end = end
        while content_end > pos and text[content_end - 1] == "\r":
            content_end -= 1
        content_start = pos
        while content_start < content_end and text[content_start] in _INDENT:
            content_start += 1
        lines.append(Line(pos, content_end, content_start))
        pos = end + 1
    return lines


def _both_scripts(word: str) -> str:
    parts = []
    for char in word:
        trad = to_traditional(char)
        if char in "：:":
            parts.append("[：:]")
        elif trad != char and len(trad) == 1:
            parts.append(f"[{re.escape(char)}{re.escape(trad)}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    strong = re.compile("|".join(_both_scripts(w) for w in _STRONG_CHROME_WORDS), re.IGNORECASE)
    weak = re.compile("|".join(_both_scripts(w) for w in _WEAK_CHROME_WORDS), re.IGNORECASE)
    label = re.compile(r"^(?:" + "|".join(_both_scripts(w) for w in _LABEL_WORDS) + r")\s*[:：]")
    dated = re.compile(
        r"^(?:" + "|".join(_both_scripts(w) for w in _DATED_LABEL_WORDS) + r")\s*[:：]\s*\d{4}"
    )
    return strong, weak, label, dated


def is_noise_line(line: str) -> bool:
    """Chrome recognisable from the line alone, wherever it stands in the document."""
    stripped = line.strip(_INDENT + "\n")
    if not stripped:
        return False
    if _HTML_COMMENT.match(stripped):
        return True
    if not _HAS_WORD.search(stripped):
        # Only symbols; a Markdown table rule (|---|) is structure, not chrome.
        return not stripped.startswith("|")
    if (
        len(stripped) > _CHROME_MAX_CHARS
        or stripped.startswith("#")
        or _MARKER_START.match(stripped)
    ):
        return False
    strong, weak, label, dated = _patterns()
    if strong.search(stripped) or label.match(stripped) or dated.match(stripped):
        return True
    if weak.search(stripped) and not _SENTENCE_PUNCT.search(stripped):
        return True
    return bool(_TIMESTAMP.search(stripped)) and len(stripped) <= 100


def is_prose_line(line: str) -> bool:
    stripped = line.strip(_INDENT)
    if _SENTENCE_PUNCT.search(stripped):
        return True
    return len(stripped) >= _PROSE_MIN_CHARS and bool(_CLAUSE_PUNCT.search(stripped))


def _is_menu_entry(line: str) -> bool:
    stripped = re.sub(r"\s+", "", line)
    return (
        0 < len(stripped) <= _MENU_MAX_CHARS
        and not _SENTENCE_PUNCT.search(stripped)
        and not re.search(r"\d", stripped)
        and not _MARKER_START.match(stripped)
    )


def _is_tail_leftover(line: str) -> bool:
    stripped = re.sub(r"\s+", "", line)
    if stripped.startswith("|") or _DOTTED_NUMBER.match(stripped):
        return False  # a table row or a numbered clause (6.19 …) is content
    return (
        0 < len(stripped) <= _TAIL_MAX_CHARS
        and not _SENTENCE_PUNCT.search(stripped)
        and not _MARKER_START.match(stripped)
    )


def noise_flags(text: str, lines: list[Line] | None = None) -> list[bool]:
    """One flag per line of ``split_lines(text)``: True where the line is chrome."""
    lines = split_lines(text) if lines is None else lines
    contents = [ln.content(text) for ln in lines]
    flags = [is_noise_line(c) for c in contents]
    prose = [i for i, c in enumerate(contents) if not flags[i] and is_prose_line(c)]
    if not prose:
        return flags
    first_prose, last_prose = prose[0], prose[-1]
    for i in range(last_prose + 1, len(lines)):
        if not flags[i] and _is_tail_leftover(contents[i]):
            flags[i] = True
    _flag_menu_runs(contents, flags, range(0, first_prose))
    return flags


def _flag_menu_runs(contents: list[str], flags: list[bool], zone: range) -> None:
    run: list[int] = []
    for i in [*zone, -1]:
        if i >= 0 and not contents[i].strip():
            continue  # blank lines do not break a menu
        if i >= 0 and (flags[i] or _is_menu_entry(contents[i])):
            run.append(i)
            continue
        if sum(1 for j in run if not flags[j]) >= _MENU_RUN:
            for j in run:
                flags[j] = True
        run = []


@lru_cache(maxsize=8)
def line_table(text: str) -> tuple[tuple[Line, ...], tuple[bool, ...]]:
    """Lines of ``text`` and their chrome flags, cached: every ingestion step needs them."""
    lines = split_lines(text)
    return tuple(lines), tuple(noise_flags(text, lines))


def noise_line_spans(text: str) -> list[Span]:
    """Spans ``(start, end)`` of the chrome lines of ``text`` (line break excluded)."""
    lines, flags = line_table(text)
    return [(ln.start, ln.end) for ln, flag in zip(lines, flags, strict=True) if flag]
