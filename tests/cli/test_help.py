"""Every command and option has Vietnamese help (a command without it fails here)."""

import re

import pytest
import typer

from tcxd.cli import app

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
COMMANDS = sorted(c.name for c in app.registered_commands) + sorted(
    g.name for g in app.registered_groups
)


def test_root_help_is_vietnamese(tcxd):
    result = tcxd("--help")
    assert result.exit_code == 0
    assert "Cách dùng: tcxd" in result.stdout
    assert "Show this message" not in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


def _commands():
    root = typer.main.get_command(app)
    found = {}

    def walk(group, prefix):
        for name, command in group.commands.items():
            found[f"{prefix}{name}"] = command
            if hasattr(command, "commands"):
                walk(command, f"{prefix}{name} ")

    walk(root, "")
    return found


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_and_option_has_vietnamese_help(command):
    for name, cmd in _commands().items():
        if name.split()[0] != command:
            continue
        assert cmd.help and VIETNAMESE.search(cmd.help), f"tcxd {name} has no Vietnamese help"
        for param in cmd.params:
            assert param.help and VIETNAMESE.search(param.help), (
                f"tcxd {name}: {param.name} has no Vietnamese help"
            )


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_runs(tcxd, command):
    result = tcxd(command, "--help")
    assert result.exit_code == 0
    assert "Cách dùng:" in result.stdout
    assert "Show this message" not in result.stdout
