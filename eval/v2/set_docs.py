"""The v2 set's documents parsed into their sections, and the text helpers the checks
share (script, normal form, shared runs, bigrams); errors and warnings collected here."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from set_rules import (
    CORPUS_DIR,
    HERE,
    LAWS_DIR,
    RE_ARTICLE,
    RE_CHAPTER,
    RE_L1,
    RE_L2,
    RE_L3,
    RE_SECTION_TOKEN,
    REGIONS,
    S2T,
    T2S,
    TRADITIONAL_DOCS,
)

errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def warn(msg: str) -> None:
    warnings.append(msg)


def nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def t2s(s: str) -> str:
    return T2S.convert(s) if T2S else s


def norm(s: str) -> str:
    """Normalisation used for the reworded and placeless checks."""
    return t2s(nows(unicodedata.normalize("NFKC", s)).lower())


def script_of(text: str) -> str | None:
    """'trad', 'simp' or None (undecidable) for a question."""
    if not (T2S and S2T):
        return None
    t = nows(text)
    trad = sum(1 for a, b in zip(t, T2S.convert(t), strict=False) if a != b)
    simp = sum(1 for a, b in zip(t, S2T.convert(t), strict=False) if a != b)
    if trad and not simp:
        return "trad"
    if simp and not trad:
        return "simp"
    if trad and simp:
        return "trad" if trad > simp else "simp"
    return None


# ----------------------------------------------------------------------------- documents
class Doc:
    def __init__(self, name: str, path: Path, kind: str, title: str, text: str):
        self.name, self.path, self.kind, self.title, self.text = name, path, kind, title, text
        self.flat = nows(text)
        self.norm = norm(text)
        self.script = "trad" if name in TRADITIONAL_DOCS else "simp"
        self.units: list[tuple[tuple[str, ...], str]] = []  # (path, line text)
        self.has_chapters = False
        if kind == "policy":
            self._parse_policy()
        else:
            self._parse_law()

    def _parse_policy(self) -> None:
        l1 = l2 = l3 = None
        for raw in self.text.splitlines():
            line = raw.strip()
            if not line:
                continue
            m1, m2, m3 = RE_L1.match(line), RE_L2.match(line), RE_L3.match(line)
            if m1:
                l1, l2, l3 = m1.group(1) + "、", None, None
            elif m2:
                l2, l3 = "（" + m2.group(1) + "）", None
            elif m3 and l1:
                l3 = str(int(m3.group(1))) + "."
            path = tuple(x for x in (l1, l2, l3) if x)
            self.units.append((path, line))

    def _parse_law(self) -> None:
        chapter = article = None
        for raw in self.text.splitlines():
            line = raw.strip()
            if not line:
                continue
            mc = RE_CHAPTER.match(line)
            if mc:
                chapter, article = mc.group(1), None
                self.has_chapters = True
                continue
            if line.startswith("#"):
                continue
            ma = RE_ARTICLE.match(line)
            if ma:
                article = ma.group(1)
            if article is None:
                continue  # header / preamble
            path = tuple(x for x in (chapter, article) if x)
            self.units.append((path, line))

    def section_text(self, section: str) -> str | None:
        if self.kind == "policy":
            tokens = tuple(RE_SECTION_TOKEN.findall(section))
            if not tokens or "".join(tokens) != nows(section):
                return None
        else:
            tokens = tuple(section.split())
            if not tokens:
                return None
            if self.has_chapters and len(tokens) != 2:
                return None
            if not self.has_chapters and len(tokens) != 1:
                return None
        lines = [t for p, t in self.units if p[: len(tokens)] == tokens]
        return nows("".join(lines)) if lines else None


def load_docs(corpus_list: Path | None = None) -> tuple[dict[str, Doc], list[Doc]]:
    """The five policy documents by region, and the regulations of ``corpus_list``
    (eval/v2/corpus.txt unless given)."""
    regions: dict[str, Doc] = {}
    for name, prefix in REGIONS.items():
        files = sorted(CORPUS_DIR.glob(prefix + "-*.txt"))
        if len(files) != 1:
            err(f"corpus: expected one file {prefix}-*.txt for {name}, found {len(files)}")
            continue
        text = files[0].read_text(encoding="utf-8")
        regions[name] = Doc(name, files[0], "policy", name, text)
    laws: list[Doc] = []
    corpus_list = corpus_list or HERE / "corpus.txt"
    for ln in corpus_list.read_text(encoding="utf-8").splitlines():
        ln = ln.strip()
        if not ln or ln.startswith("#"):
            continue
        p = LAWS_DIR / ln
        if not p.is_file():
            err(f"{corpus_list.name}: missing file {p}")
            continue
        text = p.read_text(encoding="utf-8")
        title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), None)
        if not title:
            err(f"{corpus_list.name}: no '# title' line in {p}")
            continue
        laws.append(Doc(title, p, "law", title, text))
    titles = [d.title for d in laws]
    if len(set(titles)) != len(titles):
        err(f"{corpus_list.name}: two files share a title (one version per law)")
    return regions, laws


def resolve(name: str, regions: dict[str, Doc], laws: list[Doc]) -> Doc | None:
    if name in regions:
        return regions[name]
    hits = [d for d in laws if name in d.title]
    if len(hits) == 1 and name:
        return hits[0]
    return None


# ----------------------------------------------------------------------------- checks
def longest_shared_run(q: str, doc: Doc) -> int:
    qn = norm(q)
    best = 0
    k = 1
    while k <= len(qn):
        if any(qn[i : i + k] in doc.norm for i in range(len(qn) - k + 1)):
            best = k
            k += 1
        else:
            break
    return best


def bigrams(s: str) -> set[str]:
    s = norm(s)
    s = re.sub(r"[^\w]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
