"""Deduplication benchmark on the ten labelled sets shipped in bib-dedupe 0.7.2's wheel.

For each set: a fresh mnr project, every ``records_pre_merged*.csv`` imported
through the normal importer, the records read back from the library, the
``mnr dedupe``'s pass run (timed alone: matching, clustering and writing the works;
the peak memory is the process's, import included), the clustering
written as ``record_id,cluster_id`` with the dataset's own IDs, and scored by
``../shared/tools/dedup_score.py``. Each set runs in its own process so that
its peak memory is its own. Pairs sent to review are not merged (a person
would decide them): "(true)" counts those that are true duplicates, and
"sens+rev" is the sensitivity once a reviewer has merged exactly those. "related" counts
the notices (errata, replies, retraction notices, reprints) paired with the paper they
name, and the last column scores the grouping with those linked as reports of their
paper's study (as `mnr studies suggest --accept` links them).

With ``--misses FILE``, every true duplicate left in two works is written to FILE
(per set: both records' fields, and what the rules said of the pair, or that it was
never a candidate), to study the causes.

    python bench/dedupe_bench.py [--sets cardiac,stroke] [--data DIR] [--misses FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCORER = Path(__file__).resolve().parents[2] / "shared/tools/dedup_score.py"
SETS = ["cardiac", "depression", "diabetes", "digital_work", "haematology", "neuroimaging",
        "respiratory", "srsr", "stroke", "cytology_screening", "special_cases"]
DEFAULT_DATA = Path(tempfile.gettempdir()) / "bd" / "whl" / "bib_dedupe" / "data"


def run_dedupe(library: object
               ) -> tuple[list[list[int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """What ``mnr dedupe`` does (match, cluster, write works into the library); returns the
    works as groups of record ids, the pairs left for review and the related reports
    (a notice and the paper it names)."""
    from mnr.dedupe.passes import deduplicate
    from mnr.library import Library

    assert isinstance(library, Library)
    deduplicate(library)
    groups: dict[int, list[int]] = {}
    for record_id, work_id in library.works.memberships().items():
        groups.setdefault(work_id, []).append(record_id)
    pairs = library.works.current_pairs()
    review = [(p.record_a, p.record_b) for p in pairs if p.verdict == "review"]
    related = [(p.record_a, p.record_b) for p in pairs if p.verdict == "related"]
    return list(groups.values()), review, related


def _write(path: Path, groups: list[list[int]], source: dict[int, str | None]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "cluster_id"])
        for number, group in enumerate(groups, 1):
            for record_id in group:
                writer.writerow([source[record_id], number])


def _score(folder: Path, path: Path) -> dict[str, object]:
    scored = subprocess.run([sys.executable, str(SCORER), str(folder), str(path), "--json"],
                            capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(scored.stdout)
    return result


def _truth(folder: Path) -> dict[str, str]:
    """Dataset ID -> true group (for simulating a reviewer who decides correctly)."""
    group: dict[str, str] = {}
    with (folder / "merged_record_ids.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            members = row["merged_ids"].split(";")
            group.update((m, members[0]) for m in members)
    return group


def _misses(name: str, records: Sequence[object], groups: list[list[int]],
            truth: dict[str, str], pairs: set[tuple[int, int]]) -> list[str]:
    """The true duplicates left in different works (each pair's records and the verdict),
    then the works that hold records of two true groups (false merges)."""
    from mnr.dedupe.match import DedupeRecord, explain
    from mnr.records import StoredRecord

    by_id = {r.record_id: r for r in records if isinstance(r, StoredRecord)}
    work = {x: k for k, g in enumerate(groups) for x in g}
    true: dict[str, list[int]] = {}
    for r in by_id.values():
        true.setdefault(truth.get(str(r.source_id), f"#{r.record_id}"), []).append(r.record_id)
    lines = []
    for members in true.values():
        heads = sorted({work[m]: m for m in sorted(members, reverse=True)}.values())
        for a, b in zip(heads, heads[1:], strict=False):
            verdict, reason = explain(DedupeRecord.from_stored(by_id[a]),
                                      DedupeRecord.from_stored(by_id[b]))
            seen = "in review" if (a, b) in pairs else "not merged"
            lines.append(f"== {name} {seen}: {verdict} ({reason})")
            for r in (by_id[a], by_id[b]):
                lines.append(f"  {r.source_id} | {r.title} | {'; '.join(r.authors[:3])} | "
                             f"{r.year} | {r.journal} | {r.volume} | {r.issue} | {r.pages} | "
                             f"{r.doi} | {r.pub_type}")
    for group in groups:  # false merges: one work holding records of two true groups
        if len({truth.get(str(by_id[x].source_id), f"#{x}") for x in group}) > 1:
            lines.append(f"== {name} FALSE MERGE")
            lines.extend(f"  {by_id[x].source_id} | {by_id[x].title} | {by_id[x].year} | "
                         f"{by_id[x].journal} | {by_id[x].pages}" for x in group)
    return lines


def one_set(name: str, data: Path, out: Path, misses: bool = False) -> dict[str, object]:
    """Import, deduplicate and score one set (runs in a child process)."""
    sys.path.insert(0, str(REPO))
    from mnr.library import Library
    from mnr.project import init_project
    from mnr.searches import ImportOptions, import_file

    folder = data / name
    with tempfile.TemporaryDirectory() as tmp:
        project = init_project(Path(tmp) / "review", f"Benchmark {name}")
        library = Library.open(project.database_file)
        for path in sorted(folder.glob("records_pre_merged*.csv")):
            import_file(project, library, path, ImportOptions(database=name), write_log=False)
        records = list(library.records())
        start = time.perf_counter()
        groups, review, related = run_dedupe(library)
        seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        library.close()
    source = {r.record_id: r.source_id for r in records}
    _write(out, groups, source)
    result = _score(folder, out)
    # a reviewer who decides every review pair correctly: true pairs merged
    truth = _truth(folder)
    hits = [(a, b) for a, b in review
            if truth.get(str(source[a]), a) == truth.get(str(source[b]), b)]
    merged = cluster_with(groups, hits)
    _write(out, merged, source)
    after = _score(folder, out)
    # related reports linked to their paper's study (`mnr studies suggest --accept`),
    # scored as if the study were the unit: the truth files group some notices with their
    # paper and keep most apart, so this shows both what it gains and what it merges
    _write(out, cluster_with(groups, related), source)
    studies = _score(folder, out)
    listed = _misses(name, records, groups, truth, set(review)) if misses else []
    return {"misses": listed, "set": name, "records": len(records), "seconds": seconds,
            "peak_mb": peak_mb, "review": len(review), "review_hits": len(hits),
            "sens_after_review": after["sensitivity"], "TP_after": after["TP"],
            "FN_after": after["FN"], "related": len(related),
            "sens_studies": studies["sensitivity"], "spec_studies": studies["specificity"],
            **result}


def cluster_with(groups: list[list[int]], pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The groups joined further by ``pairs`` (merges a reviewer accepted)."""
    from mnr.dedupe.cluster import cluster

    links = [(g[0], x) for g in groups for x in g[1:]]
    return cluster([x for g in groups for x in g], [], merges=links + pairs)


def find_data(given: Path | None, keep: Path) -> Path:
    """The wheel's data folder: as given, unpacked earlier in the temp folder, or fetched."""
    if given is not None:
        return given
    if DEFAULT_DATA.is_dir():
        return DEFAULT_DATA
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                    str(keep), "bib-dedupe==0.7.2"], check=True)
    wheel = next(keep.glob("bib_dedupe-0.7.2-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(keep / "whl")
    return keep / "whl" / "bib_dedupe" / "data"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--data", type=Path, help="bib_dedupe/data folder of the unpacked wheel")
    parser.add_argument("--misses", type=Path, help="write the missed duplicates here")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: one set, JSON out
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_set(args.one, args.data, args.out, args.misses is not None)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = find_data(args.data, Path(tmp))
        names = args.sets.split(",") if args.sets else SETS
        names = [n for n in names if (data / n / "merged_record_ids.csv").exists()]
        print(f"{'set':20} {'records':>8} {'sens':>7} {'spec':>7} {'lost':>5} {'missed':>6} "
              f"{'review':>6} {'(true)':>6} {'sens+rev':>8} {'dedupe s':>8} {'peak MB':>8} "
              f"{'related':>7} {'sens/spec as studies':>20}")
        rows = []
        listed: list[str] = []
        for name in names:
            child = subprocess.run(
                [sys.executable, __file__, "--one", name, "--data", str(data),
                 "--out", str(Path(tmp) / f"{name}.csv"),
                 *(["--misses", "-"] if args.misses else [])],
                capture_output=True, text=True, cwd=REPO)
            if child.returncode:
                print(f"{name:20} failed:\n{child.stderr}", file=sys.stderr)
                continue
            row = json.loads(child.stdout.strip().splitlines()[-1])
            listed.extend(row.pop("misses"))
            rows.append(row)
            print(f"{name:20} {row['records']:8} {row['sensitivity']:7.4f} "
                  f"{row['specificity']:7.4f} {row['publications_lost']:5} "
                  f"{row['duplicates_missed']:6} {row['review']:6} {row['review_hits']:6} "
                  f"{row['sens_after_review']:8.4f} {row['seconds']:8.2f} {row['peak_mb']:8.0f} "
                  f"{row['related']:7} {row['sens_studies']:10.4f}/{row['spec_studies']:.4f}")
        if args.misses:
            args.misses.write_text("\n".join(listed) + "\n", encoding="utf-8")
        if rows:
            tp, fn = sum(r["TP"] for r in rows), sum(r["FN"] for r in rows)
            tn, fp = sum(r["TN"] for r in rows), sum(r["FP"] for r in rows)
            tp2, fn2 = sum(r["TP_after"] for r in rows), sum(r["FN_after"] for r in rows)
            print(f"{'overall':20} {sum(r['records'] for r in rows):8} {tp / (tp + fn):7.4f} "
                  f"{tn / (tn + fp):7.4f} {fp:5} {fn:6} {sum(r['review'] for r in rows):6} "
                  f"{sum(r['review_hits'] for r in rows):6} {tp2 / (tp2 + fn2):8.4f} "
                  f"{sum(r['seconds'] for r in rows):8.2f} "
                  f"{max(r['peak_mb'] for r in rows):8.0f}")


if __name__ == "__main__":
    main()
