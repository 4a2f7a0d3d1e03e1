"""`make bench` / `make bench-small`: the speed and memory bars of spec quality.md, measured.

    bench/run.py --size small|large|all [--seed 1] [--no-naive]

For each size it generates the province once (`tcxd sample`, cached in
bench/cache/<size>-<N>-s<seed> and reused), then measures in one run, each step in a fresh
subprocess:

- the reference: reading every file with python-calamine alone (bench/read_calamine.py);
- `tcxd init`, then `tcxd import` (first time) and `tcxd import` again (files unchanged);
- `tcxd classify --year 2025`; `tcxd report` for q1 and for the year;
- on the small province, the naive reference (bench/naive.py: openpyxl + one ORM object per row).

Times are wall clock of the whole subprocess (interpreter start included). Peak memory is the
largest sum of the RSS of the step's process tree, sampled every 20 ms from /proc (the import
reads files in worker processes), and the largest single process (wait4's ru_maxrss). Machines here
are shared and noisy, so every speed figure is also given as a ratio to its reference measured in
the same run (spec quality.md). Writes bench/results/<date>-<size>.json and docs/benchmarks.md;
the last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / "cache"
RESULTS = BENCH / "results"
DOC = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
_SCRIPT = Path(PYTHON).parent / "tcxd"
TCXD = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-c", "from tcxd.cli import main; main()"]
SIZES = {"small": 20_000, "large": 500_000}
# Steps whose CPU time (user + system, every process of the step) the table shows beside the
# wall time: on a shared machine it moves less than the wall time when others are busy.
CPU_STEPS = ("read_calamine", "import", "classify", "report_q1", "report_year")
YEAR = 2025

# quality.md, large province unless said.
TARGETS = {
    "import_vs_read": ("≥", 0.5),
    "import_s": ("<", 60.0),
    "reimport_fraction": ("≤", 0.05),
    "classify_s": ("≤", 5.0),
    "report_s": ("≤", 20.0),
    "scaling": ("≤", 30.0),
    "import_peak_rss_mb": ("<", 1536.0),
    "naive_speedup": ("≥", 10.0),
}


# --------------------------------------------------------------------------- running steps


def _tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants (kB), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, pages = int(fields[1]), int(fields[21])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [pid]
    while stack:
        node = stack.pop()
        total += rss.get(node, 0)
        stack.extend(children.get(node, []))
    return total


def run_step(name: str, command: list[str], log: Path, timeout: float | None = None) -> dict:
    """Run one step in a fresh process; its wall time, exit code, peak RSS and stdout. A step
    still running after `timeout` seconds is killed (with its workers) and marked timed out."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="200")
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=out, env=env, text=True,
            start_new_session=True,
        )  # fmt: skip
        timer = None
        if timeout:
            timer = threading.Timer(timeout, lambda: os.killpg(process.pid, signal.SIGKILL))
            timer.start()
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], _tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout_chunks: list[str] = []
        reader = threading.Thread(
            target=lambda: stdout_chunks.append(process.stdout.read()), daemon=True
        )
        reader.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        timed_out = bool(timeout) and seconds >= timeout
        if timer is not None:
            timer.cancel()
        done.set()
        sampler.join()
        reader.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    stdout = "".join(stdout_chunks)
    log.write_text(log.read_text() + stdout)
    result = {
        "step": name,
        "seconds": round(seconds, 3),
        "exit": process.returncode,
        "peak_rss_mb": round(max(peak[0], usage.ru_maxrss) / 1024, 1),
        "max_process_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "timed_out": timed_out,
        "stdout": stdout,
    }
    print(
        f"  {name:<18} {seconds:8.2f} s   peak {result['peak_rss_mb']:7.1f} MB"
        f"   exit {result['exit']}" + ("   TIMED OUT" if timed_out else ""),
        flush=True,
    )
    return result


def _check(step: dict, allowed=(0,)) -> None:
    if step["timed_out"]:
        return
    if step["exit"] not in allowed:
        raise SystemExit(f"bench: step {step['step']} failed (exit {step['exit']}), see its log")


# --------------------------------------------------------------------------- one size


def _refused(stdout: str) -> int | None:
    """Files refused, from the import's summary line ("…, 1 không nhập được.")."""
    match = re.search(r"(\d+) không nhập được", stdout)
    return int(match.group(1)) if match else None


def province(size: str, seed: int) -> Path:
    members = SIZES[size]
    folder = CACHE / f"{size}-{members}-s{seed}"
    if (folder / "tinh.yaml").exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"Sinh tỉnh mẫu {size} ({members} đảng viên, seed {seed}) vào {folder} …", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [*TCXD, "sample", str(partial), "--members", str(members), "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    partial.rename(folder)
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def bench_size(size: str, seed: int, naive: bool, report_timeout: float) -> dict:
    data = province(size, seed)
    work = CACHE / f"run-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "bench.db"
    url = str(db)
    logs = work
    print(f"\n== {size}: {data}", flush=True)
    steps: dict[str, dict] = {}

    def step(name: str, command: list[str], allowed=(0,), timeout=None) -> dict:
        steps[name] = run_step(name, command, logs / f"{name}.log", timeout)
        _check(steps[name], allowed)
        return steps[name]

    read = step("read_calamine", [PYTHON, str(BENCH / "read_calamine.py"), str(data)])
    reference = json.loads(read["stdout"].strip().splitlines()[-1])
    step("init", [*TCXD, "init", "--config", str(data / "tinh.yaml"), "--db", url])
    # Exit 3 = some files refused (listed in the log); the rest is imported and measured.
    imported = step("import", [*TCXD, "import", str(data), "--db", url], allowed=(0, 3))
    step("reimport", [*TCXD, "import", str(data), "--db", url], allowed=(0, 3))
    step("classify", [*TCXD, "classify", "--year", str(YEAR), "--db", url])
    for period in ("q1", "year"):
        step(
            f"report_{period}",
            [*TCXD, "report", "--period", period, "--year", str(YEAR), "--db", url,
             "--out", str(work / "reports")],
            timeout=report_timeout,
        )  # fmt: skip
    naive_result = None
    if naive:
        ran = step("naive", [PYTHON, str(BENCH / "naive.py"), str(data), str(work / "naive.db")])
        naive_result = json.loads(ran["stdout"].strip().splitlines()[-1])

    members = SIZES[size]
    rows, files = reference["rows"], reference["files"]
    refused = _refused(imported["stdout"])
    read_s = steps["read_calamine"]["seconds"]
    import_s = steps["import"]["seconds"]
    report_s = max(steps["report_q1"]["seconds"], steps["report_year"]["seconds"])
    reports_timed_out = steps["report_q1"]["timed_out"] or steps["report_year"]["timed_out"]
    figures = {
        "size": size,
        "members": members,
        "files": files,
        "files_refused": refused,
        "rows": rows,
        "read_s": read_s,
        "read_rows_per_s": round(rows / read_s),
        "import_s": import_s,
        "import_rows_per_s": round(rows / import_s),
        "import_vs_read": round(read_s / import_s, 3),
        "reimport_s": steps["reimport"]["seconds"],
        "reimport_fraction": round(steps["reimport"]["seconds"] / import_s, 4),
        "classify_s": steps["classify"]["seconds"],
        "report_q1_s": steps["report_q1"]["seconds"],
        "report_year_s": steps["report_year"]["seconds"],
        "report_s": report_s,
        "report_timed_out": reports_timed_out,
        "import_peak_rss_mb": steps["import"]["peak_rss_mb"],
        "import_us_per_member": round(import_s / members * 1e6, 1),
        "classify_us_per_member": round(steps["classify"]["seconds"] / members * 1e6, 2),
        "report_us_per_member": round(report_s / members * 1e6, 2),
        **{f"{name}_cpu_s": steps[name]["cpu_s"] for name in CPU_STEPS},
        "steps": {name: {k: v for k, v in s.items() if k != "stdout"} for name, s in steps.items()},
    }
    if naive_result:
        naive_rate = naive_result["rows"] / steps["naive"]["seconds"]
        figures["naive"] = naive_result
        figures["naive_rows_per_s"] = round(naive_rate)
        figures["naive_speedup"] = round(figures["import_rows_per_s"] / naive_rate, 2)
    return figures


# --------------------------------------------------------------------------- reporting


def machine() -> dict:
    import importlib.metadata as md

    memory_kb = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    versions = {}
    for package in ("tcxd", "python-calamine", "pandas", "SQLAlchemy", "sqlmodel", "openpyxl"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = None
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "load_before": load,
    }


def verdicts(results: dict[str, dict]) -> dict[str, dict]:
    """Each target of quality.md against the size it is defined on (large when measured)."""
    main = results.get("large") or results.get("small")
    checks: dict[str, dict] = {}

    def judge(name: str, value, on: str) -> None:
        if value is None:
            return
        op, bar = TARGETS[name]
        ok = {"≥": value >= bar, "≤": value <= bar, "<": value < bar}[op]
        checks[name] = {"value": value, "target": f"{op} {bar:g}", "on": on, "met": ok}

    on = main["size"]
    for name in ("import_vs_read", "import_s", "reimport_fraction", "classify_s", "report_s",
                 "import_peak_rss_mb"):  # fmt: skip
        judge(name, main[name], on)
    if "small" in results and "naive_speedup" in results["small"]:
        judge("naive_speedup", results["small"]["naive_speedup"], "small")
    if "small" in results and "large" in results:
        judge("scaling", scaling(results), "large/small")
    return checks


def scaling(results: dict[str, dict]) -> float:
    return round(results["large"]["import_s"] / results["small"]["import_s"], 2)


ROWS = [
    ("members", "members", "{:,}"),
    ("files", "files", "{:,}"),
    ("files refused by the import (see its log)", "files_refused", "{:,}"),
    ("rows (grid rows of all sheets)", "rows", "{:,}"),
    ("read with calamine only, s", "read_s", "{:.2f}"),
    ("read with calamine only, rows/s", "read_rows_per_s", "{:,}"),
    ("import, s", "import_s", "{:.2f}"),
    ("import, rows/s", "import_rows_per_s", "{:,}"),
    ("**import ÷ read rows/s** (≥ 0.5)", "import_vs_read", "{:.3f}"),
    ("import, µs per member", "import_us_per_member", "{:.1f}"),
    ("import peak RSS, MB (< 1536)", "import_peak_rss_mb", "{:.0f}"),
    ("re-import unchanged, s", "reimport_s", "{:.2f}"),
    ("**re-import ÷ import** (≤ 0.05)", "reimport_fraction", "{:.4f}"),
    ("classify 2025, s (≤ 5)", "classify_s", "{:.2f}"),
    ("classify, µs per member", "classify_us_per_member", "{:.1f}"),
    ("report q1, s", "report_q1_s", "{:.2f}"),
    ("report year, s", "report_year_s", "{:.2f}"),
    ("report, slower period, s (≤ 20)", "report_s", "{:.2f}"),
    ("report, slower period, µs per member", "report_us_per_member", "{:.1f}"),
    ("a report step timed out (figure = the time-out)", "report_timed_out", "{}"),
    ("naive (openpyxl + ORM), rows/s", "naive_rows_per_s", "{:,}"),
    ("CPU s: read with calamine only", "read_calamine_cpu_s", "{:.2f}"),
    ("CPU s: import (every process)", "import_cpu_s", "{:.2f}"),
    ("CPU s: classify", "classify_cpu_s", "{:.2f}"),
    ("CPU s: report q1 (every process)", "report_q1_cpu_s", "{:.2f}"),
    ("CPU s: report year (every process)", "report_year_cpu_s", "{:.2f}"),
    ("**import ÷ naive rows/s** (≥ 10)", "naive_speedup", "{:.1f}"),
]


def table(results: dict[str, dict]) -> str:
    sizes = [s for s in ("small", "large") if s in results]
    lines = [
        "| figure | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for label, key, fmt in ROWS:
        cells = []
        for size in sizes:
            value = results[size].get(key)
            cells.append(fmt.format(value) if value is not None else "–")
        if any(c != "–" for c in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if len(sizes) == 2:
        lines.append(f"| **import time large ÷ small** (≤ 30) | | {scaling(results):.2f} |")
    return "\n".join(lines)


NOTES_MARK = "<!-- Notes below this line are written by hand; bench/run.py keeps them. -->"


def write_doc(results: dict[str, dict], info: dict, checks: dict) -> None:
    notes = ""
    if DOC.exists() and NOTES_MARK in DOC.read_text():
        notes = DOC.read_text().split(NOTES_MARK, 1)[1]
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    met = "\n".join(
        f"| {name} | {c['value']} | {c['target']} | {c['on']} | {'yes' if c['met'] else '**no**'} |"
        for name, c in checks.items()
    )
    DOC.write_text(
        f"""# Benchmarks

Measured by `make bench` (`bench/run.py`; `make bench-small` for the small province only), as
spec quality.md asks: each step in a fresh process, on the synthetic province of `tcxd sample`
(seed {results[next(iter(results))]["seed"]}). Times are wall clock of the whole command
(interpreter start included); the machine is shared and noisy, so the ratios to a reference
measured in the same run are the figures to compare. Peak RSS is the largest sum over the
command's process tree.

Machine: {info["nproc"]} CPUs, {info["ram_gb"]} GB RAM, Python {info["python"]}
({info["platform"]}); {versions}.
Run {info["date"]} (load average before the run: {info["load_before"]}).

{table(results)}

## Targets

| target | measured | bar | on | met |
|---|---:|---|---|---|
{met}

The reference "read with calamine only" reads every workbook sheet with python-calamine
(`to_python(skip_empty_area=False)`, as tcxd's reader does) and every CSV with the csv module,
nothing else (`bench/read_calamine.py`). The naive reference (`bench/naive.py`) reads the xlsx and
CSV files with openpyxl (read-only mode) and the csv module and stores one SQLModel object per row
with `session.add_all`; openpyxl cannot read .xls/.ods, so it is compared in rows per second.

{NOTES_MARK}{notes}"""
    )


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=["small", "large", "all"], default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reference")
    parser.add_argument(
        "--report-timeout",
        type=float,
        default=300,
        help="seconds after which a report step is stopped and recorded as timed out",
    )
    args = parser.parse_args(argv)
    sizes = ["small", "large"] if args.size == "all" else [args.size]
    info = machine()
    results: dict[str, dict] = {}
    for size in sizes:
        results[size] = bench_size(
            size, args.seed, naive=size == "small" and not args.no_naive,
            report_timeout=args.report_timeout,
        )  # fmt: skip
        results[size]["seed"] = args.seed
    checks = verdicts(results)
    print()
    print(table(results))
    print()
    for name, check in checks.items():
        print(f"  {name:<20} {check['value']!s:>10}  {check['target']:<8} "
              f"({check['on']})  {'met' if check['met'] else 'NOT MET'}")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{dt.date.today().isoformat()}-{args.size}.json"
    out.write_text(
        json.dumps({"machine": info, "results": results, "targets": checks}, indent=2) + "\n"
    )
    write_doc(results, info, checks)
    print(f"\nResults: {out.relative_to(ROOT)}; table: {DOC.relative_to(ROOT)}")
    headline = results.get("large") or results["small"]
    keys = (
        "members",
        "files",
        "rows",
        "read_rows_per_s",
        "import_rows_per_s",
        "import_vs_read",
        "import_s",
        "reimport_fraction",
        "classify_s",
        "report_s",
        "import_peak_rss_mb",
    )
    summary = {key: headline.get(key) for key in keys}
    summary["size"] = headline["size"]
    if "small" in results:
        summary["naive_speedup"] = results["small"].get("naive_speedup")
    for size, figures in results.items():
        summary[f"import_us_per_member_{size}"] = figures["import_us_per_member"]
    if len(results) == 2:
        summary["scaling"] = scaling(results)
    summary["targets_met"] = sorted(n for n, c in checks.items() if c["met"])
    summary["targets_not_met"] = sorted(n for n, c in checks.items() if not c["met"])
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
