"""Which files a run imports, in which order; a file's content hash."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from tcxd.core.filestatus import FileStatus
from tcxd.importing.results import FileOutcome
from tcxd.reading.problems import Problem

SUPPORTED_ORDER = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")

SUPPORTED = set(SUPPORTED_ORDER)
# Spreadsheet formats met in units' folders that tcxd cannot read, and what the clerk does.
UNSUPPORTED_SPREADSHEETS = {
    ".xlsb": (
        "định dạng Excel nhị phân (.xlsb) chưa được hỗ trợ. Mở tệp bằng Excel, chọn Tệp → Lưu "
        "thành → kiểu “Sổ làm việc Excel (*.xlsx)”, rồi nhập tệp .xlsx."
    ),
}


def find_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(the spreadsheets to read, everything else met), from one walk of the given paths: see
    `find_files` and `find_other_files`. A run of 10,000 files walks and stats each once."""
    to_read: list[Path] = []
    others: list[Path] = []
    for path, named in _found(paths):
        (to_read if _to_read(path, named) else others).append(path)
    return to_read, others


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Spreadsheets under the given paths, shallowest folder first, then by name; a file named
    on the command line whatever it is (reading says what it is if it is not a spreadsheet)."""
    return find_inputs(paths)[0]


def find_other_files(paths: Iterable[Path]) -> list[Path]:
    """Everything else met in the given folders, in the same order: files tcxd does not read
    (Word, PDF, .xlsb…), links to nothing, pipes and devices, folders it cannot open. The
    summary lists each with why it was not imported: nothing met is passed over in silence."""
    return find_inputs(paths)[1]


def _found(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Every entry under the given paths, with whether it was named itself (a path named but
    missing too, to be reported), shallowest folder first, then by name. Lock files of Excel
    and LibreOffice and hidden files in folders are no one's input and never listed."""
    found: list[tuple[int, str, str, bool]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            top = str(path)
            for item in _walk(top):
                name = os.path.basename(item)
                if not name.startswith(("~$", ".~lock", ".")) or item == top:
                    rel = item[len(top) :].lstrip(os.sep)  # (`_walk` joins onto `top`)
                    depth = rel.count(os.sep) + 1 if rel else 0
                    rel = rel or os.curdir
                    found.append((depth, rel.casefold(), item, False))
        else:
            found.append((0, path.name.casefold(), str(path), True))
    found.sort(key=lambda t: (t[0], t[1]))
    return [(Path(item), named) for _, _, item, named in found]


def _walk(folder: str) -> list[str]:
    """The entries under `folder` that are not folders (files, links to nothing, pipes…), and
    the folders that cannot be opened (listed, never skipped in silence). Linked folders are
    followed once each (a link back up would loop)."""
    entries: list[str] = []
    unopened: list[str] = []
    visited: set[tuple[int, int]] = set()

    def note(error: OSError) -> None:
        unopened.append(os.fspath(error.filename) if error.filename else folder)

    for top, folders, names in os.walk(folder, onerror=note, followlinks=True):
        try:
            here = os.stat(top)
        except OSError:
            here = None  # no identity to compare: walked, never taken for one already seen
        if here is not None:
            identity = (here.st_dev, here.st_ino)
            if identity in visited:
                folders[:] = []
                continue
            visited.add(identity)
        entries.extend(os.path.join(top, name) for name in names)
    return entries + unopened


def _entry_kind(path: Path) -> str:
    """file | folder | missing | dangling (a link to nothing) | pipe | device | unreadable;
    found without opening it (opening a pipe blocks until someone writes to it)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "dangling" if os.path.islink(path) else "missing"
    except OSError:
        return "unreadable"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return "pipe" if stat.S_ISFIFO(mode) else "device"


def _to_read(path: Path, named: bool) -> bool:
    """Whether the path is a file to read (a path named but missing too: reading reports it)."""
    kind = _entry_kind(path)
    if path.suffix.lower() in UNSUPPORTED_SPREADSHEETS and kind == "file":
        return False
    if kind == "missing":
        return named
    return kind == "file" and (named or _is_spreadsheet(path))


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


class Resolver:
    """`Path.resolve` for the many files of a run, as text: a file or folder that is no link is
    its folder's real path and its name, each folder worked out once (links resolved as usual).
    Resolving each of 10,000 files walks every part of its path through the system: seconds."""

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        text = os.fspath(path)
        name = os.path.basename(text)
        if name in ("", ".", "..") or os.path.islink(text):
            return str(Path(text).resolve())
        return os.path.join(self.folder(os.path.dirname(text)), name)

    def folder(self, folder: str) -> str:
        real = self.folders.get(folder)
        if real is None:
            name = os.path.basename(folder)
            if name in ("", ".", "..") or os.path.islink(folder):
                real = str(Path(folder).resolve())  # (the root, the current folder, a link)
            else:  # (a folder that is no link: its parent's real path and its name)
                real = os.path.join(self.folder(os.path.dirname(folder)), name)
            self.folders[folder] = real
        return real


def once_each(files: list[Path], resolve: Resolver | None = None) -> list[Path]:
    """A file named twice (a folder and a file in it) is one file of the run."""
    resolve = resolve or Resolver()
    seen: set[str] = set()
    kept = []
    for path in files:
        try:
            same = resolve(path)
        except OSError:
            same = str(path)
        if same not in seen:
            seen.add(same)
            kept.append(path)
    return kept


def outside(paths: list[Path], folder: Path | None, resolve: Resolver | None = None) -> list[Path]:
    """The paths not under `folder` (a run's error workbooks are no one's input)."""
    if folder is None or not Path(folder).is_dir():
        return list(paths)  # (no folder there: nothing is in it)
    resolve = resolve or Resolver()
    real_folder = str(Path(folder).resolve())
    prefix = real_folder if real_folder.endswith(os.sep) else real_folder + os.sep
    return [path for path in paths if not resolve(path).startswith(prefix)]


def not_a_spreadsheet(path: Path) -> FileOutcome:
    """What a path met in a folder (or named) and not read is, and why it was not imported:
    skipped when it is no one's list, refused when it is a list tcxd cannot open."""
    kind = _entry_kind(path)
    suffix = path.suffix.lower()
    if kind == "folder" or (kind == "unreadable" and path.is_dir()):
        return refused_path(
            path,
            f'Không mở được thư mục "{path}" (không có quyền đọc): các tệp trong đó chưa được '
            "nhập. Cấp quyền đọc cho thư mục, hoặc chép các tệp ra thư mục khác, rồi nhập lại.",
            "folder_unreadable",
        )
    if kind == "unreadable":
        return refused_path(path, unreadable_reason(path, PermissionError()), "unreadable")
    if kind == "file" and suffix in UNSUPPORTED_SPREADSHEETS:
        said = f'Tệp "{path.name}": {UNSUPPORTED_SPREADSHEETS[suffix]}'
        return refused_path(path, said, "unsupported_format")
    why = {
        "dangling": "là lối tắt (liên kết) trỏ tới một tệp không còn ở đó",
        "missing": "không còn ở đó khi nhập",
        "pipe": "là một đường ống (FIFO) của hệ thống, không phải tệp; tcxd không mở nó",
        "device": "là một thiết bị hoặc ổ cắm của hệ thống, không phải tệp",
    }.get(kind)
    if why is None:
        why = f"không phải bảng tính ({suffix or 'không có đuôi'}); tcxd chỉ nhập " + ", ".join(
            SUPPORTED_ORDER
        )
    return FileOutcome(
        path=str(path), status=FileStatus.SKIPPED, warnings=[f'Bỏ qua "{path.name}": {why}.']
    )


def refused_path(path: Path, sentence: str, code: str) -> FileOutcome:
    """`path` refused as a whole, for the reason `code` (`Problem.code`), as `sentence` says."""
    problem = Problem.of_file(path, sentence, code)
    return FileOutcome(path=str(path), status=FileStatus.REFUSED, problems=[problem])


def unreadable_reason(path: Path, error: BaseException) -> str:
    """Why one file could not be read, in words, whatever failed (the run goes on)."""
    name = f'Không đọc được tệp "{path.name}"'
    if isinstance(error, PermissionError):
        return (
            f"{name}: không có quyền đọc tệp. Cấp quyền đọc cho tệp (hoặc chép tệp ra thư mục "
            "khác) rồi nhập lại."
        )
    if isinstance(error, MemoryError):
        return f"{name}: không đủ bộ nhớ để đọc tệp này."
    if isinstance(error, OSError):
        code = errno.errorcode.get(error.errno or 0, "không rõ")
        return (
            f"{name}: hệ điều hành báo lỗi khi đọc (mã {code}). Kiểm tra ổ đĩa hoặc chép tệp "
            "sang chỗ khác rồi nhập lại."
        )
    return (
        f"{name}: tcxd gặp lỗi không lường trước khi đọc tệp này ({type(error).__name__}). "
        "Các tệp khác vẫn được nhập; hãy gửi tệp này cho người quản trị."
    )


def unwritable_reason(path: Path, error: BaseException) -> str:
    """Why one file read well could not be written (nothing of it was; the run goes on)."""
    return (
        f'Không ghi được tệp "{path.name}": tcxd gặp lỗi không lường trước khi ghi tệp này '
        f"({type(error).__name__}); không có gì của tệp được ghi. Các tệp khác vẫn được nhập; "
        "hãy gửi tệp này cho người quản trị."
    )


def unreadable(path: Path, error: BaseException) -> FileOutcome:
    return refused_path(path, unreadable_reason(path, error), "unreadable")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
