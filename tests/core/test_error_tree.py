"""One error tree: every error a clerk may meet is a TcxdError, and `errors.describe` (the one
mapping) gives it a Vietnamese message and an ExitCode; no Vietnamese text travels in a bare
ValueError (it would reach the clerk as "Lỗi nội bộ")."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import re
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
    "tcxd.reading.guards._BadCompoundFile",  # caught where raised, said as CorruptFile
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


def _raises_with_vietnamese(path: Path) -> list[str]:
    """`raise ValueError("…tiếng Việt…")` (any built-in exception) in a file: line numbers."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        built_in = getattr(builtins, func.id, None) if isinstance(func, ast.Name) else None
        if not (inspect.isclass(built_in) and issubclass(built_in, BaseException)):
            continue
        text = " ".join(
            c.value
            for arg in node.exc.args
            for c in ast.walk(arg)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        )
        if VIETNAMESE.search(text):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


# The OLE2 walk in the guards raises ValueError that `check_xls` turns into CorruptFile at once.
CAUGHT_WHERE_RAISED = {"reading/guards.py"}


def test_no_vietnamese_text_is_raised_in_a_built_in_exception():
    found = [
        where
        for path in sorted(SRC.rglob("*.py"))
        if str(path.relative_to(SRC)) not in CAUGHT_WHERE_RAISED
        for where in _raises_with_vietnamese(path)
    ]
    assert found == []
