"""Reference lists for works whose exports carried none (``mnr references import``).

A list is a file: one reference per line (numbering such as "12." or "[12]" is
dropped), or a RIS or BibTeX file whose records are the references. The file is
kept in searches/references/ and logged as a ``[[references]]`` table in
searches/log.toml, so that a fresh checkout rebuilds the same network. The list
belongs to one record of the work (its preferred one): work ids may change when
dedupe runs again, records do not.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

from mnr.errors import FormatError, MnrError
from mnr.formats import detect
from mnr.formats.decode import decode
from mnr.library import Library
from mnr.project import Project
from mnr.records import ParsedRecord
from mnr.searches import append_log

FOLDER = "references"  # under searches/
_NUMBERING = re.compile(r"^\s*(?:\[\d+\]|\d+[.)]|[-*\u2022])\s*")
_STRUCTURED = ("ris", "bibtex", "endnote_xml", "medline", "csl_json")


def _initials(name: str) -> str:
    """"Simpson, Alan" -> "Simpson A"; "Simpson A" stays."""
    if "," not in name:
        return name.strip()
    family, given = (p.strip() for p in name.split(",", 1))
    return f"{family} {''.join(w[0] for w in given.replace('.', ' ').split() if w)}".strip()


def record_text(record: ParsedRecord) -> str:
    """A structured reference as one line in the Web of Science style the parser reads:
    "Simpson A, 2016, Title, BMC Psychiatry, V16, P147, DOI 10...."."""
    page = (record.pages or "").split("-")[0].strip()
    parts = [_initials(record.authors[0]) if record.authors else None,
             str(record.year) if record.year else None, record.title, record.journal,
             f"V{record.volume}" if record.volume else None, f"P{page}" if page else None,
             f"DOI {record.doi}" if record.doi else None]
    return ", ".join(p.replace(", ", " ").replace(",", " ") if i == 2 else p
                     for i, p in enumerate(parts) if p)


def read_references(path: Path) -> list[str]:
    """The references a file holds, as lines; a clear error naming the file otherwise."""
    try:
        text = decode(path.read_bytes()).text
    except FileNotFoundError:
        raise MnrError(f"{path}: no such file") from None
    except FormatError as error:
        raise error.at(str(path)) from None
    try:
        reader = detect(text)
    except FormatError:
        reader = None
    if reader is not None and reader.NAME in _STRUCTURED:
        try:
            refs = [record_text(r) for r in reader.read(text)]
        except FormatError as error:
            raise error.at(str(path)) from None
    else:
        refs = [_NUMBERING.sub("", line).strip() for line in text.splitlines()]
    refs = [r for r in refs if r]
    if not refs:
        raise MnrError(f"{path}: no references found (one per line, or a RIS or BibTeX file)")
    return refs


def import_list(project: Project, library: Library, path: Path, work_id: int,
                notes: str | None = None, write_log: bool = True) -> tuple[int, int]:
    """Attach the file's references to the work; returns (record id, references).
    The same file twice for one work is refused; nothing changes on any error."""
    refs = read_references(path)
    records = {r.record_id: r for r in library.records(
        record_ids=library.screening.records_of_work(work_id))}
    if not records:
        raise MnrError(f"there is no work W{work_id}; `mnr export csv --what works` lists them")
    from mnr.works import merge

    record_id = merge(work_id, list(records.values())).preferred.record_id
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    for earlier in library.references.lists():
        if earlier.file_sha256 == sha256 and earlier.record_id in records:
            raise MnrError(f"{path}: this reference list was already imported for W{work_id} "
                           f"(searches/{earlier.file_name}); nothing was changed")
    folder = project.searches_dir.resolve() / FOLDER
    source = path.resolve()
    if folder in source.parents:
        target = source
    else:
        target = folder / path.name
        n = 2
        while target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() != sha256:
            target = folder / f"{path.stem}-{n}{path.suffix}"
            n += 1
    name = target.relative_to(project.searches_dir.resolve()).as_posix()
    copied = not target.exists()
    if copied:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    entry = {"file": name, "record": f"R{record_id}", "sha256": sha256}
    # logged holding the library's write lock: two imports never lose each other's entry
    log: Callable[[], object] | None = (lambda: append_log(
        project, "references", entry | ({"notes": notes} if notes else {}))) if write_log else None
    try:
        library.references.add(record_id, name, sha256, refs, before_commit=log)
    except BaseException:
        if copied:
            target.unlink(missing_ok=True)
        raise
    return record_id, len(refs)


def replay(project: Project, library: Library) -> int:
    """Import the ``[[references]]`` of the search log (a fresh checkout's first use)."""
    log = project.log_file
    if not log.exists():
        return 0
    entries = tomllib.loads(log.read_text("utf-8")).get("references", [])
    if not entries:
        return 0
    known = {r.record_id for r in library.records()}
    for number, entry in enumerate(entries, start=1):
        where = f"{log}, references {number}"
        file, record = entry.get("file"), str(entry.get("record", ""))
        if not isinstance(file, str) or not re.fullmatch(r"R\d+", record):
            raise MnrError(f'{where}: needs file = "references/NAME" and record = "R12"')
        if int(record[1:]) not in known:
            raise MnrError(f"{where}: record {record} is not in the library")
        path = project.searches_dir / file
        refs = read_references(path)
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        library.references.add(int(record[1:]), file, sha256, refs)
    return len(entries)
