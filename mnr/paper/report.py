"""A methods and results draft written from the review's log: the searches (a PRISMA-S
appendix), the PRISMA 2020 numbers and diagram, screening agreement per stage, the
appraisal summary, the traditions with their storylines and study counts, and the
RAMESES checklist with where this draft answers each item.

Every number comes from the same core functions as ``mnr prisma``, ``mnr agreement``,
``mnr appraisal`` and ``mnr traditions``: nothing is typed, so the draft can be written
again whenever the review moves on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mnr.display import plural
from mnr.library import Library
from mnr.library.models import Search
from mnr.paper.document import Bullets, Document, Figure, Heading, Para, Table
from mnr.prisma.boxes import row_label
from mnr.prisma.counts import Flow, count
from mnr.project import Settings
from mnr.screening.state import Screening, load
from mnr.screening.stop import methods_statement
from mnr.screening.summary import agreements, summarise_all
from mnr.synthesis.appraisal.appraise import checklists
from mnr.synthesis.studies import Study, studies
from mnr.synthesis.traditions import memos, summarise

# Sections of this draft, as the RAMESES checklist points to them
SEARCHES = "Methods: information sources and searches; Appendix A"
SELECTION = "Methods: selection process"
APPRAISAL = "Methods: appraisal (Table 2)"
SYNTHESIS = "Methods: synthesis; Results: research traditions"
FLOW = "Results: study selection (PRISMA 2020 diagram)"
TRADITIONS = "Results: research traditions"
QUESTION = "Review question"


@dataclass(frozen=True, slots=True)
class Drafted:
    """What was written: the document and the figures beside it."""

    document: Document
    figures: list[Path]


def _n(value: int) -> str:
    return f"{value:,}"


def _names(values: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} and {values[-1]}"


def draft(library: Library, settings: Settings, folder: Path, stem: str = "report",
          today: date | None = None) -> Drafted:
    """Compose the draft; the PRISMA diagram is drawn into ``folder`` as ``STEM-prisma.png``."""
    from mnr.prisma.diagram import draw

    flow = count(library, settings)
    screening = load(library, settings)
    searches = [s for s in library.searches() if s.withdrawn_at is None]
    included = studies(library, settings)
    figure = folder / f"{stem}-prisma.png"
    draw(flow, figure, "png", title=settings.title)

    doc = Document()
    doc.add(Heading(1, f"{settings.title}: methods and results (draft)"),
            Para(f"Drafted by mnr from the review's logs on {(today or date.today()).isoformat()}"
                 ". Every number in it is derived from the search log, the deduplication "
                 "log and the judgement files, none typed; write it again when the review "
                 "moves on, and edit the prose, not the numbers."))
    if settings.question.strip():
        doc.add(Heading(2, QUESTION), Para(" ".join(settings.question.split())))
    doc.add(Heading(2, "Methods"))
    _criteria(doc, settings)
    # an updated review: the methods and numbers are those of the round drawn (the
    # latest), the appendix lists every round's searches
    _searches_methods(doc, [s for s in searches if flow.review_round is None
                            or s.review_round == flow.review_round], flow)
    _selection_methods(doc, library, settings, screening, flow)
    _appraisal(doc, library, settings, included)
    _synthesis_methods(doc, library, settings)
    doc.add(Heading(2, "Results"))
    _selection_results(doc, flow, included, figure)
    _traditions(doc, library, settings, included)
    _appendix_searches(doc, searches)
    _rameses(doc, library, settings, searches, included)
    return Drafted(doc, [figure])


# -- methods --------------------------------------------------------------------------


def _criteria(doc: Document, settings: Settings) -> None:
    if not settings.include and not settings.exclude:
        return
    doc.add(Heading(3, "Eligibility criteria"))
    if settings.include:
        doc.add(Para("Included:"), Bullets(list(settings.include)))
    if settings.exclude:
        doc.add(Para("Excluded:"), Bullets(list(settings.exclude)))


def _searches_methods(doc: Document, searches: list[Search], flow: Flow) -> None:
    doc.add(Heading(3, "Information sources and searches"))
    if not searches:
        doc.add(Para("No searches are logged yet (`mnr import` logs each export with its "
                     "database, date and query)."))
        return
    databases = [s for s in searches if s.source_kind != "other"]
    others = [s for s in searches if s.source_kind == "other"]
    names = list(dict.fromkeys(s.database for s in databases))
    dates = sorted(d for s in searches if (d := s.search_date))
    said = [f"We searched {plural(len(names), 'database')} ({_names(names)})"
            + (f" between {dates[0]} and {dates[-1]}" if len(dates) > 1 and dates[0] != dates[-1]
               else f" on {dates[0]}" if dates else "")
            + f", {plural(len(databases), 'search', 'searches')} in all, which found "
            f"{plural(flow.database_results + flow.register_results, 'record')}."]
    if others:
        labels = list(dict.fromkeys(s.database for s in others))
        said.append(f"Other methods ({_names(labels)}) found "
                    f"{plural(sum(s.record_count for s in others), 'record')}.")
    said.append("Each search, with its platform, date, query, limits and records, is listed "
                "in Appendix A (PRISMA-S).")
    doc.add(Para(" ".join(said)))


def _selection_methods(doc: Document, library: Library, settings: Settings,
                       screening: Screening, flow: Flow) -> None:
    doc.add(Heading(3, "Selection process"))
    reviewers = list(settings.reviewers)
    stages = [s.replace("_", " ") for s in settings.stages]
    logged = library.works.decisions()
    undone = {d.undoes for d in logged if d.decision == "undo"}
    decided = [d for d in logged
               if d.decision in ("merge", "apart") and d.decision_id not in undone]
    said = ["Duplicate records were found with mnr's rules (identifiers, then titles with "
            "authors, year, journal, volume and pages)"
            + (f"; {plural(len(decided), 'uncertain pair')} were decided by a reviewer "
               f"({sum(d.decision == 'merge' for d in decided)} merged)" if decided else "")
            + f": {plural(flow.duplicates, 'duplicate record')} removed."]
    if reviewers:
        how = ("independently, each blind to the other's decisions until both had decided"
               if settings.blind and len(reviewers) > 1 else
               "independently" if len(reviewers) > 1 else "")
        said.append(f"{plural(len(reviewers), 'reviewer')} ({_names(reviewers)}) screened "
                    f"the works in {plural(len(stages), 'stage')} ({_names(stages)})"
                    + (f", {how}" if how else "") + ".")
    summaries = summarise_all(screening)
    resolved = sum(s.resolved for s in summaries)
    if resolved:
        said.append(f"Disagreements between reviewers were resolved ({_n(resolved)} "
                    "resolutions logged).")
    if settings.maybe_goes_forward:
        said.append(f"A work {'either reviewer' if len(reviewers) > 1 else ''} marked "
                    "'maybe' went forward to the next stage.".replace("  ", " "))
    doc.add(Para(" ".join(said)))
    rows = []
    for stage in agreements(screening):
        for pair in stage.pairs:
            rows.append([stage.stage, f"{pair.reviewer_a} and {pair.reviewer_b}",
                         _n(pair.n), f"{pair.observed:.1%}", _score(pair.kappa),
                         _score(pair.gwet_ac1)])
    if rows:
        doc.add(Table(["stage", "reviewers", "works both decided", "agreement",
                       "Cohen's κ", "Gwet's AC1"], rows,
                      "Table 1. Agreement between reviewers before disagreements were "
                      "resolved"))
    stated = methods_statement(library.screening.stops(),
                               settings.blind and len(settings.reviewers) > 1)
    if stated:
        doc.add(Para(stated))


def _score(value: object) -> str:
    return "n/a" if not isinstance(value, float) or value != value else f"{value:.2f}"


def _appraisal(doc: Document, library: Library, settings: Settings,
               included: list[Study]) -> None:
    """The tools used (with their editions) and each included study's final answers: a
    consensus where the appraisers recorded one, else what they agreed."""
    from mnr.synthesis.appraisal.consensus import summary

    wanted = {f"W{w}" for s in included for w in (s.reports or (s.work_id,))}
    rows = [row for row in summary(library, settings) if row["work"] in wanted]
    doc.add(Heading(3, "Appraisal"))
    if not rows:
        doc.add(Para("No included study has been appraised yet."))
        return
    known = checklists(settings)

    def tool(row: dict[str, Any]) -> str:
        """The tool and the edition the appraisal was made with (if it was kept)."""
        checklist = known.get(row["checklist"])
        name = (checklist.tool or checklist.name) if checklist else row["checklist"]
        return f"{name}, {row['edition']}" if row["edition"] else name

    unknown = sum(1 for row in rows if not row["edition"])
    tools = Counter(tool(row) for row in rows)
    twice = sum(1 for row in rows if len(row["appraisers"]) > 1)
    settled = sum(row["consensus"] for row in rows)
    disputed = sum(len(row["disputed"]) for row in rows)
    how = (f", {_n(twice)} of them by two appraisers independently"
           + (f" ({plural(settled, 'answer')} settled by consensus"
              + (f", {_n(disputed)} still disputed" if disputed else "") + ")")
           if twice else ", each by one appraiser")
    studies_n = plural(len(included), "included study", "included studies")
    doc.add(Para(f"{_n(len(rows))} of the {studies_n} were appraised{how}, each with the "
                 "tool that fits its design; answers are counted, never summed into a score "
                 "(Table 2)."),
            Bullets([f"{version}: {plural(n, 'study', 'studies')}"
                     for version, n in tools.most_common()]))
    if unknown:
        doc.add(Para(f"({plural(unknown, 'appraisal was', 'appraisals were')} saved before "
                     "mnr kept the checklist's edition: give it when citing the tool.)"))
    doc.add(Table(["study", "tool", "appraisers", "yes", "can't tell", "no", "disputed"],
                  [[row["study"], tool(row), ", ".join(row["appraisers"]),
                    *(str(row["counts"].get(k, 0)) for k in ("yes", "cant_tell", "no")),
                    str(len(row["disputed"]))] for row in rows],
                  "Table 2. Appraisal of the included studies: final answers per study"))


def _synthesis_methods(doc: Document, library: Library, settings: Settings) -> None:
    if not settings.traditions:
        return
    kinds = Counter(m.memo_type or "general" for m in memos(library))
    doc.add(Heading(3, "Synthesis"),
            Para("Following the RAMESES meta-narrative approach, each included study was "
                 "mapped to the research tradition(s) it belongs to; for each tradition we "
                 "drew its storyline, key concepts and theories, and preferred methods, then "
                 "compared how the traditions conceptualised the topic over time"
                 + (f". The team kept {plural(sum(kinds.values()), 'memo')} "
                    f"({', '.join(f'{n} {k}' for k, n in kinds.most_common())})" if kinds
                    else "") + "."))


# -- results --------------------------------------------------------------------------


def _selection_results(doc: Document, flow: Flow, included: list[Study],
                       figure: Path) -> None:
    doc.add(Heading(3, "Study selection"))
    found = flow.database_results + flow.register_results
    other = sum(flow.other_results.values())
    reports = flow.total_reports
    said = (f"The searches found {plural(found, 'record')}"
            + (f" and other methods {_n(other)}" if other else "")
            + f"; {_n(flow.duplicates)} were duplicates"
            + (f", {_n(flow.excluded_automatic)} were marked ineligible by automation tools"
               if flow.excluded_automatic else "")
            + (f" and {_n(flow.excluded_other)} were removed for other reasons"
               if flow.excluded_other else "")
            + f". We screened {plural(flow.records_screened, 'record')} and excluded "
            f"{_n(flow.records_excluded)}; of {plural(flow.dbr_sought_reports, 'report')} "
            f"sought, {_n(flow.dbr_notretrieved_reports)} could not be retrieved; "
            f"{_n(flow.dbr_assessed)} were assessed in full and "
            f"{_n(sum(flow.dbr_excluded.values()))} excluded"
            + (f" (from other methods: {_n(flow.other_sought_reports)} sought, "
               f"{_n(flow.other_notretrieved_reports)} not retrieved, "
               f"{_n(flow.other_assessed)} assessed, "
               f"{_n(sum(flow.other_excluded.values()))} excluded)"
               if flow.other_sought_reports else "") + ". "
            f"{plural(flow.total_studies, 'study', 'studies')} "
            f"({plural(reports, 'report')}) were included"
            + (f": {_n(flow.previous_studies)} from the previous version of the review "
               f"({plural(flow.previous_reports, 'report')}) and {_n(flow.new_studies)} new "
               f"({plural(flow.new_reports, 'report')}), in this update's round "
               f"{flow.review_round}" if flow.review_round and flow.review_round > 1 else "")
            + " (Figure 1).")
    doc.add(Para(said), Figure(figure, "Figure 1. PRISMA 2020 flow diagram"))
    reasons = list(dict.fromkeys([*flow.dbr_excluded, *flow.other_excluded]))
    if reasons:
        other = bool(flow.other_excluded)
        doc.add(Table([row_label("dbr_excluded"), "reports"]
                      + (["reports found by other methods"] if other else []),
                      [[reason, _n(flow.dbr_excluded.get(reason, 0))]
                       + ([_n(flow.other_excluded.get(reason, 0))] if other else [])
                       for reason in reasons],
                      "Table 3. Reports excluded after full-text assessment, by reason"))
    if flow.gaps:  # what `mnr prisma` says of the numbers: for the authors to check
        doc.add(Para("Notes on these numbers, from mnr (for the authors; not for the paper "
                     "as written):"), Bullets(list(flow.gaps)))
    if included and len(included) != flow.total_studies:  # a gap: say it, never hide it
        doc.add(Para(f"Note: {_n(len(included))} studies are included in the screening "
                     f"log but the flow counts {_n(flow.total_studies)}; see `mnr prisma` "
                     "for the gap."))


def _traditions(doc: Document, library: Library, settings: Settings,
                included: list[Study]) -> None:
    if not settings.traditions:
        return
    years = {s.work_id: s.work.merged.year for s in included}
    summary = {t.tradition: t for t in summarise(library, settings, years)}
    specs = {t.name: t for t in settings.traditions}
    doc.add(Heading(3, "Research traditions"))
    rows = []
    for name, summed in summary.items():
        span = (f"{summed.first_year}–{summed.last_year}" if summed.first_year else "")
        methods = ", ".join(f"{m} ({n})" for m, n in
                            sorted(summed.methods.items(), key=lambda kv: -kv[1])[:3])
        rows.append([name, _n(len(summed.works)), span, methods])
    doc.add(Table(["tradition", "studies", "years", "main methods"], rows,
                  "Table 4. Research traditions: studies, years and methods (a study in two "
                  "traditions counts in each)"))
    for name, spec in specs.items():
        found = summary.get(name)
        doc.add(Heading(4, name))
        if spec.storyline:
            doc.add(Para(" ".join(spec.storyline.split())))
        items = []
        if spec.paradigm:
            items.append(f"Paradigm: {spec.paradigm}")
        if spec.concepts:
            items.append(f"Key concepts: {', '.join(spec.concepts)}")
        if spec.theories:
            items.append(f"Theories: {', '.join(spec.theories)}")
        if found is not None:
            labels = [s.label for s in included if s.work_id in set(found.works)]
            items.append(f"Studies ({len(labels)}): {'; '.join(labels) or 'none yet'}")
        if items:
            doc.add(Bullets(items))


def _appendix_searches(doc: Document, searches: list[Search]) -> None:
    doc.add(Heading(2, "Appendix A. Searches (PRISMA-S)"))
    rounds = len({s.review_round for s in searches}) > 1
    rows = [[s.label, *([str(s.review_round)] if rounds else []), s.database,
             s.platform or "", s.search_date or "", s.query or "", s.limits or "",
             _n(s.record_count)] for s in searches]
    doc.add(Table(["search", *(["round"] if rounds else []), "database or source",
                   "platform", "date", "query", "limits", "records"], rows,
                  "Each search as logged, with the records its export held"))
    missing = [s.label for s in searches if s.source_kind != "other"
               and not (s.query and s.search_date)]
    if missing:
        doc.add(Para(f"PRISMA-S asks for each database's full query and date; the log lacks "
                     f"them for {', '.join(missing)} (`mnr searches edit` adds them)."))


# RAMESES publication standards for meta-narrative reviews (Wong et al. 2013, BMC
# Medicine 11:20): each item and the section of this draft that answers it, if any
RAMESES: list[tuple[str, str | None]] = [
    ("1 Title: identifies the document as a meta-narrative review", None),
    ("2 Abstract", None),
    ("3 Rationale for the review", None),
    ("4 Objectives and focus of the review", QUESTION),
    ("5 Changes in the review process", None),
    ("6 Rationale for using a meta-narrative approach", None),  # the authors' argument
    ("7 Adherence to the guiding principles (pragmatism, pluralism, historicity, "
     "contestation, reflexivity, peer review)", None),
    ("8 Scoping the literature", None),
    ("9 Searching processes", SEARCHES),
    ("10 Selection and appraisal of documents", f"{SELECTION}; {APPRAISAL}"),
    ("11 Data extraction", None),
    ("12 Analysis and synthesis processes", SYNTHESIS),
    ("13 Document flow diagram", FLOW),
    ("14 Document characteristics", TRADITIONS),
    ("15 Main findings", TRADITIONS),
    ("16 Summary of findings", None),
    ("17 Strengths, limitations and future research directions", None),
    ("18 Comparison with existing literature", None),
    ("19 Conclusion and recommendations", None),
    ("20 Funding", None),
]


def _rameses(doc: Document, library: Library, settings: Settings, searches: list[Search],
             included: list[Study]) -> None:
    """The checklist with where each item is answered; an item whose evidence is missing
    from the log says what is missing, not a section."""
    kinds = Counter(m.memo_type for m in memos(library))
    answered: dict[str, str | None] = dict(RAMESES)
    if kinds.get("reflexive") or kinds.get("advisory-group"):
        answered[RAMESES[6][0]] = (f"Methods: synthesis (memos: {kinds.get('reflexive', 0)} "
                                   f"reflexive, {kinds.get('advisory-group', 0)} "
                                   "advisory group)")
    if not searches:
        answered[RAMESES[8][0]] = None
    if not included or not settings.traditions:
        for item in (RAMESES[13][0], RAMESES[14][0]):
            answered[item] = None
    if library.synthesis.extractions():
        answered[RAMESES[10][0]] = "the extraction table (`mnr extract`), not in this draft"
    doc.add(Heading(2, "Appendix B. RAMESES checklist"),
            Table(["item", "where this draft answers it"],
                  [[item, where or "to be written by the authors"]
                   for item, where in answered.items()],
                  "RAMESES publication standards for meta-narrative reviews (Wong et al. "
                  "2013)"))


def write(drafted: Drafted, path: Path, fmt: str, folder: Path) -> None:
    """Write the draft as Markdown (``md``) or Word (``docx``) to ``path``; figures are
    linked relative to ``folder``, where the draft will live."""
    from mnr.paper.document import markdown, write_docx

    if fmt == "docx":
        write_docx(drafted.document, path)
    else:
        path.write_text(markdown(drafted.document, folder), encoding="utf-8")
