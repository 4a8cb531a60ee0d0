"""Judgement log benchmark: opening after a pull, and rebuilding the library from the folder.

Builds once (cached under ``--cache``) a review folder like a large review's
half-way through screening, every act made by mnr's own code with the review's
judgement logs attached (``open_review`` attaches them):

* bib-dedupe's labelled ``depression`` (two CSV parts) and ``srsr`` sets
  imported as three searches, logged in ``searches/log.toml`` with their
  import times (about 133,000 records);
* one ``mnr dedupe`` pass (about 106,000 works; its line in ``team.jsonl``),
  then ``--pairs`` uncertain pairs decided, merge or apart, by BH and MC;
* two reviewers (BH, MC) deciding every work at the title stage and every work
  that goes on at the abstract stage, a few thousand decisions at a time
  (``library.screening.append``): some maybe, some reasons and notes, some
  decisions undone and made again, 3% in conflict and resolved by BH; about
  320,000 judgement lines in ``judgements/BH.jsonl`` and ``MC.jsonl``.

Then, on copies of it, it prints:

1. **Opening after a pull that brought 1,000 new lines** (goal < 1 s). A second
   copy of the folder, library included, is MC's clone; there MC decides 1,000
   works at the full-text stage (``mnr.screening.decide.decide``, one at a time,
   as the TUI does); MC's judgement file is then copied over the first copy's,
   which is what ``git pull`` does. Timed: ``open_review`` + close in this
   process (imports warm; best of ``--rounds``, each after a fresh pull), and
   ``mnr status`` as a new process after a pull (interpreter start, imports,
   opening, catching up, and counting the screening log for the table; best
   of ``--rounds``). Both also with nothing new, for comparison. Each pull is
   checked: the screening log grew by exactly 1,000 entries.
2. **A full rebuild from the folder** (``library/`` deleted, then
   ``open_review``; goal < 3x) against **importing and deduplicating the same
   searches** (a folder with the same ``searches/`` and log, no
   ``judgements/``: ``open_review``, which imports the logged searches, then
   ``deduplicate``). Each runs in a new process, one after the other in the
   same run (``--rebuilds`` rounds), and reports its time, where the time went
   (imports, the pass, each kind of act, looking up the records lines name,
   ...; with the peak resident size sampled in each part), its peak memory
   (VmHWM), and the ratio also without the pair decisions' replay (each one a
   full regrouping). The rebuilt library must give the same works,
   ``mnr status --json`` and ``mnr prisma --format json`` as before the delete.

The exit status is 2 if a check failed; goals missed are only printed.

    python bench/journal_bench.py --data DIR    # bib_dedupe/data of the unpacked wheel
    python bench/journal_bench.py [--rounds 3] [--rebuilds 1] [--pairs 10] [--cache DIR]
                                  [--fresh] [--sets cardiac,neuroimaging,digital_work]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SETS = ["depression", "srsr"]  # about 133,000 records, 106,000 works
REVIEWERS = ["BH", "MC"]
INFO = "bench.json"  # what a cached review holds, and how it was made
PULLED = 1_000  # new lines a pull brings
BATCH = 2_000  # works decided per ``screening.append`` call while building
GOAL_OPEN_S = 1.0
GOAL_RATIO = 3.0
REASONS = ["Wrong population", "Wrong setting", "Wrong study design", "Not empirical"]
NOTES = ["check the sample", "protocol paper?", "discuss at the meeting", "conference abstract"]

Row = dict[str, Any]


class CheckFailed(Exception):
    """The path measured did not do what it should: the figures would mean nothing."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# -- building the review (cached) ------------------------------------------------------


def _new_review(root: Path, title: str) -> Any:
    """A review folder (review.toml listing BH and MC) and its library, journal attached."""
    from mnr.project import init_project
    from mnr.review import open_review

    project = init_project(root, title)
    text = project.review_file.read_text("utf-8")
    text = re.sub(r"(?m)^reviewers = .*$", f"reviewers = {json.dumps(REVIEWERS)}", text)
    project.review_file.write_text(text, "utf-8")
    check(project.settings().reviewers == REVIEWERS,
          f"could not set the reviewers in {project.review_file}")
    return project, open_review(project).library


def _decide_pairs(library: Any, count: int) -> int:
    """Decide ``count`` uncertain pairs as a person would, one at a time (merge the more
    alike, keep apart the rest; a merge the grouping cannot honour becomes apart)."""
    from mnr.dedupe.passes import decide
    from mnr.dedupe.queue import review_queue
    from mnr.errors import MnrError

    decided = 0
    for number, item in enumerate(review_queue(library)[:count]):
        pair, reviewer = item.pair, REVIEWERS[number % 2]
        choice = "merge" if pair.score >= 0.9 else "apart"
        try:
            decide(library, pair.record_a, pair.record_b, choice, reviewer)
        except MnrError:
            decide(library, pair.record_a, pair.record_b, "apart", reviewer)
        decided += 1
    return decided


def _reviewer_entries(work_ids: list[int], stage: str, reviewer: str,
                      first: dict[int, str], chance: random.Random) -> list[Any]:
    """One reviewer's entries on these works at a stage, as a session would make them."""
    from mnr.library.models import NewEntry

    entries: list[NewEntry] = []
    for work_id in work_ids:
        decision = first[work_id]
        if reviewer != REVIEWERS[0] and chance.random() < 0.03:  # a disagreement
            decision = "n" if decision != "n" else "y"
        reason = chance.choice(REASONS) if decision == "n" and (
            stage != "title" and chance.random() < 0.5) else None
        note = chance.choice(NOTES) if chance.random() < 0.01 else None
        if chance.random() < 0.005:  # pressed the wrong key, undid it
            wrong = "y" if decision == "n" else "n"
            entries.append(NewEntry(work_id, stage, reviewer, "decision", wrong,
                                    chance.choice(REASONS) if wrong == "n" else None,
                                    origin="tui"))
            entries.append(NewEntry(work_id, stage, reviewer, "undo",
                                    undoes=-len(entries), origin="tui"))
        entries.append(NewEntry(work_id, stage, reviewer, "decision", decision, reason, note,
                                origin="tui"))
    return entries


def _screen_stage(library: Any, settings: Any, stage_name: str, goes_on: float,
                  chance: random.Random) -> int:
    """Both reviewers decide every work of the stage, ``BATCH`` works a call each in turn;
    then BH resolves the conflicts. Returns the entries written."""
    from mnr.library.models import NewEntry
    from mnr.screening.state import load

    work_ids = load(library, settings).stage(stage_name).work_ids
    first = {}
    for work_id in work_ids:
        roll = chance.random()
        first[work_id] = "n" if roll >= goes_on else ("m" if roll < goes_on * 0.1 else "y")
    written = 0
    for start in range(0, len(work_ids), BATCH):
        chunk = work_ids[start:start + BATCH]
        for reviewer in REVIEWERS:
            written += len(library.screening.append(
                _reviewer_entries(chunk, stage_name, reviewer, first, chance)))
    stage = load(library, settings).stage(stage_name)
    conflicts = stage.conflicts()
    for start in range(0, len(conflicts), BATCH):
        written += len(library.screening.append([
            NewEntry(work_id, stage_name, REVIEWERS[0], "resolution", first[work_id],
                     "discussed at the team meeting" if first[work_id] == "n" else None,
                     origin="tui")
            for work_id in conflicts[start:start + BATCH]]))
    return written


def count_lines(root: Path) -> int:
    return sum(path.read_bytes().count(b"\n") for path in (root / "judgements").glob("*.jsonl"))


def _state(root: Path) -> tuple[int, int]:
    """(works, screening log entries) of a review's library, opened without its folder."""
    from mnr.library import Library
    from mnr.project import Project

    library = Library.open(Project(root).database_file)
    try:
        return library.works.counts().works, library.screening.last_entry_id()
    finally:
        library.close()


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def build(cache: Path, find: Callable[[], Path], sets: list[str], pairs: int,
          fresh: bool) -> Path:
    """The review: from ``cache`` if it holds one made with these settings, else built."""
    from mnr.dedupe.passes import deduplicate
    from mnr.searches import ImportOptions, import_file

    final = cache / f"review-{'+'.join(sets)}-pairs{pairs}"
    if (final / INFO).is_file() and not fresh:
        info = json.loads((final / INFO).read_text("utf-8"))
        if _state(final) == (info["works"], info["entries"]) and (
                count_lines(final) == info["lines"]):
            print(f"cached review {final}: {info['records']:,} records, {info['works']:,} "
                  f"works, {info['lines']:,} judgement lines (built in {info['build_s']:.0f} s "
                  f"at {info['commit']})")
            return final
        print(f"{final} is not what {INFO} says: rebuilding it")
    building = cache / "building"
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    project, library = _new_review(building, "Judgement log benchmark")
    data = find()
    for name in sets:
        for path in sorted((data / name).glob("records_pre_merged*.csv")):
            import_file(project, library, path, ImportOptions(database=name), write_log=True)
    step = time.perf_counter()
    deduplicate(library)
    counts = library.works.counts()
    print(f"  imported and deduplicated: {counts.records:,} records, {counts.works:,} works "
          f"(dedupe {time.perf_counter() - step:.0f} s)", flush=True)
    step = time.perf_counter()
    decided = _decide_pairs(library, pairs)
    print(f"  {decided} pairs decided in {time.perf_counter() - step:.0f} s", flush=True)
    settings = project.settings()
    chance = random.Random(14)
    entries = 0
    for stage_name, goes_on in (("title", 0.5), ("abstract", 0.3)):
        step = time.perf_counter()
        entries += _screen_stage(library, settings, stage_name, goes_on, chance)
        print(f"  {stage_name} stage screened by {' and '.join(REVIEWERS)}: {entries:,} "
              f"entries so far ({time.perf_counter() - step:.0f} s)", flush=True)
    counts = library.works.counts()
    library.close()
    works, last = _state(building)
    lines = count_lines(building)
    check(last == entries, f"{entries:,} entries written, the log holds {last:,}")
    seconds = time.perf_counter() - started
    info = {"sets": sets, "records": counts.records, "works": works, "entries": last,
            "pairs": decided, "lines": lines, "build_s": seconds, "commit": _commit()}
    (building / INFO).write_text(json.dumps(info), "utf-8")
    shutil.rmtree(final, ignore_errors=True)
    building.rename(final)
    print(f"built review {final}: {counts.records:,} records, {works:,} works, {lines:,} "
          f"judgement lines in {seconds:.0f} s")
    return final


# -- a pull -----------------------------------------------------------------------------


def pull(clone: Path, root: Path, count: int = PULLED) -> None:
    """In MC's clone, MC decides ``count`` more works at the full-text stage, one at a
    time; then MC's judgement file is brought to ``root``, as ``git pull`` would."""
    from mnr.project import Project
    from mnr.review import open_review
    from mnr.screening.decide import decide
    from mnr.screening.state import load

    project = Project(clone)
    settings = project.settings()
    library = open_review(project).library
    try:
        stage = load(library, settings).stage("fulltext")
        waiting = [w for w in stage.work_ids if stage.works[w].decision_of("MC") is None]
        check(len(waiting) >= count, f"only {len(waiting)} works left at the full-text stage")
        chance = random.Random(len(waiting))
        for work_id in waiting[:count]:
            if chance.random() < 0.4:
                decide(library, stage, work_id, "MC", "y", origin="tui")
            else:
                decide(library, stage, work_id, "MC", "n", chance.choice(REASONS), origin="tui")
    finally:
        library.close()
    for path in (clone / "judgements").glob("*.jsonl"):
        target = root / "judgements" / path.name
        if not target.is_file() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)


def _sync() -> None:
    os.sync()  # the copies' write-back is not to be timed


def time_open(root: Path) -> float:
    """``open_review`` + close, in this process."""
    from mnr.project import Project
    from mnr.review import open_review

    project = Project(root)
    gc.collect()
    started = time.perf_counter()
    opened = open_review(project)
    opened.library.close()
    seconds = time.perf_counter() - started
    check(opened.built == [] and opened.replayed is None,
          f"opening {root} rebuilt its library: {opened.reconciled}")
    return seconds


def time_status(root: Path) -> float:
    """``mnr status`` as a user runs it: a new process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mnr", "status"], cwd=root, check=True,
                   capture_output=True)
    return time.perf_counter() - started


def measure_pulls(root: Path, clone: Path, rounds: int) -> Row:
    """Opening with nothing new and after pulls, in process and as ``mnr status``."""
    times: Row = {"open_idle": [], "open_pull": [], "status_idle": [], "status_pull": [],
                  "pull_make": []}
    time_open(root)  # the first opening after the copy, read from disk
    for _ in range(rounds):
        times["open_idle"].append(time_open(root))
        times["status_idle"].append(time_status(root))
    for timer, key in ((time_open, "open_pull"), (time_status, "status_pull")):
        for _ in range(rounds):
            before = _state(root)[1]
            started = time.perf_counter()
            pull(clone, root)
            times["pull_make"].append(time.perf_counter() - started)
            _sync()
            times[key].append(timer(root))
            after = _state(root)[1]
            check(after - before == PULLED, f"after a pull of {PULLED:,} lines the screening "
                  f"log grew by {after - before:,} entries")
    return times


# -- rebuild against import + dedupe (each in a new process) ----------------------------


def peak_mb() -> tuple[float, float]:
    """(VmHWM, ru_maxrss) of this process in MB. VmHWM is its own high-water mark;
    ``ru_maxrss`` on Linux also counts the parent's size at fork."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024, maxrss
    except OSError:
        pass
    return maxrss, maxrss


REST = "the rest"


def _resident_mb() -> float:
    """This process's resident size now, in MB (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return 0.0


class Stopwatch:
    """Seconds spent in wrapped functions, by name (nested calls counted in the outer one),
    and the peak resident size seen while each ran (sampled every 20 ms)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.peaks: dict[str, float] = {}
        self._depth = 0
        self._part = REST
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Stopwatch:
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            part, size = self._part, _resident_mb()
            self.peaks[part] = max(self.peaks.get(part, 0.0), size)

    @contextmanager
    def timing(self, name: str) -> Iterator[None]:
        self._depth += 1
        if self._depth == 1:
            self._part = name
        started = time.perf_counter()
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._part = REST
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.calls[name] = self.calls.get(name, 0) + 1

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing(name):
                return function(*args, **kwargs)
        return timed

    def row(self, seconds: float) -> Row:
        vmhwm, maxrss = peak_mb()
        return {"seconds": seconds, "parts": self.seconds, "calls": self.calls,
                "part_peaks": self.peaks, "peak_mb": vmhwm, "maxrss_mb": maxrss}


def child_rebuild(root: Path) -> Row:
    """``open_review`` on a folder without ``library/``: the build from the folder, timed
    with where the time went (imports, reading the lines, each kind of act, looking up the
    records lines name, the search log's reference lists)."""
    import mnr.citations.reference_lists
    import mnr.replay
    import mnr.review
    from mnr.journal import Journal
    from mnr.library.acts import ActStore
    from mnr.project import Project

    project = Project(root)
    check(not project.database_file.exists(), f"{root} still has its library")
    with Stopwatch() as watch:
        mnr.review.import_logged = watch.wrap("import", mnr.review.import_logged)
        Journal.read_new = watch.wrap(  # type: ignore[method-assign]
            "read lines", Journal.read_new)
        ActStore.records = watch.wrap(  # type: ignore[method-assign]
            "look up records", ActStore.records)
        mnr.citations.reference_lists.replay = watch.wrap(
            "reference lists", mnr.citations.reference_lists.replay)
        for act, handler in list(mnr.replay._HANDLERS.items()):
            mnr.replay._HANDLERS[act] = watch.wrap(f"replay {act}", handler)
        started = time.perf_counter()
        opened = mnr.review.open_review(project)
        opened.library.close()
        seconds = time.perf_counter() - started
    return {**watch.row(seconds), "replayed": opened.replayed, "imported": len(opened.built),
            "said": opened.reconciled}


def child_import(root: Path) -> Row:
    """What a new review of the same searches costs: ``open_review`` (importing the logged
    searches) and one ``mnr dedupe`` pass."""
    import mnr.review
    from mnr.dedupe.passes import deduplicate
    from mnr.project import Project

    project = Project(root)
    with Stopwatch() as watch:
        mnr.review.import_logged = watch.wrap("import", mnr.review.import_logged)
        started = time.perf_counter()
        opened = mnr.review.open_review(project)
        with watch.timing("dedupe"):
            result = deduplicate(opened.library)
        works = opened.library.works.counts().works
        opened.library.close()
        seconds = time.perf_counter() - started
    return {**watch.row(seconds), "imported": len(opened.built), "records": result.records,
            "works": works}


def run_child(kind: str, root: Path) -> Row:
    _sync()
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(root)],
                          capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise CheckFailed(f"the {kind} process failed:\n{done.stderr}")
    row: Row = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def cli_json(root: Path, *args: str) -> Any:
    done = subprocess.run([sys.executable, "-m", "mnr", *args], cwd=root, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def measure_rebuild(root: Path, scratch: Path, rounds: int) -> list[tuple[Row, Row]]:
    """Import + dedupe of the searches alone, and the rebuild of ``root`` from its folder,
    in turn; the rebuilt library checked against the one deleted."""
    from mnr.project import LIBRARY_DIR

    before = (_state(root)[0], cli_json(root, "status", "--json"),
              cli_json(root, "prisma", "--format", "json"))
    results = []
    for number in range(rounds):
        fresh = scratch / f"searches-only-{number}"
        fresh.mkdir()
        shutil.copy2(root / "review.toml", fresh / "review.toml")
        shutil.copytree(root / "searches", fresh / "searches")
        imported = run_child("import", fresh)
        shutil.rmtree(fresh)
        shutil.rmtree(root / LIBRARY_DIR)
        rebuilt = run_child("rebuild", root)
        after = (_state(root)[0], cli_json(root, "status", "--json"),
                 cli_json(root, "prisma", "--format", "json"))
        check(after[0] == before[0], f"the rebuild has {after[0]:,} works, not {before[0]:,}")
        check(after[1] == before[1], "`mnr status --json` differs after the rebuild:\n"
              f"before {before[1]}\nafter  {after[1]}")
        check(after[2] == before[2], "`mnr prisma --format json` differs after the rebuild:\n"
              f"before {before[2]}\nafter  {after[2]}")
        results.append((imported, rebuilt))
    return results


# -- reporting ---------------------------------------------------------------------------


def _mark(value: float, goal: float) -> str:
    return "ok" if value < goal else "MISSED"


def _all(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def report_pulls(times: Row, lines: int, works: int) -> None:
    print()
    print(f"Opening a review of {works:,} works and {lines:,} judgement lines "
          f"(best of {len(times['open_pull'])}; all runs in brackets):")
    best = min(times["open_pull"])
    print(f"  open_review + close, in process, after a pull of {PULLED:,} lines: "
          f"{best:6.2f} s  (goal < {GOAL_OPEN_S:.0f} s: {_mark(best, GOAL_OPEN_S)}; "
          f"{_all(times['open_pull'])})")
    print(f"  open_review + close, in process, nothing new:              "
          f"{min(times['open_idle']):6.2f} s  ({_all(times['open_idle'])})")
    print(f"  `mnr status`, new process, after a pull of {PULLED:,} lines:      "
          f"{min(times['status_pull']):6.2f} s  ({_all(times['status_pull'])})")
    print(f"  `mnr status`, new process, nothing new:                    "
          f"{min(times['status_idle']):6.2f} s  ({_all(times['status_idle'])})")
    print(f"  (making each pull in the clone: MC's {PULLED:,} decisions one at a time, "
          f"{statistics.median(times['pull_make']):.1f} s median)")


def _parts(row: Row) -> str:
    """Where the time went, largest first, each with the peak resident size seen in it."""
    parts: dict[str, float] = dict(row["parts"])
    parts[REST] = row["seconds"] - sum(parts.values())
    calls: dict[str, int] = row["calls"]
    peaks: dict[str, float] = row["part_peaks"]
    return ", ".join(
        f"{name} {seconds:.1f} s" + (f" ({calls[name]:,} calls)" if calls.get(name, 0) > 1
                                     else "")
        + (f" [{peaks[name]:.0f} MB]" if name in peaks else "")
        for name, seconds in sorted(parts.items(), key=lambda item: -item[1]))


def report_rebuild(results: list[tuple[Row, Row]], lines: int) -> None:
    print()
    print(f"Rebuilding the library from the folder ({lines:,} judgement lines) against "
          "importing and deduplicating the same searches (new processes, in turn):")
    for number, (imported, rebuilt) in enumerate(results, 1):
        ratio = rebuilt["seconds"] / imported["seconds"]
        print(f"  round {number}: import + dedupe {imported['seconds']:6.1f} s   "
              f"rebuild {rebuilt['seconds']:6.1f} s   ratio {ratio:.2f}x "
              f"(goal < {GOAL_RATIO:.0f}x: {_mark(ratio, GOAL_RATIO)})")
        print(f"    import + dedupe: {_parts(imported)}; peak {imported['peak_mb']:.0f} MB "
              f"(VmHWM; ru_maxrss {imported['maxrss_mb']:.0f} MB)")
        print(f"    rebuild: {_parts(rebuilt)}; {rebuilt['replayed']:,} lines replayed; "
              f"peak {rebuilt['peak_mb']:.0f} MB (VmHWM; ru_maxrss "
              f"{rebuilt['maxrss_mb']:.0f} MB)")
        pairs = rebuilt["parts"].get("replay pair", 0.0)
        if pairs:
            count = rebuilt["calls"]["replay pair"]
            print(f"    without replaying the {count} pair decisions ({pairs / count:.1f} s "
                  f"each): rebuild {rebuilt['seconds'] - pairs:.1f} s, ratio "
                  f"{(rebuilt['seconds'] - pairs) / imported['seconds']:.2f}x")
        for said in rebuilt["said"]:
            print(f"    the rebuild said: {said}")
    print("  [MB]: the peak resident size sampled while that part ran")
    print("  the rebuilt library gives the same works, `mnr status --json` and "
          "`mnr prisma --format json` as the one deleted")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="pulls timed each way, the best printed (default 3)")
    parser.add_argument("--rebuilds", type=int, default=1,
                        help="rounds of import + dedupe against rebuild (default 1)")
    parser.add_argument("--sets", default=",".join(SETS),
                        help=f"labelled sets imported (default {','.join(SETS)})")
    parser.add_argument("--pairs", type=int, default=10,
                        help="uncertain pairs decided after the dedupe pass (default 10)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "mnr-journal-bench",
                        help="folder where the built review is kept between runs")
    parser.add_argument("--data", type=Path, help="bib_dedupe/data folder of the unpacked wheel")
    parser.add_argument("--fresh", action="store_true", help="build the review again")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, root = args.child
        measured = child_rebuild(Path(root)) if kind == "rebuild" else child_import(Path(root))
        print(json.dumps(measured))
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from dedupe_bench import find_data

    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mnr-journal-bench-") as tmp:
        scratch = Path(tmp)
        try:
            cached = build(args.cache, lambda: find_data(args.data, scratch),
                           args.sets.split(","), args.pairs, args.fresh)
            root, clone = scratch / "BH", scratch / "MC"
            shutil.copytree(cached, root)
            shutil.copytree(cached, clone)
            works = _state(root)[0]
            times = measure_pulls(root, clone, args.rounds)
            report_pulls(times, count_lines(root), works)
            results = measure_rebuild(root, scratch, args.rebuilds)
            report_rebuild(results, count_lines(root))
        except CheckFailed as failed:
            print(f"CHECK FAILED: {failed}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
