"""Import benchmark: 100,000 RIS records (real vendor samples repeated).

Prints rispy's own parse time for the file, mnr's whole import (detect, parse,
store in one transaction) with its peak memory, and `mnr status` on the
resulting library. Each step runs in its own process so that peak memory
belongs to that step alone. The two are run alternately, several times, so that
both see the same machine load; the medians are compared, in wall seconds and in
CPU seconds (all threads of the process), since on a busy machine wall time
mostly measures the other programs.

    python bench/import_bench.py [--records 100000] [--repeat 5] [--file X.ris] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = [REPO.parent / "shared" / "data" / "exports" / "ris", REPO / "searches"]

PARSE_WITH_RISPY = """
import json, resource, sys, time
import rispy
start, cpu = time.perf_counter(), time.process_time()
text = open(sys.argv[1], encoding="utf-8").read()
entries = rispy.loads(text)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "records": len(entries), "peak_mb": peak}))
"""

IMPORT_WITH_MNR = """
import json, resource, sys, time
from pathlib import Path
from mnr.project import init_project
from mnr.library import Library
from mnr.searches import ImportOptions, import_file
project = init_project(Path(sys.argv[2]), "Benchmark")
library = Library.open(project.database_file)
start, cpu = time.perf_counter(), time.process_time()
result = import_file(project, library, Path(sys.argv[1]), ImportOptions(database="Mixed RIS"))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
library.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "records": result.search.record_count,
                  "peak_mb": peak}))
"""


def build_file(target: Path, wanted: int) -> int:
    """Concatenate the real RIS samples (Scopus's with references left out) up to ``wanted``."""
    sys.path.insert(0, str(REPO))
    from mnr.formats import ris
    from mnr.formats.decode import decode

    chunks: list[str] = []
    for folder in SAMPLES:
        for path in sorted(folder.glob("*.ris")):
            if "scopus" in path.name:
                continue  # 30 kB a record: would make the file mostly reference lists
            if "psycinfo_ris" in path.name:
                continue  # its 'PMID  - ' line makes rispy.loads itself fail on a concatenation
            text = decode(path.read_bytes()).text
            chunks += [record.raw for record in ris.read(text)]
        if chunks:
            break
    if not chunks:
        raise SystemExit("no RIS samples found beside the repo or in searches/")
    with target.open("w", encoding="utf-8") as out:
        for number in range(wanted):
            out.write(chunks[number % len(chunks)])
            out.write("\n\n")
    return len(chunks)


def run(script: str, *args: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def _processor() -> str:
    """The processor's model name, printed beside the ratio: the same code has measured
    about 1.0x rispy in one session and about 1.5x in another, on machines of the same
    kind, so the ratio depends on the machine as well as on the code."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def _line(name: str, runs: list[dict[str, float]]) -> tuple[float, float]:
    """Print one program's medians (wall and CPU seconds) and return them."""
    wall = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    print(f"{name:<19} {wall:6.2f} s wall, {cpu:6.2f} s CPU  {int(runs[0]['records']):,} "
          f"records  peak {max(r['peak_mb'] for r in runs):.0f} MB   (runs, wall/CPU: "
          + ", ".join(f"{r['seconds']:.2f}/{r['cpu']:.2f}" for r in runs) + ")")
    return wall, cpu


def _status(review: Path) -> None:
    """Time ``mnr status`` on the imported library, five times after one run that is not
    counted, as on a user's machine: Python keeps the compiled bytecode of mnr's modules
    (pip compiles it at install, or Python writes it at the first start). Where
    PYTHONDONTWRITEBYTECODE is set (as on some CI machines) and none was kept, every
    start compiles mnr's modules again, about 0.08 s more; it is unset here for that."""
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for attempt in range(6):
        start = time.perf_counter()
        status = subprocess.run([sys.executable, "-m", "mnr", "status"], cwd=review,
                                capture_output=True, text=True, env=env)
        if attempt:
            times.append(time.perf_counter() - start)
        if status.returncode:  # say why, rather than end the benchmark on a traceback
            print(f"mnr status failed ({status.returncode}): {status.stderr.strip()}")
            return
    print(f"mnr status:         {statistics.median(times):6.2f} s median of {len(times)} "
          f"(min {min(times):.2f}, max {max(times):.2f}; goal < 0.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; medians printed")
    parser.add_argument("--file", type=Path, help="import this RIS file instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mnr-bench-"))
    if args.file:
        export = args.file.resolve()
        print(f"file: {export.name}, {export.stat().st_size / 1e6:.0f} MB")
    else:
        export = work / "mixed.ris"
        distinct = build_file(export, args.records)
        size_mb = export.stat().st_size / 1e6
        print(f"file: {args.records:,} RIS records ({distinct} distinct real records repeated), "
              f"{size_mb:.0f} MB")

    # Alternate the two so that both see the same machine load; report medians.
    rispy_runs, mnr_runs = [], []
    for attempt in range(args.repeat):
        rispy_runs.append(run(PARSE_WITH_RISPY, str(export)))
        mnr_runs.append(run(IMPORT_WITH_MNR, str(export), str(work / f"review-{attempt}")))
    load = os.getloadavg()[0]
    rispy_s, rispy_cpu = _line("rispy.loads alone:", rispy_runs)
    mnr_s, mnr_cpu = _line("mnr import:", mnr_runs)
    print(f"ratio:              {mnr_s / rispy_s:6.2f}x rispy wall, {mnr_cpu / rispy_cpu:.2f}x "
          f"CPU (medians of {args.repeat}); {mnr_runs[0]['records'] / mnr_s:,.0f} records/s  "
          f"(goal <= 1.5x and < 1024 MB; load average {load:.1f} on {os.cpu_count()} cores)")
    # each run beside the rispy run just before it: how far single runs swing
    pairs = sorted(m["cpu"] / r["cpu"] for r, m in zip(rispy_runs, mnr_runs, strict=True))
    print(f"each pair (CPU):    {pairs[0]:.2f}x to {pairs[-1]:.2f}x  ("
          + ", ".join(f"{ratio:.2f}" for ratio in pairs) + f"); processor: {_processor()}")

    _status(work / "review-0")
    if not args.keep:
        import shutil

        shutil.rmtree(work)
    else:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
