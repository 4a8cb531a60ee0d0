"""`mnr network`, `mnr references import`, `mnr backchain`: the citation network and
back-chaining. networkx and matplotlib are imported inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from mnr.cli import main
from mnr.cli.common import (
    OUTPUT,
    err,
    handles_errors,
    open_library,
    out,
    print_json,
    stdout,
    write_text,
    written,
)
from mnr.project import find_project
from mnr.review import work_id

if TYPE_CHECKING:
    from mnr.citations.backchain import CitationSearch


def _print_summary(data: dict[str, Any]) -> None:
    share = data["share_matched"]
    out.print(f"[bold]{data['works']:,}[/] works, [bold]{data['citing_works']:,}[/] with cited "
              f"references: {data['cited_references']:,} references parsed, "
              f"{data['matched_to_works']:,} matched to works"
              + (f" ({share:.1%})" if share is not None else "") + ".", markup=True)
    out.print(f"{data['edges_between_works']:,} citations between works; "
              f"{data['outside_publications']:,} publications outside the library cited by "
              "two or more works.")
    if data["by_source"]:
        table = Table("Source", "References", "Matched", "Share", title="Cited references")
        for s in data["by_source"]:
            table.add_row(s["source"], f"{s['references']:,}", f"{s['matched']:,}",
                          f"{s['matched'] / s['references']:.1%}" if s["references"] else "")
        out.print(table)
    if data["top"]:
        table = Table("Paper", "Year", "Local", "PageRank", "Traditions",
                      title="Most cited (mnr network seminal for all measures)")
        for r in data["top"]:
            table.add_row(f"{r['label']} ({r['node']})", str(r["year"] or ""),
                          str(r["local_citations"]), f"{r['pagerank']:.4f}", r["traditions"])
        out.print(table)
    matrix = data["tradition_matrix"]
    if matrix:
        names = sorted(set(matrix) | {b for row in matrix.values() for b in row})
        table = Table("Citing \\ cited", *names, title="Citations between traditions")
        for a in names:
            table.add_row(a, *(str(matrix.get(a, {}).get(b, 0)) for b in names))
        out.print(table)
    for s in data["suggested_traditions"]:
        out.print(f"suggestion: {s['label']} ({s['work']}) may belong to {s['tradition']} "
                  f"({s['tagged_in_community']} tagged works of its citation community of "
                  f"{s['community_works']} are)", highlight=False)


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--graphml", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the graph as GraphML (Gephi, VOSviewer, Cytoscape).")
@click.option("--gexf", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the graph as GEXF (Gephi).")
@click.option("--min-cited", default=2, show_default=True, type=click.IntRange(1),
              help="Citing works an outside publication needs to become a node.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(0),
              help="Most cited papers shown in the summary.")
@click.pass_context
@handles_errors
def network(ctx: click.Context, as_json: bool, graphml: Path | None, gexf: Path | None,
            min_cited: int, top: int) -> None:
    """The citation network: references parsed and matched, citations, candidates.

    \b
    Example:
      mnr network
      mnr network --json
      mnr network --graphml net.graphml
      mnr network seminal --format md
      mnr network plot -o historiograph.png
    """
    ctx.ensure_object(dict)
    ctx.obj["min_cited"] = min_cited
    if ctx.invoked_subcommand is not None:
        return
    from mnr.citations.network import build
    from mnr.citations.summary import summary

    project = find_project()
    with open_library(project) as library:
        found = build(library, min_external=min_cited)
        data = summary(library, project.settings(), found, top)
    for path, kind in ((graphml, "graphml"), (gexf, "gexf")):
        if path is not None:
            from mnr.citations.export import write_graph

            with written(path) as temporary:
                write_graph(found, temporary, kind)
            err.print(f"Wrote {found.graph.number_of_nodes():,} nodes and "
                      f"{found.graph.number_of_edges():,} edges to {path}.")
    if as_json:
        print_json(data)
    elif graphml is None and gexf is None:
        _print_summary(data)


@network.command("seminal")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "md", "json"]),
              default="table", show_default=True)
@OUTPUT
@click.option("--tradition", help="Count only citations from works of this tradition.")
@click.option("--limit", default=25, show_default=True, type=click.IntRange(0),
              help="Rows (0: all).")
@click.pass_context
@handles_errors
def network_seminal(ctx: click.Context, fmt: str, output: Path | None, tradition: str | None,
                    limit: int) -> None:
    """Candidate seminal papers: local and global citations, citations per year, PageRank,
    and whether they were cited consistently over time (80% of the years since).

    \b
    Example:
      mnr network seminal
      mnr network seminal --tradition "Interventions to improve the CPA" --format md
      mnr network seminal --format csv -o seminal.csv
    """
    from mnr.citations.network import build
    from mnr.citations.seminal import rows, seminal, to_csv, to_markdown

    with open_library(find_project()) as library:
        found = seminal(build(library, min_external=ctx.obj["min_cited"]), tradition)
    found = found[:limit] if limit else found
    if fmt == "table":
        table = Table("Paper", "Year", "Traditions", "Local", "Global", "Per year", "PageRank",
                      "Consistently cited",
                      title=f"Seminal candidates{f' in {tradition}' if tradition else ''}")
        for r in rows(found):
            table.add_row(f"{r['label']} ({r['node']})", str(r["year"] or ""),
                          str(r["traditions"]),
                          str(r["local_citations"]), str(r["global_citations"] or ""),
                          "" if r["citations_per_year"] is None
                          else f"{r['citations_per_year']:.2f}", f"{r['pagerank']:.4f}",
                          f"{'yes' if r['consistently_cited'] else 'no'} "
                          f"({r['years_cited']}/{r['years_since']} years)")
        out.print(table if found else "No paper in the library is cited by another yet.")
        return
    text = (to_csv(found) if fmt == "csv" else to_markdown(found) if fmt == "md" else None)
    if text is None:
        import json

        text = json.dumps(rows(found), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        stdout().write(text)
    else:
        write_text(output, text)
        err.print(f"Wrote {len(found)} papers to {output}.")


@network.command("plot")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The figure: .png, .svg or .pdf.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(2),
              help="Papers drawn: the most cited, then the works citing them.")
@click.pass_context
@handles_errors
def network_plot(ctx: click.Context, output: Path, limit: int) -> None:
    """The historiograph: papers by year, coloured by tradition, citations as arrows.

    \b
    Example:
      mnr network plot -o library/historiograph.png
      mnr network plot --limit 50 -o historiograph.pdf
    """
    from mnr.citations.historiograph import draw
    from mnr.citations.network import build

    project = find_project()
    with open_library(project) as library:
        found = build(library, min_external=ctx.obj["min_cited"])
    with written(output) as temporary:
        drawn = draw(found, temporary, output.suffix.lower().lstrip(".") or "png", limit,
                     title=f"Historiograph: {project.settings().title}")
    err.print(f"Drew {drawn} papers to {output}.")


@main.group()
def references() -> None:
    """Cited-reference lists for works whose exports had none.

    \b
    Example:
      mnr references import simpson2016-refs.txt --work W12
    """


@references.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--work", "work", required=True, help="The citing work, e.g. W12.")
@click.option("--notes", help="Where the list came from.")
@handles_errors
def references_import(file: Path, work: str, notes: str | None) -> None:
    """Import FILE (one reference per line, or RIS or BibTeX) as the reference list of a
    work; the file is kept in searches/references/ and logged in searches/log.toml.

    \b
    Example:
      mnr references import simpson2016-refs.txt --work W12
      mnr references import refs.ris --work W12 --notes "from the publisher's page"
    """
    from mnr.citations.reference_lists import import_list

    project = find_project()
    with open_library(project) as library:
        record_id, count = import_list(project, library, file, work_id(work), notes)
    err.print(f"Imported {count:,} references for {work} (kept with record R{record_id}).")


def report_citation_search(added: CitationSearch) -> None:
    """Say what a citation-searching import added, and how deduplication took it in."""
    search, passed = added.imported.search, added.deduplicated
    err.print(f"Imported {search.label} {search.database}: {search.record_count:,} records to "
              f"searches/{search.file_name} (logged in searches/log.toml).")
    err.print(f"Deduplicated {passed.records:,} records ({passed.duplicate_pairs:,} duplicate "
              f"pairs, {passed.review_pairs:,} for review with `mnr dedupe --review`); screen "
              "the new works with `mnr screen`.")


@main.command()
@click.option("--import", "do_import", is_flag=True,
              help="Import the candidates as a citation-searching search, then dedupe.")
@click.option("--min-cited", default=1, show_default=True, type=click.IntRange(1),
              help="Included works that must cite a candidate.")
@click.option("--date", help="The search's date (default today), YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def backchain(do_import: bool, min_cited: int, date: str | None, as_json: bool) -> None:
    """References of included works that are not in the library, most cited first.

    \b
    Example:
      mnr backchain
      mnr backchain --import        # a "Citation searching" search; then screen as usual
    """
    from mnr.citations.backchain import candidates, import_and_deduplicate

    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        if do_import:
            report_citation_search(import_and_deduplicate(project, library, settings,
                                                          min_cited, date))
            return
        found = candidates(library, settings, min_cited)
    if as_json:
        print_json([{"label": c.label, "cited_by": c.cited_by, "year": c.ref.year,
                     "title": c.ref.title, "source": c.ref.source, "doi": c.ref.doi,
                     "references": c.raws} for c in found])
        return
    table = Table("#", "Cited by", "Publication", title="Back-chaining candidates")
    for n, c in enumerate(found, start=1):
        table.add_row(str(n), str(len(c.cited_by_ids)), c.raws[0])
    out.print(table if found else "Every reference of the included works is in the library.")
    if found:
        err.print(f"{len(found):,} candidates; `mnr backchain --import` adds them as a "
                  "citation-searching search.")
