"""`make demo`: init → import → classify → report on the bundled sample province.

Everything the demo makes lives in its own folder (`demo/`: `demo/tcxd.db`, `demo/bao-cao/`),
never beside a clerk's own `tcxd.db`. A run starts again from scratch by deleting the database of
the previous demo, and only that one: the demo leaves a mark file beside the database it creates,
and refuses to delete a database without the mark.

Each step runs the real `tcxd` command; a step whose command does not exist yet is skipped
with a plain message, never pretended.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from tcxd.cli.app import COMMAND_MODULES

TCXD = [sys.executable, "-m", "tcxd"]
DB_NAME = "tcxd.db"
OUT_NAME = "bao-cao"
MARK_NAME = ".tao-boi-make-demo"  # "made by make demo": the database beside it may be deleted


def available_commands() -> set[str]:
    return set(COMMAND_MODULES)  # (their modules are imported only when run)


def run(step: str, args: list[str]) -> None:
    print(f"\n==> {step}: tcxd {' '.join(args)}", flush=True)
    done = subprocess.run([*TCXD, *args], check=False)
    if done.returncode != 0:
        sys.exit(f"Bước «{step}» không thành công (mã thoát {done.returncode}).")


def fresh_database(folder: Path) -> Path:
    """The demo's database path, with the previous demo's database deleted. A database the demo
    did not make (no mark beside it) is never deleted: the run stops and says so."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / DB_NAME
    mark = folder / MARK_NAME
    if db.exists():
        if not mark.exists():
            sys.exit(
                f"Thư mục {folder} có tệp {DB_NAME} không do make demo tạo ra; demo không xóa nó. "
                "Hãy chuyển tệp đó sang thư mục khác rồi chạy lại make demo."
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print(f"Đã xóa cơ sở dữ liệu của lần demo trước ({db}) để chạy lại từ đầu.")
    mark.write_text(
        "Tệp đánh dấu: cơ sở dữ liệu tcxd.db trong thư mục này do make demo tạo ra;\n"
        "lần chạy make demo sau sẽ xóa nó để làm lại từ đầu.\n",
        encoding="utf-8",
    )
    return db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="demo", help="thư mục của demo (cơ sở dữ liệu, biểu)")
    parser.add_argument("--data", default="sample_data")
    parser.add_argument("--year", default="2025")
    options = parser.parse_args()
    data = Path(options.data)
    folder = Path(options.dir)
    db = fresh_database(folder)
    out = folder / OUT_NAME
    commands = available_commands()
    steps = [
        ("Khởi tạo", "init", ["init", "--config", str(data / "tinh.yaml"), "--db", str(db)]),
        ("Nhập tệp", "import", ["import", str(data), "--db", str(db)]),
        ("Xếp loại", "classify", ["classify", "--year", options.year, "--db", str(db)]),
        ("Lập biểu", "report",
         ["report", "--period", "year", "--year", options.year, "--out", str(out),
          "--format", "all", "--db", str(db)]),
    ]  # fmt: skip
    skipped = []
    for step, command, args in steps:
        if command not in commands:
            print(f"\n==> {step}: BỎ QUA — lệnh «tcxd {command}» chưa được xây dựng.")
            skipped.append(command)
            continue
        run(step, args)
    if "report" not in skipped:
        print(f"\nCác biểu tổng hợp nằm trong thư mục: {out.resolve()}")
    print(
        f"Cơ sở dữ liệu của demo: {db.resolve()}\n"
        "Để gõ lệnh tcxd: chạy `source .venv/bin/activate` trong cửa sổ dòng lệnh này "
        "(hoặc `make install` một lần), rồi thử:\n"
        f"  tcxd status --period year --year {options.year} --db {db}"
    )
    if skipped:
        print(f"\nDemo chưa đầy đủ: bỏ qua các bước {', '.join(skipped)}.")


if __name__ == "__main__":
    main()
