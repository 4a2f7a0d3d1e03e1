"""Every command of the user guide (docs/huong-dan-su-dung.md) runs, in order, as the guide says.

Convention of the guide:
- A fenced block opened with ```sh whose first line starts with `tcxd ` is run. Each of its lines
  that starts with `tcxd ` is one command; a trailing `# …` comment is not part of it.
- A command must exit with 0, unless its comment says `mã thoát N`: then with N.
- A ```text block right after a run block shows what it printed. Its lines that start with
  "Lỗi:", "Lệnh không đúng:", "Tệp không nhập được:" or "- Tệp" (the messages the guide quotes
  for the clerk) must appear in that output, spaces collapsed; "…" stands for any text (folder
  names that differ from machine to machine).
- Other blocks (```text alone, ```yaml, folder trees) are not run.

The commands run in a temporary working folder laid out like the guide's
(scripts/guide_examples.py: tinh.yaml, "Tệp nhận được/…", "Tệp lỗi/"), with TCXD_DB pointing at a
database in it, through `tcxd.cli.main` in this process (the console script's entry point; one
Python start instead of forty). TCXD_GUIDE_SUBPROCESS=1 runs the installed `tcxd` instead.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "huong-dan-su-dung.md"
TCXD = Path(sys.executable).with_name("tcxd")
QUOTED = ("Lỗi:", "Lệnh không đúng:", "Tệp không nhập được:", "- Tệp")

sys.path.insert(0, str(ROOT / "scripts"))
from guide_examples import make_workspace  # noqa: E402


@dataclass
class Command:
    line: int  # line of the guide, for the failure message
    text: str
    args: list[str]
    expected_code: int


@dataclass
class Block:
    line: int
    commands: list[Command]
    quoted: list[str] = field(default_factory=list)  # messages the next ```text block quotes


def _blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    lines = markdown.split("\n")
    number = 0
    previous_was_run = False
    while number < len(lines):
        fence = lines[number].strip()
        if not fence.startswith("```"):
            if fence:
                previous_was_run = False
            number += 1
            continue
        language = fence[3:].strip()
        end = next(i for i in range(number + 1, len(lines)) if lines[i].strip() == "```")
        body = lines[number + 1 : end]
        if language == "sh" and body and body[0].startswith("tcxd "):
            commands = []
            for offset, text in enumerate(body, start=number + 2):
                if not text.startswith("tcxd "):
                    continue
                code = re.search(r"#.*mã thoát (\d+)", text)
                args = shlex.split(text, comments=True)
                commands.append(Command(offset, text, args, int(code[1]) if code else 0))
            blocks.append(Block(number + 1, commands))
            previous_was_run = True
        elif language == "text" and previous_was_run:
            blocks[-1].quoted = [x.strip() for x in body if x.strip().startswith(QUOTED)]
            previous_was_run = False
        else:
            previous_was_run = False
        number = end + 1
    return blocks


def _pattern(quoted: str) -> re.Pattern:
    parts = [re.escape(part) for part in " ".join(quoted.split()).split("…")]
    return re.compile(".*?".join(parts), re.DOTALL)


def test_the_guide_follows_the_convention():
    blocks = _blocks(GUIDE.read_text("utf-8"))
    commands = [c for b in blocks for c in b.commands]
    assert len(commands) >= 30
    assert any(c.expected_code == 3 for c in commands)  # the bad-file examples are there
    assert sum(len(b.quoted) for b in blocks) >= 10
    for command in commands:
        assert command.args[0] == "tcxd", command.text


def _in_process(args: list[str]) -> tuple[int, str]:
    from tcxd.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(args)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
    return code, out.getvalue() + err.getvalue()


def _subprocess(args: list[str], work: Path) -> tuple[int, str]:
    done = subprocess.run(
        [str(TCXD), *args], cwd=work, capture_output=True, text=True, timeout=120, check=False
    )
    return done.returncode, done.stdout + done.stderr


def test_every_command_of_the_guide(tmp_path, monkeypatch):
    work = make_workspace(tmp_path / "tap-dung")
    monkeypatch.chdir(work)
    monkeypatch.setenv("TCXD_DB", str(work / "tcxd.db"))
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("TCXD_DEBUG", raising=False)
    separate = os.environ.get("TCXD_GUIDE_SUBPROCESS") == "1"
    for block in _blocks(GUIDE.read_text("utf-8")):
        printed = ""
        for command in block.commands:
            args = command.args[1:]
            code, output = _subprocess(args, work) if separate else _in_process(args)
            printed += output
            assert code == command.expected_code, (
                f"docs/huong-dan-su-dung.md:{command.line}: {command.text}\n"
                f"exit code {code}, the guide says {command.expected_code}\n{output}"
            )
        flat = " ".join(printed.split())
        for quoted in block.quoted:
            assert _pattern(quoted).search(flat), (
                f"docs/huong-dan-su-dung.md (block at line {block.line}): the guide quotes\n"
                f"  {quoted}\nbut the commands printed\n{printed}"
            )
