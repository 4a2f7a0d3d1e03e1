"""tools/relayout.py rewrites old module places into new ones, and nothing else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "relayout.py"
_spec = importlib.util.spec_from_file_location("relayout", _SCRIPT)
assert _spec and _spec.loader
relayout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(relayout)


def test_dotted_names_paths_and_strings_are_rewritten():
    old = (
        "from tcxd.rules.loader import load_rules\n"
        'monkeypatch.setitem(sys.modules, "tcxd.encodings", stub)\n'
        "see src/tcxd/forms/bieu1.yaml and tcxd/vocab.yaml.\n"
        "import tcxd.cli_clerk  # noqa: F401\n"
    )
    assert relayout.rewrite(old) == (
        "from tcxd.rating.rules.loader import load_rules\n"
        'monkeypatch.setitem(sys.modules, "tcxd.core.encodings", stub)\n'
        "see src/tcxd/reports/forms/bieu1.yaml and tcxd/core/vocab.yaml.\n"
        "import tcxd.cli.clerk  # noqa: F401\n"
    )


def test_root_imports_are_split_by_their_new_package():
    old = "    from tcxd import __version__, rules, vocab\n"
    assert relayout.rewrite(old) == (
        "    from tcxd import __version__\n"
        "    from tcxd.rating import rules\n"
        "    from tcxd.core import vocab\n"
    )


def test_names_of_the_old_cli_module_keep_their_old_names():
    old = "from tcxd.cli import HELP_OPTION, _table, app\n"
    assert relayout.rewrite(old) == (
        "from tcxd.cli.app import HELP_OPTION, titled_table as _table\nfrom tcxd.cli import app\n"
    )


def test_a_data_file_is_looked_for_in_its_new_package():
    old = 'resources.files("tcxd").joinpath("vocab.yaml")'
    assert relayout.rewrite(old) == 'resources.files("tcxd.core").joinpath("vocab.yaml")'


def test_new_names_and_look_alikes_are_left_alone():
    text = (
        "from tcxd.core.text import fold\n"
        "tcxd.textual, tcxd.db, tcxd.db.province, src/tcxd/rating/rules/x.yaml, tcxd classify\n"
    )
    assert relayout.rewrite(text) == text
