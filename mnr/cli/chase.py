"""`mnr chase`: forward and backward citation chasing through OpenAlex, the one command
that goes online. The chasing modules are imported inside the command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from mnr.cli import main
from mnr.cli.common import err, handles_errors, open_library, out, print_json
from mnr.cli.network import report_citation_search
from mnr.project import find_project

if TYPE_CHECKING:
    from mnr.citations.chase import Chase


def _data(found: Chase) -> dict[str, Any]:
    return {
        "seeds": [{"study": s.label, "doi": s.doi, "openalex": s.work.id if s.work else None}
                  for s in found.seeds],
        "in_library": found.in_library,
        "candidates": [{"openalex": c.work.id, "direction": c.direction, "label": c.label,
                        "title": c.work.title, "year": c.work.year, "journal": c.work.journal,
                        "doi": c.work.doi, "cites": c.cites, "cited_by": c.cited_by}
                       for c in found.candidates],
    }


def _print_table(found: Chase) -> None:
    table = Table("Direction", "Cited by / citing", "Work", "Title",
                  title="Citation chasing candidates (OpenAlex)")
    for c in found.candidates:
        links = ([f"cites {'; '.join(c.cites)}"] if c.cites else []) + (
            [f"cited by {'; '.join(c.cited_by)}"] if c.cited_by else [])
        table.add_row(c.direction, "\n".join(links), c.label, c.work.title or "(no title)")
    out.print(table if found.candidates else "Every work found is in the library already.")


def _print_summary(found: Chase) -> None:
    without = [s.label for s in found.seeds if s.doi is None]
    unknown = [s.label for s in found.seeds if s.doi is not None and s.work is None]
    err.print(f"Chased from {len(found.followed)} of {len(found.seeds)} included studies"
              + (f"; no DOI: {'; '.join(without)}" if without else "")
              + (f"; DOI not in OpenAlex: {'; '.join(unknown)}" if unknown else "") + ".",
              highlight=False)
    err.print(f"{len(found.candidates):,} candidates; {found.in_library:,} works found are "
              "in the library already.", highlight=False)


@main.command()
@click.option("--forward/--no-forward", default=True, show_default=True,
              help="The works citing the included studies.")
@click.option("--backward/--no-backward", default=True, show_default=True,
              help="The works the included studies cite.")
@click.option("--mailto", envvar="MNR_MAILTO", metavar="ADDRESS",
              help="Your e-mail address for OpenAlex's polite pool (or MNR_MAILTO, or "
              "[openalex] mailto in review.toml).")
@click.option("--import", "do_import", is_flag=True,
              help="Import the candidates as a citation-searching search, then dedupe.")
@click.option("--date", help="The search's date (default today), YYYY-MM-DD.")
@click.option("--refresh", is_flag=True,
              help="Ask OpenAlex again instead of using the answers cached in "
              "library/cache/openalex/.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def chase(forward: bool, backward: bool, mailto: str | None, do_import: bool,
          date: str | None, refresh: bool, as_json: bool) -> None:
    """Forward and backward citation chasing in OpenAlex from the included studies' DOIs.

    Works already in the library are left out. Answers are cached in
    library/cache/openalex/, so a rerun makes no requests (--refresh asks again).
    An OpenAlex API key, if you have one, is read from OPENALEX_API_KEY.

    \b
    Example:
      mnr chase --mailto you@example.org
      mnr chase --no-forward            # backward only
      mnr chase --import                # a "Citation searching" search; then screen
    """
    if not forward and not backward:
        raise click.UsageError("--no-forward and --no-backward leave nothing to chase")
    from mnr.citations.chase import chase as run
    from mnr.citations.chase import fetcher, import_and_deduplicate

    project = find_project()
    settings = project.settings()
    fetch = fetcher(project, settings, mailto, refresh)
    with open_library(project) as library, err.status("Asking OpenAlex") as status:
        found = run(library, settings, fetch, forward, backward,
                    report=lambda text: status.update(text))
        status.stop()
        err.print(f"{fetch.misses:,} requests to OpenAlex, {fetch.hits:,} answers from the "
                  "cache.", highlight=False)
        if do_import:
            added = import_and_deduplicate(project, library, found, date)
            _print_summary(found)
            report_citation_search(added)
            return
    if as_json:
        print_json(_data(found))
        return
    _print_table(found)
    _print_summary(found)
    if found.candidates:
        err.print("`mnr chase --import` adds them as a citation-searching search.")
