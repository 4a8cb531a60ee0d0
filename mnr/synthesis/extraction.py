"""Data extraction with the protocol's template, and the evidence table it makes.

The template is review.toml's ``[extraction] fields`` (by default the seed
review's: setting, country, sample, design, data collection and analysis,
intervention, outcome, findings). Each save is kept. Each extractor fills a
form of their own, so two can extract a study independently; ``compare`` shows the
fields where they differ, and a save of the value they agreed settles it (the latest
save per work is the evidence table's). The evidence table has one row per included
work, cited by its author-year label, and is written as CSV, Markdown or XLSX.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from mnr.errors import MnrError
from mnr.formats.writers import opened, verbatim_doi, write_table, write_xlsx
from mnr.library import Library
from mnr.library.models import Extraction
from mnr.project import Settings
from mnr.synthesis.studies import Study, first_per_study, studies
from mnr.works import Work

FORMATS = ("csv", "md", "xlsx")


def save(library: Library, settings: Settings, work_id: int, reviewer: str,
         fields: dict[str, str]) -> None:
    """Store one extraction form (every field of the template; blanks allowed)."""
    unknown = [name for name in fields if name not in settings.extraction_fields]
    if unknown:
        raise MnrError(f"W{work_id}: {', '.join(map(repr, unknown))} not in the extraction "
                       f"template ({', '.join(settings.extraction_fields)}); see review.toml "
                       "[extraction] fields")
    if not reviewer.strip():
        raise MnrError("say who extracted the data (--reviewer)")
    if work_id not in {w for s in studies(library, settings, assessed=True)
                       for w in s.report_ids}:
        raise MnrError(f"W{work_id} is not a study of this review (not at the last stage)")
    cleaned = {name: (fields.get(name) or "").strip() for name in settings.extraction_fields}
    library.synthesis.save_extraction(work_id, reviewer.strip(), cleaned)


def update(library: Library, settings: Settings, work_id: int, reviewer: str,
           given: dict[str, str]) -> None:
    """Save the fields given; the template's other fields keep the value ``reviewer``
    saved last (each extractor's form is their own: two extract independently)."""
    latest = by_extractor(library).get(work_id, {}).get(reviewer.strip())
    kept = {name: value for name, value in (latest.fields if latest else {}).items()
            if name in settings.extraction_fields}
    save(library, settings, work_id, reviewer, {**kept, **given})


def check_output(fmt: str, output: Path | TextIO | None) -> None:
    """Refuse an XLSX table without a file to write it to."""
    if fmt == "xlsx" and not isinstance(output, Path):
        raise MnrError("an XLSX file needs a file name: -o evidence.xlsx")


def current(library: Library) -> dict[int, Extraction]:
    """The latest extraction of each work, whoever saved it."""
    return {e.work_id: e for e in library.synthesis.extractions()}


def by_extractor(library: Library) -> dict[int, dict[str, Extraction]]:
    """work id -> extractor -> their latest extraction of it."""
    latest: dict[int, dict[str, Extraction]] = {}
    for saved in library.synthesis.extractions():
        latest.setdefault(saved.work_id, {})[saved.reviewer] = saved
    return latest


def merged(library: Library) -> dict[int, Extraction]:
    """Each extracted work's fields as the evidence table gives them: per field, the latest
    value any extractor saved in their own form (their latest save), blanks aside, so
    that two forms fill each other in and a value agreed after a comparison, saved last,
    is the one shown. ``reviewer``: who extracted it."""
    result: dict[int, Extraction] = {}
    for work_id, saved in by_extractor(library).items():
        forms = sorted(saved.values(), key=lambda e: e.extraction_id)
        fields: dict[str, str] = {}
        for form in forms:
            fields.update({name: value for name, value in form.fields.items()
                           if value.strip() or name not in fields})
        last = forms[-1]
        result[work_id] = Extraction(last.extraction_id, work_id,
                                     ", ".join(sorted(saved)), fields, last.saved_at)
    return result


def _same(value: str) -> str:
    """A value as compared between extractors: case and spacing do not count."""
    return " ".join(value.split()).casefold()


@dataclass(frozen=True, slots=True)
class FieldDisagreement:
    """One field of one study that two or more extractors filled differently."""

    work_id: int
    study: str
    field: str
    values: dict[str, str]  # extractor -> their latest value ("" : left blank)

    def as_dict(self) -> dict[str, Any]:
        return {"work": f"W{self.work_id}", "study": self.study, "field": self.field,
                "values": self.values}


def compare(library: Library, settings: Settings) -> tuple[int, int, list[FieldDisagreement]]:
    """Studies extracted by two or more people, the fields they filled in all, and the
    fields where their latest values differ (one filled, one blank counts: a field
    missed is a disagreement too). Settled when one saves the value they agreed."""
    listed = studies(library, settings, assessed=True)
    labels = {s.work_id: s.label for s in listed}
    found: list[FieldDisagreement] = []
    double, fields = 0, 0
    for work_id, saved in sorted(by_extractor(library).items()):
        if len(saved) < 2:
            continue
        double += 1
        for name in settings.extraction_fields:
            values = {who: e.fields.get(name, "") for who, e in sorted(saved.items())}
            if not any(v.strip() for v in values.values()):
                continue
            fields += 1
            if len({_same(v) for v in values.values()}) > 1:
                found.append(FieldDisagreement(work_id, labels.get(work_id, f"W{work_id}"),
                                               name, values))
    return double, fields, found


def full_reference(work: Work) -> str:
    """A work's full reference from its merged record: "Simpson, A.; Hannigan, B. (2016).
    Title. Journal, 16(1), 147-152." (up to six authors, then "et al.")."""
    record = work.merged
    authors = "; ".join(record.authors[:6]) + ("; et al." if len(record.authors) > 6 else "")
    parts = [f"{authors or 'Anon.'} ({record.year or 'n.d.'})."]
    if record.title:
        parts.append(record.title.rstrip(".") + ".")
    if record.journal:
        where = record.journal + (f", {record.volume}" if record.volume else "") + (
            f"({record.issue})" if record.issue else "") + (
            f", {record.pages}" if record.pages else "")
        parts.append(where + ".")
    return " ".join(parts)


def evidence_table(library: Library, settings: Settings,
                   included: list[Study] | None = None, references: bool = False
                   ) -> tuple[list[str], list[list[str]]]:
    """(columns, rows): one row per included work, "Study" (then, with ``references``,
    its full reference and DOI) then the template's fields."""
    listed = included if included is not None else studies(library, settings)
    rows_of = first_per_study(merged(library), listed)  # a study's, from any report
    columns = ["Study", *(["Reference", "DOI"] if references else []),
               *settings.extraction_fields]
    rows = []
    for study in listed:
        saved = rows_of.get(study.work_id)
        values = saved.fields if saved else {}
        cited = ([full_reference(study.work), verbatim_doi(study.work.merged) or ""]
                 if references else [])
        rows.append([study.label, *cited,
                     *(values.get(name, "") for name in settings.extraction_fields)])
    return columns, rows


def write(columns: list[str], rows: list[list[str]], fmt: str, output: Path | TextIO) -> None:
    """Write a table as CSV, Markdown or XLSX (XLSX needs a file path). A file is written
    whole or not at all; text cells never become formulas (CSV neutralised, XLSX strings)."""
    check_output(fmt, output)
    if fmt == "xlsx":
        assert isinstance(output, Path)
        write_xlsx(output, columns, rows, sheet="Evidence table")
        return
    if fmt not in FORMATS:
        raise MnrError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    text = _markdown(columns, rows) if fmt == "md" else None
    if isinstance(output, Path):
        with opened(output) as stream:
            _emit(stream, columns, rows, text)
    else:
        _emit(output, columns, rows, text)


def _emit(stream: TextIO, columns: list[str], rows: list[list[str]], text: str | None) -> None:
    if text is not None:
        stream.write(text)
        return
    write_table(stream, columns, rows)


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _markdown(columns: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
