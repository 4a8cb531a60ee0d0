"""Research traditions: first-class, with tags on works, findings themes and memos.

A meta-narrative review maps its studies into traditions (linked studies that
share a paradigm, preferred methods and a storyline). Traditions come from
review.toml's [[tradition]] tables or are created in the TUI; works are
tagged with traditions, a method family and a country; findings themes state
what a tradition found, positive or negative, with the works behind it; memos
keep the audit trail of how the traditions were drafted. Everything is a log
in the library; what is current is derived here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Memo, Theme
from mnr.project import Settings, TraditionSpec

KINDS = ("tradition", "method", "country")
METHODS = ("quantitative", "qualitative", "mixed")
POLARITIES = ("positive", "negative")
SUBJECTS = ("review", "tradition", "work")
# Memo types: the reviewers' reflections on their own stance, notes of advisory-group
# meetings, and decisions taken (RAMESES asks for all three); old memos have none.
MEMO_TYPES = ("reflexive", "advisory-group", "decision")
GENERAL = "general"  # how a memo without a type is listed
CONCEPT_KINDS = ("concept", "theory")


@dataclass(frozen=True, slots=True)
class Tradition(TraditionSpec):
    """A research tradition, from review.toml or created in the TUI (kept in the library)."""

    source: str = "review.toml"  # or "library" (created in the TUI)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def traditions(library: Library, settings: Settings) -> list[Tradition]:
    """review.toml's traditions, then those created in the TUI (a name in review.toml wins)."""
    found = [Tradition(**asdict(spec)) for spec in settings.traditions]
    names = {t.name for t in found}
    for name, fields in library.synthesis.traditions().items():
        if name not in names:
            known = {k: v for k, v in fields.items() if k in TraditionSpec.__dataclass_fields__}
            found.append(Tradition(**{**known, "name": name}, source="library"))
    return found


def create_tradition(library: Library, settings: Settings, name: str,
                     **fields: Any) -> Tradition:
    """A tradition made outside review.toml (saving it again redrafts it)."""
    name = name.strip()
    if not name:
        raise MnrError("a tradition needs a name")
    if name in {t.name for t in settings.traditions}:
        raise MnrError(f"{name!r} is defined in review.toml; edit it there")
    unknown = set(fields) - set(TraditionSpec.__dataclass_fields__)
    if unknown:
        raise MnrError(f"traditions have no field {', '.join(sorted(unknown))}")
    library.synthesis.save_tradition(name, fields)
    return Tradition(name=name, **fields, source="library")


def _tradition_names(library: Library, settings: Settings) -> list[str]:
    return [t.name for t in traditions(library, settings)]


# -- tags ---------------------------------------------------------------------------


def current_tags(library: Library) -> dict[int, dict[str, list[str]]]:
    """work id -> kind -> values, in the order they were added (removals applied)."""
    tags: dict[int, dict[str, dict[str, None]]] = {}
    for entry in library.synthesis.tags():
        values = tags.setdefault(entry.work_id, {}).setdefault(entry.kind, {})
        if entry.action == "add":
            values[entry.value] = None
        else:
            values.pop(entry.value, None)
    current = {work: {kind: list(values) for kind, values in kinds.items() if values}
               for work, kinds in tags.items()}
    return {work: kinds for work, kinds in current.items() if kinds}


def tag(library: Library, settings: Settings, work_id: int, kind: str, value: str,
        tagged_by: str | None, remove: bool = False) -> None:
    """Tag a work (or take a tag back). A work has one method and one country (tagging
    another replaces it) and any number of traditions."""
    if kind not in KINDS:
        raise MnrError(f"a tag is one of {', '.join(KINDS)}, not {kind!r}")
    value = value.strip()
    if kind == "tradition" and value not in _tradition_names(library, settings):
        raise MnrError(f"there is no tradition {value!r}; traditions: "
                       f"{', '.join(_tradition_names(library, settings)) or 'none yet'}")
    if kind == "method":
        value = value.lower()
        if value not in METHODS:
            raise MnrError(f"a method family is one of {', '.join(METHODS)}, not {value!r}")
    if not value:
        raise MnrError(f"the {kind} is empty")
    if kind == "country":  # "england" is the "England" already used
        used = {v.lower(): v for kinds in current_tags(library).values()
                for v in kinds.get("country", [])}
        value = used.get(value.lower(), value)
    if work_id not in library.screening.work_ids():
        raise MnrError(f"W{work_id}: there is no such work")
    current = current_tags(library).get(work_id, {}).get(kind, [])
    if remove:
        if value not in current:
            raise MnrError(f"W{work_id} has no {kind} tag {value!r}")
        library.synthesis.tag([(work_id, kind, value, "remove")], tagged_by)
        return
    entries = [(work_id, kind, value, "add")]
    if kind != "tradition":  # one method family and one country per work
        entries = [(work_id, kind, old, "remove") for old in current if old != value] + entries
    library.synthesis.tag(entries, tagged_by)


def tag_work(library: Library, settings: Settings, work_id: int, given: dict[str, str],
             tagged_by: str | None, remove: bool = False) -> dict[str, list[str]]:
    """:func:`tag` with each kind and value given (or take them back), in that order; then
    the work's tags as they stand, kind -> values."""
    for kind, value in given.items():
        tag(library, settings, work_id, kind, value, tagged_by, remove=remove)
    return current_tags(library).get(work_id, {})


# -- themes and memos -----------------------------------------------------------------


def save_theme(library: Library, settings: Settings, tradition: str, statement: str,
               polarity: str, works: list[int], saved_by: str | None,
               theme_key: int | None = None, retired: bool = False,
               topic: str | None = None) -> int:
    """A findings theme of a tradition (new, or a redraft of ``theme_key``); ``topic``
    names what it speaks to across traditions, so that the themes of several traditions
    on one topic can be compared (see :func:`mnr.synthesis.traditions_report.matrix`)."""
    if tradition not in _tradition_names(library, settings):
        raise MnrError(f"there is no tradition {tradition!r}")
    if polarity not in POLARITIES:
        raise MnrError(f"a theme is positive or negative, not {polarity!r}")
    if not statement.strip():
        raise MnrError("the theme's statement is empty")
    missing = set(works) - library.screening.work_ids()
    if missing:
        raise MnrError(f"no such works: {', '.join(f'W{w}' for w in sorted(missing))}")
    return library.synthesis.save_theme(theme_key, tradition, statement.strip(), polarity,
                                        works, saved_by, retired,
                                        topic=(topic or "").strip() or None)


def themes(library: Library, tradition: str | None = None) -> list[Theme]:
    """The themes in force (not retired), of one tradition or all."""
    return [t for t in library.synthesis.themes()
            if not t.retired and (tradition is None or t.tradition == tradition)]


def add_memo(library: Library, settings: Settings, subject: str, about: str | None,
             author: str | None, text: str, memo_type: str | None = None) -> None:
    """A dated note on the review, a tradition (by name) or a work (by id), of one of
    ``MEMO_TYPES`` or general (None)."""
    if memo_type == GENERAL:
        memo_type = None
    if memo_type is not None and memo_type not in MEMO_TYPES:
        raise MnrError(f"a memo's type is one of {', '.join((*MEMO_TYPES, GENERAL))}, "
                       f"not {memo_type!r}")
    if subject not in SUBJECTS:
        raise MnrError(f"a memo is about one of {', '.join(SUBJECTS)}, not {subject!r}")
    if not text.strip():
        raise MnrError("the memo is empty")
    if subject == "tradition" and about not in _tradition_names(library, settings):
        raise MnrError(f"there is no tradition {about!r}")
    if subject == "work" and (about is None or not about.isdigit()
                              or int(about) not in library.screening.work_ids()):
        raise MnrError(f"there is no work {about!r}")
    library.synthesis.add_memo(subject, about if subject != "review" else None, author,
                               text.strip(), memo_type=memo_type)


def memos(library: Library, memo_type: str | None = None) -> list[Memo]:
    """The memos in the order written; of one type only if given ("general": untyped)."""
    found = library.synthesis.memos()
    if memo_type is None:
        return found
    if memo_type not in (*MEMO_TYPES, GENERAL):
        raise MnrError(f"a memo's type is one of {', '.join((*MEMO_TYPES, GENERAL))}, "
                       f"not {memo_type!r}")
    return [m for m in found if (m.memo_type or GENERAL) == memo_type]


# -- key concepts and theories, and the works that carry them --------------------------


def declared_concepts(library: Library, settings: Settings
                      ) -> dict[tuple[str, str], str]:
    """(tradition, concept or theory) -> "concept" or "theory", as the traditions declare
    them (review.toml, or a tradition created in the TUI), in their order."""
    found: dict[tuple[str, str], str] = {}
    for tradition in traditions(library, settings):
        for kind, names in (("concept", tradition.concepts), ("theory", tradition.theories)):
            for name in names:
                found.setdefault((tradition.name, name), kind)
    return found


def find_concept(library: Library, settings: Settings, name: str,
                 tradition: str | None = None) -> tuple[str, str, str]:
    """(tradition, the concept's name as declared, its kind) for a name given in any case;
    a name two traditions declare needs ``tradition``."""
    wanted = name.strip().casefold()
    if tradition is not None and tradition not in _tradition_names(library, settings):
        raise MnrError(f"there is no tradition {tradition!r}")
    matches = [(t, c, kind) for (t, c), kind in declared_concepts(library, settings).items()
               if c.casefold() == wanted and tradition in (None, t)]
    if not matches:
        where = f"tradition {tradition!r}" if tradition else "any tradition"
        raise MnrError(f"{name!r} is not a concept or theory of {where}: declare it in "
                       "review.toml ([[tradition]] concepts = [...] or theories = [...])")
    if len(matches) > 1:
        raise MnrError(f"{name!r} is a concept of several traditions "
                       f"({', '.join(t for t, _, _ in matches)}); say which with --tradition")
    return matches[0]


def current_concept_links(library: Library) -> dict[tuple[str, str], list[int]]:
    """(tradition, concept) -> the works linked to it, in the order linked (links taken
    back removed)."""
    links: dict[tuple[str, str], dict[int, None]] = {}
    for link in library.synthesis.concept_links():
        works = links.setdefault((link.tradition, link.concept), {})
        if link.action == "add":
            works[link.work_id] = None
        else:
            works.pop(link.work_id, None)
    return {key: list(works) for key, works in links.items() if works}


def link_concept(library: Library, settings: Settings, name: str, work_ids: list[int],
                 linked_by: str | None, tradition: str | None = None,
                 remove: bool = False) -> tuple[str, str, str, list[int]]:
    """Link works to a tradition's key concept or theory (or take the links back): one
    act, journalled. Returns (tradition, concept, kind, the works linked now)."""
    if not work_ids:
        raise MnrError("name at least one work, e.g. W12")
    tradition, concept, kind = find_concept(library, settings, name, tradition)
    missing = set(work_ids) - library.screening.work_ids()
    if missing:
        raise MnrError(f"no such works: {', '.join(f'W{w}' for w in sorted(missing))}")
    now = current_concept_links(library).get((tradition, concept), [])
    if remove:
        absent = [w for w in work_ids if w not in now]
        if absent:
            raise MnrError(f"{concept!r} is not linked to "
                           f"{', '.join(f'W{w}' for w in absent)}")
        todo = list(dict.fromkeys(work_ids))
    else:  # linking a work already linked changes nothing and is not written
        todo = [w for w in dict.fromkeys(work_ids) if w not in now]
    if todo:
        action = "remove" if remove else "add"
        library.synthesis.link_concepts([(tradition, concept, kind, w, action) for w in todo],
                                        linked_by)
    return tradition, concept, kind, current_concept_links(library).get((tradition, concept),
                                                                         [])


# -- what the traditions add up to ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class TraditionSummary:
    tradition: str
    works: list[int]
    first_year: int | None
    last_year: int | None
    methods: dict[str, int]
    countries: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(library: Library, settings: Settings, years: dict[int, int | None]
              ) -> list[TraditionSummary]:
    """Per tradition: its works (of those given, with their years), years, methods mix and
    countries. Works tagged with no tradition are summarised as "(untagged)". A study's
    tags are those of any of its reports."""
    from mnr.synthesis.studies import report_groups, tags_of_studies

    tags = tags_of_studies(current_tags(library), report_groups(library))
    names = _tradition_names(library, settings)
    members: dict[str, list[int]] = {name: [] for name in names}
    for work_id in years:
        work_traditions = tags.get(work_id, {}).get("tradition", []) or ["(untagged)"]
        for name in work_traditions:
            members.setdefault(name, []).append(work_id)
    result = []
    for name, works in members.items():
        known = [y for w in works if (y := years[w]) is not None]
        methods = Counter(tags.get(w, {}).get("method", ["(not tagged)"])[0] for w in works)
        countries = Counter(tags.get(w, {}).get("country", ["(not tagged)"])[0] for w in works)
        result.append(TraditionSummary(name, works, min(known, default=None),
                                       max(known, default=None), dict(methods),
                                       dict(countries)))
    return result
