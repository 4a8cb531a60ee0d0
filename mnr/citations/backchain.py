"""Back-chaining: the included works' references that are not in the library yet.

Candidates are the unmatched references of the included works, grouped by the
publication they name (so "Simpson A, 2005, J ADV NURS, V52, P689" from WoS and
the same paper from Scopus are one candidate), ranked by how many included works
cite them. Importing them writes a RIS file to searches/ and imports it as a
search by another method ("Citation searching", today, the seed set named in the
query), then deduplicates the library, so they go through screening as works and
PRISMA counts them under other methods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import rispy

from mnr.citations.external import group_unmatched
from mnr.citations.match import WorkIndex
from mnr.citations.network import cited_references, external_label
from mnr.citations.parse import CitedRef
from mnr.dedupe.passes import PassResult, deduplicate
from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project, Settings
from mnr.searches import ImportOptions, ImportResult, import_file
from mnr.synthesis.studies import studies
from mnr.works import works

METHOD = "Citation searching"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A publication the included works cite that no work of the library is."""

    ref: CitedRef  # the fullest of its references
    label: str  # "Kamada 1989"
    cited_by: list[str]  # the citing included studies' labels ("Simpson et al. 2016")
    cited_by_ids: list[int]
    raws: list[str]  # every reference string naming it


def _follow(library: Library, settings: Settings) -> tuple[list[Candidate], list[str]]:
    """The candidates, most cited first, and the seeds: the included studies whose
    references were followed (the included works are read, and their references parsed
    and matched, once for both)."""
    included = [s for s in studies(library, settings) if s.included]
    labels = {s.work_id: s.label for s in included}
    all_works = list(works(library))
    index = WorkIndex.from_works(all_works)
    followed = cited_references(library, [w for w in all_works if w.work_id in labels])
    refs: list[CitedRef] = []
    citing: list[int] = []
    for found in followed:
        for ref, match in zip(found.refs, index.match_all(found.refs), strict=True):
            if match.work_id is None:
                refs.append(ref)
                citing.append(found.work_id)
    out = []
    for group in group_unmatched(refs, citing=citing):
        ids = sorted({citing[i] for i in group.members})
        # the fullest reference may lack the DOI that names the group (another gave it)
        doi = group.ref.doi or (group.key[4:] if group.key.startswith("doi:") else None)
        out.append(Candidate(replace(group.ref, doi=doi), external_label(group.ref),
                             [labels[i] for i in ids], ids,
                             list(dict.fromkeys(refs[i].raw for i in group.members))))
    with_refs = {c.work_id for c in followed}
    return out, [s.label for s in included if s.work_id in with_refs]


def candidates(library: Library, settings: Settings, min_cited: int = 1) -> list[Candidate]:
    """Most cited first, each cited by at least ``min_cited`` included works; every included
    work with references is a seed."""
    return [c for c in _follow(library, settings)[0] if len(c.cited_by_ids) >= min_cited]


def seeds(library: Library, settings: Settings) -> list[str]:
    """The included studies whose references were followed."""
    return _follow(library, settings)[1]


def _ris_entry(candidate: Candidate) -> dict[str, object]:
    ref = candidate.ref
    book = ref.title is None and ref.volume is None and ref.first_page is None
    entry: dict[str, object] = {
        "type_of_reference": "BOOK" if book and ref.source else "JOUR" if ref.source else "GEN",
        "authors": [candidate.label.rsplit(" ", 1)[0]],
        "notes": [f"Cited as: {raw}" for raw in candidate.raws]
        + ["Cited by: " + "; ".join(candidate.cited_by)],
    }
    if ref.year:
        entry["year"] = str(ref.year)
    title = ref.title or (ref.source if book else None)
    if title:
        entry["title"] = title
    if ref.source and not book:
        entry["secondary_title"] = ref.source
    if ref.volume:
        entry["volume"] = ref.volume
    if ref.first_page:
        entry["start_page"] = ref.first_page
    if ref.doi:
        entry["doi"] = ref.doi
    return entry


def import_candidates(project: Project, library: Library, settings: Settings,
                      min_cited: int = 1, date: str | None = None) -> ImportResult:
    """The candidates cited by at least ``min_cited`` included works, imported as one
    citation-searching search; the file stays in searches/ and the search log."""
    found, seed = _follow(library, settings)
    chosen = [c for c in found if len(c.cited_by_ids) >= min_cited]
    if not chosen:
        raise MnrError("no references of the included works are missing from the library"
                       + (f" with {min_cited} or more citing works" if min_cited > 1 else ""))
    day = date or dt.date.today().isoformat()
    query = (f"Back-chaining: the references of {len(seed)} included "
             f"{'study' if len(seed) == 1 else 'studies'} ({'; '.join(seed)}) that match no "
             f"work in the library" + (f", cited by {min_cited} or more of them"
                                       if min_cited > 1 else "") + ".")
    options = ImportOptions(database=METHOD, platform="mnr backchain", date=day, query=query,
                            notes=f"{len(chosen)} publications, built by mnr backchain from "
                            "the cited references of the included studies.",
                            other_method=METHOD)
    return import_entries(project, library, f"citation-searching-backchain-{day}",
                          [_ris_entry(c) for c in chosen], options)


@dataclass(frozen=True, slots=True)
class CitationSearch:
    """A citation-searching search as imported, and the deduplication pass that took its
    records into works."""

    imported: ImportResult
    deduplicated: PassResult


def deduplicated(library: Library, imported: ImportResult) -> CitationSearch:
    """Deduplicate the library with a citation-searching search just imported, so its
    records join works (or become new ones) ready to screen."""
    return CitationSearch(imported, deduplicate(library))


def import_and_deduplicate(project: Project, library: Library, settings: Settings,
                           min_cited: int = 1, date: str | None = None) -> CitationSearch:
    """The candidates imported as one citation-searching search (``import_candidates``),
    then the library deduplicated with them."""
    return deduplicated(library, import_candidates(project, library, settings, min_cited,
                                                   date))


def import_entries(project: Project, library: Library, stem: str,
                   entries: list[dict[str, object]], options: ImportOptions) -> ImportResult:
    """RIS entries written to searches/<stem>.ris (or <stem>-2.ris, ...) and imported as
    one search; on any error the file goes again and the library is as it was."""
    path, n = project.searches_dir / f"{stem}.ris", 2
    while path.exists():
        path, n = project.searches_dir / f"{stem}-{n}.ris", n + 1
    path.write_text(rispy.dumps(entries), encoding="utf-8")
    try:
        return import_file(project, library, path, options)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
