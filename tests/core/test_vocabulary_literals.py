"""Domain words live in the data files, once (docs/vocabulary.md). Like sqlite-utils failing a
command that has no docs, this fails when code in src/:
- writes a code literal that is not in vocab.yaml (a comparison with an org type, level, change
  kind…, or a `vocab.label("…", "…")` call): a misspelt or retired code;
- restates a set that vocab.yaml keeps (the TCCSĐ types, the committee types, the levels in order,
  all the codes of a vocabulary…) instead of asking `tcxd.core.vocab` for it;
- restates the Vietnamese label of a code (vocab.yaml) or of a row of Biểu 1 (bieu1.yaml).

The sample generator (src/tcxd/sample/) is left out of the last two: it writes what clerks write and
keeps its own truth, independently of what tcxd reads, so that the bench tests the reader.
"""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import tcxd
from tcxd.core import vocab
from tcxd.reports.forms import load_form

SRC = Path(tcxd.__file__).parent
INDEPENDENT = ("sample/",)

# Names of columns and attributes that hold a code of a vocabulary.
FIELD_VOCABULARIES = {
    "org_type": "org_types",
    "parent_type": "org_types",
    "kind_of_place": "kinds_of_place",
    "computed_level": "levels",
    "decided_level": "levels",
    "proposed_level": "levels",
    "start_kind": "change_kinds",
    "end_kind": "change_kinds",
    "start_scope": "transfer_scopes",
    "end_scope": "transfer_scopes",
    "gender": "genders",
}
# `tcxd.core.vocab` functions whose first argument names a vocabulary and second (if any) a code.
VOCAB_CALLS = {"label", "label_in_sentence", "codes", "code_of", "nearest", "ranked", "rank"}
CODE_CALLS = {"label", "label_in_sentence", "rank", "at_least"}

# Words that look like a label but are something else (file: text → why).
NOT_LABELS = {
    ("reports/layout.py", "đảng bộ tỉnh"): "a prefix of a committee's name, before a place name",
    ("workflow/templates.py", "Miễn sinh hoạt"): "the header of the exempt-mark column",
    ("workflow/diff.py", "Miễn sinh hoạt"): "the header of the exempt-mark column",
}
# Lists left for their owner to replace (named in the report of the branch that added this test).
KNOWN_LISTS = {
    # the order in which the kinds of a file's sheets are written (organisations first)
    (
        "importing/context.py",
        ("organizations", "members", "changes", "member_evaluations", "organization_evaluations"),
    ),
}


def _codes(vocabulary: str) -> set[str]:
    return set(vocab.codes(vocabulary))


def _named_sets() -> dict[frozenset[str], str]:
    """The sets of codes vocab.yaml keeps (a Python list equal to one restates it)."""
    sets = {
        vocab.tccsd_types(): "vocab.tccsd_types()",
        vocab.committee_types(): "vocab.committee_types()",
        vocab.branch_types(): "vocab.branch_types()",
        vocab.rated_org_types(): "vocab.rated_org_types()",
        vocab.org_types_in_tiers(3, 4): "vocab.org_types_in_tiers(3, 4)",
    }
    for level in vocab.ranked("levels")[1:]:
        sets[vocab.at_least("levels", level)] = f'vocab.at_least("levels", "{level}")'
    for name in vocab.vocabularies():
        sets[tuple(vocab.codes(name))] = f'vocab.codes("{name}")'
    return {frozenset(codes): accessor for codes, accessor in sets.items()}


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _labels() -> dict[str, str]:
    """Labels of two words or more (one word, "Nam", "Xã", is too common to tell) → whose."""
    labels = {}
    named = [
        (f"{name}.{code}", entry["label"])
        for name, entries in vocab.vocabularies().items()
        for code, entry in entries.items()
    ]
    named += [(f"bieu1.{r.code}", r.label) for r in load_form("bieu1").rows if r.code]
    for whose, label in named:
        if len(label.split()) >= 2:
            labels[_norm(label)] = whose
            labels[_norm(label[:1].lower() + label[1:])] = whose
    return labels


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return []


def _field(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value if isinstance(node.slice.value, str) else None
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _unpacked(tree: ast.AST) -> set[int]:
    """Tuples assigned to as many names (`A, B = "a", "b"`): each code named once, not a list."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple)
    }


def _sources() -> list[tuple[str, ast.AST]]:
    return [
        (path.relative_to(SRC).as_posix(), ast.parse(path.read_text("utf-8")))
        for path in sorted(SRC.rglob("*.py"))
    ]


def _unknown_codes(where: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        pairs: list[tuple[str | None, ast.AST]] = []
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            pairs = [(_field(a), b) for a in sides for b in sides if a is not b]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "isin":
            pairs = [(_field(node.func.value), arg) for arg in node.args]
        for field, other in pairs:
            vocabulary = FIELD_VOCABULARIES.get(field or "")
            for value in _strings(other) if vocabulary else []:
                if value not in _codes(vocabulary):
                    found.append(f'{where}:{node.lineno}: {field} "{value}" ∉ {vocabulary}')
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = _strings(node.args[0]) if isinstance(node.args[0], ast.Constant) else []
            if name in VOCAB_CALLS | CODE_CALLS and first:
                if first[0] not in vocab.vocabularies():
                    found.append(f'{where}:{node.lineno}: no vocabulary "{first[0]}"')
                elif name in CODE_CALLS and len(node.args) > 1:
                    code = _strings(node.args[1]) if isinstance(node.args[1], ast.Constant) else []
                    if code and code[0] not in _codes(first[0]):
                        found.append(f'{where}:{node.lineno}: "{code[0]}" ∉ {first[0]}')
    return found


def test_every_code_literal_in_the_code_is_in_the_vocabulary():
    assert [hit for where, tree in _sources() for hit in _unknown_codes(where, tree)] == []


def test_no_set_of_codes_that_vocab_yaml_keeps_is_restated_in_python():
    named = _named_sets()
    found = []
    for where, tree in _sources():
        if where.startswith(INDEPENDENT):
            continue
        unpacked = _unpacked(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Tuple | ast.List | ast.Set) or id(node) in unpacked:
                continue
            values = _strings(node)
            if len(values) < 2 or len(values) != len(node.elts):
                continue
            accessor = named.get(frozenset(values))
            if accessor and (where, tuple(values)) not in KNOWN_LISTS:
                found.append(f"{where}:{node.lineno}: {values} is {accessor}")
    assert found == []


def test_no_vietnamese_label_of_a_code_is_restated_in_python():
    labels = _labels()
    found = []
    for where, tree in _sources():
        if where.startswith(INDEPENDENT):
            continue
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            whose = labels.get(_norm(node.value))
            if whose and id(node) not in docstrings and (where, node.value) not in NOT_LABELS:
                found.append(f'{where}:{node.lineno}: "{node.value}" is the label of {whose}')
    assert found == []


def test_the_scan_sees_what_it_must_refuse():
    """The three rules catch a misspelt code, a restated TCCSĐ pair and a restated label."""
    bad = ast.parse(
        'ok = org["org_type"] == "dang_bo_co_s"\n'
        'pair = ("dang_bo_co_so", "chi_bo_co_so")\n'
        'what = "Hoàn thành tốt nhiệm vụ"\n'
    )
    assert _unknown_codes("x.py", bad) == ['x.py:1: org_type "dang_bo_co_s" ∉ org_types']
    assert _named_sets()[frozenset(("chi_bo_co_so", "dang_bo_co_so"))] == "vocab.tccsd_types()"
    assert _labels()["Hoàn thành tốt nhiệm vụ"] == "levels.HTTNV"


def test_ranks_are_the_order_of_the_levels():
    """The engine indexes levels by rank (1 = best): ranks must be 1…n without gaps."""
    for name in ("levels", "discipline_forms"):
        ranks = [vocab.rank(name, code) for code in vocab.ranked(name)]
        assert ranks == list(range(1, len(ranks) + 1))


def test_every_org_type_has_a_tier_and_its_children_are_org_types():
    org_types = vocab.vocabularies()["org_types"]
    for code, entry in org_types.items():
        assert entry["tier"] in (1, 2, 3, 4), code
        for child in (*entry.get("children", ()), *entry.get("may_hold", ())):
            assert child in org_types and org_types[child]["tier"] >= entry["tier"], (code, child)


ENTRY_KEYS = {
    "label", "aliases", "phrases", "effect", "rank", "short", "form_key",
    "tier", "committee", "children", "may_hold",
}  # fmt: skip


def test_every_entry_of_vocab_yaml_has_known_keys_and_a_label():
    """A comma in an unquoted label of a YAML flow mapping makes a key of the rest of it."""
    for name, entries in vocab.vocabularies().items():
        for code, entry in entries.items():
            assert set(entry) <= ENTRY_KEYS, (name, code, set(entry) - ENTRY_KEYS)
            assert isinstance(entry["label"], str) and entry["label"], (name, code)
