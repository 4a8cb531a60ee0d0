"""`mnr traditions` and `mnr memo`: research traditions (tags, themes, the findings matrix,
the timeline) and memos, the audit trail of the synthesis."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from mnr import review
from mnr.cli import main
from mnr.cli.common import (
    OUTPUT,
    REVIEWER,
    err,
    format_of,
    handles_errors,
    open_library,
    optional_reviewer,
    out,
    print_json,
    stdout,
    write_text,
    writing,
    written,
)
from mnr.formats.writers import write_table
from mnr.library import Library
from mnr.project import Settings, find_project
from mnr.synthesis import traditions as core
from mnr.synthesis import traditions_report as report

_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _write_text(text: str, output: Path | None, what: str) -> None:
    if output is None:
        stdout().write(text)
        return
    write_text(output, text)
    err.print(f"Wrote {what} to {output}.", highlight=False)


def _table_or_json(entries: Callable[[Library, Settings], Any],
                   table: Callable[[Library, Settings, str], str], fmt: str,
                   output: Path | None, as_json: bool, what: str) -> None:
    """A synthesis view as JSON (``entries``) on stdout, or as a table (``table``, in
    ``fmt``) to stdout or -o."""
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        if as_json:
            print_json(entries(library, settings))
            return
        text = table(library, settings, fmt)
    _write_text(text, output, what)


def _mix(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"


@main.group(invoke_without_command=True)
@_JSON
@click.pass_context
@handles_errors
def traditions(ctx: click.Context, as_json: bool) -> None:
    """Research traditions: each one's description, included studies, years, methods mix
    and countries. Traditions come from review.toml's [[tradition]] tables (or `create`).

    \b
    Example:
      mnr traditions
      mnr traditions tag W12 "Service user perspectives" --method qualitative --country UK
      mnr traditions concept "shared decision-making" W12 W40
      mnr traditions table --format md -o findings.md
      mnr traditions matrix --format csv -o themes.csv
      mnr traditions timeline -o timeline.png
      mnr traditions timeline --concepts -o concepts.png
    """
    if ctx.invoked_subcommand is not None:
        return
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        summaries = report.tradition_summaries(library, settings)
    if as_json:
        print_json(summaries)
        return
    if not summaries:
        out.print("No traditions yet: add [[tradition]] tables to review.toml, or "
                  "`mnr traditions create NAME`.", highlight=False)
    for item in summaries:
        source = f" ({item['source']})" if item["source"] == "library" else ""
        out.print(Text.assemble((item["tradition"], "bold"), source), highlight=False)
        if item["description"]:
            out.print(f"  {item['description']}", highlight=False)
        first, last = item["first_year"], item["last_year"]
        years = f", {first}" + (f"-{last}" if last != first else "") if first else ""
        works = ", ".join(f"{label} ({w})" for label, w in zip(item["labels"], item["works"],
                                                                strict=True))
        n = len(item["works"])
        out.print(f"  {n} included {'study' if n == 1 else 'studies'}{years}"
                  + (f": {works}" if works else ""), highlight=False)
        if item["works"]:
            out.print(f"  methods: {_mix(item['methods'])}", highlight=False)
            out.print(f"  countries: {_mix(item['countries'])}", highlight=False)
        if item["storyline"]:
            out.print(f"  storyline: {' '.join(item['storyline'].split())}", highlight=False)
        for kind in ("concepts", "theories"):
            if item[kind]:
                out.print(f"  {kind}: " + "; ".join(
                    f"{e['name']} ({', '.join(w['label'] for w in e['works']) or 'no works'})"
                    for e in item[kind]), highlight=False)
        out.print()


@traditions.command("table")
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md",
              show_default=True, help="Markdown tables per tradition, or CSV (one row a theme).")
@OUTPUT
@handles_errors
def traditions_table(fmt: str, output: Path | None) -> None:
    """The findings matrix: per tradition its positive and negative themes with the numbered
    references of the studies behind them, its methods with theirs, then the references.

    \b
    Example:
      mnr traditions table --format md -o findings.md
      mnr traditions table --format csv
    """
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        text = report.findings_table(library, settings, fmt)
    _write_text(text, output, "the findings table")


@traditions.command("timeline")
@OUTPUT
@click.option("--format", "fmt", type=click.Choice(list(report.FIGURE_FORMATS)),
              help="svg, png or pdf (default: from the -o file's extension).")
@click.option("--table", "as_table", is_flag=True,
              help="The year x tradition x country group table instead (CSV with -o).")
@click.option("--concepts", is_flag=True,
              help="The concept timeline instead: each tradition's key concepts and "
                   "theories, a marker at the year of each work linked to them.")
@_JSON
@handles_errors
def traditions_timeline(output: Path | None, fmt: str | None, as_table: bool,
                        concepts: bool, as_json: bool) -> None:
    """The traditions over time: included studies per year per tradition, the country group
    of review.toml's [traditions_timeline] (UK by default) filled, elsewhere hollow.

    \b
    Example:
      mnr traditions timeline -o timeline.png
      mnr traditions timeline --format svg -o timeline.svg
      mnr traditions timeline --table
      mnr traditions timeline --concepts -o concepts.png
    """
    project = find_project()
    settings = project.settings()
    if concepts and as_table:
        raise click.UsageError("--concepts draws a figure; for its table use "
                               "`mnr traditions concepts`")
    draw = report.draw_concept_timeline if concepts else report.draw_timeline
    what = "concept timeline" if concepts else "traditions timeline"
    if not as_table:
        fmt = fmt or format_of(output, report.FIGURE_FORMATS)
        if fmt is None:
            raise click.UsageError("name the figure's file, e.g. -o timeline.png (svg, png "
                                   "or pdf), or use --format")
        if output is None and sys.stdout.isatty():
            raise click.UsageError(f"a {fmt} figure needs a file: -o timeline.{fmt}")
    with open_library(project) as library:
        if not as_table and output is not None:
            with written(output) as temporary:
                draw(library, settings, temporary, fmt or "")
        elif not as_table:
            draw(library, settings, sys.stdout.buffer, fmt or "")
        if not as_table:
            err.print(f"Drew the {what}{f' to {output}' if output else ''}.")
            return
        rows = report.timeline_table(library, settings)
    columns = ["year", "tradition", "group", "works"]
    if as_json:
        print_json([dict(zip(columns, row, strict=True)) for row in rows])
    elif output is not None:
        with writing(output) as stream:
            write_table(stream, columns, rows)
        err.print(f"Wrote the timeline table to {output}.")
    else:
        table = Table(title="Included studies per year, tradition and country group",
                      title_justify="left")
        for column in columns:
            table.add_column(column, justify="right" if column in ("year", "works") else "left")
        for year, tradition, group, n in rows:
            table.add_row(str(year), tradition, group, str(n))
        out.print(table)


@traditions.command("tag")
@click.argument("work")
@click.argument("tradition", required=False)
@click.option("--method", help="The method family: quantitative, qualitative or mixed.")
@click.option("--country", help="Where the study was done (one per study), e.g. UK.")
@click.option("--remove", is_flag=True, help="Take the named tags back instead.")
@REVIEWER
@handles_errors
def traditions_tag(work: str, tradition: str | None, method: str | None, country: str | None,
                   remove: bool, reviewer: str | None) -> None:
    """Tag an included study with a tradition (any number), a method family and a country
    (one each: a new one replaces the old).

    \b
    Example:
      mnr traditions tag W12 "Service user perspectives" --method qualitative --country UK
      mnr traditions tag W12 --country Australia
      mnr traditions tag W12 "Service user perspectives" --remove
    """
    given = {kind: value for kind, value in
             (("tradition", tradition), ("method", method), ("country", country)) if value}
    if not given:
        raise click.UsageError("name a tradition, or give --method or --country")
    project = find_project()
    settings = project.settings()
    who = optional_reviewer(settings, reviewer)
    work_id = review.work_id(work)
    with open_library(project) as library:
        now = core.tag_work(library, settings, work_id, given, who, remove=remove)
    shown = "; ".join(f"{kind}: {', '.join(now[kind])}" for kind in core.KINDS if kind in now)
    err.print(f"{'Untagged' if remove else 'Tagged'} W{work_id}; its tags are now "
              f"{shown or 'none'}.", highlight=False)


@traditions.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the tradition is, in a sentence or two.")
@click.option("--paradigm", default="", help="Its philosophical paradigm.")
@click.option("--storyline", default="", help="How its thinking unfolded over time.")
@click.option("--checklist", help="The appraisal checklist its studies are judged by.")
@click.option("--concept", "concepts", multiple=True, help="A key concept (repeatable).")
@click.option("--theory", "theories", multiple=True, help="A key theory (repeatable).")
@click.option("--method", "methods", multiple=True, help="A preferred method (repeatable).")
@handles_errors
def traditions_create(name: str, description: str, paradigm: str, storyline: str,
                      checklist: str | None, concepts: tuple[str, ...],
                      theories: tuple[str, ...], methods: tuple[str, ...]) -> None:
    """Create a tradition outside review.toml (kept in the library; again redrafts it).

    \b
    Example:
      mnr traditions create "Carers' perspectives" --description "Care planning as carers see it"
    """
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        made = core.create_tradition(
            library, settings, name, description=description, paradigm=paradigm,
            storyline=storyline, checklist=checklist, concepts=list(concepts),
            theories=list(theories), methods=list(methods))
    err.print(f"Saved the tradition {made.name!r}.", highlight=False)


@traditions.command("concept")
@click.argument("name")
@click.argument("works", nargs=-1, required=True)
@click.option("--tradition", help="The tradition, when several declare the concept.")
@click.option("--remove", is_flag=True, help="Take the links back instead.")
@REVIEWER
@handles_errors
def traditions_concept(name: str, works: tuple[str, ...], tradition: str | None,
                       remove: bool, reviewer: str | None) -> None:
    """Link works to a key concept or theory of a tradition (declared in review.toml's
    [[tradition]] concepts or theories): the works that carry it.

    \b
    Example:
      mnr traditions concept "care co-ordination" W12 W40
      mnr traditions concept recovery W7 --tradition "Service users' and carers' experiences"
      mnr traditions concept "care co-ordination" W40 --remove
    """
    project = find_project()
    settings = project.settings()
    ids = [review.work_id(w) for w in works]
    with open_library(project) as library:
        found, concept, kind, now = core.link_concept(
            library, settings, name, ids, optional_reviewer(settings, reviewer),
            tradition=tradition, remove=remove)
    err.print(f"{'Unlinked' if remove else 'Linked'} {', '.join(f'W{w}' for w in ids)} "
              f"{'from' if remove else 'to'} the {kind} {concept!r} of {found!r}; it is "
              f"carried by {', '.join(f'W{w}' for w in now) or 'no work'} now.",
              highlight=False)


@traditions.command("concepts")
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md",
              show_default=True, help="Markdown per tradition, or CSV (a row a concept).")
@OUTPUT
@_JSON
@handles_errors
def traditions_concepts(fmt: str, output: Path | None, as_json: bool) -> None:
    """Per tradition: its storyline, its number of included studies, and its key concepts
    and theories with the works (and years) that carry them.

    \b
    Example:
      mnr traditions concepts
      mnr traditions concepts --format csv -o concepts.csv
      mnr traditions concepts --json
    """
    _table_or_json(report.concept_entries, report.concepts_table, fmt, output, as_json,
                   "the concepts table")


@traditions.command("matrix")
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md",
              show_default=True,
              help="Markdown (a row a theme, a column a tradition), or CSV (a row a theme "
                   "and tradition).")
@OUTPUT
@_JSON
@handles_errors
def traditions_matrix(fmt: str, output: Path | None, as_json: bool) -> None:
    """The themes across traditions: for each theme (or the topic several speak to), the
    traditions that carry it and whether they agree, conflict, or it is unique to one.
    Themes join a topic with `mnr traditions theme add ... --topic`.

    \b
    Example:
      mnr traditions matrix
      mnr traditions matrix --format csv -o themes.csv
      mnr traditions matrix --json
    """
    _table_or_json(report.themes_matrix, report.matrix_table, fmt, output, as_json,
                   "the themes matrix")


@traditions.group("theme")
def theme() -> None:
    """Findings themes: what a tradition found, positive or negative, and the studies behind it.

    \b
    Example:
      mnr traditions theme add "Service user perspectives" "Users valued being involved" \\
          --positive --works W3,W7,W12
      mnr traditions theme list
    """


@theme.command("add")
@click.argument("tradition")
@click.argument("statement")
@click.option("--positive/--negative", "positive", default=None,
              help="Whether the finding is positive or negative.")
@click.option("--works", required=True, help="The supporting works, e.g. W3,W7,W12.")
@click.option("--topic", help="What the theme speaks to across traditions (themes of several "
                              "traditions on one topic are compared in `mnr traditions "
                              "matrix`).")
@REVIEWER
@handles_errors
def theme_add(tradition: str, statement: str, positive: bool | None, works: str,
              topic: str | None, reviewer: str | None) -> None:
    """Add a findings theme to a tradition.

    \b
    Example:
      mnr traditions theme add "Service user perspectives" "Users valued being involved" \\
          --positive --works W3,W7,W12 --topic "user involvement"
    """
    if positive is None:
        raise click.UsageError("say whether the theme is --positive or --negative")
    ids = [review.work_id(w.strip()) for w in works.split(",") if w.strip()]
    if not ids:
        raise click.UsageError("name at least one work: --works W3,W7")
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        key = core.save_theme(library, settings, tradition, statement,
                              "positive" if positive else "negative", ids,
                              optional_reviewer(settings, reviewer), topic=topic)
    err.print(f"Saved theme {key} of {tradition!r}.", highlight=False)


@theme.command("list")
@click.option("--tradition", help="Only this tradition's themes.")
@_JSON
@handles_errors
def theme_list(tradition: str | None, as_json: bool) -> None:
    """The themes in force, by tradition, with their works.

    \b
    Example:
      mnr traditions theme list --tradition "Service user perspectives"
    """
    project = find_project()
    with open_library(project) as library:
        found = core.themes(library, tradition)
    if as_json:
        print_json([{"theme": t.theme_key, "tradition": t.tradition, "polarity": t.polarity,
                      "statement": t.statement, "topic": t.topic,
                      "works": [f"W{w}" for w in t.works],
                      "saved_by": t.saved_by, "saved_at": t.saved_at} for t in found])
        return
    table = Table(title=f"{len(found)} themes", title_justify="left")
    for column in ("theme", "tradition", "polarity", "statement", "topic", "works"):
        table.add_column(column, overflow="fold")
    for t in found:
        table.add_row(str(t.theme_key), t.tradition, t.polarity, t.statement, t.topic or "",
                      ", ".join(f"W{w}" for w in t.works))
    out.print(table)


@main.group()
def memo() -> None:
    """Memos: dated notes on the review, a tradition or a work; the audit trail of the synthesis.

    \b
    Example:
      mnr memo add "Merged the two user traditions" --tradition "Service user perspectives"
      mnr memo list --format md -o memos.md
    """


@memo.command("add")
@click.argument("text")
@click.option("--tradition", help="The tradition the memo is about.")
@click.option("--work", help="The work the memo is about, e.g. W12.")
@click.option("--author", help="Who writes (default: $MNR_REVIEWER, or the only reviewer).")
@click.option("--type", "memo_type", type=click.Choice([*core.MEMO_TYPES, core.GENERAL]),
              default=core.GENERAL, show_default=True,
              help="reflexive (the reviewers' own stance), advisory-group (a meeting's "
                   "notes), decision, or general.")
@handles_errors
def memo_add(text: str, tradition: str | None, work: str | None, author: str | None,
             memo_type: str) -> None:
    """Add a memo on the review (default), a tradition or a work.

    \b
    Example:
      mnr memo add "Policy papers read as a tradition of their own" --author BH
      mnr memo add "Sample mixes inpatients; kept, see discussion" --work W12
      mnr memo add "As mental health nurses we read the CPA as ours" --type reflexive
    """
    if tradition and work:
        raise click.UsageError("a memo is about a tradition or a work, not both")
    project = find_project()
    settings = project.settings()
    subject, about = (("tradition", tradition) if tradition else
                      ("work", str(review.work_id(work))) if work else ("review", None))
    with open_library(project) as library:
        core.add_memo(library, settings, subject, about, optional_reviewer(settings, author),
                      text, memo_type=memo_type)
    kind = "a " if memo_type == core.GENERAL else (
        f"{'an' if memo_type[0] in 'aeiou' else 'a'} {memo_type} ")
    err.print(f"Added {kind}memo on {report.memo_subject(subject, about)}.",
              highlight=False)


@memo.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table",
              show_default=True, help="A table, Markdown (to export), or JSON.")
@click.option("--type", "memo_type", type=click.Choice([*core.MEMO_TYPES, core.GENERAL]),
              help="Only memos of this type.")
@OUTPUT
@handles_errors
def memo_list(fmt: str, output: Path | None, memo_type: str | None) -> None:
    """Every memo in the order written, with its type, date, author and subject (Markdown:
    grouped by type).

    \b
    Example:
      mnr memo list
      mnr memo list --format md -o memos.md
      mnr memo list --type reflexive
    """
    if fmt == "table" and output is not None:
        raise click.UsageError("the table is for the terminal; -o writes --format md or json")
    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        if fmt == "md":
            _write_text(report.memos_markdown(library, settings, memo_type), output,
                        "the memos")
            return
        found = core.memos(library, memo_type)
    if fmt == "json":
        data = [{"memo": m.memo_id, "type": m.memo_type or core.GENERAL,
                 "written_at": m.written_at, "author": m.author,
                 "subject": m.subject, "about": m.about, "text": m.text} for m in found]
        if output is None:
            print_json(data)
        else:
            _write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output,
                        "the memos")
        return
    table = Table(title=f"{len(found)} memos", title_justify="left")
    for column in ("written", "type", "author", "about", "text"):
        table.add_column(column, overflow="fold")
    for m in found:
        table.add_row(m.written_at.replace("T", " ")[:16], m.memo_type or core.GENERAL,
                      m.author or "",
                      report.memo_subject(m.subject, m.about), m.text)
    out.print(table)
