"""The recall curve of simulated screening runs, with where the stopping rule stopped."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mnr.screening.simulate import Run


def draw(runs: Sequence[Run], path: Path, title: str) -> None:
    """Records screened against the share of relevant records found, one line per run,
    a dot where the stopping rule stopped, and screening at random for comparison."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    records = runs[0].records
    axes.plot([0, records], [0, 1], color="0.6", linestyle="--", linewidth=1,
              label="screening at random")
    for run in runs:
        found = run.found_after()
        x = list(range(len(found) + 1))
        line, = axes.plot(x, [0, *(f / run.relevant for f in found)], linewidth=1.2,
                          label=f"seed {run.seed}")
        stopped, recall = run.stop_screened, run.stop_recall
        if stopped is not None and recall is not None:
            axes.plot([stopped], [recall], "o", color=line.get_color(), markersize=5)
    axes.axhline(0.95, color="0.8", linewidth=0.8)
    axes.set_xlim(0, records)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel("records screened (after the priors)")
    axes.set_ylabel("relevant records found (recall)")
    axes.set_title(title + "\n(dots: where the stopping rule stopped)", fontsize=10)
    axes.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
