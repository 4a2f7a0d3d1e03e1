"""Rating outcomes of 2025, decided first, then the evaluation inputs that lead to them.

The generator chooses each member's and organisation's outcome, then writes inputs that give
that outcome under regime qd366-2025 of spec/rules.md (score bands 90/70/50, conditions,
triggers, not reviewed, the 20 % cap per TCCSĐ). The cap is applied here by the generator's own
arithmetic; the organisations' outcomes are chosen so that neither the link to members nor the
organisation cap changes them (docs/sample.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tcxd.sample.dates import H1_END, NONE, Y_END, Y_START
from tcxd.sample.world import HT, HTT, HTXS, KHT, DistrictFile, PoolFile, Rng, World

# member outcome kinds (what the generator decides; step 3 level in brackets)
OUTCOMES = {
    "HTXS": HTXS,
    "HTT_a": HTT,  # score 70..89.9
    "HTT_b": HTT,  # score >= 90 but an HTXS condition fails
    "HT_a": HT,  # score 50..69.9
    "HT_b": HT,  # score >= 70 but late (<= 20 %)
    "KHT_score_a": KHT,  # score < 50
    "KHT_score_b": KHT,  # score >= 50 but tasks not all done
    "KHT_disc": KHT,  # disciplined in 2025
    "KHT_other": KHT,  # degradation / forbidden acts / example duty / > 50 % not done
    "ND_remedied": -1,  # a trigger, self-reported and remedied: needs a decision
    "ND_late": -1,  # 100 % done, > 20 % late, no trigger: needs a decision
    # leaders (QĐ 366 Điều 11) and a violation of an earlier year (HD 43)
    "HT_led": HT,  # a leader with score >= 90 whose unit did 75–99 % of its tasks
    "KHT_led": KHT,  # a leader with more than 50 % low-confidence votes
    "ND_earlier": -1,  # disciplined in 2025 for a violation of 2024: needs a decision
}
LEADER_COLUMNS = {
    "leader",
    "led_unit",
    "led_unit_tasks_completed_pct",
    "led_unit_tasks_on_time",
    "led_unit_tasks_exceeding_pct",
    "led_unit_tasks_late_pct",
}

MEMBER_COLUMNS = {
    "basic": ["score", "discipline"],
    "scores": ["score", "general_score", "task_score", "discipline"],
    "full": [
        "score",
        "general_score",
        "task_score",
        "tasks_completed_pct",
        "tasks_on_time",
        "tasks_exceeding_pct",
        "tasks_late_pct",
        "prior_shortcomings_fixed",
        "discipline",
    ],
}


def cap_lowered(x: int, t: int) -> int:
    """Fewest d with x - d <= 0.2 * (t + d), in integers: 5(x - d) <= t + d."""
    return max(0, -(-(5 * x - t) // 6))


def _general(score: int, noise: int) -> int:
    """General-criteria part (<= 30 points) of a score in tenths; the task part (<= 70) is the
    rest."""
    g = round(score * 0.3 / 10.0) * 10 + noise * 10
    return int(np.clip(g, max(0, score - 700), min(300, score)))


def rate_members(world: World, rng) -> tuple[pd.DataFrame, dict[int, PoolFile]]:
    m = world.members
    orgs = world.orgs
    tccsd_of = orgs["tccsd"].to_numpy()
    on = m.index[m["final_org"].to_numpy() >= 0].to_numpy()
    df = pd.DataFrame(index=on)
    df["org"] = m.loc[on, "final_org"].to_numpy()
    df["tccsd"] = tccsd_of[df["org"].to_numpy()]
    exempt = (m.loc[on, "exempt_since"].to_numpy() != NONE) | (
        m.loc[on, "exempt_event"].to_numpy() != NONE
    )
    suspended = m.loc[on, "suspended_on"].to_numpy() != NONE
    new = m.loc[on, "admitted"].to_numpy() > H1_END
    df["status"] = "rated"
    df["not_reviewed"] = ""
    df.loc[new, "not_reviewed"] = "new"
    df.loc[suspended, "not_reviewed"] = "suspended"
    df.loc[exempt, "not_reviewed"] = "exempt"
    df.loc[df["not_reviewed"] != "", "status"] = "not_reviewed"
    n = len(df)
    reviewable = (df["status"] == "rated").to_numpy()
    # members with no evaluation row (forgotten by the unit): not rated, "other"
    noeval = rng.pick(reviewable.astype(float), max(1, round(n * 0.002)))
    df["has_eval"] = reviewable
    df.iloc[noeval, df.columns.get_loc("has_eval")] = False
    df.iloc[noeval, df.columns.get_loc("status")] = "no_evaluation"

    # pools (TCCSĐ) and their file columns
    pools = np.array(sorted(set(df["tccsd"].tolist())))
    prof = rng.weighted({"basic": 35, "scores": 25, "full": 40}, len(pools))
    pool_cfg: dict[int, PoolFile] = {
        int(p): {
            "profile": str(pr),
            "columns": set(MEMBER_COLUMNS[str(pr)]),
            "proposed": bool(rng.random() < 0.8),
            "discipline_on": bool(rng.random() < 0.6),
            "decided": bool(rng.random() < 0.25),
            "binding": False,
        }
        for p, pr in zip(pools, prof, strict=True)
    }
    # outcomes
    outcome = np.full(n, "", dtype=object)
    ev = df["has_eval"].to_numpy()
    idx = np.flatnonzero(ev)
    full = np.array([pool_cfg[int(t)]["profile"] == "full" for t in df["tccsd"].to_numpy()])
    base = rng.weighted(
        {
            "HTXS": 100,
            "HTT": 720,
            "HT": 120,
            "KHT_score": 15,
            "KHT_disc": 12,
            "KHT_other": 6,
            "ND_remedied": 3,
            "ND_late": 3,
        },
        len(idx),
    )
    r = rng.random(len(idx))
    for j, i in enumerate(idx):
        b = base[j]
        f = full[i]
        if b == "HTT":
            o = "HTT_b" if f and r[j] < 0.25 else "HTT_a"
        elif b == "HT":
            o = "HT_b" if f and r[j] < 0.3 else "HT_a"
        elif b == "KHT_score":
            o = "KHT_score_b" if f and r[j] < 0.4 else "KHT_score_a"
        elif b == "ND_late":
            o = "ND_late" if f else "HT_a"
        else:
            o = b
        outcome[i] = o
    # make sure every kind of outcome exists at least once (small provinces)
    for kind_ in ["KHT_score_a", "KHT_disc", "KHT_other", "ND_remedied", "HT_a", "HTXS"]:
        if not (outcome == kind_).any():
            cands = np.flatnonzero(np.isin(outcome, ["HTT_a"]))
            if len(cands):
                outcome[cands[int(rng.integers(0, len(cands)))]] = kind_
    for kind_ in ["ND_late", "HTT_b", "HT_b", "KHT_score_b"]:
        if not (outcome == kind_).any():
            cands = np.flatnonzero((outcome == "HTT_a") & full)
            if len(cands):
                outcome[cands[int(rng.integers(0, len(cands)))]] = kind_
    # leaders, in pools whose files give the task figures: a few whose unit missed its targets
    # or who lost the votes of confidence, and leaders whose unit met every condition
    leader = np.zeros(n, dtype=bool)
    for kind_, share in (("HT_led", 0.02), ("KHT_led", 0.004), ("ND_earlier", 0.003)):
        cands = np.flatnonzero((outcome == "HTT_a") & full)
        count = min(len(cands), max(1, round(len(cands) * share)))
        for j in rng.pick(np.ones(len(cands)), count) if len(cands) else []:
            outcome[cands[int(j)]] = kind_
    leader[np.isin(outcome, ["HT_led", "KHT_led"])] = True
    met_leaders = np.flatnonzero(np.isin(outcome, ["HTXS", "HTT_a"]) & full)
    leader[met_leaders[rng.random(len(met_leaders)) < 0.08]] = True
    step3 = np.array([OUTCOMES[o] if o else -2 for o in outcome])

    # cap per pool: most pools keep HTXS within 20 % of HTT; a few pools exceed it on purpose
    tcc = df["tccsd"].to_numpy()
    order = np.argsort(tcc, kind="stable")
    bounds = np.flatnonzero(np.r_[True, tcc[order][1:] != tcc[order][:-1], True])
    pool_members = {
        int(tcc[order[bounds[i]]]): order[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)
    }
    special = {world.move["org"]} | set(orgs.index[orgs["new"]].tolist())
    candidates = [
        p
        for p in pools
        if int(p) not in special and 15 <= int((step3[pool_members[int(p)]] == HTT).sum()) <= 300
    ]
    n_binding = min(len(candidates), max(1, len(pools) // 200 + 1), 4)
    binding = sorted(rng.pick(np.ones(len(candidates)), n_binding).tolist())
    binding_pools = {int(candidates[b]) for b in binding}
    for p, mem in pool_members.items():
        s3 = step3[mem]
        if p in binding_pools:
            pool_cfg[p]["binding"] = True
            pool_cfg[p]["decided"] = False
            target_d = 1 + int(rng.integers(0, 3))
            htt_a = [i for i in mem if outcome[i] == "HTT_a"]
            k = 0
            while cap_lowered(
                int((step3[mem] == HTXS).sum()), int((step3[mem] == HTT).sum())
            ) < target_d and k < len(htt_a):
                outcome[htt_a[k]] = "HTXS"
                step3[htt_a[k]] = HTXS
                k += 1
            continue
        x = [i for i in mem if step3[i] == HTXS]
        t = int((s3 == HTT).sum())
        while x and 5 * len(x) > t:
            i = x.pop(int(rng.integers(0, len(x))))
            outcome[i] = "HTT_a"
            step3[i] = HTT
            t += 1

    # inputs
    score = np.zeros(n, dtype=np.int64)  # tenths of a point
    general = np.zeros(n, dtype=np.int64)
    completed = np.full(n, 100, dtype=np.int64)
    on_time = np.ones(n, dtype=bool)
    exceeding = np.zeros(n, dtype=np.int64)
    late = np.zeros(n, dtype=np.int64)
    not_completed = np.zeros(n, dtype=np.int64)
    shortcomings = np.full(n, "", dtype=object)  # "Có" / "Không" / ""
    discipline = np.full(n, "", dtype=object)
    discipline_on = np.full(n, NONE, dtype=np.int64)
    trigger = np.full(n, "", dtype=object)  # degradation_concluded / forbidden_acts_violation / ...
    self_rep = np.zeros(n, dtype=bool)
    led_completed = np.full(n, 100, dtype=np.int64)
    led_exceeding = np.zeros(n, dtype=np.int64)
    low_confidence = np.zeros(n, dtype=np.int64)
    violation_year = np.zeros(n, dtype=np.int64)  # 0: not given

    def band(lo, hi):  # tenths in [lo, hi)
        return int(rng.integers(lo, hi))

    disc_forms = ["khien_trach", "canh_cao", "cach_chuc"]
    for i in np.flatnonzero(ev):
        o = outcome[i]
        if o == "HTXS":
            score[i] = band(900, 1001)
            exceeding[i] = int(rng.integers(30, 81))
            shortcomings[i] = "Có" if rng.random() < 0.7 else ""
        elif o == "HTT_a":
            score[i] = band(700, 900)
            exceeding[i] = int(rng.integers(0, 61))
            shortcomings[i] = str(rng.choice(["Có", "", "Không"]))
        elif o == "HTT_b":
            score[i] = band(900, 1001)
            if rng.random() < 0.5:
                exceeding[i] = int(rng.integers(0, 30))
                shortcomings[i] = "Có"
            else:
                exceeding[i] = int(rng.integers(30, 70))
                shortcomings[i] = "Không"
        elif o == "HT_a":
            score[i] = band(500, 700)
            if rng.random() < 0.4:
                on_time[i] = False
                late[i] = int(rng.integers(1, 21))
        elif o == "HT_b":
            score[i] = band(700, 1001)
            on_time[i] = False
            late[i] = int(rng.integers(1, 21))
        elif o == "KHT_score_a":
            score[i] = band(150, 500)
            if rng.random() < 0.5:
                completed[i] = int(rng.integers(60, 100))
        elif o == "KHT_score_b":
            score[i] = band(500, 1000)
            completed[i] = int(rng.integers(60, 100))
            on_time[i] = False
            late[i] = int(rng.integers(0, 21))
        elif o == "KHT_disc":
            score[i] = band(400, 860)
            discipline[i] = disc_forms[int(rng.integers(0, 3))]
            discipline_on[i] = int(rng.integers(Y_START, Y_END + 1))
        elif o == "KHT_other":
            score[i] = band(200, 760)
            which = int(rng.integers(0, 4))
            if which == 3:
                trigger[i] = "tasks_not_completed_pct"
                not_completed[i] = int(rng.integers(51, 81))
                completed[i] = 100 - not_completed[i]
            else:
                trigger[i] = [
                    "degradation_concluded",
                    "forbidden_acts_violation",
                    "example_duty_violation",
                ][which]
        elif o == "ND_remedied":
            score[i] = band(500, 900)
            self_rep[i] = True
            if rng.random() < 0.5:
                discipline[i] = "khien_trach"
                discipline_on[i] = int(rng.integers(Y_START, Y_END + 1))
            else:
                trigger[i] = "degradation_concluded"
        elif o == "ND_late":
            score[i] = band(500, 950)
            on_time[i] = False
            late[i] = int(rng.integers(25, 51))
        elif o == "HT_led":
            score[i] = band(900, 1001)
            exceeding[i] = int(rng.integers(30, 61))
            shortcomings[i] = "Có"
            led_completed[i] = int(rng.integers(75, 100))
        elif o == "KHT_led":
            score[i] = band(700, 950)
            low_confidence[i] = int(rng.integers(51, 81))
        elif o == "ND_earlier":
            score[i] = band(700, 900)
            discipline[i] = "khien_trach"
            discipline_on[i] = int(rng.integers(Y_START, Y_END + 1))
            violation_year[i] = 2024
        if leader[i]:
            led_exceeding[i] = int(rng.integers(30, 61))
        # general/task split: general a whole number of points
        general[i] = _general(score[i], int(rng.integers(-2, 3)))
    # boundaries: a few scores exactly on 90, 70 and 50
    for o, val in (("HTXS", 900), ("HTT_a", 700), ("HT_a", 500)):
        cands = np.flatnonzero(outcome == o)
        for i in cands[:2]:
            score[i] = val
            general[i] = _general(val, 0)
    # binding pools: distinct HTXS scores (no ties at the cap boundary)
    capped = np.zeros(n, dtype=bool)
    for p in sorted(binding_pools):
        mem = pool_members[p]
        xs = np.array([i for i in mem if step3[i] == HTXS])
        vals = np.sort(rng.g.choice(np.arange(900, 1001), size=len(xs), replace=False))
        vals = vals[rng.g.permutation(len(xs))]
        for i, v in zip(xs, vals, strict=True):
            score[i] = int(v)
            general[i] = _general(int(v), 0)
        d = cap_lowered(len(xs), int((step3[mem] == HTT).sum()))
        lowest = xs[np.argsort(score[xs], kind="stable")][:d]
        capped[lowest] = True
    for p, mem in pool_members.items():  # every pool obeys the cap after this
        if p in binding_pools:
            continue
        assert 5 * int((step3[mem] == HTXS).sum()) <= int((step3[mem] == HTT).sum()), p

    # columns each pool's file needs
    for p, mem in pool_members.items():
        cols = pool_cfg[p]["columns"]
        outs = set(outcome[mem].tolist())
        trig = set(trigger[mem].tolist()) - {""}
        cols |= trig
        if "ND_remedied" in outs:
            cols.add("self_reported_remedied")
        if "tasks_not_completed_pct" in trig:
            cols.add("tasks_completed_pct")
        if "KHT_disc" in outs or "ND_remedied" in outs or "ND_earlier" in outs:
            cols.add("discipline")
        if leader[mem].any():
            cols |= LEADER_COLUMNS
        if "KHT_led" in outs:
            cols.add("low_confidence_votes_pct")
        if "ND_earlier" in outs:
            cols.add("violation_year")
        if pool_cfg[p]["discipline_on"]:
            cols.add("discipline_on")

    computed = np.where(capped, HTT, step3)  # after the cap; -1 needs decision
    # decided levels (Cấp ủy quyết định) for some pools, with a few differences
    decided = np.full(n, -2, dtype=np.int64)
    differs = 0
    for p in sorted(pool_members):
        if not pool_cfg[p]["decided"]:
            continue
        rated = [i for i in pool_members[p] if ev[i]]
        for i in rated:
            if computed[i] >= 0:
                decided[i] = computed[i]
            elif rng.random() < 0.5:
                decided[i] = HT if rng.random() < 0.6 else HTT
        if rated and (rng.random() < 0.5 or differs == 0):
            i = rated[int(rng.integers(0, len(rated)))]
            c = computed[i]
            if c in (HTT, HT, KHT) and outcome[i] not in ("KHT_disc", "KHT_other"):
                decided[i] = (
                    {HTT: HTXS, HT: KHT, KHT: HT}[c]
                    if rng.random() < 0.6
                    else {HTT: HT, HT: HTT, KHT: HT}[c]
                )
                differs += 1
    final = np.where(decided >= 0, decided, computed)
    status = df["status"].to_numpy().copy()
    nd = ev & (computed == -1)
    status[nd & (decided < 0)] = "needs_decision"
    kht_reason = np.full(n, "", dtype=object)
    is_kht = ev & (final == KHT) & (status == "rated")
    for i in np.flatnonzero(is_kht):
        if computed[i] == KHT:
            kht_reason[i] = {
                "KHT_disc": "kht_discipline",
                "KHT_other": "kht_other",
                "KHT_led": "kht_other",
            }.get(outcome[i], "kht_score")
        else:
            kht_reason[i] = "kht_other"
    # proposed (Tự xếp loại): the level before the cap, sometimes one better
    proposal = np.where(
        step3 >= 0, step3, np.where(score >= 700, HTT, np.where(score >= 500, HT, KHT))
    )
    proposal = np.where(rng.random(n) < 0.04, np.maximum(0, proposal - 1), proposal)

    df["status"] = status
    df["outcome"] = outcome
    df["step3"] = step3
    df["computed"] = computed
    df["decided"] = decided
    df["final"] = np.where(status == "rated", final, -2)
    df["capped"] = capped
    df["kht_reason"] = kht_reason
    df["proposed"] = proposal
    df["score"] = score
    df["general_score"] = general
    df["task_score"] = score - general
    df["tasks_completed_pct"] = completed
    df["tasks_on_time"] = on_time
    df["tasks_exceeding_pct"] = exceeding
    df["tasks_late_pct"] = late
    df["tasks_not_completed_pct"] = np.where(
        pd.Series(trigger).eq("tasks_not_completed_pct").to_numpy(), not_completed, 100 - completed
    )
    df["prior_shortcomings_fixed"] = shortcomings
    df["discipline"] = discipline
    df["discipline_on"] = discipline_on
    df["trigger"] = trigger
    df["self_reported_remedied"] = self_rep
    df["leader"] = leader
    df["led_unit_tasks_completed_pct"] = led_completed
    df["led_unit_tasks_on_time"] = True
    df["led_unit_tasks_exceeding_pct"] = led_exceeding
    df["led_unit_tasks_late_pct"] = 0
    df["low_confidence_votes_pct"] = low_confidence
    df["violation_year"] = violation_year
    df["decided_not_allowed"] = _decided_not_allowed(df)
    df["assumed"] = _assumed(df, pool_cfg)
    return df, pool_cfg


MIN_SCORE = {HTXS: 900, HTT: 700, HT: 500}  # tenths of a point


def _decided_not_allowed(df: pd.DataFrame) -> np.ndarray:
    """Decided levels the rules would not allow (check 8): below the band's minimum score, or
    HTXSNV in a TCCSĐ whose final levels exceed 20 % of its HTTNV."""
    decided = df["decided"].to_numpy()
    score = df["score"].to_numpy()
    rated = (df["status"] == "rated").to_numpy()
    minimum = np.array([MIN_SCORE.get(int(d), -1) for d in decided])
    below = rated & (decided >= 0) & (score < minimum)
    final = df["final"].to_numpy()
    counts = (
        pd.DataFrame(
            {
                "pool": df["tccsd"].to_numpy(),
                "x": rated & (final == HTXS),
                "t": rated & (final == HTT),
            }
        )
        .groupby("pool")[["x", "t"]]
        .transform("sum")
    )
    over = rated & (decided == HTXS) & (5 * counts["x"].to_numpy() > counts["t"].to_numpy())
    return below | over


def _assumed(df: pd.DataFrame, pool_cfg: dict[int, PoolFile]) -> np.ndarray:
    """Conditions taken as met for want of data, per member (the engine's `assumed_conditions`):
    the conditions of the level the bands give whose input the file leaves empty."""
    out = np.zeros(len(df), dtype=np.int64)
    band = {
        "HTXS": HTXS, "HTT_a": HTT, "HTT_b": HTT, "HT_a": HT, "HT_b": HT, "HT_led": HT,
        "ND_late": HT, "ND_earlier": HTT,
    }  # fmt: skip
    for pos, (o, pool, score, late, fixed) in enumerate(
        zip(
            df["outcome"],
            df["tccsd"],
            df["score"],
            df["tasks_late_pct"],
            df["prior_shortcomings_fixed"],
            strict=True,
        )
    ):
        level = HTT if o == "ND_remedied" and score >= 700 else band.get(o)
        if o == "ND_remedied" and level is None:
            level = HT
        if level is None:
            continue
        cols = pool_cfg[int(pool)]["columns"]
        on_time_given = "tasks_on_time" in cols or ("tasks_late_pct" in cols and late > 0)
        given = {
            "tasks_completed_pct": "tasks_completed_pct" in cols,
            "tasks_on_time": on_time_given,
            "tasks_exceeding_pct": "tasks_exceeding_pct" in cols,
            "prior_shortcomings_fixed": "prior_shortcomings_fixed" in cols and fixed != "",
            "tasks_late_pct": "tasks_late_pct" in cols,
        }
        needed = {
            HTXS: ["tasks_completed_pct", "tasks_on_time", "tasks_exceeding_pct",
                   "prior_shortcomings_fixed"],
            HTT: ["tasks_completed_pct", "tasks_on_time"],
            HT: ["tasks_completed_pct", "tasks_late_pct"],
        }[level]  # fmt: skip
        out[pos] = sum(not given[name] for name in needed)  # a leader's unit: all given
    return out


# ------------------------------------------------------------------------------------------
# Organisations

ORG_TYPES = ("dang_bo_co_so", "chi_bo_co_so", "dang_bo_bo_phan", "chi_bo_truc_thuoc")


def _link_max(levels: list[np.ndarray]) -> int:
    """Best level the link to members/subordinates allows, worst over the given readings."""
    best = HTXS
    for lv in levels:
        lv = lv[lv >= 0]
        if len(lv) == 0:
            continue
        if (lv == KHT).mean() > 0.2:
            best = max(best, HT)
        if (lv == KHT).any() or (lv <= HTT).mean() < 0.8:
            best = max(best, HTT)
    return best


def rate_orgs(world: World, rng) -> tuple[pd.DataFrame, dict[int, DistrictFile]]:
    orgs = world.orgs
    mr = world.member_ratings
    exists = (orgs["founded"].to_numpy() == NONE) | (orgs["founded"].to_numpy() <= Y_END)
    sel = orgs.index[orgs["type"].isin(ORG_TYPES).to_numpy() & exists].to_numpy()
    df = pd.DataFrame(index=sel)
    df["type"] = orgs.loc[sel, "type"].to_numpy()
    df["parent"] = orgs.loc[sel, "parent_final"].to_numpy()
    df["district"] = orgs.loc[sel, "district_final"].to_numpy()
    df["tccsd"] = orgs.loc[sel, "tccsd"].to_numpy()
    founded = orgs.loc[sel, "founded"].to_numpy()
    df["status"] = "rated"
    df.loc[founded > H1_END, "status"] = "new"
    # one chi bộ cơ sở sends no evaluation row: not rated (other)
    cand = df.index[(df["type"] == "chi_bo_co_so") & (df["status"] == "rated")].to_numpy()
    cand = cand[~np.isin(cand, [world.move["org"]])]
    noeval = int(cand[-1]) if len(cand) else -1
    if noeval >= 0:
        df.at[noeval, "status"] = "no_evaluation"
    # rated members per org (computed after cap, and final) for the link
    rated = mr[mr["status"] == "rated"]
    by_org_c = {int(k): v for k, v in rated.groupby("org")["computed"].apply(np.asarray).items()}
    by_org_f = {int(k): v for k, v in rated.groupby("org")["final"].apply(np.asarray).items()}
    parent_final = orgs["parent_final"].to_numpy()
    children: dict[int, list[int]] = {}
    for o in sel:
        children.setdefault(int(parent_final[o]), []).append(int(o))
    sub_c: dict[int, list[np.ndarray]] = {}  # computed levels of members in the subtree
    sub_f: dict[int, list[np.ndarray]] = {}  # final levels likewise

    level = np.full(len(df), -2, dtype=np.int64)
    pos = {int(o): i for i, o in enumerate(df.index)}
    chosen = rng.weighted({HTXS: 20, HTT: 60, HT: 14, KHT: 6}, len(df)).astype(int)
    rank = {"chi_bo_truc_thuoc": 0, "chi_bo_co_so": 0, "dang_bo_bo_phan": 1, "dang_bo_co_so": 2}
    # bottom-up: chi bộ first, then đảng bộ bộ phận, then đảng bộ cơ sở
    order = sorted((int(o) for o in df.index), key=lambda o: (rank[orgs.at[o, "type"]], o))
    for o in order:
        kids = children.get(o, [])
        sub_c[o] = [by_org_c.get(o, np.empty(0))] + [a for ch in kids for a in sub_c.get(ch, [])]
        sub_f[o] = [by_org_f.get(o, np.empty(0))] + [a for ch in kids for a in sub_f.get(ch, [])]
        if df.at[o, "status"] != "rated":
            continue
        flat_c = np.concatenate(sub_c[o])
        flat_f = np.concatenate(sub_f[o])
        kid_lv = np.array([level[pos[ch]] for ch in kids if ch in pos and level[pos[ch]] >= 0])
        readings = [flat_c, flat_f, kid_lv]
        level[pos[o]] = max(int(chosen[pos[o]]), _link_max(readings))
    df["level"] = level
    # cap: HTXS <= 20 % of HTT within (parent, type); lower the extra ones before writing inputs
    for (_p, _t), grp in df[df["status"] == "rated"].groupby(["parent", "type"], sort=True):
        lv = df.loc[grp.index, "level"].to_numpy().copy()
        xs = list(grp.index[lv == HTXS])
        t = int((lv == HTT).sum())
        while xs and 5 * len(xs) > t:
            o = xs.pop(int(rng.integers(0, len(xs))))
            df.at[o, "level"] = HTT
            t += 1
    # parents' link must still hold after children were lowered by the cap: recheck and lower
    for o in order:
        o = int(o)
        if df.at[o, "status"] != "rated" or orgs.at[o, "type"] not in (
            "dang_bo_co_so",
            "dang_bo_bo_phan",
        ):
            continue
        kid_lv = np.array(
            [
                df.at[ch, "level"]
                for ch in children.get(o, [])
                if ch in pos and df.at[ch, "status"] == "rated"
            ]
        )
        if df.at[o, "level"] < _link_max([kid_lv]):
            df.at[o, "level"] = _link_max([kid_lv])
    # inputs
    n = len(df)
    lv = df["level"].to_numpy()
    score = np.zeros(n, dtype=np.int64)
    completed = np.full(n, 100, dtype=np.int64)
    on_time = np.ones(n, dtype=bool)
    exceeding = np.zeros(n, dtype=np.int64)
    late = np.zeros(n, dtype=np.int64)
    leader_disc = np.zeros(n, dtype=bool)
    sub_disc = np.zeros(n, dtype=bool)
    wrong = np.zeros(n, dtype=bool)
    cause = np.full(n, "", dtype=object)
    for i in range(n):
        if lv[i] == HTXS:
            score[i] = int(rng.integers(900, 1001))
            exceeding[i] = int(rng.integers(30, 61))
        elif lv[i] == HTT:
            score[i] = int(rng.integers(700, 900))
            exceeding[i] = int(rng.integers(0, 50))
            if rng.random() < 0.15:
                score[i] = int(rng.integers(900, 1001))
                exceeding[i] = int(rng.integers(0, 30))
                cause[i] = "htxs_condition"
        elif lv[i] == HT:
            score[i] = int(rng.integers(500, 700))
            if rng.random() < 0.3:
                score[i] = int(rng.integers(700, 950))
                on_time[i] = False
                late[i] = int(rng.integers(1, 21))
                cause[i] = "late"
        elif lv[i] == KHT:
            which = int(rng.integers(0, 3))
            if which == 0:
                score[i] = int(rng.integers(250, 500))
                cause[i] = "score"
            elif which == 1:
                score[i] = int(rng.integers(550, 850))
                leader_disc[i] = True
                cause[i] = "leadership_member_disciplined"
            else:
                score[i] = int(rng.integers(500, 800))
                completed[i] = int(rng.integers(50, 70))
                cause[i] = "tasks_completed_pct"
    # district files: which columns
    dists = sorted(set(df["district"].tolist()))
    dist_cfg: dict[int, DistrictFile] = {}
    for d in dists:
        full = bool(rng.random() < 0.6)
        cols = {"score", "leadership_member_disciplined"}
        if full:
            cols |= {
                "tasks_completed_pct",
                "tasks_on_time",
                "tasks_exceeding_pct",
                "tasks_late_pct",
                "subordinate_unit_disciplined",
                "personnel_wrongdoing_concluded",
            }
        dist_cfg[int(d)] = {"columns": cols, "decided": bool(rng.random() < 0.4), "full": full}
    # outcomes needing a column the district file lacks get a simpler cause
    for i, o in enumerate(df.index):
        cfg = dist_cfg[int(df.at[o, "district"])]
        if not cfg["full"] and cause[i] in ("htxs_condition", "late", "tasks_completed_pct"):
            cfg["columns"] |= {
                "tasks_completed_pct",
                "tasks_on_time",
                "tasks_exceeding_pct",
                "tasks_late_pct",
            }
    decided = np.full(n, -2, dtype=np.int64)
    exemplary = np.zeros(n, dtype=bool)
    differs = 0
    for i, o in enumerate(df.index):
        if df.at[o, "status"] != "rated":
            continue
        cfg = dist_cfg[int(df.at[o, "district"])]
        if lv[i] == HTXS and rng.random() < 0.15:
            exemplary[i] = True
        if not cfg["decided"]:
            continue
        decided[i] = lv[i]
        # a decided level that differs from the computed one, only for chi bộ cơ sở (no parent
        # organisation whose link would see it)
        if (
            df.at[o, "type"] == "chi_bo_co_so"
            and lv[i] in (HTT, HT)
            and (differs < 3 and rng.random() < 0.2)
        ):
            decided[i] = HT if lv[i] == HTT else HTT
            differs += 1
    df["computed"] = np.where(df["status"] == "rated", lv, -2)
    df["decided"] = decided
    df["final"] = np.where(decided >= 0, decided, df["computed"].to_numpy())
    df["exemplary"] = exemplary
    df["score"] = score
    df["tasks_completed_pct"] = completed
    df["tasks_on_time"] = on_time
    df["tasks_exceeding_pct"] = exceeding
    df["tasks_late_pct"] = late
    df["leadership_member_disciplined"] = leader_disc
    df["subordinate_unit_disciplined"] = sub_disc
    df["personnel_wrongdoing_concluded"] = wrong
    df["cause"] = cause
    return df, dist_cfg


def rate_world(world: World, seed: int) -> World:
    """The world with its 2025 rating outcomes and the files that carry them (built after the
    world, from it: ratings depend on who was where)."""
    world.member_ratings, world.member_files = rate_members(world, Rng(seed, 2))
    world.org_ratings, world.org_files = rate_orgs(world, Rng(seed, 3))
    return world
