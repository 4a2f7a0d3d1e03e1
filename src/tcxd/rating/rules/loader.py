"""Rule sets as versioned data: load the regime of a rating year, merge a province's file, validate.

A regime file (`qd366-2025.yaml`…) writes every rule value as `{value: X, source: "QĐ 366-QĐ/TW"}`
or `{value: X, default: true}` (our choice where the texts are silent), so that `rules show` can say
where each value comes from. A province file has the same tree, every key optional, and may write a
plain value (`min_score: 85`): it then counts as the province's own. Mappings are merged key by key;
a list (conditions, triggers, `outstanding_units`) is replaced as a whole.

Every problem of a file is reported in Vietnamese with the file name and the key path
(`members.levels.HTXSNV.min_score`) through `RuleFileError`.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tcxd.core import vocab
from tcxd.core.errors import ConfigError
from tcxd.core.text import slug
from tcxd.rating.rules.conditions import KINDS, fields

LEVEL_CODES = vocab.ranked("levels")[:-1]  # the last level is what is left: no threshold
METHODS = ("score_bands", "decided_or_proposed")
MISSING_POLICIES = ("assume_met", "flag", "fail")
RATED_ORG_TYPES = vocab.rated_org_types()
ANNUAL_FROM_QUARTERS = (
    "none",
    "any_kht_quarter_blocks_htxs",
    "any_kht_quarter_needs_decision",
)
TEXTS_FILE = "texts.yaml"


# ── errors ──────────────────────────────────────────────────────────────────────────────────────
class RuleError(ConfigError):
    """Base of the rule errors: a rule file or rule set that cannot be used (a config error);
    `message` is the Vietnamese text."""


class RuleFileError(RuleError):
    """A rule file that cannot be used. `problems` lists (key path or None, Vietnamese text)."""

    def __init__(self, file: str, problems: Sequence[tuple[str | None, str]]):
        self.file = file
        self.problems = list(problems)
        self.key_path = problems[0][0] if problems else None
        lines = [
            f'Tệp quy định "{file}", khóa "{path}": {text}'
            if path
            else f'Tệp quy định "{file}": {text}'
            for path, text in problems
        ]
        super().__init__("\n".join(lines))


class RuleSetNotFoundError(RuleError):
    """No regime applies to the year asked for, or the id asked for is unknown."""


# ── the rule set ────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Provenance:
    source: str | None  # label of a text ("QĐ 366-QĐ/TW"), or None
    default: bool  # our default (texts silent or delegating to provinces)
    file: str  # file the value was read from
    override: bool = False  # set by the province's file


@dataclass(frozen=True)
class Condition:
    """One test: `field op value`. Triggers also carry an id, leaders_only and kht_cause."""

    field: str
    op: str
    value: Any = None
    on_fail: str | None = None  # "needs_decision": failing only this gives "needs a decision"
    id: str = ""
    leaders_only: bool = False
    kht_cause: str = "other"
    path: str = ""  # key path in the rule tree, e.g. "members.levels.HTNV.conditions[1]"


@dataclass(frozen=True)
class LevelRule:
    code: str
    min_score: float
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class CapRule:
    ratio: float
    ratio_outstanding: float | None
    pool: str
    mode: str
    outstanding_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberRules:
    method: str
    exempt: bool
    suspended: bool
    admitted_within_months: int
    triggers: tuple[Condition, ...]
    discipline_duty_related_default: bool
    self_reported_remedied: str
    levels: tuple[LevelRule, ...]
    missing_condition: str
    cap: CapRule
    earlier_or_elsewhere_violation: str = "needs_decision"


@dataclass(frozen=True)
class OrganizationRules:
    method: str
    rated_types: tuple[str, ...]
    founded_within_months: int
    dissolved: bool
    triggers: tuple[Condition, ...]
    levels: tuple[LevelRule, ...]
    missing_condition: str
    member_link_types: tuple[str, ...]
    cap: CapRule
    mitigation: str = "needs_decision"


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    title: str
    applies_to_years: tuple[int, int | None]
    sources: Mapping[str, str]  # label -> full title of the text
    members: MemberRules
    organizations: OrganizationRules
    annual_from_quarters: str
    files: tuple[str, ...]
    provenance: Mapping[str, Provenance] = field(repr=False)
    notes: tuple[str, ...] = ()
    show_quarters: bool = True

    def applies_to(self, year: int) -> bool:
        first, last = self.applies_to_years
        return first <= year and (last is None or year <= last)


# ── schema ──────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Leaf:
    kind: str  # int | number | bool | enum | enum_list | str_list
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    bands_only: bool = False  # required only under method score_bands


@dataclass(frozen=True)
class Conditions:
    subject: str  # members | organizations
    triggers: bool = False
    bands_only: bool = False


@dataclass(frozen=True)
class Section:
    children: dict[str, Any]
    bands_only: bool = False


def _levels(subject: str) -> Section:
    return Section(
        {
            code: Section(
                {
                    "min_score": Leaf("number", 0, 100),
                    "conditions": Conditions(subject),
                }
            )
            for code in LEVEL_CODES
        },
        bands_only=True,
    )


def _cap(pools: tuple[str, ...], outstanding: bool) -> Section:
    children: dict[str, Any] = {
        "ratio": Leaf("number", 0, 1),
        "pool": Leaf("enum", choices=pools),
        "mode": Leaf("enum", choices=("enforce", "flag")),
    }
    if outstanding:
        children["ratio_outstanding"] = Leaf("number", 0, 1)
        children["outstanding_units"] = Leaf("str_list")
    return Section(children)


SCHEMA = Section(
    {
        "members": Section(
            {
                "method": Leaf("enum", choices=METHODS),
                "not_reviewed": Section(
                    {
                        "exempt": Leaf("bool"),
                        "suspended": Leaf("bool"),
                        "admitted_within_months": Leaf("int", 0, 120),
                    }
                ),
                "triggers_khtnv": Conditions("members", triggers=True),
                "discipline_duty_related_default": Leaf("bool"),
                "self_reported_remedied": Leaf("enum", choices=("needs_decision", "ignore")),
                "earlier_or_elsewhere_violation": Leaf("enum", choices=("needs_decision", "khtnv")),
                "levels": _levels("members"),
                "missing_condition": Leaf("enum", choices=MISSING_POLICIES, bands_only=True),
                "cap": _cap(("tccsd", "chi_bo", "district"), outstanding=True),
            }
        ),
        "organizations": Section(
            {
                "method": Leaf("enum", choices=METHODS),
                "rated_types": Leaf("enum_list", choices=RATED_ORG_TYPES),
                "not_reviewed": Section(
                    {
                        "founded_within_months": Leaf("int", 0, 120),
                        "dissolved": Leaf("bool"),
                    }
                ),
                "triggers_khtnv": Conditions("organizations", triggers=True),
                "mitigation": Leaf("enum", choices=("needs_decision", "ignore")),
                "levels": _levels("organizations"),
                "missing_condition": Leaf("enum", choices=MISSING_POLICIES, bands_only=True),
                "member_link_types": Leaf("enum_list", choices=RATED_ORG_TYPES),
                "cap": _cap(("superior_same_type",), outstanding=False),
            }
        ),
        "quarterly": Section(
            {
                "show_quarters": Leaf("bool"),
                "annual_from_quarters": Leaf("enum", choices=ANNUAL_FROM_QUARTERS),
            }
        ),
    }
)
REGIME_META = ("id", "version", "title", "applies_to_years", "sources")
OVERRIDE_META = ("name", "version", "rule_set", "sources")
WRAPPER_KEYS = ("value", "source", "default", "note")
CONDITION_KEYS = ("field", "op", "value", "on_fail", "leaders_only", "source", "default", "note")
TRIGGER_KEYS = (
    "id",
    "field",
    "op",
    "value",
    "leaders_only",
    "kht_cause",
    "source",
    "default",
    "note",
)


# ── reading and validating one file ─────────────────────────────────────────────────────────────
@dataclass
class _FileTree:
    name: str  # file name as shown in messages
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # leaf path -> value
    provenance: dict[str, Provenance] = field(default_factory=dict)
    problems: list[tuple[str | None, str]] = field(default_factory=list)


def _read_yaml(path: Path, name: str) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise RuleFileError(name, [(None, "không tìm thấy tệp")]) from None
    except UnicodeDecodeError:
        raise RuleFileError(name, [(None, "tệp không ở mã UTF-8")]) from None
    except OSError as error:
        raise RuleFileError(name, [(None, f"không đọc được tệp ({error.strerror})")]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (dòng {mark.line + 1}, cột {mark.column + 1})" if mark else ""
        raise RuleFileError(name, [(None, f"không đọc được nội dung YAML{where}")]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RuleFileError(name, [(None, "nội dung phải là một bảng khóa: giá trị (mapping)")])
    return raw


def _show(value: Any) -> str:
    return "null" if value is None else str(value)


def _check_leaf(spec: Leaf, value: Any, path: str, tree: _FileTree) -> Any:
    """Return the normalised value, or record a problem and return None."""
    bad = tree.problems.append
    if spec.kind == "bool":
        if not isinstance(value, bool):
            bad((path, f'giá trị "{_show(value)}" phải là true hoặc false'))
            return None
        return value
    if spec.kind in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            what = "số nguyên" if spec.kind == "int" else "số"
            bad((path, f'giá trị "{_show(value)}" phải là {what}'))
            return None
        if spec.kind == "int" and not float(value).is_integer():
            bad((path, f'giá trị "{_show(value)}" phải là số nguyên'))
            return None
        if (spec.min is not None and value < spec.min) or (
            spec.max is not None and value > spec.max
        ):
            bad(
                (
                    path,
                    f"giá trị {_fmt(value)} nằm ngoài khoảng cho phép "
                    f"{_fmt(spec.min)}–{_fmt(spec.max)}",
                )
            )
            return None
        return int(value) if spec.kind == "int" else float(value)
    if spec.kind == "enum":
        if value not in spec.choices:
            bad((path, f'giá trị "{_show(value)}" phải là một trong: {", ".join(spec.choices)}'))
            return None
        return value
    if spec.kind in ("enum_list", "str_list"):
        if not isinstance(value, list):
            bad((path, "giá trị phải là một danh sách"))
            return None
        out = []
        for index, item in enumerate(value):
            if spec.kind == "enum_list" and item not in spec.choices:
                bad(
                    (
                        f"{path}[{index}]",
                        f'giá trị "{_show(item)}" phải là một trong: {", ".join(spec.choices)}',
                    )
                )
            elif spec.kind == "str_list" and not isinstance(item, (str, int)):
                bad((f"{path}[{index}]", f'giá trị "{_show(item)}" phải là tên hoặc mã đơn vị'))
            else:
                out.append(str(item))
        return tuple(out)
    raise AssertionError(spec.kind)


def _fmt(number: float | None) -> str:
    if number is None:
        return "…"
    return (f"{number:g}").replace(".", ",")


def _provenance(
    node: dict[str, Any], path: str, tree: _FileTree, sources: Mapping[str, str], regime: bool
) -> Provenance | None:
    source = node.get("source")
    default = node.get("default", False)
    ok = True
    if source is not None and (not isinstance(source, str) or source not in sources):
        known = ", ".join(sources) or "(trống)"
        tree.problems.append(
            (f"{path}.source", f'nguồn "{_show(source)}" không có trong mục "sources" ({known})')
        )
        ok = False
    if not isinstance(default, bool):
        tree.problems.append(
            (f"{path}.default", f'giá trị "{_show(default)}" phải là true hoặc false')
        )
        ok = False
    if "note" in node and not isinstance(node["note"], str):
        tree.problems.append((f"{path}.note", "ghi chú phải là một đoạn văn bản"))
    if regime and ok and source is None and not default:
        tree.problems.append(
            (
                path,
                'thiếu nguồn: ghi "source" (văn bản quy định) hoặc "default: true" '
                "(mặc định của tcxd)",
            )
        )
        ok = False
    if not ok:
        return None
    return Provenance(source=source, default=default, file=tree.name, override=not regime)


def _walk(
    spec: Any,
    node: Any,
    path: str,
    tree: _FileTree,
    sources: Mapping[str, str],
    regime: bool,
    method: str | None,
) -> None:
    if isinstance(spec, Section):
        if not isinstance(node, dict):
            tree.problems.append((path, "phải là một bảng khóa: giá trị (mapping)"))
            return
        for key in node:
            if key not in spec.children:
                tree.problems.append(
                    (
                        f"{path}.{key}" if path else str(key),
                        f"khóa không hợp lệ (các khóa dùng được ở đây: {', '.join(spec.children)})",
                    )
                )
        # the method of this section decides what is required
        section_method = method
        if "method" in spec.children:
            wrapped = node.get("method")
            section_method = wrapped.get("value") if isinstance(wrapped, dict) else wrapped
        for key, child in spec.children.items():
            child_path = f"{path}.{key}" if path else key
            if key in node:
                _walk(child, node[key], child_path, tree, sources, regime, section_method)
            elif regime and not (child.bands_only and section_method != "score_bands"):
                tree.problems.append((child_path, "thiếu khóa bắt buộc"))
        return
    # a leaf or a condition list, possibly wrapped as {value:, source:, default:}
    prov: Provenance | None
    if isinstance(node, dict):
        unknown = [key for key in node if key not in WRAPPER_KEYS]
        if unknown or "value" not in node:
            tree.problems.append(
                (
                    path,
                    'phải là một giá trị, hoặc {value: …, source: "…"} / {value: …, default: true}',
                )
            )
            return
        prov = _provenance(node, path, tree, sources, regime)
        value = node["value"]
    elif isinstance(spec, Conditions):  # a plain list: each item carries its own provenance
        prov = Provenance(source=None, default=False, file=tree.name, override=not regime)
        value = node
    else:
        if regime:
            tree.problems.append(
                (
                    path,
                    'thiếu nguồn: viết {value: …, source: "…"} hoặc {value: …, default: true}',
                )
            )
            return
        prov = Provenance(source=None, default=False, file=tree.name, override=True)
        value = node
    if isinstance(spec, Conditions):
        checked = _check_conditions(spec, value, path, tree, sources, regime)
    else:
        checked = _check_leaf(spec, value, path, tree)
    if checked is not None and prov is not None:
        tree.values[path] = checked
        tree.provenance[path] = prov


def _check_conditions(
    spec: Conditions,
    items: Any,
    path: str,
    tree: _FileTree,
    sources: Mapping[str, str],
    regime: bool,
) -> tuple[Condition, ...] | None:
    if not isinstance(items, list):
        tree.problems.append((path, "phải là một danh sách điều kiện"))
        return None
    before = len(tree.problems)
    allowed = TRIGGER_KEYS if spec.triggers else CONDITION_KEYS
    known_fields = fields()
    out: list[Condition] = []
    seen_ids: set[str] = set()
    for index, item in enumerate(items):
        at = f"{path}[{index}]"
        if not isinstance(item, dict):
            tree.problems.append((at, "mỗi điều kiện phải là một bảng {field: …, op: …, value: …}"))
            continue
        for key in item:
            if key not in allowed:
                tree.problems.append(
                    (
                        f"{at}.{key}",
                        f"khóa không hợp lệ (các khóa dùng được ở đây: {', '.join(allowed)})",
                    )
                )
        name = item.get("field")
        info = known_fields.get(name) if isinstance(name, str) else None
        if (
            not isinstance(name, str)
            or info is None
            or info["subject"] not in ("both", spec.subject)
        ):
            usable = [f for f, i in known_fields.items() if i["subject"] in ("both", spec.subject)]
            tree.problems.append(
                (
                    f"{at}.field",
                    f'trường "{_show(name)}" không dùng được (dùng được: {", ".join(usable)})',
                )
            )
            continue
        op = item.get("op")
        if op is True:  # YAML reads `op: true` as a boolean
            op = "is_true"
        elif op is False:
            op = "is_false"
        kind = KINDS.get(op) if isinstance(op, str) else None
        if not isinstance(op, str) or kind is None or info["kind"] not in kind.field_kinds:
            usable = [k for k, v in KINDS.items() if info["kind"] in v.field_kinds]
            tree.problems.append(
                (
                    f"{at}.op",
                    f'phép so sánh "{_show(op)}" không dùng được cho trường {name} '
                    f"(dùng được: {', '.join(usable)})",
                )
            )
            continue
        value = item.get("value")
        if kind.value_kind == "number":
            limits = (0, 100) if info["kind"] in ("pct", "score") else (None, None)
            value = _check_leaf(Leaf("number", *limits), value, f"{at}.value", tree)
            if value is None:
                continue
        elif kind.value_kind == "form":
            forms = vocab.codes("discipline_forms")
            if value not in forms:
                tree.problems.append(
                    (
                        f"{at}.value",
                        f'giá trị "{_show(value)}" phải là một trong: {", ".join(forms)}',
                    )
                )
                continue
        elif "value" in item:
            tree.problems.append((f"{at}.value", f'phép so sánh "{op}" không nhận giá trị'))
            continue
        on_fail = item.get("on_fail")
        if isinstance(on_fail, dict):  # {value: needs_decision, default: true}
            if set(on_fail) - set(WRAPPER_KEYS) or "value" not in on_fail:
                tree.problems.append(
                    (f"{at}.on_fail", "phải là needs_decision hoặc {value: …, default: true}")
                )
                continue
            on_fail_prov = _provenance(on_fail, f"{at}.on_fail", tree, sources, regime)
            if on_fail_prov is None:
                continue
            tree.provenance[f"{at}.on_fail"] = on_fail_prov
            on_fail = on_fail["value"]
        if on_fail is not None and on_fail != "needs_decision":
            tree.problems.append(
                (f"{at}.on_fail", f'giá trị "{_show(on_fail)}" phải là needs_decision')
            )
            continue
        leaders_only = item.get("leaders_only", False)
        if not isinstance(leaders_only, bool):
            tree.problems.append(
                (f"{at}.leaders_only", f'giá trị "{_show(leaders_only)}" phải là true hoặc false')
            )
            continue
        kht_cause = item.get("kht_cause", "other")
        if kht_cause not in ("discipline", "other"):
            tree.problems.append(
                (f"{at}.kht_cause", f'giá trị "{_show(kht_cause)}" phải là discipline hoặc other')
            )
            continue
        ident = item.get("id", name)
        if not isinstance(ident, str) or ident in seen_ids:
            tree.problems.append(
                (f"{at}.id", f'mã "{_show(ident)}" phải là văn bản và không trùng')
            )
            continue
        seen_ids.add(ident)
        prov = _provenance(item, at, tree, sources, regime)
        if prov is None:
            continue
        tree.provenance[at] = prov
        out.append(
            Condition(
                field=name,
                op=op,
                value=value,
                on_fail=on_fail,
                id=ident,
                leaders_only=leaders_only,
                kht_cause=kht_cause,
                path=at,
            )
        )
    if len(tree.problems) > before:
        return None
    return tuple(out)


def _check_meta(tree: _FileTree, regime: bool) -> dict[str, str]:
    raw = tree.raw
    meta = REGIME_META if regime else OVERRIDE_META
    allowed = (*meta, *SCHEMA.children)
    for key in raw:
        if key not in allowed:
            tree.problems.append(
                (str(key), f"khóa không hợp lệ (các khóa dùng được ở đây: {', '.join(allowed)})")
            )
    sources = raw.get("sources", {})
    if not isinstance(sources, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
    ):
        tree.problems.append(("sources", 'phải là bảng "nhãn văn bản": "tên đầy đủ của văn bản"'))
        sources = {}
    if regime:
        for key in REGIME_META:
            if key not in raw:
                tree.problems.append((key, "thiếu khóa bắt buộc"))
        if "id" in raw and not isinstance(raw["id"], str):
            tree.problems.append(("id", "mã bộ quy định phải là văn bản"))
        if "title" in raw and not isinstance(raw["title"], str):
            tree.problems.append(("title", "tên bộ quy định phải là văn bản"))
        years = raw.get("applies_to_years")
        if "applies_to_years" in raw and not (
            isinstance(years, list)
            and len(years) == 2
            and isinstance(years[0], int)
            and not isinstance(years[0], bool)
            and (years[1] is None or (isinstance(years[1], int) and years[1] >= years[0]))
        ):
            tree.problems.append(
                ("applies_to_years", "phải là [năm đầu, năm cuối] (năm cuối có thể là null)")
            )
    else:
        for key in ("name", "rule_set"):
            if key in raw and not isinstance(raw[key], str):
                tree.problems.append((key, "phải là văn bản"))
    if "version" in raw and (
        isinstance(raw["version"], bool) or not isinstance(raw["version"], (int, str))
    ):
        tree.problems.append(("version", "phiên bản phải là số hoặc văn bản"))
    return sources


def _validate(tree: _FileTree, regime: bool, base_sources: Mapping[str, str] | None = None) -> None:
    own_sources = _check_meta(tree, regime)
    sources = {**(base_sources or {}), **own_sources}
    body = {key: value for key, value in tree.raw.items() if key in SCHEMA.children}
    _walk(SCHEMA, body, "", tree, sources, regime, None)
    if regime and not tree.problems:
        tree.problems.extend(_merged_problems(tree.values, set()))


def _merged_problems(values: dict[str, Any], overridden: set[str]) -> list[tuple[str, str]]:
    """Checks across keys, on the merged values: what the method needs is there, and levels need
    strictly decreasing minimum scores. The path named is the province's where it set one."""
    problems: list[tuple[str, str]] = []
    for section in ("members", "organizations"):
        if values.get(f"{section}.method") == "score_bands":
            needed = [f"{section}.missing_condition"] + [
                f"{section}.levels.{code}.{key}"
                for code in LEVEL_CODES
                for key in ("min_score", "conditions")
            ]
            for path in needed:
                if path not in values:
                    problems.append((path, "thiếu khóa bắt buộc khi method là score_bands"))
            if problems:
                continue
        paths = [f"{section}.levels.{code}.min_score" for code in LEVEL_CODES]
        for upper_path, lower_path in itertools.pairwise(paths):
            upper, lower = values.get(upper_path), values.get(lower_path)
            if upper is not None and lower is not None and lower >= upper:
                path = upper_path if upper_path in overridden else lower_path
                problems.append(
                    (
                        path,
                        f"điểm tối thiểu {_fmt(lower)} của {lower_path.split('.')[-2]} phải nhỏ "
                        f"hơn điểm tối thiểu {_fmt(upper)} của {upper_path.split('.')[-2]}",
                    )
                )
    return problems


# ── regimes ─────────────────────────────────────────────────────────────────────────────────────
def _regime_files() -> list[tuple[str, Path]]:
    folder = resources.files("tcxd.rating.rules")
    out = []
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml") and entry.name != TEXTS_FILE:
            out.append((entry.name, Path(str(entry))))
    return sorted(out)


def _load_regime(name: str, path: Path) -> _FileTree:
    tree = _FileTree(name=name, raw=_read_yaml(path, name))
    _validate(tree, regime=True)
    if tree.problems:
        raise RuleFileError(name, tree.problems)
    return tree


def regimes() -> list[RuleSet]:
    """Every regime shipped with tcxd, oldest first."""
    sets = [_build(_load_regime(name, path), None) for name, path in _regime_files()]
    return sorted(sets, key=lambda rs: rs.applies_to_years[0])


def load_rules(
    year: int | None = None,
    *,
    rule_set: str | None = None,
    override: str | Path | None = None,
    regime_file: str | Path | None = None,
) -> RuleSet:
    """The rule set in force for a rating year (or the regime `rule_set`, or the file
    `regime_file`), with the province's file `override` merged in."""
    if regime_file is not None:
        path = Path(regime_file)
        base = _load_regime(path.name, path)
    else:
        chosen = []
        for name, path in _regime_files():
            tree = _load_regime(name, path)
            if rule_set is not None:
                if tree.raw["id"] == rule_set:
                    chosen.append(tree)
            elif year is not None:
                first, last = tree.raw["applies_to_years"]
                if first <= year and (last is None or year <= last):
                    chosen.append(tree)
        if not chosen:
            if rule_set is not None:
                known = ", ".join(rs.id for rs in regimes())
                raise RuleSetNotFoundError(f'Không có bộ quy định "{rule_set}" (có: {known}).')
            if year is None:
                raise RuleSetNotFoundError("Cần cho biết năm xếp loại hoặc mã bộ quy định.")
            spans = "; ".join(f"{rs.id}: {_span(rs.applies_to_years)}" for rs in regimes())
            raise RuleSetNotFoundError(
                f"Không có bộ quy định xếp loại nào áp dụng cho năm {year} ({spans})."
            )
        if len(chosen) > 1:
            names = ", ".join(tree.name for tree in chosen)
            raise RuleSetNotFoundError(
                f"Có nhiều bộ quy định cùng áp dụng cho năm {year}: {names}."
            )
        base = chosen[0]
    if override is None:
        return _build(base, None)
    path = Path(override)
    tree = _FileTree(name=path.name, raw=_read_yaml(path, path.name))
    _validate(tree, regime=False, base_sources=base.raw.get("sources", {}))
    if tree.problems:
        raise RuleFileError(tree.name, tree.problems)
    return _build(base, tree, path.read_bytes())


def _span(years: tuple[int, int | None]) -> str:
    first, last = years
    return f"từ năm {first}" if last is None else f"năm {first}–{last}"


def _build(base: _FileTree, override: _FileTree | None, override_bytes: bytes = b"") -> RuleSet:
    values = dict(base.values)
    provenance = dict(base.provenance)
    sources = dict(base.raw["sources"])
    version = str(base.raw["version"])
    files = [base.name]
    notes: list[str] = []
    if override is not None:
        target = override.raw.get("rule_set")
        if target is not None and target != base.raw["id"]:
            notes.append(
                f'Tệp "{override.name}" dành cho bộ quy định {target}, không áp dụng cho '
                f"{base.raw['id']}."
            )
        else:
            for path, value in override.values.items():
                # replacing a list drops the provenance of the items of the old list
                for old in [p for p in provenance if p.startswith(path + "[")]:
                    del provenance[old]
                values[path] = value
            provenance.update(override.provenance)
            sources.update(override.raw.get("sources", {}))
            files.append(override.name)
            label = slug(str(override.raw.get("name") or Path(override.name).stem))
            own = override.raw.get("version")
            if own is None:
                own = hashlib.sha256(override_bytes).hexdigest()[:8]
            version = f"{version}+{label}.{own}"
            problems = _merged_problems(values, set(override.values))
            if problems:
                raise RuleFileError(override.name, problems)
    years = base.raw["applies_to_years"]
    return RuleSet(
        id=base.raw["id"],
        version=version,
        title=base.raw["title"],
        applies_to_years=(years[0], years[1]),
        sources=sources,
        members=_member_rules(values),
        organizations=_organization_rules(values),
        annual_from_quarters=values["quarterly.annual_from_quarters"],
        show_quarters=values.get("quarterly.show_quarters", True),
        files=tuple(files),
        provenance=provenance,
        notes=tuple(notes),
    )


def _level_rules(values: dict[str, Any], section: str) -> tuple[LevelRule, ...]:
    if values[f"{section}.method"] != "score_bands":
        return ()
    return tuple(
        LevelRule(
            code=code,
            min_score=values[f"{section}.levels.{code}.min_score"],
            conditions=values[f"{section}.levels.{code}.conditions"],
        )
        for code in LEVEL_CODES
    )


def _cap_rule(v: dict[str, Any], section: str, **only_members: Any) -> CapRule:
    """The HTXSNV cap of a section (members also have the outstanding units' own ratio)."""
    return CapRule(
        ratio=v[f"{section}.cap.ratio"],
        pool=v[f"{section}.cap.pool"],
        mode=v[f"{section}.cap.mode"],
        **only_members,
    )


def _member_rules(v: dict[str, Any]) -> MemberRules:
    return MemberRules(
        method=v["members.method"],
        exempt=v["members.not_reviewed.exempt"],
        suspended=v["members.not_reviewed.suspended"],
        admitted_within_months=v["members.not_reviewed.admitted_within_months"],
        triggers=v["members.triggers_khtnv"],
        discipline_duty_related_default=v["members.discipline_duty_related_default"],
        self_reported_remedied=v["members.self_reported_remedied"],
        levels=_level_rules(v, "members"),
        missing_condition=v.get("members.missing_condition", "assume_met"),
        earlier_or_elsewhere_violation=v["members.earlier_or_elsewhere_violation"],
        cap=_cap_rule(
            v,
            "members",
            ratio_outstanding=v["members.cap.ratio_outstanding"],
            outstanding_units=v["members.cap.outstanding_units"],
        ),
    )


def _organization_rules(v: dict[str, Any]) -> OrganizationRules:
    return OrganizationRules(
        method=v["organizations.method"],
        rated_types=v["organizations.rated_types"],
        founded_within_months=v["organizations.not_reviewed.founded_within_months"],
        dissolved=v["organizations.not_reviewed.dissolved"],
        triggers=v["organizations.triggers_khtnv"],
        levels=_level_rules(v, "organizations"),
        missing_condition=v.get("organizations.missing_condition", "assume_met"),
        member_link_types=v["organizations.member_link_types"],
        mitigation=v["organizations.mitigation"],
        cap=_cap_rule(v, "organizations", ratio_outstanding=None),
    )
