"""Move tcxd's loose modules into their layer folders, and fix every reference to them.

    python tools/relayout.py                  # git mv what is still in its old place, then rewrite
    python tools/relayout.py --rewrite-only   # only rewrite references (after merging a branch
                                              # written against the old layout)
    python tools/relayout.py --check          # list references to old places; exit 1 if any
    python tools/relayout.py --resolve        # in a merge with the relayout: settle the
                                              # conflicts that are only old names against new

The table below is the whole layout change; everything else is derived from it. Running the
script twice does nothing the second time: a module already in its new place is not moved, and
the rewrites only match the old names. What is rewritten, in every file git knows (tracked or
new, not ignored) except this one:
- dotted names: `tcxd.rules.loader`, `"tcxd.forms"` in importlib.resources / monkeypatch strings,
  `import tcxd.cli_clerk`;
- `from tcxd import vocab, text` (split by new package when the names go to different places);
- `from tcxd.cli import _table, HELP_OPTION` (names of the old one-module CLI, now in
  `tcxd.cli.app`, some renamed: imported under the old name so the code using them is unchanged);
- paths: `src/tcxd/rules/qd366-2025.yaml`, `tcxd/vocab.yaml`;
- data files found by package: `resources.files("tcxd").joinpath("vocab.yaml")`.
Then ruff sorts the imports and formats the Python files it changed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Old place → new place, under src/tcxd/ (a folder moves with all that is in it).
MOVES = {
    # core: words, periods, errors, settings, safe file writing, legacy encodings
    "text.py": "core/text.py",
    "vocab.py": "core/vocab.py",
    "vocab.yaml": "core/vocab.yaml",
    "periods.py": "core/periods.py",
    "errors.py": "core/errors.py",
    "settings.py": "core/settings.py",
    "outputs.py": "core/outputs.py",
    "formatting.py": "core/formatting.py",
    "plausibility.py": "core/plausibility.py",  # dates a reader and a matcher both doubt
    "encodings": "core/encodings",  # TCVN3 / VNI: the reader repairs them, the sample writes them
    "coerce.py": "core/coerce.py",  # a cell missing or not, a stored day: every layer asks
    "filestatus.py": "core/filestatus.py",  # an imported file's status: importing and cli
    "pause_hook.py": "core/pause_hook.py",  # tests only: holds an import inside a file
    # db: the province's database, its administration, and matching against what it holds
    "province.py": "db/province.py",
    "migrate.py": "db/migrate.py",
    "units.py": "db/units.py",
    "identities.py": "db/identities.py",
    # rating: the rules and the step that stores results
    "rules": "rating/rules",
    "classify.py": "rating/classify.py",
    # reports: one data file per form
    "forms": "reports/forms",
    # cli: the command groups that were modules beside cli.py (moved by hand, with the split)
    "cli_admin.py": "cli/admin.py",
    "cli_clerk.py": "cli/clerk.py",
    "cli_lock.py": "cli/lock.py",
}

# Tests that mirror a moved module (paths from the repository root).
TEST_MOVES = {
    "tests/test_periods.py": "tests/core/test_periods.py",
    "tests/test_formatting.py": "tests/core/test_formatting.py",
    "tests/rules": "tests/rating/rules",
    "tests/encodings": "tests/core/encodings",
    "tests/test_coerce.py": "tests/core/test_coerce.py",
    "tests/test_filestatus.py": "tests/core/test_filestatus.py",
    "tests/test_error_tree.py": "tests/core/test_error_tree.py",
    "tests/test_vocabulary_literals.py": "tests/core/test_vocabulary_literals.py",
    # whole-pipeline tests that mirror no one module: the library end to end, the user guide
    "tests/test_pipeline.py": "tests/end_to_end/test_pipeline.py",
    "tests/test_guide.py": "tests/end_to_end/test_guide.py",
}

# Names of the old one-module CLI (`tcxd.cli`) → (module, name) now. Imported under the old
# name, so that a command written against the old module keeps its body.
CLI_NAMES = {
    "HELP_OPTION": ("tcxd.cli.app", "HELP_OPTION"),
    "DbOption": ("tcxd.cli.app", "DbOption"),
    "year_option": ("tcxd.cli.app", "year_option"),
    "quarter_option": ("tcxd.cli.app", "quarter_option"),
    "period_option": ("tcxd.cli.app", "period_option"),
    "PERIOD_HELP": ("tcxd.cli.app", "PERIOD_HELP"),
    "YEAR_HELP": ("tcxd.cli.app", "YEAR_HELP"),
    "_table": ("tcxd.cli.app", "titled_table"),
    "_period": ("tcxd.cli.app", "parse_period"),
    "_date_option": ("tcxd.cli.app", "parse_date_option"),
    "_kind_option": ("tcxd.cli.app", "parse_kind_option"),
    "STATUS_LABELS": ("tcxd.cli.imports", "STATUS_LABELS"),
    "_render_import": ("tcxd.cli.imports", "_render_import"),
    "rules_app": ("tcxd.cli.classify", "rules_app"),
}

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "tcxd"
SKIP_PARTS = {".git", ".venv", "__pycache__", "node_modules"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".txt", ".cfg", ".ini", ".sh", ".json"}
TEXT_NAMES = {"Makefile", "run"}
EXEMPT = {"tools/relayout.py", "tests/tools/test_relayout.py"}  # they name the old places


def dotted(path: str) -> str:
    """ "rules" → "tcxd.rules"; "core/text.py" → "tcxd.core.text"."""
    stem = path[:-3] if path.endswith(".py") else path
    return "tcxd." + stem.replace("/", ".")


def is_module(path: str) -> bool:
    return path.endswith(".py") or "." not in Path(path).name


# --------------------------------------------------------------------------- moving


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def move_all() -> list[str]:
    done = []
    for old, new in MOVES.items():
        done += move(PACKAGE / old, PACKAGE / new)
    for old, new in TEST_MOVES.items():
        done += move(ROOT / old, ROOT / new)
    return done


def move(old: Path, new: Path) -> list[str]:
    """git mv `old` to `new` unless already there. A folder whose new place exists already gets
    what is left in the old one (files a branch merged later added there), file by file."""
    if not old.exists():
        return []
    if old.is_dir():
        _remove_caches(old)
        if not new.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            _git_mv(old, new)
            return [f"{_shown(old)} → {_shown(new)}"]
        moved = []
        for child in sorted(old.iterdir()):
            moved += move(child, new / child.name)
        if not any(old.iterdir()):
            old.rmdir()
        return moved
    if new.exists():
        if new.read_bytes() == old.read_bytes():
            _git("rm", "-q", "-f", str(old))
            return [f"{_shown(old)}: same as {_shown(new)}, removed"]
        raise SystemExit(
            f"{_shown(old)} and {_shown(new)} both exist and differ: merge them by hand, "
            "then run this again."
        )
    new.parent.mkdir(parents=True, exist_ok=True)
    _git_mv(old, new)
    return [f"{_shown(old)} → {_shown(new)}"]


def _git_mv(old: Path, new: Path) -> None:
    tracked = git("ls-files", "--", str(old)).strip()
    if tracked:
        _git("mv", str(old), str(new))
    else:  # a new file not yet added
        shutil.move(old, new)


def _git(*args: str) -> None:
    git(*args)


def _remove_caches(folder: Path) -> None:
    for cache in folder.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --------------------------------------------------------------------------- rewriting


def rules() -> list[tuple[re.Pattern, str]]:
    """(pattern, replacement) pairs from MOVES, longest old names first."""
    pairs = []
    for old, new in sorted(MOVES.items(), key=lambda item: -len(item[0])):
        if is_module(old):
            # tcxd.rules.loader, "tcxd.forms", import tcxd.cli_clerk (not tcxd.rulesx, a.tcxd.x)
            pattern = r"(?<![\w.])" + re.escape(dotted(old)) + r"(?![\w])"
            pairs.append((re.compile(pattern), dotted(new)))
        # src/tcxd/rules/…, tcxd/vocab.yaml, `src/tcxd/cli_clerk.py`
        pattern = r"(?<![\w.-])tcxd/" + re.escape(old) + r"(?![\w-]|\.\w)"
        pairs.append((re.compile(pattern), "tcxd/" + new))
    for old, new in TEST_MOVES.items():
        pairs.append((re.compile(r"(?<![\w./-])" + re.escape(old) + r"(?![\w-]|\.\w)"), new))
    return pairs


def data_rules() -> list[tuple[re.Pattern, str]]:
    """resources.files("tcxd").joinpath("vocab.yaml") → resources.files("tcxd.core")…"""
    pairs = []
    for old, new in MOVES.items():
        if is_module(old):
            continue
        old_package = dotted(str(Path(old).parent)) if "/" in old else "tcxd"
        new_package = dotted(str(Path(new).parent))
        pattern = (
            r"""(files\(\s*["'])"""
            + re.escape(old_package)
            + r"""(["']\s*\)\s*\.joinpath\(\s*["']"""
            + re.escape(Path(old).name)
            + r"""["'])"""
        )
        pairs.append((re.compile(pattern), r"\g<1>" + new_package + r"\g<2>"))
    return pairs


ROOT_IMPORT = re.compile(r"^([ \t]*)from tcxd import (\([^)]*\)|[^\n]*)$", re.MULTILINE)
CLI_IMPORT = re.compile(r"^([ \t]*)from tcxd\.cli import (\([^)]*\)|[^\n]*)$", re.MULTILINE)


def _names(listing: str) -> tuple[list[tuple[str, str | None]], str]:
    """The names of an import's list, each with its alias, and the comment after it."""
    comment = ""
    if "#" in listing and not listing.startswith("("):
        listing, comment = listing.split("#", 1)
        comment = "  #" + comment
    listing = re.sub(r"#[^\n]*", "", listing).strip().strip("()")
    names = []
    for part in listing.replace("\n", " ").split(","):
        words = part.split()
        if not words:
            continue
        names.append((words[0], words[2] if len(words) == 3 and words[1] == "as" else None))
    return names, comment


def _import_lines(indent: str, groups: dict[str, list[str]], comment: str) -> str:
    lines = [f"{indent}from {module} import {', '.join(names)}" for module, names in groups.items()]
    lines[-1] += comment
    return "\n".join(lines)


def rewrite_root_imports(text: str) -> str:
    """`from tcxd import text, vocab, __version__` → one import per package the names are in."""
    moved = {old[:-3] if old.endswith(".py") else old: new for old, new in MOVES.items()}

    def replace(match: re.Match) -> str:
        indent, listing = match.groups()
        names, comment = _names(listing)
        if not any(name in moved for name, _ in names):
            return match.group(0)
        groups: dict[str, list[str]] = {}
        for name, alias in names:
            shown = f"{name} as {alias}" if alias else name
            new = moved.get(name)
            module = dotted(str(Path(new).parent)) if new and "/" in new else "tcxd"
            groups.setdefault(module, []).append(shown)
        return _import_lines(indent, groups, comment)

    return ROOT_IMPORT.sub(replace, text)


def rewrite_cli_imports(text: str) -> str:
    """`from tcxd.cli import _table, app` → `from tcxd.cli.app import titled_table as _table`
    (names the package `tcxd.cli` still exports, like app and main, stay)."""

    def replace(match: re.Match) -> str:
        indent, listing = match.groups()
        names, comment = _names(listing)
        if not any(name in CLI_NAMES for name, _ in names):
            return match.group(0)
        groups: dict[str, list[str]] = {}
        for name, alias in names:
            module, new = CLI_NAMES.get(name, ("tcxd.cli", name))
            shown_as = alias or name
            groups.setdefault(module, []).append(new if new == shown_as else f"{new} as {shown_as}")
        return _import_lines(indent, groups, comment)

    return CLI_IMPORT.sub(replace, text)


def rewrite(text: str) -> str:
    for pattern, replacement in rules() + data_rules():
        text = pattern.sub(replacement, text)
    return rewrite_cli_imports(rewrite_root_imports(text))


def files() -> list[Path]:
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    found = []
    for name in listed:
        path = ROOT / name
        if not name or not path.is_file() or SKIP_PARTS & set(path.parts):
            continue
        if name in EXEMPT or name.startswith("bench/results/"):
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES:
            found.append(path)
    return found


def rewrite_all() -> list[Path]:
    changed = []
    for path in files():
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite(text)
        if new != text:
            path.write_text(new, "utf-8")
            changed.append(path)
    return changed


def tidy(paths: list[Path]) -> None:
    """Sort the rewritten imports and re-wrap lines that grew, as `make format` would."""
    python = [str(p) for p in paths if p.suffix == ".py"]
    ruff = Path(sys.executable).parent / "ruff"
    if not python or not ruff.exists():
        return
    subprocess.run([str(ruff), "check", "-q", "--fix", "--select", "I", *python], cwd=ROOT)
    subprocess.run([str(ruff), "format", "-q", *python], cwd=ROOT)


# --------------------------------------------------------------------------- merge conflicts


def stage(number: int, path: str) -> str | None:
    """The text of a conflicted file at one stage of the index: 1 base, 2 ours, 3 theirs."""
    done = subprocess.run(
        ["git", "show", f":{number}:{path}"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout if done.returncode == 0 else None


def _words(text: str) -> list[str]:
    """The words of a text as a multiset: the same whatever the order of imports (ruff sorts the
    rewritten ones), line wrapping, or the re-wrapping of a comment that grew."""
    return sorted(re.findall(r"[^\s#(),]+", text))


def resolve_conflicts() -> tuple[list[Path], list[str]]:
    """After `git merge structure18` (or any merge of the relayout into work on the old places):
    a conflicted file whose only change on the relayout side is the rewrite of the old names is
    resolved as the other side's file, rewritten. Any other conflict is left for a person."""
    conflicted = git("diff", "--name-only", "--diff-filter=U").split()
    resolved, left = [], []
    for name in conflicted:
        base, ours, theirs = stage(1, name), stage(2, name), stage(3, name)
        if base is None or ours is None or theirs is None:
            left.append(name)
            continue
        relayout_side, other_side = (
            (theirs, ours)
            if _words(rewrite(base)) == _words(theirs)
            else ((ours, theirs) if _words(rewrite(base)) == _words(ours) else (None, None))
        )
        if relayout_side is None or other_side is None:
            left.append(name)
            continue
        (ROOT / name).write_text(rewrite(other_side), "utf-8")
        resolved.append(ROOT / name)
    tidy(resolved)
    for path in resolved:
        _git("add", str(path))
    return resolved, left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rewrite-only", action="store_true", help="rewrite, move nothing")
    parser.add_argument("--check", action="store_true", help="list old references, change nothing")
    parser.add_argument(
        "--resolve",
        action="store_true",
        help="in a merge: resolve the conflicts that are only old names against new ones",
    )
    args = parser.parse_args()
    if args.resolve:
        resolved, left = resolve_conflicts()
        for path in resolved:
            print(f"resolved: {path.relative_to(ROOT)}")
        for name in left:
            print(f"left for you: {name}")
        return 1 if left else 0
    if args.check:
        stale = [
            path for path in files() if rewrite(path.read_text("utf-8")) != path.read_text("utf-8")
        ]
        left = [f"src/tcxd/{old}" for old in MOVES if (PACKAGE / old).exists()]
        left += [old for old in TEST_MOVES if (ROOT / old).exists()]
        for path in stale:
            print(f"old reference: {path.relative_to(ROOT)}")
        for old in left:
            print(f"not moved yet: {old}")
        return 1 if stale or left else 0
    if not args.rewrite_only:
        for line in move_all():
            print(line)
    changed = rewrite_all()
    tidy(changed)
    for path in changed:
        print(f"rewritten: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
