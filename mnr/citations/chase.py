"""Citation chasing through OpenAlex: the works citing the included studies (forward) and
the works they cite (backward) that are not in the library yet.

Seeds are the included studies whose DOI OpenAlex knows. A work found both ways, or
from several seeds, is one candidate (by OpenAlex id) that remembers which studies
it cites and which cite it. A fetched work matching a work of the library
(``WorkIndex``: DOI, then citation, then title) is left out, whether included,
excluded or waiting. Importing writes a RIS file to searches/ and imports it as one
"Citation searching" search (platform OpenAlex), so the candidates are deduplicated,
screened, and counted by PRISMA under other methods.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from mnr.citations.backchain import CitationSearch, deduplicated, import_entries
from mnr.citations.match import WorkIndex
from mnr.citations.openalex import (
    API_KEY_VARIABLE,
    CachedFetcher,
    Fetcher,
    HttpFetcher,
    OpenAlexWork,
    by_ids,
    citing,
    work_url,
)
from mnr.citations.parse import CitedRef
from mnr.errors import MnrError
from mnr.library import Library
from mnr.normalise import surname
from mnr.project import Project, Settings
from mnr.searches import ImportOptions, ImportResult
from mnr.synthesis.studies import studies
from mnr.works import works

METHOD = "Citation searching"
PLATFORM = "OpenAlex"
CACHE = ("cache", "openalex")  # under library/: OpenAlex's answers, so a rerun asks nothing


@dataclass(frozen=True, slots=True)
class Seed:
    """An included study and its OpenAlex work (None: no DOI, or a DOI OpenAlex lacks)."""

    label: str  # "Simpson et al. 2016"
    work_id: int
    doi: str | None
    work: OpenAlexWork | None


@dataclass(slots=True)
class Candidate:
    """A work OpenAlex links to the included studies that no work of the library is."""

    work: OpenAlexWork
    label: str  # "Kamada & Kawai 1989"
    cites: list[str] = field(default_factory=list)  # forward: the included studies it cites
    cited_by: list[str] = field(default_factory=list)  # backward: the studies citing it

    @property
    def direction(self) -> str:
        """"forward", "backward" or "both"."""
        return "both" if self.cites and self.cited_by else "forward" if self.cites \
            else "backward"


@dataclass(frozen=True, slots=True)
class Chase:
    """What a chase found: seeds, candidates (most linked first), works left out."""

    seeds: list[Seed]
    candidates: list[Candidate]
    in_library: int  # distinct fetched works that are works of the library already
    forward: bool
    backward: bool

    @property
    def followed(self) -> list[Seed]:
        return [s for s in self.seeds if s.work is not None]


Report = Callable[[str], None]


def fetcher(project: Project, settings: Settings, mailto: str | None,
            refresh: bool = False) -> CachedFetcher:
    """OpenAlex asked politely (with the contact address given, or review.toml's, and the
    API key in OPENALEX_API_KEY if there is one), through the review's cache (``refresh``:
    ask again)."""
    address = (mailto or settings.mailto).strip()
    if "@" not in address or any(ch.isspace() for ch in address):
        raise MnrError("OpenAlex asks for a contact address: give yours with --mailto "
                       "ADDRESS, the MNR_MAILTO environment variable, or `mailto = \"...\"` "
                       "under [openalex] in review.toml")
    http = HttpFetcher(address, api_key=os.environ.get(API_KEY_VARIABLE) or None)
    return CachedFetcher(http, project.library_dir.joinpath(*CACHE), refresh=refresh)


def resolve(library: Library, settings: Settings, fetch: Fetcher,
            report: Report | None = None) -> list[Seed]:
    """The included studies, each with its OpenAlex work when its DOI finds one."""
    included = [s for s in studies(library, settings) if s.included]
    if not included:
        raise MnrError("no included studies yet: chasing starts from the works included at "
                       "the last screening stage")
    seeds = []
    for study in included:
        doi = study.work.merged.doi or next((r.doi for r in study.work.records if r.doi), None)
        data = None
        if doi:
            if report:
                report(f"Looking up {study.label} ({doi})")
            data = fetch(work_url(doi))
        seeds.append(Seed(study.label, study.work_id, doi,
                          OpenAlexWork.of(data) if data else None))
    return seeds


def chase(library: Library, settings: Settings, fetch: Fetcher, forward: bool = True,
          backward: bool = True, report: Report | None = None) -> Chase:
    """Forward and/or backward from every seed OpenAlex knows; see the module docstring."""
    seeds = resolve(library, settings, fetch, report)
    followed = [s for s in seeds if s.work is not None]
    if not followed:
        raise MnrError(f"none of the {len(seeds)} included studies has a DOI that OpenAlex "
                       "knows; nothing to chase from")
    found: dict[str, Candidate] = {}

    def add(data: OpenAlexWork, seed: Seed, cites: bool) -> None:
        candidate = found.setdefault(data.id, Candidate(data, label(data)))
        side = candidate.cites if cites else candidate.cited_by
        if seed.label not in side:
            side.append(seed.label)

    for seed in followed:
        assert seed.work is not None
        if forward:
            if report:
                report(f"Works citing {seed.label}")
            for data in citing(fetch, seed.work.id):
                add(OpenAlexWork.of(data), seed, cites=True)
        if backward and seed.work.references:
            if report:
                report(f"The {len(seed.work.references)} references of {seed.label}")
            for data in by_ids(fetch, seed.work.references):
                add(OpenAlexWork.of(data), seed, cites=False)
    index = WorkIndex.from_works(works(library))
    seed_ids = {s.work.id for s in followed if s.work is not None}
    known = {i for i, c in found.items() if i in seed_ids or not i
             or index.match(cited_ref(c.work)).work_id is not None}
    kept = [c for i, c in found.items() if i not in known]
    kept.sort(key=lambda c: (-len(c.cites) - len(c.cited_by), c.label.lower(), c.work.id))
    return Chase(seeds, kept, len(known), forward, backward)


def cited_ref(work: OpenAlexWork) -> CitedRef:
    """A fetched work as a cited reference, for ``WorkIndex.match``."""
    return CitedRef(raw=f"{work.authors[0] if work.authors else ''}, {work.year}, {work.title}",
                    first_author=surname(work.authors[0]) if work.authors else None,
                    year=work.year, title=work.title, source=work.journal,
                    volume=work.volume, first_page=work.first_page, doi=work.doi)


def _family_name(name: str) -> str:
    return name.split(",")[0].strip() if "," in name else (name.split() or ["Anon."])[-1]


def label(work: OpenAlexWork) -> str:
    """"Kamada 1989", "Kamada & Kawai 1989", "Kamada et al. 1989"."""
    names = [_family_name(a) for a in work.authors[:3]]
    who = ("Anon." if not names else names[0] if len(names) == 1
           else " & ".join(names) if len(names) == 2 else f"{names[0]} et al.")
    return f"{who} {work.year or 'n.d.'}"


def ris_entry(candidate: Candidate) -> dict[str, object]:
    """One RIS record; N1 says how it was found and from which studies."""
    work = candidate.work
    notes = [f"Found by forward chasing from: {'; '.join(candidate.cites)}"] if candidate.cites \
        else []
    notes += [f"Found by backward chasing from: {'; '.join(candidate.cited_by)}"] \
        if candidate.cited_by else []
    entry: dict[str, object] = {"type_of_reference": "JOUR" if work.journal else "GEN",
                                "notes": notes, "urls": [f"https://openalex.org/{work.id}"]}
    optional: dict[str, object] = {
        "authors": work.authors, "title": work.title, "year": work.year and str(work.year),
        "secondary_title": work.journal, "volume": work.volume, "number": work.issue,
        "start_page": work.first_page, "end_page": work.last_page, "doi": work.doi,
        "abstract": work.abstract}
    entry |= {key: value for key, value in optional.items() if value}
    return entry


def direction_words(found: Chase) -> str:
    return ("forward and backward" if found.forward and found.backward
            else "forward" if found.forward else "backward")


def query(found: Chase) -> str:
    """The search log's query: direction, source and seed set."""
    seeds = [s.label for s in found.followed]
    what = {"forward": "the works citing them", "backward": "the works they cite",
            "forward and backward": "the works citing them and the works they cite"}
    return (f"{direction_words(found).capitalize()} citation chasing in {PLATFORM} from "
            f"{len(seeds)} included {'study' if len(seeds) == 1 else 'studies'} "
            f"({'; '.join(seeds)}), found by DOI: {what[direction_words(found)]}, less those "
            "matching a work in the library.")


def import_chase(project: Project, library: Library, found: Chase,
                 date: str | None = None) -> ImportResult:
    """The candidates as one citation-searching search; the RIS file stays in searches/."""
    if not found.candidates:
        raise MnrError(f"{direction_words(found).capitalize()} chasing found no work that is "
                       "not in the library already; nothing to import")
    day = date or dt.date.today().isoformat()
    name = f"citation-searching-openalex-{direction_words(found).replace(' and ', '-')}-{day}"
    options = ImportOptions(database=METHOD, platform=PLATFORM, date=day, query=query(found),
                            notes=f"{len(found.candidates)} works, built by mnr chase from "
                            f"{PLATFORM} on {dt.date.today().isoformat()}.",
                            other_method=METHOD)
    return import_entries(project, library, name, [ris_entry(c) for c in found.candidates],
                          options)


def import_and_deduplicate(project: Project, library: Library, found: Chase,
                           date: str | None = None) -> CitationSearch:
    """The candidates imported as one citation-searching search (``import_chase``), then the
    library deduplicated with them."""
    return deduplicated(library, import_chase(project, library, found, date))
