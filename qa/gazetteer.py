"""Chinese administrative divisions: what counts as a place name.

The list comes from the maintained ``jionlp`` package (its dictionary/china_location.zip:
provinces, prefectures and counties with their codes and short names); the file is read
directly, without importing jionlp itself (its import loads far more than this needs).
A word is a place only if the gazetteer (or a document's own region) says so — never
because a part-of-speech tagger guessed "ns" (jieba tags 东西 as a place).

Which names count, and why:
- full names of provinces and prefectures (广东省, 深圳市, 阿拉善盟, 大理白族自治州);
- their short names (广东, 深圳, 阿拉善) when the question's segmentation has them as a
  whole word (so 长治久安 never yields 长治) and the word is not an ordinary word;
- full names of counties of three or more characters (浦东新区, 昆山市), except a few
  that are also ordinary words in policy text (新城区, 市中区 …); two-character county
  names (城区, 郊区, 和县) and county short names are too often ordinary words.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.textnorm import search_form

_LOCATION_FILE = ("dictionary", "china_location.zip", "china_location.txt")
# County names that are also ordinary words in policy documents.
_ORDINARY_COUNTIES = frozenset(
    {"新城区", "老城区", "城关区", "城中区", "城东区", "城西区", "城南区", "城北区", "市中区",
     "开发区", "高新区", "新华区", "和平区", "长安区", "中心区", "示范区", "新区"}
)  # fmt: skip
# Short names that are ordinary words (jieba's dictionary tags them as verbs, nouns …).
_ORDINARY_SHORT = frozenset(
    {"包头", "安康", "长治", "通化", "个旧", "白山", "红河", "中山", "永康"}
)
ADMIN_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|地区|省|市|盟|州|县|区|旗)$")


@dataclass(frozen=True)
class Gazetteer:
    full_names: frozenset[str]  # search forms
    short_names: frozenset[str]

    def names_in(self, text: str, words: tuple[str, ...]) -> list[str]:
        """Place names in ``text`` (search form), given its segmentation ``words``."""
        found: list[tuple[int, str]] = []
        for name in self.full_names:
            at = text.find(name)
            if at >= 0:
                found.append((at, name))
        position = 0
        for word in words:
            at = text.find(word, position)
            if word in self.short_names and not any(word in n for _, n in found):
                found.append((max(at, 0), word))
            position = max(position, at + len(word)) if at >= 0 else position
        # A name inside a longer found name (深圳 in 深圳市) is the same place.
        names = [n for _, n in sorted(found)]
        return [n for n in dict.fromkeys(names) if not any(n != m and n in m for m in names)]

    def is_place(self, name: str) -> bool:
        form = search_form(name)
        return form in self.full_names or form in self.short_names


def _location_file() -> Path | None:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent.joinpath(*_LOCATION_FILE[:2])


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    path = _location_file()
    full: set[str] = set()
    short: set[str] = set()
    if path is not None and path.is_file():
        with zipfile.ZipFile(path) as archive:
            text = archive.read(_LOCATION_FILE[2]).decode("utf-8")
        for line in text.splitlines():
            depth = len(line) - len(line.lstrip("\t"))
            if depth > 2:
                continue
            parts = line.strip().split("\t")
            name = search_form(parts[0])
            abbreviation = search_form(parts[2]) if len(parts) > 2 else ""
            if depth < 2:
                full.add(name)
                if len(abbreviation) >= 2 and abbreviation not in _ORDINARY_SHORT:
                    short.add(abbreviation)
            elif len(name) >= 3 and name not in _ORDINARY_COUNTIES:
                full.add(name)
    return Gazetteer(frozenset(full), frozenset(short))


def short_name(place: str) -> str:
    """厦门市 -> 厦门, 阿拉善盟 -> 阿拉善 (at least two characters left)."""
    form = search_form(place)
    stripped = ADMIN_SUFFIX.sub("", form)
    return stripped if len(stripped) >= 2 else form
