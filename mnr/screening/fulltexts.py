"""Full texts for the full-text stage: a PDF kept under library/, or a URL.

Paths are stored relative to the project, so a review folder can move or be
shared; files outside library/ are refused, since they would not travel with it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Fulltext
from mnr.project import Project


def _is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def fulltexts(library: Library) -> dict[int, Fulltext]:
    """The latest full text attached to each work, by work id."""
    return library.screening.fulltexts()


def attach(project: Project, library: Library, work_id: int, location: str,
           attached_by: str | None) -> Fulltext:
    """Check the work and the file (or URL), then record the attachment."""
    if work_id not in library.screening.work_ids():
        raise MnrError(f"W{work_id}: there is no such work (see `mnr export csv --what works`)")
    if not _is_url(location):
        path = Path(location)
        if not path.is_absolute():
            path = (Path.cwd() / path) if (Path.cwd() / path).exists() else project.root / path
        path = path.resolve()
        if not path.is_file():
            raise MnrError(f"{location}: no such file")
        try:
            location = path.relative_to(project.root).as_posix()
        except ValueError:
            location = ""
        if not location.startswith(project.library_dir.name + "/"):
            raise MnrError(f"{path}: full texts live under {project.library_dir}; copy the "
                           "file there first so that it travels with the review")
    return library.screening.attach_fulltext(work_id, location, attached_by)


def open_fulltext(project: Project, fulltext: Fulltext) -> str:
    """Open the full text with the system's viewer; returns what was opened."""
    target = (fulltext.location if _is_url(fulltext.location)
              else str(project.root / fulltext.location))
    if _is_url(target):
        import webbrowser

        webbrowser.open(target)
        return target
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if sys.platform.startswith("win"):
        import os

        os.startfile(target)  # type: ignore[attr-defined]  # noqa: S606
        return target
    if shutil.which(opener) is None:
        raise MnrError(f"no viewer to open {target} ({opener} is not installed)")
    subprocess.Popen([opener, target], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    return target
