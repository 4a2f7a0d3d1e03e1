"""The steps shared by members and organisations (rules.md), set-based on arrays:

1. not reviewed (decided by the caller: members.py / organizations.py);
2. KHTNV triggers, or "needs a decision" when self-reported and remedied;
3. bands with conditions (`score_bands`) or the decided / proposed level (`decided_or_proposed`);
4. the cap, per pool;
5. the decided level: used when given, the computed one kept beside it, differences flagged.

Levels are ranks inside the engine (1 = HTXSNV … 4 = KHTNV, 0 = none) and codes outside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tcxd.core import vocab
from tcxd.rating import reasons as R
from tcxd.rating.cap import apply_cap
from tcxd.rating.rules.conditions import evaluate, texts
from tcxd.rating.rules.loader import Condition, MemberRules, OrganizationRules, RuleSet
from tcxd.rating.rules.show import percent

MISSING_NOTES = {
    "assume_met": "coi như đạt",
    "flag": "cần cấp có thẩm quyền xem xét",
    "fail": "coi như không đạt",
}
STATUS_RATED, STATUS_NOT_REVIEWED, STATUS_NEEDS_DECISION = "rated", "not_reviewed", "needs_decision"


# Result columns members and organisations share: the decision, then the trail that explains it.
DECISION_COLUMNS = [
    "status",
    "computed_level",
    "decided_level",
    "level",
    "proposed_level",
    "capped",
    "cap_excess",
    "cap_tie",
    "differs",
    "proposed_differs",
    "from_proposal",
    "kht_cause",
    "not_reviewed_cause",
    "needs_decision_cause",
    "assumed_conditions",
    "decided_not_allowed",
]
TRAIL_COLUMNS = [
    "reason",
    "inputs",
    "rule_set",
    "rule_version",
]


@dataclass
class Frame:
    """Normalised inputs of the engine (one array per column, all of length n)."""

    n: int
    score: np.ndarray  # float, NaN = not given
    fields: dict[str, np.ndarray]  # field code -> float (bool 1/0, form rank), NaN = not given
    leader: np.ndarray  # bool
    self_reported: np.ndarray  # bool
    decided: np.ndarray  # int rank, 0 = none
    proposed: np.ndarray  # int rank, 0 = none
    pool: np.ndarray  # object
    outstanding: np.ndarray  # bool
    tie_keys: tuple[np.ndarray, ...]
    not_reviewed: np.ndarray  # bool
    not_reviewed_text: np.ndarray  # object, "" where reviewed
    discipline_on: np.ndarray | None = None  # datetime64, for the reason of the discipline trigger
    who: np.ndarray | None = None  # link subject per row ("đảng viên" / "tổ chức đảng trực thuộc")
    # mitigation of a trigger (self-reported and remedied; force majeure), and how the reason
    # says it; None: the self-report text
    mitigation_text: np.ndarray | None = None
    # the discipline is for a violation of an earlier year or at a previous unit (HD 43), and
    # how the reason says it
    earlier_violation: np.ndarray | None = None
    earlier_violation_text: np.ndarray | None = None
    inputs: list[tuple[str, np.ndarray, str]] = field(default_factory=list)  # for the inputs JSON

    def field(self, name: str) -> np.ndarray:
        values = self.fields.get(name)
        return values if values is not None else np.full(self.n, np.nan)

    def take(self, rows: np.ndarray) -> Frame:
        """The same frame restricted to `rows`."""

        def cut(values):
            return None if values is None else values[rows]

        return Frame(
            n=len(rows),
            score=self.score[rows],
            fields={name: values[rows] for name, values in self.fields.items()},
            leader=self.leader[rows],
            self_reported=self.self_reported[rows],
            decided=self.decided[rows],
            proposed=self.proposed[rows],
            pool=self.pool[rows],
            outstanding=self.outstanding[rows],
            tie_keys=tuple(key[rows] for key in self.tie_keys),
            not_reviewed=self.not_reviewed[rows],
            not_reviewed_text=self.not_reviewed_text[rows],
            discipline_on=cut(self.discipline_on),
            who=cut(self.who),
            mitigation_text=cut(self.mitigation_text),
            earlier_violation=cut(self.earlier_violation),
            earlier_violation_text=cut(self.earlier_violation_text),
            inputs=[(key, values[rows], kind) for key, values, kind in self.inputs],
        )


@dataclass
class Subject:
    """What is rated: members or organisations, and how their reasons name things."""

    pool_label: str
    unit_word: str
    tie_note: str
    proposed_label: str  # "Tự xếp loại / chi bộ đề xuất"


def run(
    frame: Frame, rules: MemberRules | OrganizationRules, ruleset: RuleSet, subject: Subject
) -> dict[str, np.ndarray]:
    """Steps 2–5 on a normalised frame: one array per output column, in the frame's order."""
    n = frame.n
    active = ~frame.not_reviewed

    # ── step 2: triggers ────────────────────────────────────────────────────────────────────────
    fired_any = np.zeros(n, dtype=bool)
    discipline_fired = np.zeros(n, dtype=bool)
    other_fired = np.zeros(n, dtype=bool)
    for cond in rules.triggers:
        fired = _fired(frame, cond) & active
        fired_any |= fired
        if cond.kht_cause == "discipline":
            discipline_fired |= fired
        else:
            other_fired |= fired
    mitigation_rule = (
        rules.self_reported_remedied if isinstance(rules, MemberRules) else rules.mitigation
    )
    mitigated_nd = fired_any & frame.self_reported & (mitigation_rule == "needs_decision")
    # a discipline alone, for a violation of an earlier year or at a previous unit (HD 43)
    earlier_nd = np.zeros(n, dtype=bool)
    if frame.earlier_violation is not None and isinstance(rules, MemberRules):
        earlier_nd = (
            discipline_fired
            & ~other_fired
            & frame.earlier_violation
            & (rules.earlier_or_elsewhere_violation == "needs_decision")
        )
    trigger_nd = mitigated_nd | earlier_nd
    trigger_kht = fired_any & ~trigger_nd

    # ── step 3: bands or decided / proposed ─────────────────────────────────────────────────────
    assumed = np.zeros(n, dtype=np.int64)
    from_proposal = np.zeros(n, dtype=bool)
    if rules.method == "score_bands":
        band = _bands(frame, rules)
        proposal, band_nd_cause, assumed, band_level = (
            band.proposal,
            band.nd_cause,
            band.assumed,
            band.level,
        )
    else:
        decided, proposed = frame.decided, frame.proposed
        proposal = np.where(decided > 0, decided, proposed)
        from_proposal = active & (decided == 0) & (proposed > 0)
        band_level = proposal.copy()
        band_nd_cause = np.full(n, None, dtype=object)
        band_nd_cause[proposal == 0] = "no_level"

    # ── combine steps 1–3 ───────────────────────────────────────────────────────────────────────
    status = np.full(n, STATUS_RATED, dtype=object)
    nd_cause = np.full(n, None, dtype=object)
    computed = np.zeros(n, dtype=np.int64)
    plain = active & ~fired_any
    computed[trigger_kht] = 4
    computed[trigger_nd] = proposal[trigger_nd]
    status[trigger_nd] = STATUS_NEEDS_DECISION
    nd_cause[mitigated_nd] = "self_reported"
    nd_cause[earlier_nd & ~mitigated_nd] = "earlier_violation"
    band_nd = plain & (band_nd_cause != None)  # noqa: E711 (object array)
    status[band_nd] = STATUS_NEEDS_DECISION
    nd_cause[band_nd] = band_nd_cause[band_nd]
    computed[plain] = proposal[plain]
    status[frame.not_reviewed] = STATUS_NOT_REVIEWED
    computed[frame.not_reviewed] = 0
    assumed[~active] = 0
    assumed[trigger_kht] = 0  # a KHTNV by a trigger does not rest on the band's conditions

    # ── step 4: the cap ─────────────────────────────────────────────────────────────────────────
    cap = rules.cap
    counted = status == STATUS_RATED
    result = apply_cap(
        frame.pool,
        computed,
        counted,
        frame.score,
        frame.tie_keys,
        cap.ratio,
        cap.ratio_outstanding,
        frame.outstanding,
        pool_label=subject.pool_label,
        mode=cap.mode,
        unit_word=subject.unit_word,
        tie_note=subject.tie_note,
    )
    capped = np.zeros(n, dtype=bool)
    tie = np.zeros(n, dtype=bool)
    if cap.mode == "enforce":
        capped = result.lowered
        tie = result.tie
        computed[capped] = 2
        status[tie] = STATUS_NEEDS_DECISION
        nd_cause[tie] = "cap_tie"

    # ── step 5: decided level ───────────────────────────────────────────────────────────────────
    decided = frame.decided
    level = np.where(decided > 0, decided, computed)
    level[frame.not_reviewed] = 0
    differs = (decided > 0) & (decided != computed)
    nd_now = status == STATUS_NEEDS_DECISION
    status[nd_now & (decided > 0)] = STATUS_RATED
    # the bands and the cap bind the final result: a decided level is checked too
    below_band, over_cap, final_cap_text = _decided_checks(
        frame, rules, subject, level, status, decided
    )
    not_allowed = np.full(n, None, dtype=object)
    not_allowed[below_band] = "below_band"
    not_allowed[over_cap] = "over_cap"
    not_allowed[below_band & over_cap] = "below_band,over_cap"
    proposed_differs = (frame.proposed > 0) & (computed > 0) & (frame.proposed != computed)

    kht_cause = np.full(n, None, dtype=object)
    is_kht = level == 4
    kht_cause[is_kht] = "other"
    if rules.method == "score_bands":
        kht_cause[is_kht & plain & (band_level == 4)] = "score"
    kht_cause[is_kht & discipline_fired] = "discipline"

    # ── reasons and inputs: built once per distinct combination of what they show ───────────────
    outcome = {
        "trigger_nd": trigger_nd,
        "fired_any": fired_any,
        "proposal": proposal,
        "computed": computed,
        "nd_now": nd_now,
        "cap_text": result.text,
        "differs": differs,
        "proposed_differs": proposed_differs,
        "below_band": below_band,
        "over_cap": over_cap,
        "final_cap_text": final_cap_text,
        "earlier_nd": earlier_nd,
    }
    groups, reps = _distinct(_reason_columns(frame, outcome), n)
    reason = _reasons(frame.take(reps), {k: v[reps] for k, v in outcome.items()}, rules, subject)
    input_groups, input_reps = _distinct([values for _k, values, _kind in frame.inputs], n)
    inputs = R.inputs_json(
        [(key, values[input_reps], kind) for key, values, kind in frame.inputs], len(input_reps)
    )

    codes = R.level_codes()
    return {
        "status": status,
        "computed_level": codes[computed],
        "decided_level": codes[decided],
        "level": codes[level],
        "proposed_level": codes[frame.proposed],
        "capped": capped,
        "cap_excess": result.lowered,
        "cap_tie": tie,
        "differs": differs,
        "proposed_differs": proposed_differs,
        "from_proposal": from_proposal & (decided == 0),
        "kht_cause": kht_cause,
        "needs_decision_cause": nd_cause,
        "assumed_conditions": assumed,
        "decided_not_allowed": not_allowed,
        "reason": reason[groups],
        "inputs": inputs[input_groups],
        "rule_set": np.full(n, ruleset.id, dtype=object),
        "rule_version": np.full(n, ruleset.version, dtype=object),
    }


def _min_scores(rules: MemberRules | OrganizationRules) -> np.ndarray:
    """Minimum score by level rank (0 none, 1 HTXSNV … 4 KHTNV); NaN where there is none."""
    mins = np.full(5, np.nan)
    for rank, level in enumerate(rules.levels, start=1):
        mins[rank] = level.min_score
    return mins


def _decided_checks(
    frame: Frame,
    rules: MemberRules | OrganizationRules,
    subject: Subject,
    level: np.ndarray,
    status: np.ndarray,
    decided: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decided levels the rules would not allow: below the band's minimum score, and HTXSNV
    that takes its pool over the cap once the final levels (decided where given) are counted.
    Returns (below_band, over_cap, the cap's reason text for the flagged rows)."""
    n = frame.n
    below = np.zeros(n, dtype=bool)
    over = np.zeros(n, dtype=bool)
    text = R.empty(n)
    has_decided = decided > 0
    if not has_decided.any():
        return below, over, text
    if rules.method == "score_bands":
        with np.errstate(invalid="ignore"):
            below = has_decided & (frame.score < _min_scores(rules)[decided])
    cap = rules.cap
    final = apply_cap(
        frame.pool,
        level,
        status == STATUS_RATED,
        frame.score,
        frame.tie_keys,
        cap.ratio,
        cap.ratio_outstanding,
        frame.outstanding,
        pool_label=subject.pool_label,
        mode="flag",
        unit_word=subject.unit_word,
    )
    over = (decided == 1) & (final.pool_d > 0) & (status == STATUS_RATED)
    if not over.any():
        return below, over, text
    # the ratio as the reason writes it, of ordinary and of outstanding pools
    ratios = np.array(
        [percent(cap.ratio), percent(cap.ratio_outstanding or cap.ratio)], dtype=object
    )
    R.put(
        text,
        over,
        "theo mức cấp ủy quyết định, ",
        subject.pool_label,
        " có ",
        R.numbers(final.pool_x.astype(float)),
        " HTXSNV và ",
        R.numbers(final.pool_t.astype(float)),
        " HTTNV: vượt tỷ lệ ",
        ratios[frame.outstanding.astype(np.int64)],
        " (tối đa ",
        R.numbers((final.pool_x - final.pool_d).astype(float)),
        ")",
    )
    return below, over, text


def _condition(frame: Frame, cond: Condition) -> tuple[np.ndarray, np.ndarray]:
    """(given, passed) of a band condition. A leaders_only condition (the unit a leader leads)
    does not apply to other members: met, and not counted as assumed."""
    given, passed = evaluate(cond.op, frame.field(cond.field), cond.value)
    if cond.leaders_only:
        others = ~frame.leader
        given, passed = given | others, passed | others
    return given, passed


def _fired(frame: Frame, cond: Condition) -> np.ndarray:
    _given, passed = evaluate(cond.op, frame.field(cond.field), cond.value)
    if cond.leaders_only:
        passed = passed & frame.leader
    return passed


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes of an array's values (missing values get a code too) and their count."""
    if values.dtype.kind == "M":
        values = values.view(np.int64)
    elif values.dtype.kind == "O":
        values = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), max(len(uniques), 1)


def _reason_columns(frame: Frame, outcome: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Everything a reason shows: the inputs the rules read and the outcome of each step."""
    columns = [frame.score, frame.leader, frame.self_reported, frame.decided, frame.proposed]
    columns += list(frame.fields.values())
    columns += [frame.not_reviewed, frame.not_reviewed_text]
    for optional in (
        frame.discipline_on,
        frame.who,
        frame.mitigation_text,
        frame.earlier_violation,
        frame.earlier_violation_text,
    ):
        if optional is not None:
            columns.append(optional)
    return columns + list(outcome.values())


def _distinct(columns: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(group of each row, first row of each group) over the rows' values in `columns`: rows of
    a group get the same texts, so the texts are built once per group."""
    combined = np.zeros(n, dtype=np.int64)
    size = 1
    for column in columns:
        codes, count = _codes(np.asarray(column))
        if count == 1:
            continue
        if size * count >= 2**62:  # compress before the mixed-radix number overflows
            combined, size = _codes(combined)
        combined = combined * count + codes
        size *= count
    reps, groups = np.unique(combined, return_index=True, return_inverse=True)[1:]
    return groups, reps


def _reasons(
    frame: Frame,
    out: dict[str, np.ndarray],
    rules: MemberRules | OrganizationRules,
    subject: Subject,
) -> np.ndarray:
    """The reason of each row of `frame` (the distinct rows)."""
    n = frame.n
    labels = R.level_labels()
    active = ~frame.not_reviewed
    trigger_nd, computed, nd_now = out["trigger_nd"], out["computed"], out["nd_now"]
    decided, proposed = frame.decided, frame.proposed

    trigger_parts = []
    for cond in rules.triggers:
        fired = _fired(frame, cond) & active
        when = frame.discipline_on if cond.field == "discipline_in_period" else None
        trigger_parts.append(R.trigger_texts(cond, frame.field(cond.field), fired, when))
    trigger_part = R.join(trigger_parts, ", ") if trigger_parts else R.empty(n)
    R.put(
        trigger_part,
        trigger_part != "",
        "Căn cứ xếp loại Không hoàn thành nhiệm vụ: ",
        trigger_part,
    )
    earlier = out["earlier_nd"]
    mitigated = trigger_nd & ~earlier
    if frame.mitigation_text is None:
        R.put(
            trigger_part,
            mitigated,
            trigger_part,
            "; đã tự giác nhận khuyết điểm và khắc phục hậu quả",
        )
    else:
        R.put(trigger_part, mitigated, trigger_part, "; ", frame.mitigation_text)
    if frame.earlier_violation_text is not None:
        R.put(trigger_part, earlier, trigger_part, "; ", frame.earlier_violation_text)

    shown = active & (~out["fired_any"] | trigger_nd)
    if rules.method == "score_bands":
        band_parts = _band_texts(frame, rules, out["proposal"], shown)
    else:
        part = R.empty(n)
        from_proposal = (decided == 0) & (proposed > 0)
        R.put(part, shown & (decided > 0), "Cấp ủy quyết định: ", labels[decided])
        R.put(
            part,
            shown & from_proposal,
            subject.proposed_label,
            ": ",
            labels[proposed],
            " (chưa có mức cấp ủy quyết định)",
        )
        R.put(
            part,
            shown & (decided == 0) & (proposed == 0),
            "Không có mức cấp ủy quyết định hoặc mức đề xuất",
        )
        band_parts = [part]

    outcome = R.empty(n)
    R.put(outcome, frame.not_reviewed, vocab.label("result_statuses", "not_reviewed"))
    R.put(outcome, active & ~nd_now, labels[computed])
    R.put(outcome, nd_now, vocab.label("result_statuses", "needs_decision"))
    R.put(outcome, nd_now & (computed > 0), outcome, " (đề xuất: ", labels[computed], ")")
    differs = out["differs"]
    after = R.empty(n)
    R.put(after, decided > 0, "cấp ủy quyết định: ", labels[decided])
    R.put(after, differs & (computed > 0), after, " (khác kết quả tính: ", labels[computed], ")")
    R.put(after, differs & frame.not_reviewed, after, " (không dùng: không thuộc diện xếp loại)")
    mins = _min_scores(rules)
    R.put(
        after,
        out["below_band"],
        after,
        " — cần xem lại: điểm ",
        R.numbers(frame.score),
        " dưới mức tối thiểu ",
        R.numbers(mins[decided]),
        " của mức này",
    )
    R.put(after, out["over_cap"], after, " — cần xem lại: ", out["final_cap_text"])
    if rules.method == "score_bands":
        R.put(
            after,
            proposed > 0,
            after,
            np.where(decided > 0, "; ", "").astype(object),
            subject.proposed_label.lower(),
            ": ",
            labels[proposed],
        )
        R.put(after, out["proposed_differs"], after, " (khác kết quả tính)")
    body = R.join([frame.not_reviewed_text, trigger_part, *band_parts, out["cap_text"]])
    reason = R.join([body, outcome], " → ")
    return R.join([reason, after], "; ")


@dataclass
class Bands:
    level: np.ndarray  # band level (policy applied), 4 when no band is reached
    proposal: np.ndarray  # level given or proposed; 0 when no score
    nd_cause: np.ndarray  # object: None, no_score, condition_failed, missing_condition
    assumed: np.ndarray


def _bands(frame: Frame, rules: MemberRules | OrganizationRules) -> Bands:
    """Step 3: the highest level whose minimum score and conditions are met."""
    n = frame.n
    policy = rules.missing_condition
    score = frame.score
    no_score = np.isnan(score)
    levels = rules.levels
    k = len(levels)
    state: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def check(cond: Condition) -> tuple[np.ndarray, np.ndarray]:
        key = (cond.field, cond.op, cond.value, cond.leaders_only)
        if key not in state:
            state[key] = _condition(frame, cond)
        return state[key]

    with np.errstate(invalid="ignore"):
        score_ok = np.array([score >= rule.min_score for rule in levels]).reshape(k, n)
    ok_eff = score_ok.copy()
    ok_strict = score_ok.copy()
    onfail_ok = score_ok.copy()
    onfail_any = np.zeros((k, n), dtype=bool)
    missing_count = np.zeros((k, n), dtype=np.int64)
    for i, rule in enumerate(levels):
        for cond in rule.conditions:
            given, passed = check(cond)
            lenient = passed | ~given
            effective = passed if policy == "fail" else lenient
            ok_strict[i] &= passed
            ok_eff[i] &= effective
            if cond.on_fail:
                failed = given & ~passed
                onfail_ok[i] &= effective | failed
                onfail_any[i] |= failed
            else:
                onfail_ok[i] &= effective
            missing_count[i] += ~given
    onfail_ok &= onfail_any

    def first(mask: np.ndarray) -> np.ndarray:
        # rank of the first level (1-based) whose mask holds; k + 1 (KHTNV) when none
        out = np.full(n, k + 1, dtype=np.int64)
        for i in range(k - 1, -1, -1):
            out[mask[i]] = i + 1
        return out

    level = first(ok_eff)
    strict = first(ok_strict)
    onfail_rank = first(onfail_ok)
    onfail_nd = onfail_rank < level
    missing_nd = (policy == "flag") & (strict != level) & ~onfail_nd
    proposal = np.where(onfail_nd, onfail_rank, level)
    proposal[no_score] = 0
    level[no_score] = 0
    nd_cause = np.full(n, None, dtype=object)
    nd_cause[missing_nd] = "missing_condition"
    nd_cause[onfail_nd] = "condition_failed"
    nd_cause[no_score] = "no_score"
    assumed = np.zeros(n, dtype=np.int64)
    if policy != "fail":
        for i in range(k):
            at = proposal == i + 1
            assumed[at] = missing_count[i][at]

    return Bands(level=level, proposal=proposal, nd_cause=nd_cause, assumed=assumed)


def _band_texts(
    frame: Frame, rules: MemberRules | OrganizationRules, proposal: np.ndarray, shown: np.ndarray
) -> list[np.ndarray]:
    """Reason parts of step 3: the score against the band, every condition of the level given
    (or proposed) with the member's value, and for each better level the score reaches, the
    conditions that failed."""
    n = frame.n
    policy = rules.missing_condition
    score = frame.score
    no_score = np.isnan(score)
    levels = rules.levels
    k = len(levels)
    with np.errstate(invalid="ignore"):
        score_ok = np.array([score >= level.min_score for level in levels]).reshape(k, n)

    def check(cond: Condition) -> tuple[np.ndarray, np.ndarray]:
        return _condition(frame, cond)

    def first(mask: np.ndarray) -> np.ndarray:
        out = np.full(n, k + 1, dtype=np.int64)
        for i in range(k - 1, -1, -1):
            out[mask[i]] = i + 1
        return out

    shown_score = shown & ~no_score
    parts: list[np.ndarray] = []
    score_text = R.numbers(score)
    part = R.empty(n)
    top = first(score_ok)  # highest level the score alone reaches
    mins = np.array([np.nan] + [lv.min_score for lv in levels] + [levels[-1].min_score])
    min_text = R.numbers(mins)
    reached = shown_score & (top <= k)
    R.put(part, reached, "Điểm ", score_text, "/100 (≥ ", min_text[top], ")")
    R.put(part, shown_score & (top > k), "Điểm ", score_text, "/100 (< ", min_text[k], ")")
    R.put(part, shown & no_score, "Không có điểm đánh giá")
    parts.append(part)
    note = MISSING_NOTES[policy]
    who = frame.who
    for i, lv in enumerate(levels):
        # a better level than the one given, reached by the score but failing a condition
        failing_rows = shown_score & score_ok[i] & (proposal > i + 1)
        if failing_rows.any():
            pieces = []
            for cond in lv.conditions:
                given, passed = check(cond)
                failing = given & ~passed if policy != "fail" else ~passed
                pieces.append(
                    R.condition_texts(
                        cond,
                        frame.field(cond.field),
                        given,
                        passed,
                        failing_rows & failing,
                        missing_note=note,
                        who=who,
                    )
                )
            fail_part = R.empty(n)
            sub = failing_rows
            joined = R.join([p[sub] for p in pieces], ", ")
            fail_part[sub] = f"chưa đạt {lv.code}: " + joined
            parts.append(fail_part)
    for i, lv in enumerate(levels):
        at = shown_score & (proposal == i + 1)
        if not at.any():
            continue
        for cond in lv.conditions:
            given, passed = check(cond)
            applies = at & frame.leader if cond.leaders_only else at
            parts.append(
                R.condition_texts(
                    cond,
                    frame.field(cond.field),
                    given,
                    passed,
                    applies,
                    missing_note=note,
                    who=who,
                )
            )
    return parts


def pool_label(pool: str) -> str:
    return texts()["pools"][pool]
