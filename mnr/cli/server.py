"""`mnr server`: the review's library on a team's PostgreSQL server."""

from __future__ import annotations

import click

from mnr.cli import main
from mnr.cli.common import err, handles_errors, out, progress
from mnr.journal import JUDGEMENTS_DIR
from mnr.project import find_project

_URL = click.option("--url", default=None, metavar="URL",
                    help="The server's library (default: $MNR_LIBRARY_URL, then review.toml's "
                         "[library] url), e.g. postgresql://host/review.")


@main.group()
def server() -> None:
    """A team's library on a PostgreSQL server: set it up, push a folder, pull judgements.

    \b
    Example:
      createdb care_review
      mnr server setup --url postgresql:///care_review --prefix care
      mnr server push --url postgresql:///care_review
      MNR_LIBRARY_URL=postgresql://care_bh@/care_review mnr screen --reviewer BH
      mnr server pull --url postgresql:///care_review
    """


@server.command()
@_URL
@click.option("--prefix", required=True,
              help="Starts each role's name: PREFIX_bh for reviewer BH, PREFIX_read for "
                   "the read-only role.")
@handles_errors
def setup(url: str | None, prefix: str) -> None:
    """Create the library's tables and one role per reviewer in review.toml, plus a
    read-only role for authors. Run as the role that is to own the tables; run again
    after adding a reviewer. Passwords are set by the server's administrator (psql's
    \\password ROLE), never by mnr."""
    from mnr.server import setup as set_up

    where, roles = set_up(find_project(), prefix, url)
    for role in roles:
        what = (f"reviewer {role.initials}: may record judgements only as {role.initials}"
                if role.initials else "read-only: may read, never write")
        out.print(f"{role.name}\t{'made' if role.made else 'up to date'}\t{what}",
                  highlight=False, markup=False)
    err.print(f"The library at {where} is ready; each reviewer connects as their role.",
              highlight=False, markup=False)


@server.command()
@_URL
@handles_errors
def push(url: str | None) -> None:
    """Load this review folder (searches and judgement logs) into an empty server library."""
    from mnr.server import push as load

    project = find_project()
    with progress("Loading the review folder into the server") as advance:
        opened = load(project, url, advance)
    try:
        for line in opened.reconciled:
            err.print(line, highlight=False, markup=False)
        searches = len(opened.library.searches())
        err.print(f"Pushed {searches} searches and {opened.replayed or 0:,} judgement lines "
                  f"to {opened.library.where}.", highlight=False, markup=False)
    finally:
        opened.library.close()


@server.command()
@_URL
@handles_errors
def pull(url: str | None) -> None:
    """Write the judgements made on the server into this folder's judgement logs."""
    from mnr.server import pull as fetch

    pulled = fetch(find_project(), url)
    if not pulled.lines:
        err.print(f"{JUDGEMENTS_DIR}/ already has every judgement on the server.")
    for name, count in sorted(pulled.files.items()):
        err.print(f"{JUDGEMENTS_DIR}/{name}: {count:,} new lines", highlight=False, markup=False)
    if pulled.unlogged:
        err.print("The server has searches this folder's searches/log.toml does not list "
                  "(imported elsewhere; pull their exports from whoever imported them): "
                  + ", ".join(pulled.unlogged), highlight=False, markup=False)
