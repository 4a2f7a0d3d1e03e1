"""Every command and option has Vietnamese help (a command without it fails here)."""

import re

import pytest

from tcxd.cli.app import COMMAND_MODULES, load_all_commands

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
COMMANDS = sorted(COMMAND_MODULES)


def test_every_registered_command_is_listed_in_its_place():
    """A command registered by a module but missing from COMMAND_MODULES would never be found
    (commands are imported on demand): the two agree, in the order of the help."""
    assert list(load_all_commands().commands) == list(COMMAND_MODULES)


def test_root_help_is_vietnamese(tcxd):
    result = tcxd("--help")
    assert result.exit_code == 0
    assert "Cách dùng: tcxd" in result.stdout
    assert "Show this message" not in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


def _commands():
    root = load_all_commands()
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
