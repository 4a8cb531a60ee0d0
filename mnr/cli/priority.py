"""`mnr simulate`: screening prioritisation tried on a labelled set, as methodologists
choose a model before a review uses it."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from mnr.cli import main
from mnr.cli.common import err, handles_errors, out, print_json


@main.command()
@click.argument("labelled", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--seeds", default=5, show_default=True, type=click.IntRange(1, 100),
              help="Runs, with seeds 0, 1, ...: each draws its 1 relevant and 1 irrelevant "
                   "prior as ASReview does for the same seed.")
@click.option("--model", default=None, help="The relevance model (default: the screen's).")
@click.option("--label", default="label_included", show_default=True,
              help="The column of 0/1 labels (1: relevant).")
@click.option("--recall", default=0.95, show_default=True, type=click.FloatRange(0.5, 0.999),
              help="The stopping rule's recall target.")
@click.option("--confidence", default=0.95, show_default=True,
              type=click.FloatRange(0.5, 0.999), help="The stopping rule's confidence.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Draw the recall curves (and where the rule stopped) to this PNG/SVG/PDF.")
@handles_errors
def simulate(labelled: Path, seeds: int, model: str | None, label: str, recall: float,
             confidence: float, as_json: bool, plot: Path | None) -> None:
    """Simulate screening LABELLED.csv (title, abstract, a 0/1 label) in the order the
    screening screen's model gives: WSS@95, WSS@100, RRF@10, and where the stopping
    rule (hypergeometric, Callaghan & Müller-Hansen 2020) stopped.

    \b
    Example:
      mnr simulate Cohen_2006_Estrogens.csv --seeds 5 --plot recall.png
    """
    from mnr.errors import MnrError
    from mnr.screening.priority import DEFAULT, MODELS, Ranker
    from mnr.screening.simulate import read_labelled
    from mnr.screening.simulate import simulate as run_one

    name = model or DEFAULT
    if name not in MODELS:
        raise MnrError(f"there is no model {name!r}; the models are {', '.join(MODELS)}")
    texts, labels = read_labelled(labelled, label)
    ranker = Ranker(texts, name)
    runs = []
    for seed in range(seeds):
        runs.append(run_one(texts, labels, seed, name, ranker, recall, confidence))
        err.print(f"seed {seed}: done", highlight=False)
    rows: list[dict[str, Any]] = [{
        "seed": run.seed, "priors": list(run.priors), "wss95": run.wss(0.95),
        "wss100": run.wss(1.0), "rrf10": run.rrf(0.10),
        "stopped_after": run.stop_screened,
        "recall_at_stop": run.stop_recall, "work_saved_at_stop": run.stop_saved,
    } for run in runs]
    mean = {key: _mean([row[key] for row in rows])
            for key in ("wss95", "wss100", "rrf10", "recall_at_stop", "work_saved_at_stop")}
    summary = {"file": labelled.name, "records": len(labels), "relevant": int(labels.sum()),
               "model": name, "model_description": MODELS[name].description,
               "stopping_rule": {"rule": "hypergeometric", "recall": recall,
                                 "confidence": confidence},
               "runs": rows, "mean": mean}
    if plot is not None:
        from mnr.screening.recall_plot import draw

        draw(runs, plot, f"{labelled.stem}: {name}, {seeds} seed{'s' if seeds != 1 else ''}")
        err.print(f"Wrote the recall curves to {plot}", highlight=False)
    if as_json:
        print_json(summary)
        return
    table = Table(title=f"{labelled.name}: {len(labels):,} records, {int(labels.sum()):,} "
                        f"relevant; model: {name}", title_justify="left")
    for column in ("seed", "WSS@95", "WSS@100", "RRF@10", "stopped after", "recall there",
                   "work saved there"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(str(row["seed"]), _pct(row["wss95"]), _pct(row["wss100"]),
                      _pct(row["rrf10"]), _count(row["stopped_after"]),
                      _pct(row["recall_at_stop"]), _pct(row["work_saved_at_stop"]))
    table.add_row("mean", *(_pct(mean[key]) for key in ("wss95", "wss100", "rrf10")), "",
                  _pct(mean["recall_at_stop"]), _pct(mean["work_saved_at_stop"]))
    out.print(table)


def _mean(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.fmean(known) if known else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _count(value: int | None) -> str:
    return "not yet" if value is None else f"{value:,}"


@main.command()
@click.option("--stage", required=True, help="The screening stage to stop, e.g. title.")
@click.option("--rule", type=click.Choice(["hypergeometric"]), default="hypergeometric",
              show_default=True, help="The stopping rule (Callaghan & Müller-Hansen 2020).")
@click.option("--recall", default=0.95, show_default=True, type=click.FloatRange(0.5, 0.999),
              help="The recall target.")
@click.option("--confidence", default=0.95, show_default=True,
              type=click.FloatRange(0.5, 0.999), help="The confidence the rule asks for.")
@click.option("--reviewer", default=None, help="Who records the decision (your initials).")
@click.option("--check", is_flag=True, help="Only say where the rule stands; record nothing.")
@click.option("--force", is_flag=True,
              help="Stop even though the rule is not met yet (the methods statement says so).")
@click.option("--note", default=None, help="Why, in a sentence (kept with the decision).")
@handles_errors
def stop(stage: str, rule: str, recall: float, confidence: float, reviewer: str | None,
         check: bool, force: bool, note: str | None) -> None:
    """Stop screening a stage in relevance order once the stopping rule says the target
    recall is reached: the works nobody screened there count in PRISMA's "records marked
    as ineligible by automation tools", and `mnr prisma` prints a methods statement.

    \b
    Example:
      mnr stop --stage title --check
      mnr stop --stage title --recall 0.95 --confidence 0.95 --reviewer BH
    """
    from mnr.cli.common import open_library, reviewer_for
    from mnr.project import find_project
    from mnr.screening.stop import record_stop, rule_at

    project = find_project()
    settings = project.settings()
    with open_library(project) as library:
        if check:
            out.print(f"{stage}: {rule_at(library, settings, stage, recall, confidence).says()}",
                      highlight=False)
            return
        who = reviewer_for(settings, reviewer)
        made, test = record_stop(library, settings, stage, who, recall, confidence, force,
                                 note)
    left = made.total - made.screened
    err.print(f"Stopped screening at the {stage} stage: {test.says()}. The {left:,} works "
              "nobody screened there count as marked ineligible by automation tools "
              "(`mnr prisma`).", highlight=False)
