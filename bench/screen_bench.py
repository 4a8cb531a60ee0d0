"""Screening TUI benchmark: start-up, key-to-screen latency and memory on 100,000 works.

Builds once (cached under ``--cache``) a project whose library holds at least
``--works`` works: bib-dedupe's labelled ``depression`` set (two CSV parts),
then further sets (srsr, cardiac, ...) each as its own search, until
``mnr dedupe``'s pass leaves enough works. Each run copies the cached project
to a temporary folder (so that every run starts from an empty screening log)
and measures, in a fresh child process whose memory and start-up are its own:

* start-up: from the top of the child, before Textual or ``mnr.tui`` is
  imported, to the moment the ScreeningScreen was first drawn (its
  ``ready_at``), i.e. ready for the first keypress; Textual's import, reading
  the library and the first frame included;
* latency: ``--keys`` keypresses (y, n, m in turn, every 25th an ``u`` undo)
  sent through Textual's Pilot, each timed inside the app by the screen
  itself (``ScreeningScreen.latencies_ms``: from the start of the action to
  the first refresh after it, i.e. decision committed to SQLite and the next
  work drawn), so Pilot's own waits do not count;
* the same keypresses through a probe (wrapping three methods in the child):
  from the action's start to the first frame output, and to the frame that
  shows the next work in the detail pane (the work in full, on the right).
  The screen fills that pane on the ``WorkList.Highlighted`` message, which is
  handled after the first refresh, and its own ``call_after_refresh`` callback
  runs before the pane is drawn, so ``latencies_ms`` leaves that frame out;
  the table prints both;
* peak memory: the child's peak resident size (VmHWM; ``ru_maxrss`` is printed
  too, but on Linux it also counts the parent's size at fork);
* and afterwards, reading the library afresh, that every decision pressed is
  stored (decisions pressed minus those undone).

It also times ``ScreeningSession`` construction (which works exist, and the
log folded) outside Textual, the main part of start-up, and reading every
work's line for the list at once, as the first search does (the screen reads
lines a stretch at a time as rows come into view). The exit status is 2 if a
decision was lost; goals missed are only printed (timings vary between runs).

    python bench/screen_bench.py [--works 100000] [--keys 300] [--cache DIR] [--data DIR]
    python bench/screen_bench.py --works 20000     # quick: the depression set alone
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # the child's start-up is counted from here (before Textual)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SETS = ["depression", "srsr", "cardiac", "digital_work", "neuroimaging", "respiratory",
        "cytology_screening", "diabetes", "haematology", "stroke"]
REVIEWERS = ["BH", "MC"]
REVIEWER = "BH"
STAGE = "title"
INFO = "bench.json"  # what a cached project holds: sets, records, works, build seconds
UNDO_EVERY = 25
GOALS = {"startup_s": 1.5, "median_ms": 16.0, "p95_ms": 33.0, "peak_mb": 500.0}


# -- building the library (parent process) ----------------------------------------------


def _counts(library: Any) -> tuple[int, int]:
    """(records, works) over the active searches."""
    counts = library.works.counts()
    return counts.records, counts.works


def build(cache: Path, find: Callable[[], Path], wanted: int) -> Path:
    """A project with at least ``wanted`` works: cached in ``cache`` if one is there, else
    built from the depression set and as many further sets as it takes."""
    sys.path.insert(0, str(REPO))
    from mnr.dedupe.passes import deduplicate
    from mnr.library import Library
    from mnr.project import Project, init_project
    from mnr.searches import ImportOptions, import_file

    cached = [(json.loads((p / INFO).read_text("utf-8")), p)
              for p in cache.glob("*/") if (p / INFO).is_file()]
    for info, folder in sorted(cached, key=lambda c: int(c[0]["works"])):
        if info["works"] >= wanted or info.get("every_set"):
            library = Library.open(Project(folder).database_file)
            records, works = _counts(library)
            library.close()
            if works != info["works"]:
                print(f"{folder} holds {works:,} works, not {info['works']:,}: rebuilding")
                continue
            print(f"cached library {folder}: {info['records']:,} records, "
                  f"{info['works']:,} works ({' + '.join(info['sets'])}; "
                  f"built in {info['build_s']:.0f} s)")
            return folder
    building = cache / "building"
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    project = init_project(building, "Screening benchmark")
    review = project.review_file.read_text("utf-8")
    review = re.sub(r"(?m)^reviewers = .*$", f"reviewers = {json.dumps(REVIEWERS)}", review)
    project.review_file.write_text(review, "utf-8")
    if project.settings().reviewers != REVIEWERS:
        raise RuntimeError(f"could not set the reviewers in {project.review_file}")
    library = Library.open(project.database_file)
    data = find()
    used: list[str] = []
    records = works = 0
    for name in SETS:
        folder = data / name
        parts = sorted(folder.glob("records_pre_merged*.csv"))
        if not parts:
            continue
        for path in parts:
            import_file(project, library, path, ImportOptions(database=name), write_log=False)
        used.append(name)
        step = time.perf_counter()
        deduplicate(library)
        records, works = _counts(library)
        print(f"  + {name}: {records:,} records, {works:,} works "
              f"(dedupe {time.perf_counter() - step:.1f} s)", flush=True)
        if works >= wanted:
            break
    library.close()
    seconds = time.perf_counter() - started
    if works < wanted:
        print(f"note: every set together gives only {works:,} works (wanted {wanted:,})")
    info = {"sets": used, "records": records, "works": works, "build_s": seconds,
            "every_set": works < wanted}
    (building / INFO).write_text(json.dumps(info), "utf-8")
    final = cache / "+".join(used)
    shutil.rmtree(final, ignore_errors=True)
    building.rename(final)
    print(f"built library {final}: {records:,} records, {works:,} works in {seconds:.1f} s")
    return final


# -- measuring (child process) ------------------------------------------------------------


def keys_for(count: int) -> list[str]:
    """``count`` keypresses: y, n, m in turn, every ``UNDO_EVERY``th an undo."""
    keys: list[str] = []
    cycle = "ynm"
    for number in range(1, count + 1):
        if number % UNDO_EVERY == 0:
            keys.append("u")
        else:
            keys.append(cycle[(number - 1 - number // UNDO_EVERY) % 3])
    return keys


class Probe:
    """What the benchmark watches besides the screen's own ``latencies_ms``.

    * When each y/n/m/u action starts, when ``_show_detail`` (which fills the
      detail pane, the work in full, on the right) returns, and when a frame
      is output (``App._display``): the detail pane is filled on the
      ``WorkList.Highlighted`` message, handled only after the first refresh
      after the action, so it reaches the screen a frame later. (The screen's
      own ``call_after_refresh`` callback runs after that handler but before
      that next frame, so its figure does not include it.) The probe wraps
      the three methods on their classes: a ``perf_counter()`` each.
    * Python's generation-2 garbage collections (via ``gc.callbacks``).
    """

    def __init__(self) -> None:
        self.actions: list[float] = []
        self.details: list[float] = []
        self.frames: list[float] = []
        self.gc_ms: list[float] = []
        self.counting = False
        self._gc_started = 0.0

    def _stamp(self, cls: type, name: str, times: list[float], before: bool) -> None:
        import functools

        method = getattr(cls, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            if before:
                times.append(time.perf_counter())
            result = method(*args, **kwargs)
            if not before:
                times.append(time.perf_counter())
            return result

        setattr(cls, name, functools.wraps(method)(timed))

    def install(self, screen_class: type, app_class: type) -> None:
        import gc

        self._stamp(screen_class, "action_decide", self.actions, before=True)
        self._stamp(screen_class, "action_undo", self.actions, before=True)
        self._stamp(screen_class, "_show_detail", self.details, before=False)
        self._stamp(app_class, "_display", self.frames, before=False)
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2 or not self.counting:
            return
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_ms.append((time.perf_counter() - self._gc_started) * 1000)

    def detail_latencies(self) -> list[float]:
        """Per action: ms from its start to the first frame output after the detail pane
        was next filled."""
        import bisect

        result = []
        for start in self.actions:
            shown = bisect.bisect_left(self.details, start)
            if shown == len(self.details):
                continue
            frame = bisect.bisect_left(self.frames, self.details[shown])
            if frame < len(self.frames):
                result.append((self.frames[frame] - start) * 1000)
        return result

    def first_frame_latencies(self) -> list[float]:
        """Per action: ms from its start to the first frame output after it."""
        import bisect

        result = []
        for start in self.actions:
            frame = bisect.bisect_left(self.frames, start)
            if frame < len(self.frames):
                result.append((self.frames[frame] - start) * 1000)
        return result


async def _drive(project_root: Path, keys: list[str], size: tuple[int, int],
                 timeout: float) -> dict[str, Any]:
    from textual.app import App

    from mnr.project import Project
    from mnr.tui.app import MnrApp
    from mnr.tui.screens.screening import ScreeningScreen

    probe = Probe()
    probe.install(ScreeningScreen, App)
    app = MnrApp(Project(project_root), reviewer=REVIEWER, screen="screening", stage=STAGE)
    async with app.run_test(size=size) as pilot:
        deadline = time.perf_counter() + timeout
        while True:
            screen = app.screen
            if isinstance(screen, ScreeningScreen) and screen.ready_at is not None:
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"the screening screen was not drawn within {timeout} s")
            await pilot.pause()
        ready_at = screen.ready_at
        ready_wall = time.time() - (time.perf_counter() - ready_at)
        works = screen.session.total
        probe.actions.clear()
        probe.counting = True
        started = time.perf_counter()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.1)  # the last key's detail pane
        driven_s = time.perf_counter() - started
        probe.counting = False
        latencies = list(screen.latencies_ms)
    return {"startup_s": ready_at - T0, "ready_wall": ready_wall, "works": works,
            "latencies_ms": latencies, "detail_ms": probe.detail_latencies(),
            "frame_ms": probe.first_frame_latencies(),
            "gc2_ms": probe.gc_ms, "driven_s": driven_s}


def _stored(project_root: Path) -> dict[str, int]:
    """What the library holds afterwards, read afresh: log entries and works decided."""
    from mnr.library import Library
    from mnr.project import Project
    from mnr.screening.state import load

    project = Project(project_root)
    library = Library.open(project.database_file)
    try:
        log = library.screening.log(STAGE)
        stage = load(library, project.settings()).stage(STAGE)
        return {
            "decision_entries": sum(1 for e in log
                                    if e.kind == "decision" and e.reviewer == REVIEWER),
            "undo_entries": sum(1 for e in log if e.kind == "undo" and e.reviewer == REVIEWER),
            "works_decided": stage.decided_by(REVIEWER),
        }
    finally:
        library.close()


def _session_timing(project_root: Path, repeats: int = 3) -> dict[str, float]:
    """ScreeningSession construction outside Textual, as the app does it (which works
    exist, then the log folded), the fold alone, and reading every work's line at once
    (a search's first cost); best of ``repeats`` each."""
    import gc

    from mnr.library import Library
    from mnr.project import Project
    from mnr.screening.session import ScreeningSession
    from mnr.screening.state import load

    project = Project(project_root)
    settings = project.settings()
    best: dict[str, float] = {}

    def keep(key: str, seconds: float) -> None:
        best[key] = min(best.get(key, seconds), seconds)

    for _ in range(repeats):
        gc.collect()
        library = Library.open(project.database_file)
        start = time.perf_counter()
        ScreeningSession(library, settings, REVIEWER, STAGE)
        keep("session_s", time.perf_counter() - start)
        library.close()
        gc.collect()
        library = Library.open(project.database_file)
        works = library.screening.work_ids()
        start = time.perf_counter()
        load(library, settings, works)
        keep("load_s", time.perf_counter() - start)
        start = time.perf_counter()
        lines = library.screening.work_lines()
        keep("work_lines_s", time.perf_counter() - start)
        library.close()
        del lines
    return best


def peak_mb() -> float:
    """This process's peak resident memory in MB: VmHWM, the high-water mark of its own
    address space. (``ru_maxrss`` is not used for the figure: Linux carries the parent's
    resident size at fork over into the child's ``ru_maxrss`` at exec, so a child of the
    process that built the library would report the builder's memory.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin"
                                                                 else 1024 * 1024)


def measure(project_root: Path, count: int, size: tuple[int, int]) -> dict[str, Any]:
    """The child's whole job: drive the app, then check the library and time the session."""
    sys.path.insert(0, str(REPO))
    keys = keys_for(count)
    result = asyncio.run(_drive(project_root, keys, size, timeout=120.0))
    result["peak_mb"] = peak_mb()
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["pressed"] = {k: keys.count(k) for k in "ynmu"}
    result["stored"] = _stored(project_root)
    result.update(_session_timing(project_root))
    return result


# -- reporting (parent process) -----------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _mark(value: float, goal: float) -> str:
    return "ok" if value < goal else "MISSED"


def _summary(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), _percentile(values, 0.95), max(values)


def report(row: dict[str, Any], launched: float) -> bool:
    """Print the figures; False if a decision was lost (goals missed are only printed)."""
    latencies: list[float] = row["latencies_ms"]
    pressed: dict[str, int] = row["pressed"]
    stored: dict[str, int] = row["stored"]
    keys = keys_for(sum(pressed.values()))
    decisions = len(keys) - pressed["u"]
    expected = decisions - pressed["u"]
    lost = (stored["works_decided"] != expected or stored["decision_entries"] != decisions
            or stored["undo_entries"] != pressed["u"])
    median, p95, worst = _summary(latencies)
    d_median, d_p95, d_worst = _summary(row["detail_ms"])
    goals = GOALS
    print()
    print(f"{'':22} {'works':>8} {'start-up s':>10} {'median ms':>9} {'p95 ms':>7} "
          f"{'max ms':>7} {'peak MB':>7} {'stored/expected':>15}")
    print(f"{'measured':22} {row['works']:8,} {row['startup_s']:10.2f} {median:9.1f} {p95:7.1f} "
          f"{worst:7.1f} {row['peak_mb']:7.0f} {stored['works_decided']:>7}/{expected:<7}")
    print(f"{'goal':22} {'':8} {'< 1.5':>10} {'< 16':>9} {'< 33':>7} {'':>7} {'< 500':>7}")
    print(f"{'':22} {'':8} {_mark(row['startup_s'], goals['startup_s']):>10} "
          f"{_mark(median, goals['median_ms']):>9} {_mark(p95, goals['p95_ms']):>7} {'':>7} "
          f"{_mark(row['peak_mb'], goals['peak_mb']):>7} {'LOST' if lost else 'ok':>15}")
    print(f"{'detail pane drawn':22} {'':8} {'':>10} {d_median:9.1f} {d_p95:7.1f} "
          f"{d_worst:7.1f}")
    print(f"{'':22} {'':8} {'':>10} {_mark(d_median, goals['median_ms']):>9} "
          f"{_mark(d_p95, goals['p95_ms']):>7}")
    print()
    print("latency (median, p95, max ms) is the screen's own latencies_ms: action start to the "
          "first refresh after it")
    undone = [ms for ms, key in zip(latencies, keys, strict=False) if key == "u"]
    decided = [ms for ms, key in zip(latencies, keys, strict=False) if key != "u"]
    print(f"  timed {len(latencies)} of {len(keys)} keypresses ({decisions} decisions: "
          f"y/n/m {pressed['y']}/{pressed['n']}/{pressed['m']}; {pressed['u']} undos); "
          f"decisions median {_summary(decided)[0]:.1f} ms, undos median "
          f"{_summary(undone)[0]:.1f} ms")
    frame = _summary(row["frame_ms"])
    print(f"  probe: action start to the first frame output: median {frame[0]:.1f}, p95 "
          f"{frame[1]:.1f}, max {frame[2]:.1f} ms ({len(row['frame_ms'])} keypresses)")
    print(f"  probe: action start to the frame that shows the next work in the detail pane: "
          f"median {d_median:.1f}, p95 {d_p95:.1f}, max {d_worst:.1f} ms "
          f"({len(row['detail_ms'])} keypresses)")
    gc2: list[float] = row["gc2_ms"]
    print(f"  generation-2 garbage collections during the keypresses: {len(gc2)}"
          + (f", median {statistics.median(gc2):.0f} ms, max {max(gc2):.0f} ms" if gc2 else ""))
    print(f"decisions in the library afterwards: {stored['decision_entries']} decision and "
          f"{stored['undo_entries']} undo entries by {REVIEWER} at {STAGE}; "
          f"{stored['works_decided']} works decided (expected {expected})"
          + ("  <-- DECISIONS LOST" if lost else ""))
    print(f"start-up from launching the child process (interpreter start included): "
          f"{row['ready_wall'] - launched:.2f} s")
    print(f"peak memory: VmHWM {row['peak_mb']:.0f} MB (ru_maxrss says "
          f"{row['ru_maxrss_mb']:.0f} MB; on Linux it also counts the parent's size at fork)")
    print(f"ScreeningSession construction outside Textual: {row['session_s']:.2f} s "
          f"(folding the log {row['load_s']:.2f} s of it; best of 3); reading every work's "
          f"line at once, as the first search does: {row['work_lines_s']:.2f} s")
    print(f"Pilot's wall time for the {len(keys)} keypresses: {row['driven_s']:.1f} s "
          "(Pilot's waits included; not a latency figure)")
    return not lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000,
                        help="works the library must hold at least (default 100000)")
    parser.add_argument("--keys", type=int, default=300,
                        help="keypresses to send: y/n/m in turn, every 25th an undo")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "mnr-screen-bench",
                        help="folder where the built projects are kept between runs")
    parser.add_argument("--data", type=Path, help="bib_dedupe/data folder of the unpacked wheel")
    parser.add_argument("--size", default="160x45", help="terminal size, COLSxROWS")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child: project copy
    args = parser.parse_args(argv)
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    if args.measure:
        print(json.dumps(measure(args.measure, args.keys, (columns, rows))))
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from dedupe_bench import find_data

    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cached = build(args.cache, lambda: find_data(args.data, Path(tmp)), args.works)
        copy = Path(tmp) / "review"
        shutil.copytree(cached, copy)
        os.sync()  # the copy's write-back is not to run during the measurement
        launched = time.time()
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(copy), "--keys", str(args.keys),
             "--size", args.size], capture_output=True, text=True, cwd=REPO)
        if child.returncode:
            print(f"the measuring process failed:\n{child.stderr}", file=sys.stderr)
            return 1
        row = json.loads(child.stdout.strip().splitlines()[-1])
    return 0 if report(row, launched) else 2


if __name__ == "__main__":
    sys.exit(main())
