"""The duty matrix of a corpus: every task assignment, and who is who.

Built by pure functions from documents and outlines (what every index holds), and
computed once per opened index (``matrix_for_index``, keyed by the index's build and
documents), so no store backend needs to know about it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from qa.config import Settings
from qa.duties.extract import extract_duties
from qa.duties.names import DEFAULT_ALIASES, AliasTable, document_abbreviations, qualified_name
from qa.errors import QAError
from qa.retrieve.places import names_document, place_aliases
from qa.store.index import SearchIndex
from qa.textnorm import search_form
from qa.types import DepartmentMention, Document, Duty, Section

Role = Literal["lead", "cooperating", "any"]
ROLES: tuple[Role, ...] = ("lead", "cooperating", "any")


@dataclass(frozen=True)
class Department:
    """One department of one region, with every way the documents write it."""

    key: tuple[str, str]  # (region or doc id, canonical name in search form)
    canonical: str  # as the documents abbreviate it, e.g. 市质监局
    qualified: str  # with its place: 太原市质监局
    region: str
    written: tuple[str, ...]  # the forms written, e.g. (市場監管局, 盟市場監管局)


class DutyMatrix:
    """Duty rows in corpus order, with department lookup and selection."""

    def __init__(self, documents: Mapping[str, Document], duties: Sequence[Duty]) -> None:
        self.documents = dict(documents)
        self.duties = tuple(duties)

    def document_of(self, duty: Duty) -> Document:
        return self.documents[duty.doc_id]

    def key(self, duty: Duty, mention: DepartmentMention) -> tuple[str, str]:
        document = self.documents[duty.doc_id]
        return (document.region or document.doc_id, search_form(mention.canonical))

    def qualified(self, duty: Duty, mention: DepartmentMention) -> str:
        return qualified_name(mention.canonical, self.documents[duty.doc_id].region)

    @cached_property
    def departments(self) -> dict[tuple[str, str], Department]:
        """Every department named in the matrix, in order of first mention."""
        written: dict[tuple[str, str], list[str]] = {}
        first: dict[tuple[str, str], tuple[Duty, DepartmentMention]] = {}
        for duty in self.duties:
            for mention in duty.lead_departments + duty.cooperating_departments:
                key = self.key(duty, mention)
                first.setdefault(key, (duty, mention))
                forms = written.setdefault(key, [])
                if mention.written not in forms:
                    forms.append(mention.written)
        out = {}
        for key, (duty, mention) in first.items():
            document = self.documents[duty.doc_id]
            out[key] = Department(
                key=key,
                canonical=mention.canonical,
                qualified=self.qualified(duty, mention),
                region=document.region,
                written=tuple(written[key]),
            )
        return out

    @cached_property
    def abbreviations(self) -> dict[str, dict[str, str]]:
        """Per document: full names it defines (以下简称) -> the abbreviation."""
        return {doc_id: document_abbreviations(d.text) for doc_id, d in self.documents.items()}

    # -- lookup -----------------------------------------------------------------------
    def find_departments(
        self, name: str, aliases: AliasTable, doc_ids: Iterable[str] = ()
    ) -> list[Department]:
        """The departments a name designates: 太原市质监局 one, 市质监局 every region's.

        A place in the name (太原市质监局, 东莞检验检疫局, 阿拉善盟市场监管局) restricts it to
        that region; without one, the canonical name matches in every document (or in
        ``doc_ids`` when given). Full names are shortened by the alias table first.
        """
        form = search_form(name).strip("?？。")
        if not form:
            return []
        forms = {form, aliases.shorten(form)}
        for definitions in self.abbreviations.values():
            for full, short in definitions.items():
                if form.endswith(full):
                    forms.add(form[: -len(full)] + search_form(short))
        allowed = set(doc_ids) or set(self.documents)
        places = {
            d.doc_id for d in self.documents.values() if any(f.startswith(_bases(d)) for f in forms)
        }
        found = [
            d
            for d in self.departments.values()
            if self._in(d, allowed)
            and (
                search_form(d.qualified) in forms
                or (search_form(d.canonical) in forms and not places)
            )
        ]
        if found:
            return found
        # 质监局 for 市质监局, 市场监管局 for 盟市场监管局: a level prefix left out.
        return [
            d
            for d in self.departments.values()
            if self._in(d, allowed)
            and not places
            and search_form(d.canonical)[1:] in forms
            and len(search_form(d.canonical)) > 3
        ]

    def _in(self, department: Department, doc_ids: set[str]) -> bool:
        return any(
            (d.region or d.doc_id) == department.key[0]
            for d in self.documents.values()
            if d.doc_id in doc_ids
        )

    def select(
        self,
        *,
        doc_ids: Iterable[str] = (),
        region: str = "",
        departments: Iterable[Department] | None = None,
        role: Role = "any",
    ) -> list[Duty]:
        """Rows of these documents / this region, naming these departments in this role."""
        wanted_docs = set(doc_ids)
        keys = {d.key for d in departments} if departments is not None else None
        out = []
        for duty in self.duties:
            document = self.documents[duty.doc_id]
            if wanted_docs and duty.doc_id not in wanted_docs:
                continue
            if region and not names_document(region, document):
                continue
            if keys is not None and not self.names_any(duty, keys, role):
                continue
            out.append(duty)
        return out

    def names_any(self, duty: Duty, keys: set[tuple[str, str]], role: Role) -> bool:
        mentions = {
            "lead": duty.lead_departments,
            "cooperating": duty.cooperating_departments,
            "any": duty.lead_departments + duty.cooperating_departments,
        }[role]
        return any(self.key(duty, m) in keys for m in mentions)

    def role_of(self, duty: Duty, keys: set[tuple[str, str]]) -> str:
        """牵头 / 配合 / 牵头、配合 for a department in a row ("" when not named)."""
        roles = []
        if any(self.key(duty, m) in keys for m in duty.lead_departments):
            roles.append("牵头")
        if any(self.key(duty, m) in keys for m in duty.cooperating_departments):
            roles.append("配合")
        return "、".join(roles)


def _bases(document: Document) -> tuple[str, ...]:
    return tuple(place_aliases(document.region)) if document.region else ()


def build_matrix(
    documents: Sequence[Document],
    outlines: Mapping[str, Sequence[Section]],
    aliases: AliasTable,
) -> DutyMatrix:
    """The matrix of a corpus (pure)."""
    duties: list[Duty] = []
    for document in documents:
        duties.extend(extract_duties(document, outlines.get(document.doc_id, ()), aliases))
    return DutyMatrix({d.doc_id: d for d in documents}, duties)


_CACHE: OrderedDict[tuple[object, ...], DutyMatrix] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def matrix_for_index(index: SearchIndex, alias_path: Path = DEFAULT_ALIASES) -> DutyMatrix:
    """The matrix of an opened index, computed once per build (and alias table)."""
    key = (
        index.info.build_id,
        index.info.corpus_hash,
        tuple((d.doc_id, d.content_hash) for d in index.documents.values()),
        str(alias_path),
    )
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    matrix = build_matrix(
        list(index.documents.values()), index.outlines, AliasTable.load(alias_path)
    )
    with _LOCK:
        _CACHE[key] = matrix
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return matrix


def open_matrix(settings: Settings) -> tuple[DutyMatrix, str]:
    """The matrix of the current index when it is up to date, else of the corpus folder.

    Returns it with where it came from ("index" or "corpus"); both give the same rows,
    since the index holds exactly the parsed documents and outlines.
    """
    from qa.ingest.corpus import corpus_hash, load_corpus
    from qa.ingest.parse import parse
    from qa.store import open_backend

    documents = load_corpus(settings.corpus_dir)
    try:
        index = open_backend(settings).open(corpus_hash=corpus_hash(documents))
    except QAError:
        outlines = {d.doc_id: parse(d, settings).sections for d in documents}
        return build_matrix(documents, outlines, AliasTable.load(settings.duty_aliases)), "corpus"
    return matrix_for_index(index, settings.duty_aliases), "index"
