"""The database schema (SQLModel tables).

Raw facts (what files said) and derived facts (spells, notes, ratings) are kept apart:
`membership` and `history_note` are rebuilt from `membership_event` + `roster_entry` by
`tcxd.db.history`, and ratings by `tcxd.rating.classify`. Every imported row keeps its source
(batch = file, sheet, Excel row number as the clerk sees it).

Bump SCHEMA_VERSION whenever a table changes; opening a database of another version is refused,
except an older one that `tcxd.db.engine.upgrade_schema` knows how to bring up to date in place
(new tables, new nullable columns added in place; in version 3 the reasons and inputs of the
ratings moved, unchanged, into tables of their own: nothing stored is lost).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 3  # 2: period_lock; 3: evaluation inputs of QĐ 366 (leaders, violations…),
# rating reasons and inputs stored once per period


def _now() -> datetime:
    return datetime.now(UTC)


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class Province(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str
    place_name: str | None = None
    issuing_body: str = "BAN TỔ CHỨC"
    preparer_name: str | None = None
    signer_title: str = "T/M BAN THƯỜNG VỤ"
    signer_name: str | None = None
    rules_file: str | None = None
    org_id: int | None = None  # the province's own organisation row
    created_at: datetime = Field(default_factory=_now)


class ImportBatch(SQLModel, table=True):
    """One imported file (or one refused / dry-run attempt when status says so)."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    file_path: str
    sha256: str = Field(index=True)
    kind: str | None = None
    unit_id: int | None = Field(default=None, foreign_key="organization.id")
    as_of: date | None = None
    period_year: int | None = None
    period_quarter: int | None = None
    rows_total: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    warnings: list = Field(default_factory=list, sa_column=Column(JSON))
    status: str = "imported"  # imported | superseded
    imported_at: datetime = Field(default_factory=_now)


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(index=True)
    name_fold: str = Field(index=True)
    code: str | None = Field(default=None, index=True)
    org_type: str  # vocab org_types
    kind_of_place: str | None = None  # vocab kinds_of_place
    founded_on: date | None = None
    dissolved_on: date | None = None
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    source_sheet: str | None = None
    source_row: int | None = None


class OrganizationParent(SQLModel, table=True):
    """The parent of an organisation over [valid_from, valid_to) (NULL = open)."""

    __tablename__ = "organization_parent"
    __table_args__ = (Index("ix_org_parent_parent", "parent_id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    parent_id: int = Field(foreign_key="organization.id")
    valid_from: date | None = None
    valid_to: date | None = None
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")


class Member(SQLModel, table=True):
    """Identity and attributes of a party member (the newest roster wins for attributes)."""

    __table_args__ = (Index("ix_member_name_birth", "name_key", "birth_date"),)

    id: int | None = Field(default=None, primary_key=True)
    card_number: str | None = Field(default=None, unique=True)
    citizen_id: str | None = Field(default=None, index=True)
    profile_number: str | None = None
    full_name: str
    name_key: str = Field(index=True)
    birth_date: date | None = None
    birth_year: int | None = None
    birth_year_only: bool = False
    gender: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    occupation: str | None = None
    school_level: str | None = None
    degree: str | None = None
    theory_level: str | None = None
    youth_union: bool = False
    admitted_on: date | None = None
    official_on: date | None = None
    exempt: bool = False
    exempt_on: date | None = None
    note: str | None = None
    extra: dict = Field(default_factory=dict, sa_column=Column(JSON))
    attributes_as_of: date | None = None  # as-of date of the roster the attributes come from
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    source_sheet: str | None = None
    source_row: int | None = None


class RosterEntry(SQLModel, table=True):
    """A roster said: this member is in this chi bộ on this date."""

    __tablename__ = "roster_entry"
    __table_args__ = (Index("ix_roster_org_asof", "org_id", "as_of"),)
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    org_id: int = Field(foreign_key="organization.id")
    unit_id: int | None = Field(default=None, foreign_key="organization.id")  # the file's unit
    as_of: date
    source_sheet: str | None = None
    source_row: int | None = None


class MembershipEvent(SQLModel, table=True):
    """An event from a changes file (`implied` = false) or inferred from rosters (true)."""

    __tablename__ = "membership_event"
    __table_args__ = (Index("ix_event_member_date", "member_id", "event_on"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str  # vocab change_kinds
    event_on: date
    org_id: int = Field(foreign_key="organization.id")
    scope: str | None = None  # in_province | out_province
    place: str | None = None
    decision: str | None = None
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True)
    source_sheet: str | None = None
    source_row: int | None = None


class Membership(SQLModel, table=True):
    """A spell: member in org over [start_on, end_on) (NULL start = before the records)."""

    __tablename__ = "membership"
    __table_args__ = (
        Index("ix_membership_org", "org_id", "start_on", "end_on"),
        Index("ix_membership_dates", "start_on", "end_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    org_id: int = Field(foreign_key="organization.id")
    start_on: date | None = None
    end_on: date | None = None
    start_kind: str | None = None
    start_scope: str | None = None
    end_kind: str | None = None
    end_scope: str | None = None
    start_event_id: int | None = None
    end_event_id: int | None = None
    implied_start: bool = False
    implied_end: bool = False


class HistoryNote(SQLModel, table=True):
    """Something the history rebuild noticed (contradictions, one-sided transfers…).

    Derived: rebuilt with the spells. `check` is the number of the spec's check (reports.md).
    """

    __tablename__ = "history_note"
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    check: int
    code: str
    on: date | None = None
    org_id: int | None = Field(default=None, foreign_key="organization.id")
    detail: str
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    source_sheet: str | None = None
    source_row: int | None = None


# Evaluation inputs: `quarter` 0 means the whole year.
CONDITION_COLUMNS = (
    "tasks_completed_pct",
    "tasks_on_time",
    "tasks_exceeding_pct",
    "tasks_late_pct",
    "prior_shortcomings_fixed",
    "leader",
    "degradation_concluded",
    "forbidden_acts_violation",
    "example_duty_violation",
    "tasks_not_completed_pct",
    "self_reported_remedied",
    # schema 3 (QĐ 366 Điều 11, HD 43): leaders, violations of an earlier year or another unit
    *(
        "led_unit",
        "led_unit_tasks_completed_pct",
        "led_unit_tasks_on_time",
        "led_unit_tasks_exceeding_pct",
        "led_unit_tasks_late_pct",
        "led_units_kht_share",
        "low_confidence_votes_pct",
        "locality_targets_met",
        "remit_corruption_disciplined",
        "violation_year",
        "violation_unit",
    ),
)
ORG_CONDITION_COLUMNS = (
    "tasks_completed_pct",
    "tasks_on_time",
    "tasks_exceeding_pct",
    "tasks_late_pct",
    "prior_shortcomings_fixed",
    "leadership_member_disciplined",
    "subordinate_unit_disciplined",
    "personnel_wrongdoing_concluded",
    # schema 3: the HTXSNV block apart from the KHTNV trigger, the missing triggers, mitigation
    *(
        "leadership_member_any_discipline",
        "degradation_members_concluded",
        "locality_targets_met",
        "self_reported_remedied",
        "force_majeure",
    ),
)

# What an evaluation gives beside the identity of whom it rates: what classify reads, and what
# an import row must fill to change anything (a pre-filled template's row left as it was).
MEMBER_EVALUATION_COLUMNS = (
    "score",
    "general_score",
    "task_score",
    "discipline",
    "discipline_on",
    "proposed_level",
    "decided_level",
    "exemplary",
    *CONDITION_COLUMNS,
)
ORGANIZATION_EVALUATION_COLUMNS = (
    "score",
    "decided_level",
    "proposed_level",
    "exemplary",
    *ORG_CONDITION_COLUMNS,
)


class _TaskInputs(SQLModel):
    """Evaluation inputs members and organisations share (rules.md): the score, the levels
    proposed and decided, and the task conditions. `quarter` 0 means the whole year."""

    year: int = Field(index=True)
    quarter: int = 0
    score: float | None = None
    proposed_level: str | None = None
    decided_level: str | None = None
    exemplary: bool = False
    tasks_completed_pct: float | None = None
    tasks_on_time: bool | None = None
    tasks_exceeding_pct: float | None = None
    tasks_late_pct: float | None = None
    prior_shortcomings_fixed: bool | None = None
    extra: dict = Field(default_factory=dict, sa_type=JSON)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    source_sheet: str | None = None
    source_row: int | None = None


class MemberEvaluation(_TaskInputs, table=True):
    __tablename__ = "member_evaluation"
    __table_args__ = (UniqueConstraint("member_id", "year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    org_id: int | None = Field(default=None, foreign_key="organization.id")
    general_score: float | None = None
    task_score: float | None = None
    discipline: str | None = None
    discipline_on: date | None = None
    leader: bool | None = None
    degradation_concluded: bool | None = None
    forbidden_acts_violation: bool | None = None
    example_duty_violation: bool | None = None
    tasks_not_completed_pct: float | None = None
    self_reported_remedied: bool | None = None
    # schema 3
    led_unit: str | None = None  # the unit the leader leads, as the file names it
    led_unit_tasks_completed_pct: float | None = None
    led_unit_tasks_on_time: bool | None = None
    led_unit_tasks_exceeding_pct: float | None = None
    led_unit_tasks_late_pct: float | None = None
    led_units_kht_share: float | None = None
    low_confidence_votes_pct: float | None = None
    locality_targets_met: bool | None = None
    remit_corruption_disciplined: bool | None = None
    violation_year: int | None = None
    violation_unit: str | None = None


class OrganizationEvaluation(_TaskInputs, table=True):
    __tablename__ = "organization_evaluation"
    __table_args__ = (UniqueConstraint("org_id", "year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id")
    leadership_member_disciplined: bool | None = None
    subordinate_unit_disciplined: bool | None = None
    personnel_wrongdoing_concluded: bool | None = None
    # schema 3
    leadership_member_any_discipline: bool | None = None
    degradation_members_concluded: bool | None = None
    locality_targets_met: bool | None = None
    self_reported_remedied: bool | None = None
    force_majeure: bool | None = None


class RatingReason(SQLModel, table=True):
    """A rating's reason as shown, stored once per period (year, quarter): the members and
    organisations rated for the same reason share one row (a province of 500,000 members has
    about 48,000 distinct reasons). Written and read by `tcxd.db.rating_texts`."""

    __tablename__ = "rating_reason"
    __table_args__ = (Index("ix_rating_reason_period", "year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    quarter: int = 0
    text: str


class RatingInputs(SQLModel, table=True):
    """The inputs a rating read (one JSON object), stored once per period as `RatingReason`."""

    __tablename__ = "rating_inputs"
    __table_args__ = (Index("ix_rating_inputs_period", "year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    quarter: int = 0
    inputs: dict = Field(default_factory=dict, sa_type=JSON)


class _Result(SQLModel):
    """What classify stores for a member or an organisation (rules.md, docs/rules.md)."""

    year: int = Field(index=True)
    quarter: int = 0
    status: str  # rated | not_reviewed | needs_decision
    level: str | None = None  # what reports use: decided if given, else computed
    computed_level: str | None = None
    decided_level: str | None = None
    proposed_level: str | None = None
    capped: bool = False
    kht_cause: str | None = None
    not_reviewed_cause: str | None = None
    needs_decision_cause: str | None = None
    differs: bool = False  # decided level differs from the computed one
    proposed_differs: bool = False  # self-proposed level differs from the computed one
    from_proposal: bool = False  # qd124: level taken from the proposal, no decision given
    cap_tie: bool = False
    cap_excess: bool = False  # cap in flag mode: would have been lowered
    assumed_conditions: int = 0
    # schema 3: a decided level the rules would not allow ("below_band", "over_cap" or both,
    # comma-separated); listed by check 8 and counted by the XL sheets
    decided_not_allowed: str | None = None
    pool_id: int | None = None
    # the reason as shown and the inputs read, each stored once per period (schema 3)
    reason_id: int | None = Field(default=None, foreign_key="rating_reason.id")
    inputs_id: int | None = Field(default=None, foreign_key="rating_inputs.id")
    rule_set: str
    rule_version: str
    computed_at: datetime = Field(default_factory=_now)


class MemberRating(_Result, table=True):
    __tablename__ = "member_rating"
    __table_args__ = (UniqueConstraint("member_id", "year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    org_id: int | None = Field(default=None, foreign_key="organization.id")


class OrganizationRating(_Result, table=True):
    __tablename__ = "organization_rating"
    __table_args__ = (UniqueConstraint("org_id", "year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id")
    exemplary: bool = False


class PeriodLock(SQLModel, table=True):
    """A closed period of one unit (the province or a district): the figures as sent.

    `figures` is the unit's JSON twin (spec reports.md) computed when the period was locked;
    later imports never change it (docs/lock.md)."""

    __tablename__ = "period_lock"
    __table_args__ = (UniqueConstraint("year", "period_code", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    period_code: str  # periods.CODES
    org_id: int = Field(foreign_key="organization.id")
    level: str  # province | district
    unit_name: str
    figures: dict = Field(default_factory=dict, sa_column=Column(JSON))
    locked_by: str
    locked_at: datetime = Field(default_factory=_now)
