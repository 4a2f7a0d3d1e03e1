"""Make the pictures of the user guide (docs/img/): terminal output of a few commands run on the
sample province, and pages of the workbooks tcxd writes. Run again after a change:

    .venv/bin/python scripts/screenshots.py            # writes docs/img/*.png

Needs `rsvg-convert` (apt-get install librsvg2-bin), LibreOffice (`soffice`) and `pdftoppm`
(poppler-utils); `pngquant` (optional) makes the pictures smaller. The commands run through the
installed CLI in a temporary copy of the guide's working folder (scripts/guide_examples.py), in
the order the guide gives them.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guide_examples import ROOT, make_workspace

IMG = ROOT / "docs" / "img"
TCXD = str(Path(sys.executable).with_name("tcxd"))
WIDTH = 104  # terminal columns of the pictures
MAX_BYTES = 150_000


def run(work: Path, command: str, width: int = WIDTH) -> str:
    """Run one `tcxd …` command line (as the guide writes it); stdout and stderr, with colours."""
    import shlex

    args = shlex.split(command)
    env = dict(os.environ, TCXD_DB=str(work / "tcxd.db"), COLUMNS=str(width), FORCE_COLOR="1")
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [TCXD, *args[1:]],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    # A progress bar or spinner drawn on a terminal leaves its last frame: drop it.
    lines = done.stdout.decode("utf-8").split("\n")
    busy = re.compile(r"^\W*Đang ")
    return "\n".join(x for x in lines if not busy.match(Text.from_ansi(x).plain))


def terminal_png(
    name: str,
    command: str,
    output: str,
    *,
    head: int | None = None,
    tail: int = 0,
    width: int = WIDTH,
) -> Path:
    """Draw `$ command` and its output (first `head` lines … last `tail` lines) as a PNG."""
    lines = output.rstrip("\n").split("\n")
    if head is not None and len(lines) > head + tail:
        skipped = len(lines) - head - tail
        lines = [
            *lines[:head],
            f"\x1b[2m… ({skipped} dòng nữa)\x1b[0m",
            *(lines[len(lines) - tail :] if tail else []),
        ]
    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True)
    console.print(Text.from_ansi(f"\x1b[1;32m$\x1b[0m {command}"))
    for line in lines:
        console.print(Text.from_ansi(line), soft_wrap=False)
    svg = IMG / f"{name}.svg"
    svg.write_text(_grid(console.export_svg(title="tcxd")), encoding="utf-8")
    png = IMG / f"{name}.png"
    for zoom in ("0.75", "0.65", "0.55"):
        subprocess.run(["rsvg-convert", "-z", zoom, "-o", str(png), str(svg)], check=True)
        _shrink(png)
        if png.stat().st_size <= MAX_BYTES:
            break
    svg.unlink()
    return png


def _shrink(png: Path) -> None:
    """Fewer colours (pngquant, when installed): a third of the size, same look."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--quality", "60-90", "--output", str(png), str(png)]
        )


def _grid(svg: str) -> str:
    """Rich's SVG asks for "Fira Code" and relies on `textLength` to keep the columns, which
    rsvg-convert ignores: use a local monospace font and place every character on its cell."""
    import html

    svg = svg.replace('"Fira Code"', '"DejaVu Sans Mono"').replace(
        "Fira Code, monospace", '"DejaVu Sans Mono", monospace'
    )
    # DejaVu Sans Mono advances 0.602 em: at 20.26 px a character is one 12.2 px cell.
    svg = svg.replace("font-size: 20px", "font-size: 20.26px")

    def place(match: re.Match) -> str:
        head, start, rest, length, body = match.groups()
        chars = html.unescape(body)
        step = float(length) / len(chars) if chars else 0.0
        # One element per word, at its own cell (rsvg drops leading spaces and reads only the
        # first of several x positions).
        out = []
        for word in re.finditer(r"[^ \xa0\n]+", chars):
            x = float(start) + word.start() * step
            text = html.escape(word[0], quote=False)
            out.append(f'{head}x="{x:.1f}"{rest}>{text}</text>')
        return "".join(out)

    return re.sub(
        r'(<text [^>]*?)x="([\d.]+)"( y="[\d.]+" textLength="([\d.]+)"[^>]*)>([^<]*)</text>',
        place,
        svg,
    )


def workbook_png(
    name: str,
    workbook: Path,
    page: int,
    *,
    dpi: int = 60,
    crop: tuple[float, float, float, float] | None = None,
) -> Path:
    """One printed page of a workbook (as LibreOffice prints it) as a PNG; `crop` is
    (left, top, width, height) as fractions of the page."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(workbook)],
            check=True,
            capture_output=True,
        )
        pdf = Path(folder) / (workbook.stem + ".pdf")
        args = ["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(page)]
        args += ["-l", str(page)]
        if crop:
            size = subprocess.run(
                ["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            line = next(x for x in size.splitlines() if x.startswith(f"Page{page:>5} size"))
            points = line.split("size:")[1].split()
            width_px = float(points[0]) * dpi / 72
            height_px = float(points[2]) * dpi / 72
            left, top, width, height = crop
            args += ["-x", str(int(left * width_px)), "-y", str(int(top * height_px))]
            args += ["-W", str(int(width * width_px)), "-H", str(int(height * height_px))]
        out = IMG / name
        subprocess.run([*args, str(pdf), str(out)], check=True)
    _shrink(IMG / f"{name}.png")
    return IMG / f"{name}.png"


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        work = make_workspace(Path(folder) / "tap-dung")
        run(work, "tcxd init --config tinh.yaml")

        command = 'tcxd import "Tệp nhận được/Năm 2025"'
        output = run(work, command, width=124)
        made.append(terminal_png("nhap-tep", command, output, head=16, tail=3, width=124))

        command = 'tcxd status --period year --year 2025 --unit "Đảng bộ xã Thủy Lộc"'
        made.append(terminal_png("tinh-hinh-gui", command, run(work, command)))

        command = "tcxd classify --year 2025 --out ket-qua"
        made.append(terminal_png("xep-loai", command, run(work, command)))

        run(work, "tcxd report --period year --year 2025")
        command = "tcxd check --period year --year 2025"
        made.append(terminal_png("kiem-tra", command, run(work, command), head=30))

        command = 'tcxd explain --row C1 --period year --year 2025 --unit "Đảng bộ xã Thủy Lộc"'
        output = run(work, command, width=150)
        made.append(terminal_png("giai-thich-dong", command, output, head=14, width=150))

        command = 'tcxd import "Tệp lỗi"'
        made.append(terminal_png("tep-loi", command, run(work, command, width=120), width=120))

        province = work / "bao-cao" / "2025-year" / "tinh.xlsx"
        made.append(workbook_png("bao-cao-tong-hop", province, 1, dpi=70, crop=(0, 0, 1, 0.53)))
        made.append(workbook_png("bao-cao-bieu-1", province, 3, dpi=70, crop=(0, 0, 1, 0.72)))
        made.append(workbook_png("bao-cao-kiem-tra", province, 14, dpi=70, crop=(0, 0, 1, 0.75)))

        run(work, 'tcxd template members --unit "Chi bộ thôn Cẩm Phô" --period q1 --year 2026')
        form = work / "mau-danh-sach-dang-vien-chi-bo-thon-cam-pho-dang-bo-phuong-vinh-xuan.xlsx"
        made.append(workbook_png("mau-danh-sach", form, 1, dpi=110, crop=(0, 0, 0.6, 0.42)))
    for png in made:
        size = png.stat().st_size
        print(f"{png.relative_to(ROOT)}: {size // 1024} KB" + ("  (quá lớn!)" * (size > MAX_BYTES)))


if __name__ == "__main__":
    if not shutil.which("rsvg-convert"):
        sys.exit("Cần rsvg-convert: apt-get install librsvg2-bin")
    main()
