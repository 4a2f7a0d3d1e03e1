"""A/B of `tcxd import` on a shared machine: two source trees, the same province, CPU time.

    bench/ab_import.py BEFORE_SRC AFTER_SRC PROVINCE [--rounds 3]

Each round imports PROVINCE into a fresh SQLite database with the code of BEFORE_SRC, then with
that of AFTER_SRC (`PYTHONPATH=<src>`, each in a fresh process), and reads it with calamine alone
(bench/read_calamine.py) as the reference. CPU time (user + system of the process and all its
children: the reading workers) moves much less than wall time when others load the machine, so
the figures are CPU seconds and their ratios within a round. The two databases of the last
round are compared table by table (bench/compare_db.py). Prints one line per round and the
medians; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CLI = "from tcxd.cli import main; main()"


def cpu_of(command: list[str], env: dict) -> tuple[float, float]:
    """(CPU s of the command's process tree, wall s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def import_cpu(src: Path, province: Path, db: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    subprocess.run(
        [sys.executable, "-c", CLI, "init", "--db", url, "--config", str(province / "tinh.yaml")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return cpu_of([sys.executable, "-c", CLI, "import", str(province), "--db", url], env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("province", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="tcxd-ab-"))
    rows = []
    for number in range(1, args.rounds + 1):
        before, before_wall = import_cpu(args.before, args.province, folder / "before.db")
        after, after_wall = import_cpu(args.after, args.province, folder / "after.db")
        read, _ = cpu_of([sys.executable, str(BENCH / "read_calamine.py"), str(args.province)], {})
        rows.append((before, after, read))
        print(
            f"round {number}: import CPU before {before:.2f} s ({before_wall:.1f} s wall), after "
            f"{after:.2f} s ({after_wall:.1f} s wall), calamine read {read:.2f} s; after ÷ before "
            f"{after / before:.3f}; read ÷ import (CPU) before {read / before:.3f}, after "
            f"{read / after:.3f}",
            flush=True,
        )
    before, after, read = (statistics.median(column) for column in zip(*rows, strict=True))
    print(
        f"medians: before {before:.2f} s, after {after:.2f} s, read {read:.2f} s; after ÷ before "
        f"{after / before:.3f}; read ÷ import before {read / before:.3f}, after {read / after:.3f}"
    )
    print(f"load average after: {os.getloadavg()}", flush=True)
    compare = [sys.executable, str(BENCH / "compare_db.py"), str(folder / "before.db")]
    return subprocess.run([*compare, str(folder / "after.db")]).returncode


if __name__ == "__main__":
    sys.exit(main())
