"""One error tree: every error a clerk may meet is a TcxdError, and `errors.describe` (the one
mapping) gives it a Vietnamese message and an ExitCode; no Vietnamese text travels in an
exception outside the tree, built-in or tcxd's own (it would reach the clerk as "Lỗi nội bộ")."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import re
import typing
from pathlib import Path

import pytest

import tcxd
from tcxd.core.errors import ExitCode, TcxdError, describe

SRC = Path(tcxd.__file__).parent
VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I
)
# Exceptions that never leave the module that raises them: signals of the import's control flow.
INTERNAL_SIGNALS = {
    "tcxd.importing.context.FileRefused",
    "tcxd.importing.context.Deferred",
    "tcxd.importing.run._Rollback",
}
# Classes whose constructor builds the message from parts (the rest take the message itself).
SAMPLES = {
    "ReadingError": lambda cls: cls("a.xlsx", "x"),
    "RuleFileError": lambda cls: cls("rules.yaml", [("levels.x", "x"), (None, "y")]),
    "ReportError": lambda cls: cls("missing 'forms'"),
}


def _all_modules() -> list:
    modules = []
    for info in pkgutil.walk_packages(tcxd.__path__, "tcxd."):
        if info.name == "tcxd.__main__":  # runs the CLI when imported
            continue
        modules.append(importlib.import_module(info.name))
    return modules


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def _exceptions_defined_in_tcxd() -> list[type]:
    classes = []
    for module in _all_modules():
        for _name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                classes.append(value)
    return classes


def _instance(cls: type[TcxdError]) -> TcxdError:
    for klass in cls.__mro__:
        if klass.__name__ in SAMPLES:
            return SAMPLES[klass.__name__](cls)
    return cls("Thông báo thử")


def _tcxd_errors() -> list[type[TcxdError]]:
    _all_modules()
    return sorted(_subclasses(TcxdError) | {TcxdError}, key=lambda c: c.__qualname__)


@pytest.mark.parametrize("cls", _tcxd_errors(), ids=lambda c: c.__name__)
def test_every_tcxd_error_maps_to_a_vietnamese_message_and_an_exit_code(cls):
    error = _instance(cls)
    message, code = describe(error)
    assert isinstance(code, ExitCode)
    assert code is cls.exit_code
    assert message == error.message == str(error)
    assert VIETNAMESE.search(message), message


@pytest.mark.parametrize(
    ("dotted", "code"),
    [
        ("tcxd.reading.problems.ReadingError", ExitCode.BAD_FILE),
        ("tcxd.reading.problems.ZipBomb", ExitCode.BAD_FILE),
        ("tcxd.rating.rules.loader.RuleError", ExitCode.USAGE),
        ("tcxd.rating.rules.loader.RuleFileError", ExitCode.USAGE),
        ("tcxd.reports.workbook.ReportError", ExitCode.INTERNAL),
        ("tcxd.db.migrate.MigrationError", ExitCode.DATABASE),
    ],
)
def test_the_former_roots_are_branches_of_the_one_tree(dotted, code):
    module, name = dotted.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, TcxdError)
    assert not issubclass(cls, ValueError)
    assert describe(_instance(cls))[1] is code


def test_every_exception_class_of_tcxd_is_a_tcxd_error_or_an_internal_signal():
    strays = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _exceptions_defined_in_tcxd()
        if not issubclass(cls, TcxdError)
    ]
    assert sorted(set(strays) - INTERNAL_SIGNALS) == []


def _imported_names(tree: ast.Module, module) -> dict[str, object]:
    """The names a module's code may raise: its namespace, the built-ins, and what its functions
    import for themselves (`from tcxd.core.errors import UserInputError` inside a command)."""
    names: dict[str, object] = {**vars(builtins), **vars(module)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            source = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(source, alias.name):
                    names.setdefault(alias.asname or alias.name, getattr(source, alias.name))
    return names


def _raised_class(call: ast.Call, names: dict[str, object]) -> object:
    """The class a `raise X(…)` / `raise a.b.X(…)` makes (or a function, annotated, returns),
    looked up in the module's names."""
    parts = []
    node = call.func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    found = names.get(node.id)
    for part in reversed(parts):
        found = getattr(found, part, None)
    if inspect.isfunction(found):  # `raise reading_refusal(path, error)`: what it returns
        found = typing.get_type_hints(found).get("return")
    return found


def _vietnamese_raised_outside_the_tree(module) -> list[str]:
    """Each `raise X("…tiếng Việt…")` of a module whose X is not a TcxdError: "file:line X"."""
    path = Path(module.__file__)
    tree = ast.parse(path.read_text("utf-8"))
    names = _imported_names(tree, module)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        raised = _raised_class(node.exc, names)
        assert inspect.isclass(raised), f"{path.name}:{node.lineno}: cannot tell what is raised"
        if issubclass(raised, TcxdError):
            continue
        given = [*node.exc.args, *(keyword.value for keyword in node.exc.keywords)]
        text = " ".join(
            c.value
            for arg in given
            for c in ast.walk(arg)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        )
        if VIETNAMESE.search(text):
            found.append(f"{path.relative_to(SRC)}:{node.lineno} {raised.__name__}")
    return found


def test_no_vietnamese_text_is_raised_in_an_exception_outside_the_tree():
    """A Vietnamese message in a ValueError (or any exception that is not a TcxdError, built-in
    or tcxd's own) would reach the clerk as "Lỗi nội bộ". The CLI's own usage errors (Typer's
    BadParameter, in tcxd.cli) are said by Typer in Vietnamese and are left out."""
    found = [
        where
        for module in _all_modules()
        if not module.__name__.startswith("tcxd.cli")
        for where in _vietnamese_raised_outside_the_tree(module)
    ]
    assert found == []


@pytest.mark.parametrize("sector_shift", [5, 16])
def test_a_broken_xls_structure_is_refused_as_a_corrupt_file(tmp_path, sector_shift):
    """The OLE2 walk of the guards says what is wrong with an .xls as a CorruptFile (once a
    ValueError of its own, caught where raised)."""
    from tcxd.reading.guards import check_xls
    from tcxd.reading.problems import CorruptFile

    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[0x1E:0x20] = sector_shift.to_bytes(2, "little")  # 2**5 and 2**16: not 512 nor 4096
    path = tmp_path / "hong.xls"
    path.write_bytes(bytes(header) + bytes(512))
    with pytest.raises(CorruptFile) as refused:
        check_xls(path, path.stat().st_size)
    assert describe(refused.value) == (
        f'Tệp "{path}": tệp .xls bị hỏng hoặc không trọn vẹn (kích thước sector không hợp lệ)',
        ExitCode.BAD_FILE,
    )
