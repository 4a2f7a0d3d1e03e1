"""Which files a run imports, in which order; a file's content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from tcxd.importing.results import FileOutcome

SUPPORTED_ORDER = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")

SUPPORTED = set(SUPPORTED_ORDER)


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Spreadsheets under the given paths, shallowest folder first, then by name; a file named
    on the command line whatever it is (reading says what it is if it is not a spreadsheet)."""
    return [path for path, named in _found(paths) if named or _is_spreadsheet(path)]


def find_other_files(paths: Iterable[Path]) -> list[Path]:
    """Files in the given folders that tcxd does not read (Word, PDF, text…), in the same order:
    the summary lists them as skipped, so a clerk sees what a unit sent besides its lists."""
    return [path for path, named in _found(paths) if not named and not _is_spreadsheet(path)]


def _found(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Every file under the given paths, with whether it was named itself (a path named but
    missing too, to be reported), shallowest folder first, then by name. Lock files of Excel
    and LibreOffice and hidden files in folders are no one's input and never listed."""
    found: list[tuple[int, str, Path, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for item in path.rglob("*"):
                if item.is_file() and not item.name.startswith(("~$", ".~lock", ".")):
                    rel = item.relative_to(path)
                    found.append((len(rel.parts), str(rel).casefold(), item, False))
        else:
            found.append((0, path.name.casefold(), path, True))
    return [(item, named) for _, _, item, named in sorted(found, key=lambda t: (t[0], t[1]))]


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def once_each(files: list[Path]) -> list[Path]:
    """A file named twice (a folder and a file in it) is one file of the run."""
    seen: set[Path] = set()
    kept = []
    for path in files:
        try:
            same = path.resolve()
        except OSError:
            same = path
        if same not in seen:
            seen.add(same)
            kept.append(path)
    return kept


def inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    return Path(folder).resolve() in Path(path).resolve().parents


def not_a_spreadsheet(path: Path) -> FileOutcome:
    suffix = path.suffix.lower() or "không có đuôi"
    return FileOutcome(
        path=str(path),
        status="skipped",
        warnings=[
            f'Bỏ qua "{path.name}": không phải bảng tính ({suffix}); tcxd chỉ nhập '
            + ", ".join(SUPPORTED_ORDER)
            + "."
        ],
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
