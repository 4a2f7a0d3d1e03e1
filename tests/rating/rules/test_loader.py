"""Rule files: regimes by year, the province's override, validation with the key path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcxd.rating.rules import RuleFileError, RuleSetNotFoundError, load_rules, regimes
from tcxd.rating.rules.loader import SCHEMA, Conditions, Leaf, Section


@pytest.mark.parametrize(
    ("year", "regime"),
    [(2023, "qd124-2023"), (2024, "qd124-2023"), (2025, "qd366-2025"), (2040, "qd366-2025")],
)
def test_regime_by_rating_year(year, regime):
    rules = load_rules(year)
    assert rules.id == regime
    assert rules.applies_to(year)
    assert rules.version == "1"


def test_no_regime_before_2023():
    with pytest.raises(RuleSetNotFoundError, match="năm 2022"):
        load_rules(2022)


def test_regime_by_id():
    assert load_rules(rule_set="qd124-2023").id == "qd124-2023"
    with pytest.raises(RuleSetNotFoundError, match="qd999"):
        load_rules(rule_set="qd999")


def test_regimes_do_not_overlap():
    spans = [r.applies_to_years for r in regimes()]
    assert spans == [(2023, 2024), (2025, None)]


def test_qd366_values():
    rules = load_rules(2025)
    m = rules.members
    assert [lv.min_score for lv in m.levels] == [90, 70, 50]
    assert (m.exempt, m.suspended, m.admitted_within_months) == (True, True, 6)
    assert (m.cap.ratio, m.cap.ratio_outstanding, m.cap.pool, m.cap.mode) == (
        0.2,
        0.25,
        "tccsd",
        "enforce",
    )
    assert m.missing_condition == "assume_met"
    assert [t.id for t in m.triggers] == [
        "discipline",
        "degradation",
        "forbidden_acts",
        "example_duty",
        "tasks_not_completed",
        "led_unit_tasks",
        "led_units_kht",
        "low_confidence",
        "locality_targets",
        "remit_corruption",
    ]
    assert rules.annual_from_quarters == "none"
    assert rules.organizations.founded_within_months == 6
    assert set(rules.sources) == {
        "QĐ 366-QĐ/TW",
        "QĐ 366-QĐ/TW Điều 5",
        "QĐ 366-QĐ/TW Điều 11",
        "QĐ 366-QĐ/TW Điều 15",
        "HD 43-HD/BTCTW",
        "HD 2019",
    }


def _leaf_paths(spec, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for key, child in spec.children.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(child, Section):
            out += _leaf_paths(child, path)
        else:
            out.append((path, child))
    return out


LEAVES = _leaf_paths(SCHEMA)


@pytest.mark.parametrize("year", [2024, 2025])
def test_every_value_says_where_it_comes_from(year):
    rules = load_rules(year)
    for path, prov in rules.provenance.items():
        if "[" in path and not path.endswith("]") and not path.endswith(".on_fail"):
            continue
        is_list = any(path == leaf and isinstance(spec, Conditions) for leaf, spec in LEAVES)
        assert is_list or prov.source or prov.default, path
    # every condition of every list has its own provenance
    for section in (rules.members, rules.organizations):
        for cond in section.triggers + tuple(c for lv in section.levels for c in lv.conditions):
            prov = rules.provenance[cond.path]
            assert prov.source or prov.default, cond.path


def write(tmp_path: Path, text: str, name: str = "tinh.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_override_any_value(tmp_path):
    path = write(
        tmp_path,
        "name: Tỉnh ủy Bình Minh\nversion: 3\n"
        "members:\n"
        "  levels:\n    HTXSNV: {min_score: 85}\n"
        "  missing_condition: flag\n"
        "  cap:\n    outstanding_units: [T01, 42]\n"
        "organizations:\n  cap: {mode: flag}\n"
        "quarterly:\n  annual_from_quarters: any_kht_quarter_blocks_htxs\n",
    )
    rules = load_rules(2025, override=path)
    assert rules.members.levels[0].min_score == 85
    assert rules.members.levels[1].min_score == 70  # merged, not replaced
    assert rules.members.missing_condition == "flag"
    assert rules.members.cap.outstanding_units == ("T01", "42")
    assert rules.members.cap.ratio == 0.2
    assert rules.organizations.cap.mode == "flag"
    assert rules.annual_from_quarters == "any_kht_quarter_blocks_htxs"
    assert rules.version == "1+tinh-uy-binh-minh.3"
    assert rules.files == ("qd366-2025.yaml", "tinh.yaml")
    prov = rules.provenance["members.levels.HTXSNV.min_score"]
    assert prov.override and prov.file == "tinh.yaml"
    assert not rules.provenance["members.levels.HTTNV.min_score"].override


def test_override_replaces_a_list_whole(tmp_path):
    path = write(
        tmp_path,
        "members:\n  levels:\n    HTXSNV:\n      conditions:\n"
        "        - {field: tasks_exceeding_pct, op: ge, value: 50}\n",
    )
    rules = load_rules(2025, override=path)
    (cond,) = rules.members.levels[0].conditions
    assert (cond.field, cond.op, cond.value) == ("tasks_exceeding_pct", "ge", 50)
    assert rules.provenance[cond.path].override
    assert "members.levels.HTXSNV.conditions[3]" not in rules.provenance


def test_override_version_without_one_is_a_content_hash(tmp_path):
    path = write(tmp_path, "members:\n  cap: {ratio: 0.15}\n")
    version = load_rules(2025, override=path).version
    assert version.startswith("1+tinh.") and len(version) == len("1+tinh.") + 8
    assert load_rules(2025, override=path).version == version


def test_override_for_another_regime_is_not_applied(tmp_path):
    path = write(tmp_path, "rule_set: qd366-2025\nmembers:\n  cap: {ratio: 0.15}\n")
    assert load_rules(2025, override=path).members.cap.ratio == 0.15
    older = load_rules(2024, override=path)
    assert older.members.cap.ratio == 0.2
    assert older.notes and "qd366-2025" in older.notes[0]


def test_override_may_cite_its_own_sources(tmp_path):
    path = write(
        tmp_path,
        'sources: {"HD 05-HD/TU": "Hướng dẫn 05 của Tỉnh ủy"}\n'
        'members:\n  cap:\n    ratio: {value: 0.15, source: "HD 05-HD/TU"}\n',
    )
    rules = load_rules(2025, override=path)
    prov = rules.provenance["members.cap.ratio"]
    assert (prov.source, prov.override) == ("HD 05-HD/TU", True)


COND = "members:\n  levels:\n    HTXSNV:\n      conditions: "
TRIG = "members:\n  triggers_khtnv: "
NOT_REVIEWED = "members:\n  not_reviewed: "
DUP = "{field: degradation_concluded, op: is_true}"
BAD_FILES = [
    (
        "members:\n  levels:\n    HTXSNV: {min_score: abc}\n",
        "members.levels.HTXSNV.min_score",
        "phải là số",
    ),
    (
        "members:\n  levels:\n    HTXSNV: {min_score: 120}\n",
        "members.levels.HTXSNV.min_score",
        "ngoài khoảng",
    ),
    (
        "members:\n  levels:\n    HTXSNV: {min_score: -1}\n",
        "members.levels.HTXSNV.min_score",
        "ngoài khoảng",
    ),
    (
        "members:\n  levels:\n    HTXSNV: {min_scor: 80}\n",
        "members.levels.HTXSNV.min_scor",
        "khóa không hợp lệ",
    ),
    (
        "members:\n  levels:\n    HTXS: {min_score: 80}\n",
        "members.levels.HTXS",
        "khóa không hợp lệ",
    ),
    (
        "members:\n  levels:\n    HTTNV: {min_score: 95}\n",
        "members.levels.HTTNV.min_score",
        "phải nhỏ hơn",
    ),
    (
        "members:\n  levels:\n    HTXSNV: {min_score: 65}\n",
        "members.levels.HTXSNV.min_score",
        "phải nhỏ hơn",
    ),
    ("members:\n  cap: {ratio: 1.5}\n", "members.cap.ratio", "ngoài khoảng"),
    ("members:\n  cap: {ratio: '20%'}\n", "members.cap.ratio", "phải là số"),
    ("members:\n  cap: {mode: strict}\n", "members.cap.mode", "enforce, flag"),
    ("members:\n  cap: {pool: ward}\n", "members.cap.pool", "tccsd, chi_bo, district"),
    ("members:\n  cap: {outstanding_units: T01}\n", "members.cap.outstanding_units", "danh sách"),
    ("members:\n  missing_condition: maybe\n", "members.missing_condition", "assume_met"),
    (
        NOT_REVIEWED + "{admitted_within_months: 6.5}\n",
        "members.not_reviewed.admitted_within_months",
        "số nguyên",
    ),
    (
        NOT_REVIEWED + "{exempt: 'có'}\n",
        "members.not_reviewed.exempt",
        "true hoặc false",
    ),
    (
        COND + "[{field: nope, op: ge, value: 1}]\n",
        "members.levels.HTXSNV.conditions[0].field",
        "không dùng được",
    ),
    (
        COND + "[{field: link_kht_pct, op: ge, value: 1}]\n",
        "members.levels.HTXSNV.conditions[0].field",
        "không dùng được",
    ),
    (
        COND + "[{field: tasks_on_time, op: ge, value: 1}]\n",
        "members.levels.HTXSNV.conditions[0].op",
        "is_true",
    ),
    (
        COND + "[{field: tasks_late_pct, op: about, value: 1}]\n",
        "members.levels.HTXSNV.conditions[0].op",
        "không dùng được",
    ),
    (
        COND + "[{field: tasks_late_pct, op: le}]\n",
        "members.levels.HTXSNV.conditions[0].value",
        "phải là số",
    ),
    (
        COND + "[{field: tasks_late_pct, op: le, value: 150}]\n",
        "members.levels.HTXSNV.conditions[0].value",
        "ngoài khoảng",
    ),
    (
        COND + "[{field: tasks_on_time, op: is_true, value: 1}]\n",
        "members.levels.HTXSNV.conditions[0].value",
        "không nhận giá trị",
    ),
    (
        COND + "[{field: tasks_late_pct, op: le, value: 1, when: x}]\n",
        "members.levels.HTXSNV.conditions[0].when",
        "khóa không hợp lệ",
    ),
    (
        COND + "{field: tasks_late_pct}\n",
        "members.levels.HTXSNV.conditions",
        "giá trị",
    ),
    (
        TRIG + "[{field: discipline_in_period, op: form_at_least, value: phat}]\n",
        "members.triggers_khtnv[0].value",
        "khien_trach",
    ),
    (
        TRIG + "[{field: degradation_concluded, op: is_true, kht_cause: x}]\n",
        "members.triggers_khtnv[0].kht_cause",
        "discipline hoặc other",
    ),
    (
        TRIG + f"[{DUP}, {DUP}]\n",
        "members.triggers_khtnv[1].id",
        "không trùng",
    ),
    (
        "members:\n  cap:\n    ratio: {value: 0.1, source: 'QĐ 999'}\n",
        "members.cap.ratio.source",
        "không có trong mục",
    ),
    ("members:\n  cap:\n    ratio: {valeur: 0.1}\n", "members.cap.ratio", "{value: …"),
    (
        "organizations:\n  rated_types: [chi_bo_co_so, ward]\n",
        "organizations.rated_types[1]",
        "phải là một trong",
    ),
    (
        "organizations:\n  cap: {ratio_outstanding: 0.25}\n",
        "organizations.cap.ratio_outstanding",
        "khóa không hợp lệ",
    ),
    ("quarterly:\n  annual_from_quarters: sometimes\n", "quarterly.annual_from_quarters", "none"),
    ("foo: 1\n", "foo", "khóa không hợp lệ"),
    ("members: [1, 2]\n", "members", "mapping"),
    ("version: [1]\n", "version", "phiên bản"),
]


@pytest.mark.parametrize(("text", "path", "words"), BAD_FILES)
def test_bad_province_file_names_file_and_key(tmp_path, text, path, words):
    with pytest.raises(RuleFileError) as caught:
        load_rules(2025, override=write(tmp_path, text))
    error = caught.value
    assert error.file == "tinh.yaml"
    assert error.key_path == path
    message = str(error)
    assert message.startswith(f'Tệp quy định "tinh.yaml", khóa "{path}": ')
    assert words in message


def test_all_problems_of_a_file_are_listed(tmp_path):
    text = "members:\n  cap: {ratio: 2, mode: x}\n  missing_condition: y\n"
    with pytest.raises(RuleFileError) as caught:
        load_rules(2025, override=write(tmp_path, text))
    paths = [path for path, _ in caught.value.problems]
    assert paths == ["members.missing_condition", "members.cap.ratio", "members.cap.mode"]
    assert str(caught.value).count("tinh.yaml") == 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("members: {cap: [}\n", "không đọc được nội dung YAML (dòng 1"),
        ("- 1\n- 2\n", "mapping"),
    ],
)
def test_unreadable_file(tmp_path, text, words):
    with pytest.raises(RuleFileError, match=r"tinh\.yaml") as caught:
        load_rules(2025, override=write(tmp_path, text))
    assert words in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(RuleFileError, match="không tìm thấy tệp"):
        load_rules(2025, override=tmp_path / "khong-co.yaml")


def test_empty_override_changes_nothing_but_the_version(tmp_path):
    rules = load_rules(2025, override=write(tmp_path, ""))
    assert rules.members == load_rules(2025).members


def regime_text() -> str:
    return resources.files("tcxd.rating.rules").joinpath("qd366-2025.yaml").read_text("utf-8")


def test_regime_file_needs_a_source_for_every_value(tmp_path):
    text = regime_text().replace("mode: {value: enforce, default: true}", "mode: enforce", 1)
    with pytest.raises(RuleFileError) as caught:
        load_rules(regime_file=write(tmp_path, text, "qd-test.yaml"))
    assert caught.value.key_path == "members.cap.mode"
    assert "thiếu nguồn" in str(caught.value)


def test_regime_file_needs_every_key(tmp_path):
    data = yaml.safe_load(regime_text())
    del data["members"]["cap"]["ratio"]
    path = tmp_path / "qd-test.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(regime_file=path)
    assert caught.value.key_path == "members.cap.ratio"
    assert "thiếu khóa bắt buộc" in str(caught.value)


def test_a_new_regime_is_a_data_file(tmp_path):
    data = yaml.safe_load(regime_text())
    data["id"], data["version"] = "qd999-2030", 2
    data["members"]["levels"]["HTXSNV"]["min_score"] = {"value": 95, "default": True}
    path = tmp_path / "qd999-2030.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rules = load_rules(regime_file=path)
    assert (rules.id, rules.version, rules.members.levels[0].min_score) == ("qd999-2030", "2", 95)


# hypothesis: any leaf given a value of the wrong type is refused, naming its path
WRONG = {
    "int": ["six", 6.5, True, [6]],
    "number": ["abc", True, [1], {"a": 1}],
    "bool": ["yes", 1, [True]],
    "enum": ["no-such-choice", 3, True],
    "enum_list": ["chi_bo_co_so", [["x"]], ["no-such-type"]],
    "str_list": ["T01", [[1]], [{"a": 1}]],
}
SIMPLE_LEAVES = [(path, spec) for path, spec in LEAVES if isinstance(spec, Leaf)]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(leaf=st.sampled_from(SIMPLE_LEAVES), data=st.data())
def test_loader_rejects_a_wrong_value_anywhere_with_its_path(tmp_path, leaf, data):
    path, spec = leaf
    value = data.draw(st.sampled_from(WRONG[spec.kind]))
    tree: dict = {}
    node = tree
    keys = path.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    file = tmp_path / "prop.yaml"
    file.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(2025, override=file)
    assert caught.value.key_path is not None
    assert caught.value.key_path.startswith(path)
    assert f'khóa "{caught.value.key_path}"' in str(caught.value)
    assert "prop.yaml" in str(caught.value)
