"""Import benchmark: 100,000 RIS records (real vendor samples repeated).

Prints rispy's own parse time for the file, mnr's whole import (detect, parse,
store in one transaction) with its peak memory, and `mnr status` on the
resulting library. Each step runs in its own process so that peak memory
belongs to that step alone.

    python bench/import_bench.py [--records 100000] [--keep]
"""

from __future__ import annotations

import argparse
import json
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
start = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
entries = rispy.loads(text)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "records": len(entries), "peak_mb": peak}))
"""

IMPORT_WITH_MNR = """
import json, resource, sys, time
from pathlib import Path
from mnr.project import init_project
from mnr.library import Library
from mnr.searches import ImportOptions, import_file
project = init_project(Path(sys.argv[2]), "Benchmark")
library = Library.open(project.database_file)
start = time.perf_counter()
result = import_file(project, library, Path(sys.argv[1]), ImportOptions(database="Mixed RIS"))
seconds = time.perf_counter() - start
library.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "records": result.search.record_count, "peak_mb": peak}))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; medians printed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mnr-bench-"))
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
    rispy_s = statistics.median(r["seconds"] for r in rispy_runs)
    mnr_s = statistics.median(r["seconds"] for r in mnr_runs)
    print(f"rispy.loads alone:  {rispy_s:6.2f} s  {rispy_runs[0]['records']:,} records  "
          f"peak {max(r['peak_mb'] for r in rispy_runs):.0f} MB   (median of {args.repeat}: "
          + ", ".join(f"{r['seconds']:.2f}" for r in rispy_runs) + ")")
    print(f"mnr import:         {mnr_s:6.2f} s  {mnr_runs[0]['records']:,} records  "
          f"peak {max(r['peak_mb'] for r in mnr_runs):.0f} MB   (median of {args.repeat}: "
          + ", ".join(f"{r['seconds']:.2f}" for r in mnr_runs) + ")")
    print(f"ratio:              {mnr_s / rispy_s:6.2f}x rispy, "
          f"{mnr_runs[0]['records'] / mnr_s:,.0f} records/s  (goal <= 1.5x and < 1024 MB)")

    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mnr", "status"], cwd=work / "review-0", check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    print(f"mnr status:         {statistics.median(times):6.2f} s median of 5 "
          f"(min {min(times):.2f}, max {max(times):.2f}; goal < 0.5 s)")
    if not args.keep:
        import shutil

        shutil.rmtree(work)
    else:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
