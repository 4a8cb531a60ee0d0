"""Server benchmark: the same 100,000-work review on PostgreSQL and on SQLite, side by side.

Takes the screening benchmark's cached project (``bench/screen_bench.py`` builds it
from bib-dedupe's labelled sets; at least ``--works`` works) and copies it to a
temporary folder, where it is made a review folder a team would push: review.toml
lists reviewers R1..R9 and BH with ``reviewers_per_work = 2``, searches/log.toml
lists the three exports (the cache was built without a search log), and the
deduplication pass the cache holds is written out as judgement lines (the
library's ``adopt``, as any command does on opening). That folder, with its
SQLite file, is the SQLite side. The PostgreSQL side is a throw-away server
(``tests/pg_server.py``'s LocalServer; durable, fsync and synchronous_commit on,
unless ``--fast``) with a new database, filled the way a
team fills one: ``mnr server setup --prefix bench`` (a role per reviewer) and
``mnr server push`` of the folder (imports replayed, the deduplication pass
replayed), both timed. Nothing is kept on the server between runs. Then, for
each backend:

1. the library's records and works (they must be the same on both);
2. ``mnr prisma --format json`` as a user runs it (a new process; on PostgreSQL
   with ``MNR_LIBRARY_URL``, as the read-only role ``bench_read``): best of 3
   wall time, and whether the two outputs are byte-identical (before the
   deciding below, and once more after it, when both logs hold the same
   decisions); and, in this process, opening the library and PRISMA's counting
   (``mnr.prisma.counts.count``), best of 3: the command less interpreter and imports;
3. 8 reviewer processes deciding at once, each its own process with its own
   library connection (on PostgreSQL as its own role, bench_r1..bench_r8) and
   ScreeningSession at the title stage: pair k (R(2k-1), R(2k)) decides the same
   ``--decisions`` works blind, each reviewer in its own shuffled order, y/n/m
   in turn, one decision every ``--pace`` s (0.2 s: 40 a second from the 8,
   far above any team's pace), then as many more back-to-back (the 8 processes
   and the server saturating the cores). Per decision, the time from calling
   ``ScreeningSession.decide`` to its return (stored and committed): p50, p95.
   Afterwards the screening log is read afresh and compared with the
   (reviewer, work, stage) decisions each process says it made: lost and
   duplicated counts (exit status 2 if any). Then R9 alone, in this process,
   decides 100 further works back-to-back: p50, p95 of the backend's own cost;
4. visibility: a 9th process, reviewer R9's ScreeningSession, polls every
   ``--poll`` s (0.25 s; the TUI polls every 2 s) from before the deciders start;
   per decision, the time from the decider's ``time.time()`` right after decide
   returned to the watcher's ``time.time()`` right after the poll that first
   returned the work with that reviewer's decision: p50, p95, max; and that
   figure plus the TUI's 2 s interval, the worst case a person would see;
5. the screening TUI (reviewer BH, title stage) in a child process through
   Textual's Pilot, with screen_bench.py's driver (``_drive``): ready time (from
   the top of the child, before Textual is imported, to the screen first drawn)
   and the screen's own key-to-refresh latencies for ``--keys`` keypresses.

Each figure is printed beside its goal, the SQLite figure and the ratio
PostgreSQL/SQLite; ``--json`` prints everything as JSON instead. The machine's
cores are shared by the 8 deciders, the watcher and the server: the figures of
step 3 and 4 are those of 9 busy processes on however many cores there are.

    python bench/server_bench.py [--works N] [--decisions N] [--keys N] [--json]
    python bench/server_bench.py --works 20000 --decisions 50   # quick
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # the TUI child's start-up is counted from here (before Textual)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
DECIDERS = [f"R{n}" for n in range(1, 9)]
WATCHER = "R9"
TUI_REVIEWER = "BH"
REVIEWERS = [*DECIDERS, WATCHER, TUI_REVIEWER]
STAGE = "title"
PREFIX = "bench"
TUI_POLL_S = 2.0  # how often the screening screen polls for others' decisions
GOALS = {"prisma_s": 1.5, "visible_s": 2.0, "ready_s": 2.0, "key_p50_ms": 16.0,
         "key_p95_ms": 33.0}
SQLITE, POSTGRES = "sqlite", "postgresql"
ALONE = 100  # decisions R9 makes alone, after the 8 processes are done


# -- the review folder (parent process) --------------------------------------------------


def prepare(root: Path) -> dict[str, Any]:
    """Make the copied cache a review folder a team would push (see the docstring)."""
    sys.path.insert(0, str(REPO))
    from mnr.library import Library
    from mnr.project import Project
    from mnr.review import open_review
    from mnr.searches import _log_entry, append_log, read_log

    project = Project(root)
    text = project.review_file.read_text("utf-8")
    text = re.sub(r"(?m)^reviewers = .*$", f"reviewers = {json.dumps(REVIEWERS)}", text)
    text = re.sub(r"(?m)^#? ?reviewers_per_work = .*$", "reviewers_per_work = 2", text)
    project.review_file.write_text(text, "utf-8")
    settings = project.settings()
    if settings.reviewers != REVIEWERS or settings.reviewers_per_work != 2:
        raise RuntimeError(f"could not set the reviewers in {project.review_file}")
    library = Library.open(project.database_file)
    searches = library.searches()
    library.close()
    if not read_log(project)[0]:
        for search in searches:
            append_log(project, "search", _log_entry(search))  # type: ignore[arg-type]
    started = time.perf_counter()
    opened = open_review(project)  # writes the deduplication pass as judgement lines
    opened.library.close()
    return {"adopt_s": time.perf_counter() - started, "said": opened.reconciled}


def mnr_command(args: list[str], root: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("MNR_LIBRARY_URL", None)
    if url:
        env["MNR_LIBRARY_URL"] = url
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def checked(done: subprocess.CompletedProcess[str], what: str) -> str:
    if done.returncode:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def counts(root: Path, url: str | None) -> dict[str, int]:
    from mnr.library import Library
    from mnr.project import Project

    library = Library.connect(url) if url else Library.open(Project(root).database_file)
    try:
        found = library.works.counts()
        return {"records": found.records, "works": found.works,
                "log_entries": library.screening.last_entry_id()}
    finally:
        library.close()


def prisma(root: Path, url: str | None, runs: int) -> tuple[list[float], str]:
    walls, output = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        output = checked(mnr_command(["prisma", "--format", "json"], root, url), "mnr prisma")
        walls.append(time.perf_counter() - started)
    return walls, output


def counting(root: Path, url: str | None, runs: int = 3) -> list[float]:
    """PRISMA's counting in this process: opening the library (connecting, on a server)
    and ``mnr.prisma.counts.count``, the command's work less the interpreter and imports."""
    from mnr.prisma.counts import count
    from mnr.project import Project

    settings = Project(root).settings()
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        library = _library(root, url)
        count(library, settings)
        library.close()
        walls.append(time.perf_counter() - started)
    return walls


# -- the deciders and the watcher (child processes) --------------------------------------


def _library(root: Path, url: str | None) -> Any:
    sys.path.insert(0, str(REPO))
    from mnr.library import Library
    from mnr.project import Project

    return Library.connect(url) if url else Library.open(Project(root).database_file)


def decider(root: Path, url: str | None, reviewer: str, works: list[int], start: Any,
            results: Any, pace: float) -> None:
    """One reviewer deciding ``works`` once ``start`` (a barrier) lets go: one decision
    every ``pace`` s (0: back-to-back)."""
    try:
        from mnr.project import Project
        from mnr.screening.session import ScreeningSession

        library = _library(root, url)
        session = ScreeningSession(library, Project(root).settings(), reviewer, STAGE)
        start.wait()
        made = []
        began = time.perf_counter()
        for number, work_id in enumerate(works):
            decision = "ynm"[number % 3]
            if pace:  # a steady pace, not a burst after a slow decision
                time.sleep(max(0.0, began + number * pace - time.perf_counter()))
            called = time.perf_counter()
            entry = session.decide(work_id, decision)
            returned = time.perf_counter()
            made.append((work_id, decision, (returned - called) * 1000, time.time(),
                         entry.entry_id))
        library.close()
        results.put(("decider", reviewer, made))
    except BaseException as error:  # noqa: BLE001 - the parent reports it
        results.put(("error", reviewer, repr(error)))
        start.abort()


def watcher(root: Path, url: str | None, expected: int, poll_s: float, ready: Any,
            stop: Any, results: Any) -> None:
    """Reviewer R9's session polling every ``poll_s``: when each decider's decision on a
    work was first returned by a poll (wall clock). Polls until it has seen every
    decision, or until 10 s after ``stop`` (the deciders are done) is set."""
    try:
        from mnr.project import Project
        from mnr.screening.session import ScreeningSession

        library = _library(root, url)
        session = ScreeningSession(library, Project(root).settings(), WATCHER, STAGE)
        ready.set()
        seen: dict[str, float] = {}
        poll_ms: list[float] = []
        deadline = float("inf")
        while len(seen) < expected and time.monotonic() < deadline:
            if stop.is_set() and deadline == float("inf"):
                deadline = time.monotonic() + 10.0
            time.sleep(poll_s)
            called = time.perf_counter()
            touched = session.poll()
            now = time.time()
            poll_ms.append((time.perf_counter() - called) * 1000)
            for work_id in touched:
                work = session.stage.works[work_id]
                for reviewer in DECIDERS:
                    key = f"{reviewer} {work_id}"
                    if key not in seen and work.decision_of(reviewer) is not None:
                        seen[key] = now
        library.close()
        results.put(("watcher", WATCHER, {"seen": seen, "poll_ms": poll_ms}))
    except BaseException as error:  # noqa: BLE001 - the parent reports it
        ready.set()
        results.put(("error", WATCHER, repr(error)))


def role_url(server: Any, database: str, initials: str) -> str:
    from mnr.library.server import role_name

    return str(server.url(database, role_name(PREFIX, initials)))


def deciding(root: Path, urls: dict[str, str | None], work_ids: list[int], count: int,
             poll_s: float, pace: float) -> dict[str, Any]:
    """Run the 8 deciders (one decision every ``pace`` s each; 0: back-to-back) and the
    watcher on one backend; what each said, and the check."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start = context.Barrier(len(DECIDERS) + 1)
    ready = context.Event()
    stop = context.Event()
    plan: dict[str, list[int]] = {}
    for pair in range(len(DECIDERS) // 2):
        works = work_ids[pair * count:(pair + 1) * count]
        for reviewer in DECIDERS[2 * pair:2 * pair + 2]:
            order = list(works)
            random.Random(reviewer).shuffle(order)
            plan[reviewer] = order
    expected = len(DECIDERS) * count
    watch = context.Process(target=watcher, args=(root, urls[WATCHER], expected, poll_s, ready,
                                                  stop, results))
    watch.start()
    ready.wait(300)
    processes = [context.Process(target=decider, args=(root, urls[r], r, plan[r], start,
                                                       results, pace)) for r in DECIDERS]
    for process in processes:
        process.start()
    start.wait(600)  # all sessions made: the deciders start together
    started = time.perf_counter()
    said: dict[str, Any] = {}
    errors: list[str] = []
    wall = float("nan")
    while len(said) + len(errors) < len(DECIDERS) + 1:
        kind, who, what = results.get(timeout=900)
        if kind == "error":
            errors.append(f"{who}: {what}")
            stop.set()
        else:
            said[who] = what
            if kind == "decider" and all(r in said for r in DECIDERS):
                wall = time.perf_counter() - started
                stop.set()
    for process in [*processes, watch]:
        process.join(60)
    if errors:
        raise RuntimeError("a reviewer process failed: " + "; ".join(errors))
    made = [(reviewer, work_id, STAGE) for reviewer in DECIDERS
            for work_id, *_ in said[reviewer]]
    library = _library(root, urls["admin"])
    log = library.screening.log(STAGE)
    library.close()
    planned = {work_id for order in plan.values() for work_id in order}  # this run's
    stored = Counter((e.reviewer, e.work_id, e.stage) for e in log
                     if e.kind == "decision" and e.reviewer in DECIDERS
                     and e.work_id in planned)
    made_set = Counter(made)
    lost = sum(1 for key in made_set if key not in stored)
    duplicated = sum(n - 1 for n in stored.values() if n > 1) + sum(
        n for key, n in stored.items() if key not in made_set)
    latencies = [ms for reviewer in DECIDERS for _, _, ms, _, _ in said[reviewer]]
    seen: dict[str, float] = said[WATCHER]["seen"]
    lags = [seen[f"{reviewer} {work_id}"] - at for reviewer in DECIDERS
            for work_id, _, _, at, _ in said[reviewer] if f"{reviewer} {work_id}" in seen]
    return {"decisions": len(made), "stored": sum(stored.values()), "lost": lost,
            "duplicated": duplicated, "decide_ms": latencies, "wall_s": wall,
            "visible_s": lags, "unseen": expected - len(lags),
            "poll_ms": said[WATCHER]["poll_ms"]}


def deciding_alone(root: Path, url: str | None, work_ids: list[int]) -> list[float]:
    """Reviewer R9 deciding ``work_ids`` back-to-back in this process, nobody else
    writing: ms per decision (the backend's own cost, without the 8 processes' contention)."""
    from mnr.project import Project
    from mnr.screening.session import ScreeningSession

    library = _library(root, url)
    session = ScreeningSession(library, Project(root).settings(), WATCHER, STAGE)
    latencies = []
    for number, work_id in enumerate(work_ids):
        called = time.perf_counter()
        session.decide(work_id, "ynm"[number % 3])
        latencies.append((time.perf_counter() - called) * 1000)
    library.close()
    return latencies


# -- the screening TUI (child process) ----------------------------------------------------


def tui_child(root: Path, keys: int) -> dict[str, Any]:
    """Drive the screening screen with screen_bench.py's driver (MNR_LIBRARY_URL, if set,
    makes it use the server); start-up counted from this module's T0."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(BENCH))
    import screen_bench

    screen_bench.T0 = T0
    screen_bench.REVIEWER = TUI_REVIEWER
    pressed = screen_bench.keys_for(keys)
    row = asyncio.run(screen_bench._drive(root, pressed, (160, 45), timeout=300.0))
    return {key: row[key] for key in ("startup_s", "ready_wall", "works", "latencies_ms",
                                      "detail_ms")}


def tui(root: Path, url: str | None, keys: int) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("MNR_LIBRARY_URL", None)
    if url:
        env["MNR_LIBRARY_URL"] = url
    launched = time.time()
    done = subprocess.run([sys.executable, __file__, "--tui", str(root), "--keys", str(keys)],
                          capture_output=True, text=True, cwd=REPO, env=env, check=False)
    row = json.loads(checked(done, "the TUI child").strip().splitlines()[-1])
    row["from_launch_s"] = row["ready_wall"] - launched
    return row


# -- reporting ----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """As screen_bench.py computes it (its p50 and p95 are the TUI rows' here)."""
    sys.path.insert(0, str(BENCH))
    from screen_bench import _percentile

    return float(_percentile(values, share))


def figures(side: dict[str, Any]) -> dict[str, float]:
    """The table's figures of one backend."""
    decided, tui_row, flat = side["deciding"], side["tui"], side["flat_out"]
    visible = decided["visible_s"]
    return {
        "flat_p50_ms": percentile(flat["decide_ms"], 0.5),
        "flat_p95_ms": percentile(flat["decide_ms"], 0.95),
        "flat_per_s": flat["decisions"] / flat["wall_s"],
        "flat_lost": flat["lost"] + flat["duplicated"] + flat["unseen"],
        "works": side["counts"]["works"],
        "records": side["counts"]["records"],
        "prisma_s": min(side["prisma_s"]),
        "counting_s": min(side["counting_s"]),
        "decide_p50_ms": percentile(decided["decide_ms"], 0.5),
        "decide_p95_ms": percentile(decided["decide_ms"], 0.95),
        "alone_p50_ms": percentile(side["alone_ms"], 0.5),
        "alone_p95_ms": percentile(side["alone_ms"], 0.95),
        "lost": decided["lost"],
        "duplicated": decided["duplicated"],
        "visible_p50_s": percentile(visible, 0.5),
        "visible_p95_s": percentile(visible, 0.95),
        "visible_max_s": max(visible) if visible else float("nan"),
        "visible_max_tui_s": (max(visible) if visible else float("nan")) + TUI_POLL_S,
        "unseen": decided["unseen"],
        "poll_p50_ms": percentile(decided["poll_ms"], 0.5),
        "tui_ready_s": tui_row["startup_s"],
        "tui_from_launch_s": tui_row["from_launch_s"],
        "key_p50_ms": percentile(tui_row["latencies_ms"], 0.5),
        "key_p95_ms": percentile(tui_row["latencies_ms"], 0.95),
        "detail_p50_ms": percentile(tui_row["detail_ms"], 0.5),
    }


ROWS = [  # key, label, goal (text), goal test, format
    ("works", "works in the library", "", None, "{:,.0f}"),
    ("records", "records", "", None, "{:,.0f}"),
    ("prisma_s", "mnr prisma --format json, s (best of 3)", "< 1.5", 1.5, "{:.2f}"),
    ("counting_s", "  of which open + count in process, s", "", None, "{:.2f}"),
    ("decide_p50_ms", "decide p50 ms (8 at once, paced)", "< 10", 10.0, "{:.1f}"),
    ("decide_p95_ms", "decide p95 ms (8 at once, paced)", "< 30", 30.0, "{:.1f}"),
    ("flat_p50_ms", "decide p50 ms (8 back-to-back)", "", None, "{:.1f}"),
    ("flat_p95_ms", "decide p95 ms (8 back-to-back)", "", None, "{:.1f}"),
    ("flat_per_s", "decisions/s, 8 back-to-back", "", None, "{:.0f}"),
    ("flat_lost", "  lost + duplicated + unseen", "0", 0.5, "{:.0f}"),
    ("alone_p50_ms", "decide p50 ms (one reviewer alone)", "", None, "{:.1f}"),
    ("alone_p95_ms", "decide p95 ms (one reviewer alone)", "", None, "{:.1f}"),
    ("lost", "decisions lost", "0", 0.5, "{:.0f}"),
    ("duplicated", "decisions duplicated", "0", 0.5, "{:.0f}"),
    ("visible_p50_s", "visible to R9 p50 s (poll {poll})", "< 2", 2.0, "{:.2f}"),
    ("visible_p95_s", "visible to R9 p95 s (poll {poll})", "< 2", 2.0, "{:.2f}"),
    ("visible_max_s", "visible to R9 max s (poll {poll})", "< 2", 2.0, "{:.2f}"),
    ("visible_max_tui_s", "TUI's 2 s poll + max s", "", None, "{:.2f}"),
    ("unseen", "decisions never seen by R9", "0", 0.5, "{:.0f}"),
    ("poll_p50_ms", "one poll() p50 ms", "", None, "{:.1f}"),
    ("tui_ready_s", "TUI ready s (from child's top)", "< 2", 2.0, "{:.2f}"),
    ("tui_from_launch_s", "TUI ready s (from launch)", "", None, "{:.2f}"),
    ("key_p50_ms", "TUI keypress p50 ms", "< 16", 16.0, "{:.1f}"),
    ("key_p95_ms", "TUI keypress p95 ms", "< 33", 33.0, "{:.1f}"),
    ("detail_p50_ms", "TUI detail pane drawn p50 ms", "", None, "{:.1f}"),
]


def table(result: dict[str, Any], poll_s: float) -> str:
    pg, lite = figures(result[POSTGRES]), figures(result[SQLITE])
    lines = [f"{'':42} {'goal':>7} {'PostgreSQL':>11} {'':6} {'SQLite':>9} {'':6} "
             f"{'PG/SQLite':>9}"]
    for key, label, goal, limit, form in ROWS:
        marks = []
        for value in (pg[key], lite[key]):
            marks.append("" if limit is None else ("ok" if value < limit else "MISSED"))
        ratio = f"{pg[key] / lite[key]:9.2f}" if lite[key] else f"{'-':>9}"
        lines.append(f"{label.format(poll=f'{poll_s:g} s'):42} {goal:>7} "
                     f"{form.format(pg[key]):>11} {marks[0]:6} {form.format(lite[key]):>9} "
                     f"{marks[1]:6} {ratio}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100_000,
                        help="works the library must hold at least (default 100000)")
    parser.add_argument("--decisions", type=int, default=300,
                        help="decisions each of the 8 reviewer processes makes (default 300)")
    parser.add_argument("--keys", type=int, default=300, help="keypresses sent to the TUI")
    parser.add_argument("--poll", type=float, default=0.25,
                        help="the watcher's poll interval, s (default 0.25)")
    parser.add_argument("--pace", type=float, default=0.2,
                        help="s between one reviewer's decisions in the paced run (default "
                             "0.2: 40 decisions/s from 8 people, far above a team's pace); a "
                             "second run goes back-to-back")
    parser.add_argument("--fast", action="store_true",
                        help="run PostgreSQL with fsync and synchronous_commit off (as the "
                             "tests do); by default it is durable, as a real server is")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "mnr-screen-bench",
                        help="folder where screen_bench.py keeps the built projects")
    parser.add_argument("--data", type=Path, help="bib_dedupe/data folder of the unpacked wheel")
    parser.add_argument("--tui", type=Path, help=argparse.SUPPRESS)  # child: project folder
    args = parser.parse_args(argv)
    if args.tui:
        print(json.dumps(tui_child(args.tui, args.keys)))
        return 0

    begun = time.perf_counter()
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(BENCH))
    from dedupe_bench import find_data
    from screen_bench import build

    from tests.pg_server import LocalServer

    def say(message: str) -> None:
        print(message, file=sys.stderr if args.json else sys.stdout, flush=True)

    args.cache.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {SQLITE: {}, POSTGRES: {}, "poll_s": args.poll,
                              "tui_poll_s": TUI_POLL_S, "decisions_each": args.decisions}
    with tempfile.TemporaryDirectory() as tmp:
        with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):
            cached = build(args.cache, lambda: find_data(args.data, Path(tmp)), args.works)
        root = Path(tmp) / "review"
        shutil.copytree(cached, root)
        prepared = prepare(root)
        say(f"review folder prepared in {prepared['adopt_s']:.1f} s: "
            + "; ".join(prepared["said"]))
        server = LocalServer.start(durable=not args.fast)
        try:
            database = server.create_database("mnr_bench")
            admin = server.url(database)
            started = time.perf_counter()
            checked(mnr_command(["server", "setup", "--url", admin, "--prefix", PREFIX], root,
                                None), "mnr server setup")
            result["setup_s"] = time.perf_counter() - started
            started = time.perf_counter()
            pushed = mnr_command(["server", "push", "--url", admin], root, None)
            result["push_s"] = time.perf_counter() - started
            checked(pushed, "mnr server push")
            say(f"mnr server setup {result['setup_s']:.1f} s; mnr server push "
                f"{result['push_s']:.1f} s: {pushed.stderr.strip().splitlines()[-1]}")
            urls: dict[str, dict[str, str | None]] = {
                SQLITE: {r: None for r in [*REVIEWERS, "admin", "read"]},
                POSTGRES: {r: role_url(server, database, r) for r in [*REVIEWERS, "read"]}}
            urls[POSTGRES]["admin"] = admin
            for backend in (SQLITE, POSTGRES):
                result[backend]["counts"] = counts(root, urls[backend]["admin"])
            if result[SQLITE]["counts"]["works"] != result[POSTGRES]["counts"]["works"]:
                say(f"WARNING: the libraries differ: {result[SQLITE]['counts']} on SQLite, "
                    f"{result[POSTGRES]['counts']} on PostgreSQL")
            outputs = {}
            for backend in (SQLITE, POSTGRES):
                walls, outputs[backend] = prisma(root, urls[backend]["read"], 3)
                result[backend]["prisma_s"] = walls
                result[backend]["counting_s"] = counting(root, urls[backend]["read"])
                say(f"{backend}: mnr prisma {', '.join(f'{w:.2f}' for w in walls)} s")
            result["prisma_identical_before"] = outputs[SQLITE] == outputs[POSTGRES]
            if not result["prisma_identical_before"]:
                result["prisma_outputs_before"] = outputs
            from mnr.library import Library
            from mnr.project import Project

            library = Library.open(Project(root).database_file)
            work_ids = sorted(library.screening.work_ids())
            library.close()
            for backend in (SQLITE, POSTGRES):
                os.sync()
                for run, pace, works in (("deciding", args.pace, work_ids),
                                         ("flat_out", 0.0, work_ids[4 * args.decisions:])):
                    result[backend][run] = deciding(root, urls[backend], works,
                                                    args.decisions, args.poll, pace)
                    decided = result[backend][run]
                    say(f"{backend}: {decided['decisions']} decisions in "
                        f"{decided['wall_s']:.1f} s ({run}), {decided['lost']} lost, "
                        f"{decided['duplicated']} duplicated")
            alone = work_ids[8 * args.decisions:8 * args.decisions + ALONE]
            for backend in (SQLITE, POSTGRES):
                result[backend]["alone_ms"] = deciding_alone(root, urls[backend][WATCHER], alone)
            after = {backend: prisma(root, urls[backend]["read"], 1)[1]
                     for backend in (SQLITE, POSTGRES)}
            result["prisma_identical_after"] = after[SQLITE] == after[POSTGRES]
            if not result["prisma_identical_after"]:
                result["prisma_outputs_after"] = after
            for backend in (SQLITE, POSTGRES):
                result[backend]["tui"] = tui(root, urls[backend][TUI_REVIEWER], args.keys)
                say(f"{backend}: TUI ready {result[backend]['tui']['startup_s']:.2f} s")
        finally:
            server.stop()
    result["run_s"] = time.perf_counter() - begun
    bad = any(result[b][run]["lost"] or result[b][run]["duplicated"]
              for b in (SQLITE, POSTGRES) for run in ("deciding", "flat_out"))
    if args.json:
        result["figures"] = {b: figures(result[b]) for b in (SQLITE, POSTGRES)}
        print(json.dumps(result, indent=1))
        return 2 if bad else 0
    print()
    print(table(result, args.poll))
    print()
    same = {True: "byte-identical", False: "DIFFERENT"}
    print(f"mnr prisma --format json, SQLite against PostgreSQL: "
          f"{same[result['prisma_identical_before']]} before the deciding, "
          f"{same[result['prisma_identical_after']]} after it")
    print(f"PostgreSQL filled by mnr server setup ({result['setup_s']:.1f} s) and mnr server "
          f"push ({result['push_s']:.1f} s) of the review folder; local server, "
          + ("fsync and synchronous_commit off" if args.fast else
             "durable (fsync and synchronous_commit on; SQLite: WAL, synchronous=NORMAL)"))
    print(f"deciding: 8 processes x {args.decisions} decisions (4 pairs, the same works blind), "
          f"one every {args.pace:g} s each (paced), then as many back-to-back; the watcher "
          f"R9 polled every {args.poll:g} s (the TUI polls every "
          f"{TUI_POLL_S:g} s: add it for what a person in the TUI sees); "
          f"{os.cpu_count()} cores for the 9 processes and the server")
    print(f"TUI: reviewer {TUI_REVIEWER} at the {STAGE} stage, {args.keys} keypresses "
          "(screen_bench.py's driver; latency is the screen's latencies_ms)")
    print(f"the whole run: {result['run_s']:.0f} s")
    if bad:
        print("DECISIONS LOST OR DUPLICATED")
    return 2 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
