"""Relevance ranking at scale: fitting the features of 100,000 works once, then retraining
and re-ranking them, as the screening screen's ranking process does after decisions.

Takes the screening benchmark's cached library (``bench/screen_bench.py`` builds it:
at least ``--works`` works) and, in this process: reads every work's text as the
ranking process does (``ScreeningStore.work_texts``), fits the features
(``Prioritiser``), then trains and ranks with 2, 200, 2,000 and 10,000 labelled works
(a tenth relevant, drawn at random; best of 3 each). The goal: retraining and
re-ranking 100,000 works in under 2 s. Peak memory is this process's (the ranking
process's, in the TUI; the screen's own process does not hold the features).

    python bench/ranking_bench.py [--works 100000] [--cache DIR] [--data DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_S = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "mnr-screen-bench")
    parser.add_argument("--data", type=Path, help="bib_dedupe/data folder of the unpacked wheel")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "bench"))
    from dedupe_bench import find_data
    from screen_bench import build

    from mnr.library import Library
    from mnr.project import Project
    from mnr.screening.ranking import Prioritiser

    with tempfile.TemporaryDirectory() as tmp:
        root = build(args.cache, lambda: find_data(args.data, Path(tmp)), args.works)
        library = Library.open(Project(root).database_file)
        started = time.perf_counter()
        texts = library.screening.work_texts()
        read_s = time.perf_counter() - started
        library.close()
    started = time.perf_counter()
    prioritiser = Prioritiser(texts)
    fit_s = time.perf_counter() - started
    works = list(texts)
    rng = random.Random(0)
    chosen = rng.sample(works, min(10_000, len(works) - 1))
    labels = [(work, rng.random() < 0.1) for work in chosen]
    labels[0], labels[1] = (chosen[0], True), (chosen[1], False)
    print(f"{len(works):,} works; features {prioritiser.ranker.features.shape[1]:,} wide, "
          f"{prioritiser.ranker.features.nnz:,} non-zero")
    print(f"reading the works' texts: {read_s:.2f} s; fitting the features: {fit_s:.1f} s "
          "(once, in the ranking process)")
    print(f"{'labelled':>9} {'retrain + re-rank s':>20}  goal < {GOAL_S:g} s")
    worst = 0.0
    for count in (2, 200, 2000, 10_000):
        best = min(_timed(prioritiser, labels[:count]) for _ in range(3))
        worst = max(worst, best)
        print(f"{count:>9,} {best:>20.2f}  {'ok' if best < GOAL_S else 'MISSED'}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MB")
    return 0 if worst < GOAL_S else 1


def _timed(prioritiser: object, labels: list[tuple[int, bool]]) -> float:
    started = time.perf_counter()
    prioritiser.rank(labels)  # type: ignore[attr-defined]
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
