"""The search log and importing exports into records.

An import reads one export file, detects (or is told) its format, and stores
every record in one transaction together with the search it came from. The
file itself is kept in ``searches/`` and the search is appended to
``searches/log.toml``, the librarian's PRISMA-S log from which a fresh library
can be rebuilt.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import tomli_w

from mnr.collector import paused_gc
from mnr.errors import FormatError, ImportRefused, MnrError
from mnr.formats import detect, get_reader
from mnr.formats.decode import decode
from mnr.library import Library, NewSearch, Search
from mnr.project import LOG_HEADER, Project
from mnr.records import ParsedRecord

BATCH = 1000  # records per write: one multi-row INSERT per table

# When neither the user nor the records say which database a file came from.
_FORMAT_DATABASES = {
    "wos_text": "Web of Science",
    "wos_tab": "Web of Science",
    "medline": "MEDLINE",
}

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# PRISMA 2020's categories of sources that are not databases or registers (the
# PRISMA2020 R package's template has a row for the first three), with their words.
OTHER_METHODS = {"websites": "Websites", "organisations": "Organisations",
                 "citation-searching": "Citation searching", "other": "Other methods"}
# Spellings of a category that older search logs (free text) and people use for it.
_OTHER_SPELLINGS = {"website": "websites", "organisation": "organisations",
                    "organizations": "organisations", "organization": "organisations",
                    "citations": "citation-searching", "citation": "citation-searching"}


def other_method_category(value: str, strict: bool = False) -> str:
    """The category of an other-method source: ``websites``, ``organisations``,
    ``citation-searching`` or ``other``.

    The rule for free text (what search logs before categories hold): a category's
    name in any case, with spaces or underscores for the hyphen ("Citation
    searching"), or its singular or American spelling, is that category; anything
    else ("Hand searching", "Google") is ``other``, its text kept as the source's
    label. Nothing is guessed from words inside the text. ``strict``: refuse text
    that names no category (what a person types at ``--other-method``)."""
    key = re.sub(r"[\s_]+", "-", value.strip().lower())
    key = _OTHER_SPELLINGS.get(key, key)
    if key in OTHER_METHODS:
        return key
    if strict:
        raise ImportRefused(
            f"--other-method {value!r} is not one of {', '.join(OTHER_METHODS)}; name the "
            f"category and label the source, e.g. --other-method other --label {value!r}")
    return "other"


def other_method_label(category: str, label: str | None) -> str:
    """What a source found by other methods is called: its label, else its category's
    words."""
    return label or OTHER_METHODS[category]


def other_source(other_method: str | None, database: str) -> tuple[str, str]:
    """A stored other-method search's (category, label). Searches imported since
    categories came store the category, and the label as their database; an older
    search's free text ("Hand searching") is its label, in the category ``other``."""
    category = other_method_category(other_method or database)
    free = other_method if other_method and category == "other" and (
        other_method.strip().lower() != "other") else None
    return category, free or database

class Progress(Protocol):
    """Told how many more records were stored, and the total when it becomes known."""

    def __call__(self, advance: int, total: int | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the librarian tells mnr about a search (all optional but the file)."""

    database: str | None = None
    platform: str | None = None
    date: str | None = None
    query: str | None = None
    limits: str | None = None
    notes: str | None = None
    format: str | None = None
    other_method: str | None = None
    register: bool = False
    # an updated review: the earlier search this one re-runs (its id, or as the search log
    # names it, its file), and the review round (default: one after the earlier search's)
    update_of: int | str | None = None
    review_round: int | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    search: Search
    untitled: int
    copied_to: Path | None
    # what the user should know about the file's text (e.g. lines with bytes that could
    # not be read, each such byte now U+FFFD)
    notes: tuple[str, ...] = ()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (an export may be hundreds of MB)."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def export_text(project: Project) -> Callable[[Search], str]:
    """The library's reader of kept exports: a search's file in searches/, decoded as at
    its import (the records' text is cut from it by where it stood), refused with the
    file named if it is gone or its bytes changed."""
    def read(search: Search) -> str:
        path = project.searches_dir / search.file_name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise MnrError(f"searches/{search.file_name}: the export of search {search.label} "
                           f"could not be read ({error.strerror or error}); its records' text "
                           "is read from it: restore the file (from the review folder's "
                           "history or a backup)") from None
        if _sha256(data) != search.file_sha256:
            raise MnrError(f"searches/{search.file_name}: the export of search {search.label} "
                           "was changed after it was imported; its records' text is read from "
                           "it: restore the file as it was imported")
        return decode(data).text
    return read


def _check_date(value: str | None) -> None:
    """Refuse a search date that is not a real date (2024-13-45 has the shape of one);
    a year, or a year and month, may stand alone."""
    if not value:
        return
    if _DATE.match(value):
        try:
            datetime.strptime((value + "-01-01")[:10], "%Y-%m-%d")
            return
        except ValueError:
            pass
    raise ImportRefused(f"the search date {value!r} is not a date; write it as YYYY-MM-DD")


def _batches(records: Iterator[ParsedRecord]) -> Iterator[list[ParsedRecord]]:
    while batch := list(islice(records, BATCH)):
        yield batch


def _which_database(options: ImportOptions, first: list[ParsedRecord], reader_name: str,
                    path: Path) -> str:
    if options.database:
        return options.database
    if options.other_method:  # its category's words; an old log's free text is its label
        category, label = other_source(options.other_method, "")
        return other_method_label(category, label or None)
    named = Counter(r.source_database for r in first if r.source_database)
    if named:
        return named.most_common(1)[0][0]
    if reader_name in _FORMAT_DATABASES:
        return _FORMAT_DATABASES[reader_name]
    raise ImportRefused(
        f"{path}: the file does not say which database it came from; "
        "name it with --database (e.g. --database CINAHL)"
    )


def _destination(project: Project, path: Path, sha256: str) -> tuple[Path, bool]:
    """Where the export is kept in searches/, and whether it must be copied there."""
    searches = project.searches_dir.resolve()
    source = path.resolve()
    if source.parent == searches or searches in source.parents:
        return source, False
    target = searches / path.name
    counter = 2
    while target.exists():
        if file_sha256(target) == sha256:
            return target, False
        target = searches / f"{path.stem}-{counter}{path.suffix}"
        counter += 1
    return target, True


def _log_entry(search: NewSearch, update_of: str | None = None) -> dict[str, Any]:
    entry = {
        "file": search.file_name,
        "database": search.database,
        "platform": search.platform,
        "date": search.search_date,
        "query": search.query,
        "limits": search.limits,
        "notes": search.notes,
        "format": search.format,
        "other_method": search.other_method,
        "register": True if search.source_kind == "register" else None,
        "round": search.review_round if search.review_round != 1 else None,
        "update_of": update_of,
        "sha256": search.file_sha256,
        # when: a rebuild replays imports, deduplication and decisions in the order they came
        "imported": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    return {key: value for key, value in entry.items() if value is not None}


def append_log(project: Project, table: str, entry: dict[str, Any]) -> str:
    """Append one ``[[table]]`` to the search log, keeping the librarian's comments; return
    the text appended (what ``remove_from_log`` takes out again). Callers that must not
    race another writer call it holding the library's write lock."""
    log = project.log_file
    text = _read_log_text(log)
    # Written by hand as [[table]]: tomli_w would inline a short array of tables, which
    # appended after another table would become a key of that table.
    block = f"[[{table}]]\n" + tomli_w.dumps(entry, multiline_strings=True)
    if text and not text.endswith("\n"):
        text += "\n"
    separator = "\n" if text and not text.endswith("\n\n") else ""
    _write_log(log, text + separator + block)
    return separator + block


def remove_from_log(project: Project, appended: str) -> None:
    """Take out what one ``append_log`` added (the last copy of it), leaving every other
    entry, including ones appended since by others, as it is."""
    log = project.log_file
    text = _read_log_text(log)
    at = text.rfind(appended)
    if at >= 0:
        _write_log(log, text[:at] + text[at + len(appended):])


def _read_log_text(log: Path) -> str:
    try:
        return log.read_text("utf-8") if log.exists() else LOG_HEADER
    except (OSError, UnicodeDecodeError) as error:
        raise MnrError(f"{log}: could not be read ({error}); nothing was changed") from None


def _write_log(log: Path, text: str) -> None:
    """Replace the log in one step (a temporary file renamed over it): a write that fails
    leaves the log as it was, never cut short."""
    temporary = log.with_name(f".{log.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        if log.exists():
            shutil.copymode(log, temporary)
        os.replace(temporary, log)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise MnrError(f"{log}: could not be written ({error.strerror or error}); "
                       "nothing was changed") from None


def import_file(project: Project, library: Library, path: Path, options: ImportOptions,
                progress: Progress | None = None, write_log: bool = True) -> ImportResult:
    """Import one export as a new search: whole or not at all."""
    _check_date(options.date)
    earlier, review_round = review_round_of(library, options, path)
    data = _read_export(path)
    sha256 = _sha256(data)
    _refuse_reimport(library, path, sha256)
    if not data or data.isspace():  # (without strip's copy of a file of hundreds of MB)
        raise FormatError("the file is empty; export the records again", path=str(path))
    file_bytes = len(data)
    try:
        decoded = decode(data)
        del data  # a large export need not be held twice
        reader = get_reader(options.format) if options.format else detect(decoded.text)
        if progress and hasattr(reader, "count_records"):
            progress(0, reader.count_records(decoded.text))
        records = reader.read(decoded.text)
        batches = _batches(records)
        first = next(batches, [])
        if not first:
            raise FormatError(f"no records found (read as {reader.LABEL})")
        database = _which_database(options, first, reader.NAME, path)
        destination, must_copy = _destination(project, path, sha256)
        new = NewSearch(
            database=database,
            platform=options.platform,
            search_date=options.date,
            query=options.query,
            limits=options.limits,
            notes=options.notes,
            source_kind="other" if options.other_method else
            ("register" if options.register else "database"),
            other_method=(other_method_category(options.other_method)
                          if options.other_method else None),
            file_name=destination.relative_to(project.searches_dir.resolve()).as_posix(),
            file_sha256=sha256,
            file_bytes=file_bytes,
            encoding=decoded.encoding,
            format=reader.NAME,
            review_round=review_round,
            update_of=earlier.search_id if earlier is not None else None,
        )
        untitled = _store(project, library, new, _chain(first, batches), source=path,
                          copy_to=destination if must_copy else None,
                          keep_fields=not reader.RAW_IS_COMPLETE, write_log=write_log,
                          progress=progress,
                          update_of=earlier.file_name if earlier is not None else None)
    except FormatError as error:
        raise error.at(str(path)) from None
    search = library.search_by_sha256(sha256)
    assert search is not None
    return ImportResult(search=search, untitled=untitled,
                        copied_to=destination if must_copy else None,
                        notes=(decoded.note,) if decoded.note else ())


def review_round_of(library: Library, options: ImportOptions, path: Path
                    ) -> tuple[Search | None, int]:
    """The earlier search an update re-runs (``options.update_of``), and the review round
    the new search belongs to: as given, else one after the earlier search's, else 1 (the
    original searches). Refused, naming the file, when the earlier search is unknown or
    withdrawn, or the round given does not come after it."""
    earlier: Search | None = None
    if isinstance(options.update_of, int):
        earlier = library.search(options.update_of)
        if earlier is None:
            raise ImportRefused(f"{path}: --update-of S{options.update_of}: there is no such "
                                "search (`mnr searches` lists them); nothing was imported")
    elif isinstance(options.update_of, str):
        earlier = next((s for s in library.searches() if s.file_name == options.update_of),
                       None)
        if earlier is None:
            raise ImportRefused(f"{path}: update_of {options.update_of!r}: no search of that "
                                "file was imported before this one; nothing was imported")
    if earlier is not None and earlier.withdrawn:
        raise ImportRefused(f"{path}: --update-of {earlier.label}: that search was withdrawn "
                            f"({earlier.withdrawn_reason}); nothing was imported")
    given = options.review_round
    if given is not None and given < 1:
        raise ImportRefused(f"{path}: --round {given}: rounds are numbered from 1 (the "
                            "original searches); nothing was imported")
    if earlier is None:
        return None, given or 1
    if given is not None and given <= earlier.review_round:
        raise ImportRefused(f"{path}: --round {given}: an update of {earlier.label} (round "
                            f"{earlier.review_round}) belongs to a later round; nothing was "
                            "imported")
    return earlier, given or earlier.review_round + 1


# The largest export read (decoded text is held in memory, several times the bytes for a
# table): far above any one database download (PubMed, Scopus and WoS cap an export well
# below this); split a larger file, or export in parts.
MAX_EXPORT_BYTES = 512 * 1024 * 1024


def _read_export(path: Path) -> bytes:
    """The export's bytes; a missing, folder, unreadable, non-regular (a device, a pipe)
    or too large path is a clear error, raised before any byte is read."""
    try:
        # Opened without blocking: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise MnrError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise MnrError(f"{path}: is a folder; name the export files inside it") from None
    except OSError as error:
        raise MnrError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise MnrError(f"{path}: is a folder; name the export files inside it")
        if not stat.S_ISREG(info.st_mode):
            raise MnrError(f"{path}: is not a regular file (a device, a pipe or a socket); "
                           "save the export as a file and import that")
        if info.st_size > MAX_EXPORT_BYTES:
            raise MnrError(
                f"{path}: is {info.st_size / 2**20:,.0f} MB, more than the "
                f"{MAX_EXPORT_BYTES // 2**20:,} MB mnr reads in one import; export the "
                "records in parts (most databases cap an export anyway) and import each")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            # One byte more than the limit: a file that grew after the check is refused too.
            data = stream.read(MAX_EXPORT_BYTES + 1)
    except OSError as error:
        raise MnrError(f"{path}: cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_EXPORT_BYTES:
        raise MnrError(f"{path}: grew past {MAX_EXPORT_BYTES // 2**20:,} MB while being read; "
                       "import it when it is complete")
    return data


def _refuse_reimport(library: Library, path: Path, sha256: str) -> None:
    """Refuse a file imported before (withdrawn or not): its records are in the library."""
    earlier = library.search_by_sha256(sha256)
    if earlier is not None:
        when = earlier.search_date or earlier.imported_at[:10]
        withdrawn = " (since withdrawn)" if earlier.withdrawn else ""
        raise ImportRefused(
            f"{path}: this file was already imported as {earlier.label}{withdrawn} "
            f"({earlier.database}, {when}, searches/{earlier.file_name}); nothing was changed"
        )


def _store(project: Project, library: Library, new: NewSearch,
           batches: Iterator[list[ParsedRecord]], *, source: Path, copy_to: Path | None,
           keep_fields: bool, write_log: bool, progress: Progress | None,
           update_of: str | None = None) -> int:
    """Store the search and its records in one transaction, copying the export into
    searches/ and logging the search within it: when anything fails, the copy and the
    log entry are undone with the transaction (a crash before COMMIT leaves the entry,
    which the next opening imports: the folder wins). Returns how many records have no
    title."""
    untitled = 0
    copied: Path | None = None
    logged: str | None = None
    try:
        with paused_gc(), library.importing(new, keep_fields=keep_fields) as sink:
            for batch in batches:
                sink.add(batch)
                untitled += sum(1 for r in batch if not r.title)
                if progress:
                    progress(len(batch))
            if copy_to is not None:
                copied = _copy_export(source, copy_to)
            if write_log:  # last, holding the write lock: no other import appends now
                logged = append_log(project, "search", _log_entry(new, update_of))
    except BaseException:  # the transaction rolled back: undo the log entry and the copy
        _undo(project, copied, logged)
        raise
    return untitled


def _copy_export(source: Path, target: Path) -> Path:
    """Keep a copy of the export in searches/; a copy cut short (a full disk, a read-only
    folder) is removed, so that it neither lingers as a 0-byte file nor pushes the next
    import's copy to another name."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("xb") as written, source.open("rb") as read:
            try:
                shutil.copyfileobj(read, written)
            except BaseException:
                written.close()
                target.unlink(missing_ok=True)
                raise
    except OSError as error:
        if error.errno == errno.ENOSPC:
            why = "the disk is full"
        elif isinstance(error, PermissionError):
            why = f"{target.parent} is read-only"
        else:
            why = error.strerror or str(error)
        raise ImportRefused(f"{source}: could not be copied to {target} ({why}); nothing "
                            "was imported") from None
    return target


def _undo(project: Project, copied: Path | None, logged: str | None) -> None:
    """Take out a failed import's own log entry (never another's), then its copy of the
    export; the copy stays if the entry could not be taken out, so that the next opening
    can import what the log lists."""
    if logged is not None:
        try:
            remove_from_log(project, logged)
        except MnrError:
            return
    if copied is not None:
        copied.unlink(missing_ok=True)


def _chain(first: list[ParsedRecord],
           rest: Iterator[list[ParsedRecord]]) -> Iterator[list[ParsedRecord]]:
    yield first
    yield from rest


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One ``[[search]]`` of searches/log.toml."""

    file: Path
    options: ImportOptions
    name: str = ""  # as logged: the file's path inside searches/
    sha256: str | None = None  # as logged, when the log says
    imported: str | None = None  # when mnr logged it (UTC), when the log says


def read_log(project: Project) -> tuple[list[LogEntry], dict[str, str]]:
    """The logged searches, and the withdrawals (file name -> reason)."""
    log = project.log_file
    if not log.exists():
        return [], {}
    try:
        data = tomllib.loads(log.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise MnrError(f"{log}: {error}. Fix the line and try again.") from None
    except UnicodeDecodeError:
        raise MnrError(f"{log}: not UTF-8 text; save it as UTF-8") from None
    entries = []
    root = project.searches_dir.resolve()
    for number, item in enumerate(data.get("search", []), start=1):
        where = f"{log}, search {number}"
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise MnrError(f"{where}: every [[search]] needs file = \"NAME\"")
        file = (root / item["file"]).resolve()
        if root not in file.parents:
            raise MnrError(f"{where}: file {item['file']!r} must be inside searches/")
        text = {key: item.get(key) for key in ("database", "platform", "date", "query",
                                                "limits", "notes", "format", "other_method")}
        for key, value in text.items():
            if value is not None and not isinstance(value, str):
                raise MnrError(f"{where}: {key} must be a string in quotes")
        sha256, imported = item.get("sha256"), item.get("imported")
        update_of, review_round = item.get("update_of"), item.get("round")
        if update_of is not None and not isinstance(update_of, str):
            raise MnrError(f"{where}: update_of must be the earlier search's file, in quotes")
        if review_round is not None and (isinstance(review_round, bool)
                                         or not isinstance(review_round, int)):
            raise MnrError(f"{where}: round must be a whole number (1: the original "
                           "searches)")
        entries.append(LogEntry(file=file, options=ImportOptions(
            **text, register=bool(item.get("register", False)),  # type: ignore[arg-type]
            update_of=update_of, review_round=review_round),
            name=file.relative_to(root).as_posix(),
            sha256=sha256 if isinstance(sha256, str) else None,
            imported=imported if isinstance(imported, str) else None))
    withdrawals = {
        str(item.get("file")): str(item.get("reason", ""))
        for item in data.get("withdrawal", []) if isinstance(item, dict)
    }
    return _edited(log, entries, data.get("edit", [])), withdrawals


# What `mnr searches edit` may correct: the search log's key -> the library's column.
EDITABLE = {"database": "database", "platform": "platform", "date": "search_date",
            "query": "query", "limits": "limits", "notes": "notes"}


def _edited(log: Path, entries: list[LogEntry], edits: Any) -> list[LogEntry]:
    """The logged searches with the log's ``[[edit]]`` corrections applied, in order."""
    if not edits:
        return entries
    if not isinstance(edits, list):
        raise MnrError(f"{log}: `edit` must be [[edit]] tables")
    by_name = {entry.name: number for number, entry in enumerate(entries)}
    for number, item in enumerate(edits, start=1):
        where = f"{log}, edit {number}"
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise MnrError(f"{where}: every [[edit]] needs file = \"NAME\"")
        changes = {key: value for key, value in item.items() if key in EDITABLE}
        for key, value in changes.items():
            if not isinstance(value, str):
                raise MnrError(f"{where}: {key} must be a string in quotes")
        at = by_name.get(item["file"])
        if at is None:  # its search was taken out of the log: nothing to correct
            continue
        entry = entries[at]
        entries[at] = replace(entry, options=replace(entry.options, **changes))
    return entries


def edit(project: Project, library: Library, search_id: int, changes: dict[str, str]
         ) -> tuple[Search, dict[str, tuple[str | None, str]]]:
    """Correct a search's metadata (``changes``: search-log key -> value, keys of
    ``EDITABLE``), logged as an ``[[edit]]`` in the search log, which a rebuild applies;
    the search, and each field changed with its value before and after."""
    search = library.search(search_id)
    if search is None:
        raise MnrError(f"there is no search S{search_id}; `mnr searches` lists them")
    for key, value in changes.items():
        if not value.strip():
            raise MnrError(f"--{key}: give the corrected value (it cannot be empty)")
    _check_date(changes.get("date"))
    changed = {key: (getattr(search, EDITABLE[key]), value) for key, value in changes.items()
               if getattr(search, EDITABLE[key]) != value}
    if not changed:
        raise MnrError(f"{search.label} already says that; nothing was changed" if changes
                       else "say what to correct: --date, --query, --database, --platform, "
                            "--limits or --notes")
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    entry = {"file": search.file_name, **{key: new for key, (_, new) in changed.items()},
             "at": at}
    edited = library.edit_search(
        search_id, {EDITABLE[key]: new for key, (_, new) in changed.items()},
        before_commit=lambda: append_log(project, "edit", entry))
    return edited, changed


def import_log(project: Project, library: Library,
               progress: Progress | None = None) -> list[ImportResult]:
    """Import every logged search whose file is not in the library yet (each whole or not)."""
    entries, withdrawals = read_log(project)
    results = []
    for entry in entries:
        if not entry.file.is_file():
            raise MnrError(f"{project.log_file}: the logged file {entry.file.name} is missing "
                           "from searches/")
        if library.search_by_sha256(file_sha256(entry.file)) is not None:
            continue
        results.append(import_logged(project, library, entry, withdrawals, progress))
    return results


def import_logged(project: Project, library: Library, entry: LogEntry,
                  withdrawals: dict[str, str], progress: Progress | None = None
                  ) -> ImportResult:
    """Import one search the log lists (not logging it again), withdrawn if the log
    says so."""
    result = import_file(project, library, entry.file, entry.options, progress,
                         write_log=False)
    reason = withdrawals.get(result.search.file_name)
    if reason is None:
        return result
    withdrawn = library.withdraw_search(result.search.search_id, reason)
    return ImportResult(withdrawn, result.untitled, result.copied_to, result.notes)


def withdraw(project: Project, library: Library, search_id: int, reason: str) -> Search:
    """Withdraw a search imported by mistake (its records are kept, no longer counted)."""
    search = library.search(search_id)
    if search is None:
        raise MnrError(f"there is no search S{search_id}; `mnr searches` lists them")
    if search.withdrawn:
        raise MnrError(f"{search.label} was already withdrawn on {search.withdrawn_at}")
    # Logged inside the transaction: if the log cannot be written, nothing is withdrawn.
    # The time puts it in order with deduplication passes when the library is rebuilt.
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    return library.withdraw_search(search_id, reason, at=at, before_commit=lambda: append_log(
        project, "withdrawal", {"file": search.file_name, "reason": reason, "at": at}))


def withdrawal_times(project: Project) -> dict[str, str]:
    """When each logged withdrawal was made (file name -> time), where the log says."""
    if not project.log_file.exists():
        return {}
    try:
        data = tomllib.loads(project.log_file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}  # read_log says why
    return {str(item["file"]): item["at"] for item in data.get("withdrawal", [])
            if isinstance(item, dict) and isinstance(item.get("at"), str)}
