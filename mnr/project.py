"""A review project on disk: find it, create it, read its review.toml into typed settings.

A project is a folder holding ``review.toml`` (the protocol), ``searches/``
(exports as downloaded plus the search log) and ``library/`` (what mnr makes).
Commands find it by walking up from the working directory, as git does.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from mnr.errors import MnrError, ProjectError

REVIEW_FILE = "review.toml"
SEARCHES_DIR = "searches"
LIBRARY_DIR = "library"
LOG_FILE = "log.toml"
DATABASE_FILE = "library.sqlite"
LIBRARY_URL_VARIABLE = "MNR_LIBRARY_URL"

LOG_HEADER = """\
# Search log (PRISMA-S): one [[search]] per export in this folder, in import order.
# mnr appends an entry for every file it imports; you may add notes by hand.
# Keys: file, database, platform, date (YYYY-MM-DD), query, limits, notes, format,
# and other_method (websites, organisations, citation-searching or other; database
# is then the source's label) for sources that are not databases;
# in an updated review, round (2 for the first update) and update_of (the earlier
# search's file) for a search that re-runs an earlier one (`mnr import --update-of`).
# `mnr searches edit` appends an [[edit]] (file, the keys corrected, at): it wins over
# the [[search]] above it. `mnr searches withdraw` appends a [[withdrawal]].
"""

# What `mnr init` writes to .gitignore: only the cache. Everything else in the folder is
# the review (review.toml, searches/, judgements/, and what people put in library/).
GITIGNORE = """\
# The library is a cache, rebuilt from review.toml, searches/ and judgements/:
# everything else in this folder is the review, to be shared.
/library/library.sqlite*
"""


# The seed review's extraction template (Jones et al. 2018): one column per field.
DEFAULT_EXTRACTION = ["Setting", "Country", "Sample characteristics", "Study design",
                      "Data collection", "Data analysis", "Intervention", "Outcome", "Findings"]
UK = ["UK", "United Kingdom", "England", "Wales", "Scotland", "Northern Ireland"]


@dataclass(frozen=True, slots=True)
class TraditionSpec:
    """A research tradition as review.toml defines it."""

    name: str
    description: str = ""
    paradigm: str = ""
    concepts: list[str] = field(default_factory=list)
    theories: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    checklist: str | None = None  # the checklist its studies are judged by
    storyline: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """The parts of review.toml that mnr reads."""

    title: str
    question: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=lambda: ["title", "abstract", "fulltext"])
    reviewers: list[str] = field(default_factory=list)
    blind: bool = True
    maybe_goes_forward: bool = True
    maybe_is_conflict: bool = False  # whether an M against an N is a conflict (Y/N always is)
    reviewers_per_work: int = 1  # decisions a work needs at a stage before it has an outcome
    exclusion_reasons: list[str] = field(default_factory=list)
    reason_required: list[str] = field(default_factory=lambda: ["fulltext"])  # stages
    # the exclusion reason meaning "the full text could not be obtained" (PRISMA's
    # "reports not retrieved", counted apart from reports assessed and excluded)
    not_retrieved_reason: str | None = None
    highlight_include: list[str] = field(default_factory=list)
    highlight_exclude: list[str] = field(default_factory=list)
    checklist_files: list[Path] = field(default_factory=list)  # the user's own checklists
    default_checklist: str | None = None
    extraction_fields: list[str] = field(default_factory=lambda: list(DEFAULT_EXTRACTION))
    traditions: list[TraditionSpec] = field(default_factory=list)
    country_group: list[str] = field(default_factory=lambda: list(UK))  # shown apart
    country_group_label: str = "UK"
    mailto: str = ""  # the contact address OpenAlex's polite pool asks for (`mnr chase`)
    library_url: str = ""  # a PostgreSQL server's library (``[library] url``); "": the file

    def check_reviewer(self, name: str) -> None:
        """Refuse initials that review.toml, when it lists reviewers, does not list."""
        if self.reviewers and name not in self.reviewers:
            raise MnrError(f"{name!r} is not a reviewer of this review; review.toml lists "
                           f"{', '.join(self.reviewers)} (add them under [screening])")

    def check_stage(self, name: str) -> None:
        """Refuse a stage review.toml does not name."""
        if name not in self.stages:
            raise MnrError(f"there is no stage {name!r}; review.toml's stages are "
                           f"{', '.join(self.stages)}")


@dataclass(frozen=True, slots=True)
class Project:
    """Where a review lives on disk."""

    root: Path

    @property
    def review_file(self) -> Path:
        return self.root / REVIEW_FILE

    @property
    def searches_dir(self) -> Path:
        return self.root / SEARCHES_DIR

    @property
    def log_file(self) -> Path:
        return self.searches_dir / LOG_FILE

    @property
    def library_dir(self) -> Path:
        return self.root / LIBRARY_DIR

    @property
    def database_file(self) -> Path:
        return self.library_dir / DATABASE_FILE

    def settings(self) -> Settings:
        return load_settings(self.review_file)

    def library_url(self) -> str | None:
        """The PostgreSQL server the review's library is on, if it is on one:
        ``MNR_LIBRARY_URL`` (which wins, so that a password need never be in a file that
        goes into git), else review.toml's ``[library] url``; None: the library file."""
        url = os.environ.get(LIBRARY_URL_VARIABLE, "").strip()
        if url:
            return url
        if not self.review_file.is_file():
            return None
        return load_settings(self.review_file).library_url or None


def find_project(start: Path | None = None) -> Project:
    """The nearest folder at or above ``start`` holding review.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / REVIEW_FILE).is_file():
            return Project(folder)
    raise ProjectError(
        f"no {REVIEW_FILE} here or in any folder above {here}. "
        "Create a review with `mnr init FOLDER --title \"...\"`, or cd into one."
    )


def init_project(folder: Path, title: str) -> Project:
    """Create review.toml (commented placeholders), searches/ with an empty log, library/,
    and a .gitignore that leaves out the library's cache."""
    review_file = folder / REVIEW_FILE
    if review_file.exists():
        raise ProjectError(f"{review_file} already exists; this folder is already a review")
    try:
        return _create(folder, title)
    except OSError as error:  # a read-only folder, a full disk: say so, leave no review.toml
        with contextlib.suppress(OSError):  # (it did not exist: see above)
            review_file.unlink(missing_ok=True)
        raise ProjectError(f"{error.filename or folder}: could not be written "
                           f"({error.strerror or error}); no review was made") from None


def _create(folder: Path, title: str) -> Project:
    review_file = folder / REVIEW_FILE
    folder.mkdir(parents=True, exist_ok=True)
    template = resources.files("mnr").joinpath("templates", REVIEW_FILE).read_text("utf-8")
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    review_file.write_text(template.replace("{title}", escaped), encoding="utf-8")
    project = Project(folder.resolve())
    project.searches_dir.mkdir(exist_ok=True)
    project.library_dir.mkdir(exist_ok=True)
    if not project.log_file.exists():
        project.log_file.write_text(LOG_HEADER, encoding="utf-8")
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return project


def _line_of(text: str, key: str, start: int = 0) -> int | None:
    """The line where ``key = ...`` (or the table ``[[key]]``) is written, at or after
    ``start``, for messages about a bad value."""
    pattern = re.compile(rf"^[ \t]*({re.escape(key)}\s*=|\[\[\s*{re.escape(key)}\s*\]\])",
                         re.MULTILINE)
    match = pattern.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


class _Reader:
    """Typed access to the parsed TOML that names the file, line and key of a bad value
    (``start``: where in the text the values read are written, for a table of an array)."""

    def __init__(self, path: Path, text: str, data: dict[str, Any], start: int = 0) -> None:
        self.path, self.text, self.data, self.start = path, text, data, start

    def _fail(self, dotted: str, expected: str) -> ProjectError:
        line = _line_of(self.text, dotted.rsplit(".", 1)[-1], self.start)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return ProjectError(f"{where}: `{dotted}` must be {expected}")

    def _get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict):
                raise self._fail(dotted.rsplit(".", 1)[0], "a table")
            node = node.get(part)
            if node is None:
                return None
        return node

    def string(self, dotted: str, default: str = "") -> str:
        value = self._get(dotted)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self._fail(dotted, "a string in quotes")
        return value

    def strings(self, dotted: str, default: list[str] | None = None) -> list[str]:
        value = self._get(dotted)
        if value is None:
            return list(default or [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(dotted, 'a list of strings, e.g. ["a", "b"]')
        return value

    def integer(self, dotted: str, default: int, at_least: int) -> int:
        value = self._get(dotted)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < at_least:
            raise self._fail(dotted, f"a whole number, at least {at_least}")
        return value

    def boolean(self, dotted: str, default: bool) -> bool:
        value = self._get(dotted)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(dotted, "true or false")
        return value


_NOT_RETRIEVED = re.compile(r"not (available|retrieved|obtained|found)|no full.?text|"
                            r"could not (be )?(obtain|retriev|find)", re.IGNORECASE)


def load_settings(path: Path) -> Settings:
    """Read review.toml; a syntax error or a wrongly typed value names the line and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ProjectError(f"{path}: not UTF-8 text ({error.reason}); save it as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProjectError(f"{path}: {error}. Fix the line and try again.") from None
    toml = _Reader(path, text, data)
    title = toml.string("review.title")
    if not title.strip():
        raise toml._fail("review.title", "a non-empty string")
    stages = toml.strings("screening.stages", ["title", "abstract", "fulltext"])
    if not stages:
        raise toml._fail("screening.stages", "a list with at least one stage")
    if any(not s.strip() for s in stages) or len(set(stages)) != len(stages):
        # a stage named twice folds two stages' decisions into one count
        raise toml._fail("screening.stages", "a list of different, non-empty stage names, "
                         'e.g. ["title", "abstract", "fulltext"]')
    reasons = toml.strings("screening.exclusion_reasons")
    if any(not r.strip() for r in reasons) or len(set(reasons)) != len(reasons):
        raise toml._fail("screening.exclusion_reasons", "a list of different, non-empty "
                         "reasons (each written once)")
    not_retrieved = toml.string("screening.not_retrieved_reason") or next(
        (r for r in reasons if _NOT_RETRIEVED.search(r)), None)
    if not_retrieved is not None and not_retrieved not in reasons:
        raise toml._fail("screening.not_retrieved_reason", "one of `exclusion_reasons`, "
                         "written the same way (" + ", ".join(map(repr, reasons)) + ")"
                         if reasons else "one of `exclusion_reasons`, which lists none")
    reviewers = toml.strings("screening.reviewers")
    if toml._get("screening.reviewers") is not None and (
            not reviewers or any(not r.strip() for r in reviewers)):
        # an empty list would let any initials decide, and be logged for good
        raise toml._fail("screening.reviewers", 'a list of the reviewers\' initials, e.g. '
                         '["BH", "MC"] (leave the key out to let anyone decide)')
    if len(set(reviewers)) != len(reviewers):
        raise toml._fail("screening.reviewers", "a list of different initials")
    per_work = toml.integer("screening.reviewers_per_work",
                            min(2, max(1, len(reviewers))), at_least=1)
    if reviewers and per_work > len(reviewers):  # no work could ever get its decisions
        raise toml._fail("screening.reviewers_per_work",
                         f"at most the number of reviewers ({len(reviewers)}: "
                         f"{', '.join(reviewers)})")
    required = toml.strings("screening.reason_required", [s for s in stages if s == "fulltext"])
    unknown = [s for s in required if s not in stages]
    if unknown:
        raise toml._fail("screening.reason_required", f"a list of stages from `stages` "
                         f"({', '.join(stages)}); {', '.join(map(repr, unknown))} is not one")
    return Settings(
        title=title,
        question=toml.string("review.question"),
        include=toml.strings("criteria.include"),
        exclude=toml.strings("criteria.exclude"),
        stages=stages,
        reviewers=reviewers,
        blind=toml.boolean("screening.blind", len(reviewers) >= 2),
        maybe_goes_forward=toml.boolean("screening.maybe_goes_forward", True),
        maybe_is_conflict=toml.boolean("screening.maybe_is_conflict", False),
        reviewers_per_work=per_work,
        exclusion_reasons=reasons,
        not_retrieved_reason=not_retrieved,
        reason_required=required,
        highlight_include=toml.strings("highlight.include"),
        highlight_exclude=toml.strings("highlight.exclude"),
        checklist_files=[path.parent / name for name in toml.strings("appraisal.checklists")],
        default_checklist=toml.string("appraisal.default") or None,
        extraction_fields=_fields(toml),
        traditions=_traditions(toml),
        country_group=toml.strings("traditions_timeline.group", UK),
        country_group_label=toml.string("traditions_timeline.label", "UK"),
        mailto=toml.string("openalex.mailto").strip(),
        library_url=toml.string("library.url").strip(),
    )


def refuse_unlisted_stages(path: Path, stages: list[str], logged: dict[str, int]) -> None:
    """Refuse a review.toml whose ``stages`` leaves out a stage the screening log has
    entries for (``logged``: stage -> entries): those decisions would drop out of every
    count."""
    missing = {stage: n for stage, n in logged.items() if stage not in stages}
    if not missing:
        return
    try:
        line = _line_of(path.read_text(encoding="utf-8"), "stages")
    except (OSError, UnicodeDecodeError):
        line = None
    where = f"{path}, line {line}" if line else str(path)
    said = "; ".join(f"{stage!r}, which the screening log has {n:,} "
                     f"entr{'y' if n == 1 else 'ies'} for" for stage, n in missing.items())
    raise ProjectError(f"{where}: `screening.stages` leaves out {said}: put it back in "
                       "stages (its decisions would drop out of every count); nothing was "
                       "changed")


def _fields(toml: _Reader) -> list[str]:
    fields = toml.strings("extraction.fields", DEFAULT_EXTRACTION)
    names = [f.strip() for f in fields]
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        raise toml._fail("extraction.fields", "a list of different, non-empty field names")
    return names


def _traditions(toml: _Reader) -> list[TraditionSpec]:
    """The [[tradition]] tables: each needs a name; lists must be lists of strings."""
    if "traditions" in toml.data:  # a likely slip: mnr would ignore the tables silently
        raise toml._fail("traditions", "written [[tradition]] (one table per tradition), "
                         "not [[traditions]]")
    tables = toml.data.get("tradition", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise toml._fail("tradition", "[[tradition]] tables")
    found: list[TraditionSpec] = []
    headers = [m.end() for m in re.finditer(r"^\s*\[\[\s*tradition\s*\]\]", toml.text,
                                            re.MULTILINE)]
    for number, table in enumerate(tables, 1):
        # each tradition's values are looked for below its own [[tradition]] header
        start = headers[number - 1] if len(headers) >= number else 0
        sub = _Reader(toml.path, toml.text, {"tradition": table}, start)
        name = sub.string("tradition.name").strip()
        if not name:
            raise ProjectError(f"{toml.path}: tradition {number} has no `name`")
        if name in {t.name for t in found}:
            raise ProjectError(f"{toml.path}: two traditions are named {name!r}")
        t = "tradition."
        found.append(TraditionSpec(
            name=name, description=sub.string(t + "description"),
            paradigm=sub.string(t + "paradigm"), concepts=sub.strings(t + "concepts"),
            theories=sub.strings(t + "theories"), methods=sub.strings(t + "methods"),
            checklist=sub.string(t + "checklist") or None,
            storyline=sub.string(t + "storyline")))
    return found
