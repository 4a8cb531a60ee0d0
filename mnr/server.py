"""A review's library on a team's PostgreSQL server, and the review folder beside it.

The folder stays the complete archive: ``push`` loads a folder (its search log, exports
and judgement logs) into an empty server library, in the order things happened, as a
rebuild does; ``pull`` writes the judgements made on the server into the folder's
logs, each line once, so that the folder in git can rebuild the same library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from mnr.errors import MnrError
from mnr.journal import JUDGEMENTS_DIR, Journal, Line, file_name
from mnr.library import Library
from mnr.library.server import Role, holds_anything, set_up
from mnr.project import Project
from mnr.review import Opened, build_from_folder
from mnr.searches import Progress, read_log


def _connect(project: Project, url: str | None) -> Library:
    url = url or project.library_url()
    if url is None:
        raise MnrError("no server is named: give --url, set MNR_LIBRARY_URL, or set [library] "
                       "url in review.toml (e.g. url = \"postgresql://host/review\")")
    return Library.connect(url)


def setup(project: Project, prefix: str, url: str | None = None) -> tuple[str, list[Role]]:
    """Create the library's tables (if new) and the roles of review.toml's reviewers."""
    reviewers = project.settings().reviewers
    if not reviewers:
        raise MnrError(f"{project.review_file}: [screening] reviewers lists no one; list the "
                       'reviewers\' initials (e.g. reviewers = ["BH", "MC"]) to make their roles')
    library = _connect(project, url)
    try:
        return library.where, set_up(library, prefix, reviewers)
    finally:
        library.close()


def push(project: Project, url: str | None = None, progress: Progress | None = None
         ) -> Opened:
    """Load the review folder into an empty library on the server."""
    library = _connect(project, url)
    try:
        if not read_log(project)[0]:
            raise MnrError(f"{project.log_file}: lists no search; there is nothing to push "
                           "(import an export first)")
        if holds_anything(library):
            raise MnrError(f"{library.where}: the server's library is not empty; push loads a "
                           "review folder into an empty one (pull brings its judgements here)")
        library.journal = Journal(project.root / JUDGEMENTS_DIR)  # read, not written
        try:
            return build_from_folder(project, library, progress)
        finally:
            library.journal = None  # the server keeps the lines of what is done on it
    except BaseException:
        library.close()
        raise


@dataclass(frozen=True, slots=True)
class Pulled:
    lines: int  # judgement lines written to the folder
    files: dict[str, int]  # per judgement file
    unlogged: list[str] = field(default_factory=list)  # server searches the folder lacks


def pull(project: Project, url: str | None = None) -> Pulled:
    """Write the server's judgement lines that the folder's logs lack into them."""
    library = _connect(project, url)
    try:
        kept = library.acts.kept_lines()
        searches = library.searches()
    finally:
        library.close()
    journal = Journal(project.root / JUDGEMENTS_DIR)
    chunks, _ = journal.read_new({})
    have = {line["id"] for chunk in chunks for line in chunk.lines}
    new: list[Line] = [json.loads(line) for line_id, line in kept if line_id not in have]
    files: dict[str, int] = {}
    if new:
        for name in journal.append(new):
            files[name] = sum(1 for line in new if file_name(line.get("by")) == name)
    entries, _ = read_log(project)
    logged = {entry.sha256 for entry in entries} | {entry.name for entry in entries}
    unlogged = [s.file_name for s in searches
                if s.file_sha256 not in logged and s.file_name not in logged]
    return Pulled(len(new), files, unlogged)

