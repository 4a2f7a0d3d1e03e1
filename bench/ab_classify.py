"""A/B of `tcxd classify` on a first run: two source trees, the same database, CPU and wall time.

    bench/ab_classify.py BEFORE_SRC AFTER_SRC RATED_DB [--year 2025] [--rounds 3]

RATED_DB is a database as `make bench` leaves it (bench/cache/run-large/bench.db): it is copied
once with its ratings and their texts deleted and the file vacuumed, so that every run is a
first classify as in `make bench`. Each round classifies a fresh copy of that file with the code
of BEFORE_SRC, then with that of AFTER_SRC (`PYTHONPATH=<src>`, each in a fresh process). CPU is
user + system of the command and its children (the members' engine forks one); wall time means
something only on an idle machine (the load average is printed with each run); the peak is the
largest resident size of one process. The ratings of the last round's two databases are compared
(bench/compare_outputs.py ratings). Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CLI = "from tcxd.cli import main; main()"
RATING_TABLES = ("member_rating", "organization_rating", "rating_reason", "rating_inputs")


def unrated_copy(rated: Path, folder: Path) -> Path:
    base = folder / "base.db"
    shutil.copy(rated, base)
    conn = sqlite3.connect(base, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    for table in RATING_TABLES:
        conn.execute(f"DELETE FROM {table}")
    conn.execute("VACUUM")
    conn.close()
    return base


def classify_run(src: Path, base: Path, db: Path, year: int) -> dict:
    shutil.copy(base, db)
    load = os.getloadavg()[0]
    command = [
        "/usr/bin/time", "-f", "%U %S %M", sys.executable, "-c", CLI,
        "classify", "--year", str(year), "--db", f"sqlite:///{db}",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(
        command,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    user, system, peak_kb = done.stderr.strip().splitlines()[-1].split()
    return {
        "cpu": float(user) + float(system),
        "wall": wall,
        "peak_mb": int(peak_kb) / 1024,
        "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("rated", type=Path)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ab-classify-") as tmp:
        folder = Path(tmp)
        base = unrated_copy(args.rated, folder)
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for number in range(1, args.rounds + 1):
            for side, src in (("before", args.before), ("after", args.after)):
                run = classify_run(src, base, folder / f"{side}.db", args.year)
                runs[side].append(run)
                print(
                    f"round {number} {side:6s} CPU {run['cpu']:6.2f} s  wall {run['wall']:6.2f} s"
                    f"  peak {run['peak_mb']:5.0f} MB  load {run['load']:.1f}",
                    flush=True,
                )
        for side, done in runs.items():
            print(
                f"median {side:6s} CPU {statistics.median(r['cpu'] for r in done):6.2f} s"
                f"  wall {statistics.median(r['wall'] for r in done):6.2f} s"
            )
        compare = [sys.executable, str(BENCH / "compare_outputs.py"), "ratings"]
        subprocess.run([*compare, str(folder / "before.db"), str(folder / "after.db")], check=True)


if __name__ == "__main__":
    main()
