"""Screening prioritisation benchmark: mnr's relevance models against ASReview LAB's default.

Measures, on the labelled screening sets of ``../shared/data/screening/`` (see its
README.md), how much screening work mnr's prioritisation (``mnr.screening.priority``)
saves compared with ASReview LAB 3.0.8's default model (ELAS u4: TF-IDF on word uni- and
bigrams, a linear SVM, relevant records weighted up, the top record queried each step).

Every set is simulated once per seed (0, 1, ...) and system: one relevant and one
irrelevant prior drawn as ``asreview simulate --n-prior-included 1 --n-prior-excluded 1
--prior-seed S`` draws them (``mnr.screening.simulate.priors``), then the model's top
record is screened, retraining after each, until the last relevant record is found.
Input text: title + " " + abstract (NaN as empty); relevant: ``label_included == 1``.

ASReview is a benchmark dependency only: it is installed (``pip install asreview==3.0.8``)
into a venv of its own in the cache folder (default ``<tmp>/mnr-asreview-3.0.8``) and run
as ``asreview simulate FILE --n-prior-included 1 --n-prior-excluded 1 --prior-seed S
--seed S -o OUT.asreview`` (it stops by default once the last relevant record is found).
The screening order is read from the project's ``results.db`` (table ``results``, in
insertion order, priors first), its record ids mapped to 0-based file rows through the
``record`` table (``dataset_row``), checked against mnr's priors and the set's labels, and
cached as JSON per (file sha256, seed, ASReview version), so later runs reuse it.

Both systems are scored by the same code: ASReview's order becomes an
``mnr.screening.simulate.Run``, so WSS@95, WSS@100 and RRF@10 are computed as the
README defines them (on the order after the priors: N = records - 2, R = relevant - 1).
The table gives per set the mean (SD, median) over seeds; then the mean over sets of the
per-set means and, per mnr model, its difference from ASReview in mean WSS@95 (goal:
>= +2 points) and its worst per-set difference (goal: none below -2 points). Goals
missed are only reported.

    python bench/prioritise_bench.py                       # every set, 5 seeds, every model
    python bench/prioritise_bench.py --sets Cohen_2006_Estrogens Cohen_2006_Antihistamines \\
        --seeds 2 --models svm
    python bench/prioritise_bench.py --models none         # ASReview only (fills the cache)
    python bench/prioritise_bench.py --json > out.json --plot /tmp/curves
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mnr.screening.priority import MODELS, Ranker  # noqa: E402
from mnr.screening.simulate import Run, priors, simulate  # noqa: E402

# mnr's model code as imported (hashed now: the files may change while the benchmark runs)
SOURCES = {f.name: hashlib.sha256(f.read_bytes()).hexdigest()[:12]
           for f in (REPO / "mnr" / "screening" / n for n in ("priority.py", "simulate.py"))}
ASREVIEW_VERSION = "3.0.8"
ASREVIEW = "asreview"
DATA = REPO.parent / "shared" / "data" / "screening"
CACHE = Path(tempfile.gettempdir()) / f"mnr-asreview-{ASREVIEW_VERSION}"
WHEELS = Path(tempfile.gettempdir()) / "asr-dl"  # a local copy of the wheel, if there is one
STOP_RECALL, STOP_CONFIDENCE = 0.95, 0.95
GOAL_MEAN = 2.0  # points of WSS@95 above ASReview, mean over sets
GOAL_WORST = -2.0  # no set below this difference from ASReview


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the sets -----------------------------------------------------------------------------


@dataclass
class Dataset:
    name: str
    path: Path
    sha256: str
    texts: list[str]
    labels: np.ndarray

    @property
    def records(self) -> int:
        return len(self.labels)

    @property
    def relevant(self) -> int:
        return int(self.labels.sum())


def load(path: Path) -> Dataset:
    import pandas as pd

    frame = pd.read_csv(path)
    title = frame["title"].fillna("").astype(str)
    abstract = frame["abstract"].fillna("").astype(str)
    texts = (title + " " + abstract).tolist()
    labels = (frame["label_included"].to_numpy() == 1).astype(np.int64)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Dataset(path.stem, path, digest, texts, labels)


# --- ASReview -----------------------------------------------------------------------------


def asreview_python(cache: Path) -> Path:
    """The Python of the cache's ASReview venv, made (and ASReview installed) if missing."""
    venv = cache / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    check = [str(python), "-c", "import asreview; print(asreview.__version__)"]
    if python.exists():  # run in the cache: ASReview leaves a dataset cache where it runs
        done = subprocess.run(check, capture_output=True, text=True, cwd=cache)
        if done.returncode == 0 and done.stdout.strip() == ASREVIEW_VERSION:
            return python
    log(f"installing {ASREVIEW}=={ASREVIEW_VERSION} into {venv} ...")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", f"{ASREVIEW}=={ASREVIEW_VERSION}"]
    if WHEELS.is_dir():
        pip += ["--find-links", str(WHEELS)]
    subprocess.run(pip, check=True)
    done = subprocess.run(check, capture_output=True, text=True, check=True, cwd=cache)
    if done.stdout.strip() != ASREVIEW_VERSION:
        raise SystemExit(f"ASReview {done.stdout.strip()} installed, not {ASREVIEW_VERSION}")
    return python


def read_order(project: Path) -> tuple[list[int], list[int]]:
    """The rows (0-based, file order) in the order ASReview labelled them, priors first,
    and the labels it gave them."""
    import sqlite3

    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", tmp)
        db = sqlite3.connect(Path(tmp) / "results.db")
        try:
            row_of = dict(db.execute("SELECT record_id, dataset_row FROM record"))
            labelled = db.execute("SELECT record_id, label FROM results ORDER BY rowid")
            ids, labels = zip(*labelled.fetchall(), strict=True)
        finally:
            db.close()
    return [int(row_of[i]) for i in ids], [int(v) for v in labels]


def asreview_order(data: Dataset, seed: int, cache: Path) -> tuple[list[int], float, bool]:
    """ASReview's screening order for ``seed`` (rows, priors first), the seconds its
    simulation took, and whether it came from the cache."""
    store = cache / "orders" / f"{data.name}-{data.sha256[:16]}-seed{seed}-{ASREVIEW_VERSION}.json"
    if store.exists():
        saved = json.loads(store.read_text())
        if (saved["sha256"], saved["seed"], saved["asreview"]) == (
                data.sha256, seed, ASREVIEW_VERSION):
            return saved["order"], saved["seconds"], True
    python = asreview_python(cache)
    home = cache / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ASREVIEW_PATH=str(home), PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sim.asreview"
        command = [str(python), "-m", "asreview", "simulate", str(data.path),
                   "--n-prior-included", "1", "--n-prior-excluded", "1",
                   "--prior-seed", str(seed), "--seed", str(seed), "-o", str(out)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp, env=env)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"asreview simulate failed on {data.name} seed {seed}:\n"
                             f"{done.stderr[-3000:]}")
        order, labels = read_order(out)
    if labels != data.labels[order].tolist():
        raise SystemExit(f"{data.name} seed {seed}: ASReview's labels do not match the file's "
                         "label_included at the rows mapped from its record ids")
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps({"file": data.path.name, "sha256": data.sha256, "seed": seed,
                                 "asreview": ASREVIEW_VERSION, "model": "elas_u4",
                                 "seconds": round(seconds, 3), "order": order}))
    return order, seconds, False


def asreview_run(data: Dataset, seed: int, order: list[int]) -> tuple[Run, list[str]]:
    """ASReview's order as an mnr ``Run`` (so the same code scores it), and what was odd."""
    odd: list[str] = []
    mnr_priors = priors(data.labels, seed)
    if tuple(order[:2]) != mnr_priors:
        odd.append(f"{data.name} seed {seed}: ASReview's priors {order[:2]} are not mnr's "
                   f"{list(mnr_priors)}")
    if len(set(order)) != len(order):
        odd.append(f"{data.name} seed {seed}: ASReview labelled a record twice")
    rest = order[2:]
    found = int(data.labels[rest].sum())
    if found != data.relevant - int(data.labels[order[:2]].sum()):
        odd.append(f"{data.name} seed {seed}: ASReview's order finds {found} of the "
                   f"{data.relevant - 1} relevant records after the priors")
    last = max((i for i, row in enumerate(rest) if data.labels[row]), default=-1)
    if last + 1 < len(rest):
        rest = rest[:last + 1]  # stopped later than the last relevant: cut, as mnr's runs end
    first = (int(order[0]), int(order[1]))
    return Run(seed, first, rest, data.labels), odd


# --- figures ------------------------------------------------------------------------------


def figures(runs: list[Run]) -> dict[str, Any]:
    wss95 = [100 * run.wss(0.95) for run in runs]
    wss100 = [100 * run.wss(1.0) for run in runs]
    rrf = [100 * run.rrf(0.10) for run in runs]
    return {
        "wss95": statistics.fmean(wss95),
        "wss95_sd": statistics.stdev(wss95) if len(wss95) > 1 else 0.0,
        "wss95_median": statistics.median(wss95),
        "rrf10": statistics.fmean(rrf),
        "wss100": statistics.fmean(wss100),
        "wss95_per_seed": [round(v, 2) for v in wss95],
        "wss100_per_seed": [round(v, 2) for v in wss100],
        "rrf10_per_seed": [round(v, 2) for v in rrf],
        "screened_for_95": [run.screened_for(0.95) for run in runs],
        # the stopping rule (mnr's runs): recall and work saved where it first said stop
        "stop_recall": [run.stop_recall for run in runs],
        "stop_saved": [run.stop_saved for run in runs],
    }


def curve(run: Run) -> np.ndarray:
    """Relevant found (share) after each record screened after the priors, to the end."""
    found = np.zeros(run.records + 1)
    counted = run.found_after()
    found[1:len(counted) + 1] = counted
    if counted:
        found[len(counted) + 1:] = counted[-1]
    return found / max(1, run.relevant)


def plot(folder: Path, name: str, data: Dataset, runs: dict[str, list[Run]],
         wss: dict[str, float]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    figure, axes = plt.subplots(figsize=(7, 5))
    for system, system_runs in runs.items():
        mean = np.mean([curve(run) for run in system_runs], axis=0)
        line, = axes.plot(np.arange(len(mean)), mean, lw=1.6,
                          label=f"{system} (WSS@95 {wss[system]:.1f})")
        for run in system_runs:
            axes.plot(np.arange(run.records + 1), curve(run), lw=0.5, alpha=0.3,
                      color=line.get_color())
    n = data.records - 2
    axes.plot([0, n], [0, 1], ls=":", color="grey", label="random")
    axes.axhline(0.95, ls="--", lw=0.7, color="grey")
    axes.set_xlabel("records screened after the priors")
    axes.set_ylabel("recall (share of relevant found)")
    axes.set_title(f"{name}: {data.records} records, {data.relevant} relevant\n"
                   f"mean of {len(next(iter(runs.values())))} seeds (thin lines: each seed)",
                   fontsize=10)
    axes.set_xlim(0, n)
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower right")
    figure.tight_layout()
    out = folder / f"{name}.png"
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


# --- the benchmark ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="*", default=None,
                        help="set names (file stems) or files; default: every CSV in --data")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"mnr models, comma-separated, or 'none' (default: "
                             f"{','.join(MODELS)})")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="ASReview's venv and cached orders (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--plot", type=Path, default=None, metavar="DIR",
                        help="write a recall curve PNG per set into DIR")
    args = parser.parse_args()

    models = [] if args.models.strip().lower() in ("", "none") else [
        m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; known: {list(MODELS)}")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    seeds = list(range(args.seeds))
    if args.sets:
        paths = [Path(s) if Path(s).suffix == ".csv" and Path(s).exists()
                 else args.data / f"{Path(s).stem}.csv" for s in args.sets]
    else:
        paths = sorted(args.data.glob("*.csv"))
    missing = [str(p) for p in paths if not p.exists()]
    if missing or not paths:
        parser.error(f"no such set(s): {missing or args.data}")

    systems = ["asreview", *models]
    results: dict[str, Any] = {}
    odd: list[str] = []
    seconds = {system: 0.0 for system in systems}
    asreview_timing: dict[str, dict[str, Any]] = {}
    for path in paths:
        data = load(path)
        log(f"{data.name}: {data.records} records, {data.relevant} relevant")
        runs: dict[str, list[Run]] = {}
        computed: list[float] = []
        every: list[float] = []  # each seed's simulation, when it was computed (cached too)
        reused = 0
        asr_runs: list[Run] = []
        for seed in seeds:
            order, took, was_cached = asreview_order(data, seed, args.cache)
            run, problems = asreview_run(data, seed, order)
            odd += problems
            asr_runs.append(run)
            every.append(took)
            if was_cached:
                reused += 1
            else:
                computed.append(took)
                seconds["asreview"] += took
            log(f"  asreview seed {seed}: {'reused' if was_cached else 'computed'} "
                f"({took:.1f} s when computed), {len(run.order)} screened, "
                f"WSS@95 {100 * run.wss(0.95):.1f}")
        runs["asreview"] = asr_runs
        asreview_timing[data.name] = {"computed": len(computed), "reused": reused,
                                      "seconds_computed": round(sum(computed), 1),
                                      "seconds_all_seeds": round(sum(every), 1)}
        for model in models:
            model_runs = []
            for seed in seeds:
                start = time.perf_counter()
                ranker = Ranker(data.texts, model, seed)
                run = simulate(data.texts, data.labels, seed, model, ranker,
                               recall=STOP_RECALL, confidence=STOP_CONFIDENCE)
                took = time.perf_counter() - start
                seconds[model] += took
                model_runs.append(run)
                log(f"  {model} seed {seed}: {took:.1f} s, {len(run.order)} screened, "
                    f"WSS@95 {100 * run.wss(0.95):.1f}")
            runs[model] = model_runs
        results[data.name] = {
            "file": data.path.name, "sha256": data.sha256, "records": data.records,
            "relevant": data.relevant,
            "priors": [list(priors(data.labels, s)) for s in seeds],
            "prior_without_text": [s for s in seeds
                                   if not data.texts[priors(data.labels, s)[0]].strip()],
            "systems": {system: figures(system_runs) for system, system_runs in runs.items()},
        }
        if args.plot:
            wss = {s: results[data.name]["systems"][s]["wss95"] for s in runs}
            log(f"  plotted {plot(args.plot, data.name, data, runs, wss)}")

    summary = summarise(results, systems, models)
    report = {"asreview": ASREVIEW_VERSION, "model": "elas_u4", "seeds": seeds,
              "mnr_sources_sha256": SOURCES,
              "cache": str(args.cache), "sets": results, "summary": summary,
              "seconds": {s: round(v, 1) for s, v in seconds.items()},
              "asreview_timing": asreview_timing, "odd": odd}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report, systems, models)
    return 0


def summarise(results: dict[str, Any], systems: list[str], models: list[str]) -> dict:
    summary: dict[str, Any] = {"mean_over_sets": {}, "vs_asreview": {}, "stopping": {}}
    for model in models:
        recalls = [value for r in results.values()
                   for value in r["systems"][model].get("stop_recall", []) if value is not None]
        saved = [value for r in results.values()
                 for value in r["systems"][model].get("stop_saved", []) if value is not None]
        runs = sum(len(r["systems"][model].get("stop_recall", [])) for r in results.values())
        summary["stopping"][model] = {
            "runs": runs, "stopped": len(recalls),
            "reached_95": sum(1 for value in recalls if value >= 0.95 - 1e-9),
            "mean_work_saved": statistics.fmean(saved) if saved else float("nan")}
    for system in systems:
        per = [r["systems"][system] for r in results.values()]
        summary["mean_over_sets"][system] = {
            key: statistics.fmean(p[key] for p in per) for key in ("wss95", "rrf10", "wss100")}
    for model in models:
        diffs = {name: r["systems"][model]["wss95"] - r["systems"]["asreview"]["wss95"]
                 for name, r in results.items()}
        mean = statistics.fmean(diffs.values())
        worst = min(diffs, key=lambda n: diffs[n])
        summary["vs_asreview"][model] = {
            "per_set": {n: round(d, 2) for n, d in diffs.items()},
            "mean_wss95_diff": mean, "worst_set": worst, "worst_wss95_diff": diffs[worst],
            "goal_mean_met": mean >= GOAL_MEAN, "goal_worst_met": diffs[worst] >= GOAL_WORST}
    return summary


def print_table(report: dict[str, Any], systems: list[str], models: list[str]) -> None:
    seeds = report["seeds"]
    print(f"\nScreening prioritisation: ASReview LAB {report['asreview']} (ELAS u4) vs mnr; "
          f"seeds {seeds[0]}..{seeds[-1]}; priors 1+1; figures in points (%), over seeds")
    head = (f"{'set':<38} {'recs':>5} {'rel':>4}  {'system':<9} {'WSS@95':>6} {'SD':>5} "
            f"{'median':>6} {'RRF@10':>6} {'WSS@100':>7} {'dWSS95':>6}")
    print(head)
    print("-" * len(head))
    for name, r in report["sets"].items():
        blind = f" (seed {','.join(map(str, r['prior_without_text']))}: prior w/o text)" \
            if r["prior_without_text"] else ""
        for i, system in enumerate(systems):
            f = r["systems"][system]
            label = (f"{name:<38} {r['records']:>5} {r['relevant']:>4}" if i == 0
                     else " " * 49)
            diff = "" if system == "asreview" else \
                f"{f['wss95'] - r['systems']['asreview']['wss95']:+6.1f}"
            print(f"{label}  {system:<9} {f['wss95']:6.1f} {f['wss95_sd']:5.1f} "
                  f"{f['wss95_median']:6.1f} {f['rrf10']:6.1f} {f['wss100']:7.1f} {diff:>6}"
                  + (blind if i == 0 else ""))
    print("-" * len(head))
    for i, system in enumerate(systems):
        m = report["summary"]["mean_over_sets"][system]
        label = f"{'mean over ' + str(len(report['sets'])) + ' sets':<49}" if i == 0 else " " * 49
        print(f"{label}  {system:<9} {m['wss95']:6.1f} {'':>5} {'':>6} {m['rrf10']:6.1f} "
              f"{m['wss100']:7.1f}")
    for model in models:
        v = report["summary"]["vs_asreview"][model]
        print(f"\n{model}: mean WSS@95 difference from ASReview {v['mean_wss95_diff']:+.2f} "
              f"points (goal >= +{GOAL_MEAN:.0f}: {'met' if v['goal_mean_met'] else 'MISSED'});"
              f" worst set {v['worst_set']} {v['worst_wss95_diff']:+.2f} "
              f"(goal >= {GOAL_WORST:.0f}: {'met' if v['goal_worst_met'] else 'MISSED'})")
    for model, stop in report["summary"].get("stopping", {}).items():
        if stop["runs"]:
            share = stop["reached_95"] / stop["runs"]
            print(f"{model}: the stopping rule (hypergeometric, recall 95%, confidence 95%) "
                  f"stopped in {stop['stopped']} of {stop['runs']} runs; recall >= 95% where "
                  f"it stopped in {stop['reached_95']} ({share:.0%}; goal >= 95%: "
                  f"{'met' if share >= 0.95 else 'MISSED'}); work saved there "
                  f"{100 * stop['mean_work_saved']:.1f}% on average")
    print("\ntime: " + ", ".join(f"{s} {t:.1f} s" for s, t in report["seconds"].items())
          + " (asreview: simulations computed in this run only)")
    timing = report["asreview_timing"]
    print("asreview per set (computed/reused; seconds computed now; seconds of every seed's "
          "simulation, cached ones as timed when computed): " + "; ".join(
              f"{n} {t['computed']}/{t['reused']}; {t['seconds_computed']:.0f} s; "
              f"{t.get('seconds_all_seeds', t['seconds_computed']):.0f} s"
              for n, t in timing.items()))
    print(f"cache: {report['cache']}")
    print("mnr sources (sha256, first 12): " + ", ".join(
        f"{n} {h}" for n, h in report.get("mnr_sources_sha256", {}).items()))
    if report["odd"]:
        print("\nodd:")
        for line in report["odd"]:
            print(f"  {line}")
    if any(math.isnan(r["systems"][s]["rrf10"]) for r in report["sets"].values()
           for s in systems):
        print("(RRF@10 is NaN where a set has no relevant record after the priors)")


if __name__ == "__main__":
    raise SystemExit(main())
