"""`tcxd rules show`: the rule set in force as rows (section, item, value, source), in Vietnamese.

The source column names the text a value comes from, "(mặc định của tcxd)" for our defaults and
"Tệp của tỉnh: FILE" for a value set by the province's file. `tcxd.cli.classify` renders the
rows as a table.
"""

from __future__ import annotations

from collections.abc import Mapping

from tcxd.core import vocab
from tcxd.rating.rules.conditions import KINDS, fields, texts
from tcxd.rating.rules.loader import Condition, LevelRule, Provenance, RuleSet

DEFAULT_MARK = "(mặc định của tcxd)"

Row = tuple[str, str, str, str]


def number(value: float) -> str:
    """Vietnamese number: 92.5 -> "92,5", 90.0 -> "90"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent(ratio: float) -> str:
    return f"{number(ratio * 100)}%"


def source_text(prov: Provenance | None) -> str:
    if prov is None:
        return ""
    if prov.override:
        own = f"Tệp của tỉnh: {prov.file}"
        return f"{prov.source} ({own})" if prov.source else own
    if prov.default:
        return f"{prov.source} {DEFAULT_MARK}" if prov.source else DEFAULT_MARK
    return prov.source or ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_text(name: str, who: str | None = None) -> str:
    text = fields()[name]["text"]
    if "{who}" in text:
        text = text.replace("{who}", who or "đảng viên / tổ chức đảng trực thuộc")
    return text


def test_text(cond: Condition) -> str:
    """How a condition's test reads: "≥ 100%", "có", "từ Khiển trách trở lên"…"""
    kind = KINDS[cond.op]
    info = fields()[cond.field]
    if cond.op == "is_true":
        return "có"
    if cond.op == "is_false":
        return "không"
    if cond.op == "present":
        return "bất kỳ hình thức nào"
    if cond.op == "form_at_least":
        return f"từ {vocab.label('discipline_forms', cond.value)} trở lên"
    unit = "%" if info["kind"] == "pct" else ""
    return f"{kind.symbol} {number(cond.value)}{unit}"


def _value(group: str, code: str) -> str:
    return texts()["values"][group][code]


def _level_name(code: str) -> str:
    return f"{vocab.label('levels', code)} ({code})"


def describe(ruleset: RuleSet) -> list[Row]:
    """Every value of the rule set as (section, item, value, source) rows."""
    prov = ruleset.provenance
    rows: list[Row] = []

    def add(section: str, item: str, value: str, path: str | None = None) -> None:
        rows.append((section, item, value, source_text(prov.get(path)) if path else ""))

    head = "Bộ quy định"
    add(head, "Mã", ruleset.id)
    add(head, "Phiên bản", ruleset.version)
    add(head, "Tên", ruleset.title)
    first, last = ruleset.applies_to_years
    add(head, "Năm xếp loại áp dụng", f"từ {first}" if last is None else f"{first}–{last}")
    add(head, "Tệp", ", ".join(ruleset.files))
    for label, title in ruleset.sources.items():
        add(head, f"Văn bản {label}", title)
    for note in ruleset.notes:
        add(head, "Lưu ý", note)

    m = ruleset.members
    sec = "Đảng viên – cách xếp loại"
    add(sec, "Cách xác định mức", _value("method", m.method), "members.method")
    sec = "Đảng viên – không đánh giá, xếp loại"
    add(
        sec,
        "Đảng viên được miễn công tác và sinh hoạt đảng",
        vocab.label_in_sentence("result_statuses", "not_reviewed") if m.exempt else "vẫn xếp loại",
        "members.not_reviewed.exempt",
    )
    add(
        sec,
        "Đảng viên bị đình chỉ sinh hoạt đảng",
        vocab.label_in_sentence("result_statuses", "not_reviewed")
        if m.suspended
        else "vẫn xếp loại",
        "members.not_reviewed.suspended",
    )
    add(
        sec,
        "Đảng viên mới kết nạp chưa đủ thời gian tính đến ngày xếp loại",
        f"{m.admitted_within_months} tháng",
        "members.not_reviewed.admitted_within_months",
    )
    sec = "Đảng viên – căn cứ xếp loại Không hoàn thành nhiệm vụ"
    _triggers(rows, sec, m.triggers, prov, leaders_note=True)
    add(
        sec,
        "Kỷ luật được coi là do vi phạm chức trách, nhiệm vụ khi tệp không ghi rõ",
        "có" if m.discipline_duty_related_default else "không",
        "members.discipline_duty_related_default",
    )
    add(
        sec,
        "Đã tự giác nhận khuyết điểm và khắc phục hậu quả",
        _value("self_reported_remedied", m.self_reported_remedied),
        "members.self_reported_remedied",
    )
    add(
        sec,
        "Vi phạm từ năm trước hoặc ở đơn vị cũ, nay mới bị kỷ luật",
        _value("earlier_or_elsewhere_violation", m.earlier_or_elsewhere_violation),
        "members.earlier_or_elsewhere_violation",
    )
    _levels(rows, "Đảng viên", m.levels, prov, "members", m.missing_condition)
    sec = "Đảng viên – tỷ lệ Hoàn thành xuất sắc nhiệm vụ"
    add(sec, "Tối đa so với số Hoàn thành tốt nhiệm vụ", percent(m.cap.ratio), "members.cap.ratio")
    if m.cap.ratio_outstanding is not None:
        add(
            sec,
            "Tối đa ở đơn vị được công nhận tiêu biểu, xuất sắc",
            percent(m.cap.ratio_outstanding),
            "members.cap.ratio_outstanding",
        )
    add(sec, "Phạm vi tính tỷ lệ", texts()["pools"][m.cap.pool], "members.cap.pool")
    add(sec, "Cách áp dụng", _value("cap_mode", m.cap.mode), "members.cap.mode")
    add(
        sec,
        "Đơn vị được công nhận tiêu biểu, xuất sắc",
        ", ".join(m.cap.outstanding_units) or "(không có)",
        "members.cap.outstanding_units",
    )

    o = ruleset.organizations
    sec = "Tổ chức đảng – cách xếp loại"
    add(sec, "Cách xác định mức", _value("method", o.method), "organizations.method")
    add(
        sec,
        "Loại tổ chức được xếp loại",
        ", ".join(vocab.label("org_types", t) for t in o.rated_types),
        "organizations.rated_types",
    )
    sec = "Tổ chức đảng – không xếp loại"
    add(
        sec,
        "Thành lập chưa đủ thời gian tính đến ngày xếp loại",
        f"{o.founded_within_months} tháng",
        "organizations.not_reviewed.founded_within_months",
    )
    add(
        sec,
        "Đã giải thể trước ngày xếp loại",
        "không xếp loại" if o.dissolved else "vẫn xếp loại",
        "organizations.not_reviewed.dissolved",
    )
    sec = "Tổ chức đảng – căn cứ xếp loại Không hoàn thành nhiệm vụ"
    if o.triggers:
        _triggers(rows, sec, o.triggers, prov, leaders_note=False)
    else:
        add(sec, "Căn cứ", "(không có)", "organizations.triggers_khtnv")
    add(
        sec,
        "Tập thể tự phát hiện, khắc phục, hoặc do nguyên nhân bất khả kháng",
        _value("mitigation", o.mitigation),
        "organizations.mitigation",
    )
    _levels(rows, "Tổ chức đảng", o.levels, prov, "organizations", o.missing_condition)
    add(
        "Tổ chức đảng – liên hệ với kết quả xếp loại",
        "Loại tổ chức tính theo đảng viên (các loại khác tính theo tổ chức đảng trực thuộc; "
        "tỷ lệ đảng viên Không hoàn thành nhiệm vụ tính trên mọi đảng viên của tổ chức)",
        ", ".join(vocab.label("org_types", t) for t in o.member_link_types),
        "organizations.member_link_types",
    )
    sec = "Tổ chức đảng – tỷ lệ Hoàn thành xuất sắc nhiệm vụ"
    add(
        sec,
        "Tối đa so với số Hoàn thành tốt nhiệm vụ",
        percent(o.cap.ratio),
        "organizations.cap.ratio",
    )
    add(sec, "Phạm vi tính tỷ lệ", texts()["pools"][o.cap.pool], "organizations.cap.pool")
    add(
        sec,
        "Cách áp dụng",
        _value("cap_mode_organizations", o.cap.mode),
        "organizations.cap.mode",
    )

    add(
        "Xếp loại theo quý",
        "Lý do xếp loại năm nêu kết quả các quý",
        "có" if ruleset.show_quarters else "không",
        "quarterly.show_quarters",
    )
    add(
        "Xếp loại theo quý",
        "Liên hệ kết quả các quý với kết quả năm",
        _value("annual_from_quarters", ruleset.annual_from_quarters),
        "quarterly.annual_from_quarters",
    )
    rows.extend(_tally(rows))
    return rows


def _tally(rows: list[Row]) -> list[Row]:
    """How many values are the texts', how many tcxd's defaults and how many the province's."""
    sources = [source for _s, _i, _v, source in rows if source]
    province = sum(1 for source in sources if source.startswith("Tệp của tỉnh") or "(Tệp" in source)
    ours = sum(1 for source in sources if DEFAULT_MARK in source)
    texts_ = len(sources) - province - ours
    return [
        (
            "Nguồn các giá trị",
            "Theo văn bản / mặc định của tcxd / do tỉnh quy định",
            f"{texts_} / {ours} / {province}",
            "",
        )
    ]


def _triggers(
    rows: list[Row],
    section: str,
    triggers: tuple[Condition, ...],
    prov: Mapping[str, Provenance],
    leaders_note: bool,
) -> None:
    for cond in triggers:
        value = test_text(cond)
        if leaders_note and cond.leaders_only:
            value += " (đối với đảng viên giữ chức vụ lãnh đạo, quản lý)"
        rows.append(
            (section, _capital(field_text(cond.field)), value, source_text(prov.get(cond.path)))
        )


def _levels(
    rows: list[Row],
    who: str,
    levels: tuple[LevelRule, ...],
    prov: Mapping[str, Provenance],
    section_key: str,
    missing_condition: str,
) -> None:
    """The levels' bands and conditions, then what a condition the file gives no figure for
    counts as (members and organisations alike)."""
    for level in levels:
        sec = f"{who} – mức {_level_name(level.code)}"
        path = f"{section_key}.levels.{level.code}"
        rows.append(
            (
                sec,
                "Điểm tối thiểu",
                number(level.min_score),
                source_text(prov.get(f"{path}.min_score")),
            )
        )
        for cond in level.conditions:
            subject = "đảng viên" if section_key == "members" else None
            value = test_text(cond)
            if cond.leaders_only:
                value += " (đối với đảng viên giữ chức vụ lãnh đạo, quản lý)"
            rows.append(
                (
                    sec,
                    _capital(field_text(cond.field, subject)),
                    value,
                    source_text(prov.get(cond.path)),
                )
            )
            if cond.on_fail:
                rows.append(
                    (
                        sec,
                        f"Nếu chỉ không đạt điều kiện “{field_text(cond.field)} {test_text(cond)}”",
                        _value("on_fail", cond.on_fail),
                        source_text(prov.get(f"{cond.path}.on_fail") or prov.get(cond.path)),
                    )
                )
    if levels:
        rows.append(
            (
                f"{who} – điều kiện không có số liệu",
                "Điều kiện mà tệp không cho số liệu",
                _value("missing_condition", missing_condition),
                source_text(prov.get(f"{section_key}.missing_condition")),
            )
        )
