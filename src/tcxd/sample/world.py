"""The sample province as data: organisations, members, events of 2025 and rating outcomes.

Everything here is decided by the generator itself (seeded numpy Generator, no dict/set order,
no clock); `truth.py` counts the figures from this world and `files.py` writes it out as the
spreadsheets units send. Nothing of tcxd's importing, history, rating or report code is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TypedDict

import numpy as np
import pandas as pd
import yaml

from tcxd.core.vocab import ranked
from tcxd.sample.dates import (
    H1_END,
    INF,
    NONE,
    ROSTER0,
    Y_END,
    Y_START,
    age_on,
    day,
    ymd,
)

LEVELS = list(ranked("levels"))  # best first; rank = index
HTXS, HTT, HT, KHT = range(4)

TYPE_CODES = {"dbcs": "dang_bo_co_so", "cbcs": "chi_bo_co_so"}


@cache
def data(name: str) -> dict:
    text = resources.files("tcxd.sample").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


class PoolFile(TypedDict):
    """How a TCCSĐ's member evaluation file is written (the world's `member_files`)."""

    profile: str  # basic | scores | full
    columns: set[str]
    proposed: bool  # the file proposes levels
    discipline_on: bool
    decided: bool  # the file gives the levels Cấp ủy decided
    binding: bool  # a pool whose HTXS exceed the cap on purpose


class DistrictFile(TypedDict):
    """How a district's organisation evaluation file is written (the world's `org_files`)."""

    columns: set[str]
    decided: bool
    full: bool  # the file gives the task figures


@dataclass
class World:
    seed: int
    orgs: pd.DataFrame  # one row per organisation (index = org id)
    members: pd.DataFrame  # one row per person ever a member in the records (index = member id)
    spells: pd.DataFrame  # membership spells (half-open [start, end))
    transfers: pd.DataFrame  # intra-province transfers with both sides (one row per move)
    records: pd.DataFrame  # rows of the changes files (one row per line written)
    member_ratings: pd.DataFrame  # members on 31/12/2025 with their 2025 rating outcome and inputs
    org_ratings: pd.DataFrame  # organisations existing on 31/12/2025 with outcome and inputs
    move: dict  # the organisation moved to another district in 2025
    roster2025: np.ndarray  # TCCSĐ ids that send a roster as of 31/12/2025
    contradictions: list[dict] = field(default_factory=list)
    one_sided: list[dict] = field(default_factory=list)
    # per TCCSĐ / district: the columns of its evaluation file
    member_files: dict[int, PoolFile] = field(default_factory=dict)
    org_files: dict[int, DistrictFile] = field(default_factory=dict)


class Rng:
    """A seeded generator with the few draws the world needs."""

    def __init__(self, seed: int, stream: int = 0):
        self.g = np.random.default_rng([seed, stream])

    def weighted(self, table: dict, size: int) -> np.ndarray:
        keys = list(table)
        w = np.array([float(table[k]) for k in keys])
        idx = self.g.choice(len(keys), size=size, p=w / w.sum())
        return np.array(keys, dtype=object)[idx]

    def pick(self, weights: np.ndarray, k: int) -> np.ndarray:
        """k distinct indices, chance proportional to weights (Gumbel top-k), sorted."""
        w = np.asarray(weights, dtype=float)
        ok = w > 0
        k = int(min(k, ok.sum()))
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        keys = np.full(len(w), -np.inf)
        keys[ok] = np.log(w[ok]) + self.g.gumbel(size=int(ok.sum()))
        idx = np.argpartition(-keys, k - 1)[:k]
        return np.sort(idx)

    def choice(self, seq, size=None):
        return self.g.choice(seq, size=size)

    def integers(self, lo, hi, size=None):
        return self.g.integers(lo, hi, size=size)

    def random(self, size=None):
        return self.g.random(size)


def split(total: int, weights: np.ndarray, lo: int, hi: int, rng: Rng) -> np.ndarray:
    """Integers in [lo, hi] summing to total, roughly proportional to weights."""
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if total < lo * n or total > hi * n:
        raise ValueError(f"cannot split {total} into {n} parts in [{lo}, {hi}]")
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    alloc = np.full(n, lo, dtype=np.int64)
    rest = total - lo * n
    cap = hi - lo
    while rest > 0:
        room = (alloc - lo) < cap
        ww = np.where(room, w, 0.0)
        ww = ww / ww.sum()
        add = np.floor(ww * rest).astype(np.int64)
        add = np.minimum(add, cap - (alloc - lo))
        if add.sum() == 0:
            # hand out the remainder one by one, largest weight first
            order = np.argsort(-ww, kind="stable")
            for i in order:
                if rest == 0:
                    break
                if room[i]:
                    alloc[i] += 1
                    rest -= 1
            continue
        alloc += add
        rest -= int(add.sum())
    return alloc


# ------------------------------------------------------------------------------------------
# Organisations


def _fill(template: str, *, place: str, village: str, n: int, company: str) -> str:
    return template.format(place=place, village=village, n=n, company=company)


def free_code(wanted: str, used: set[str]) -> str:
    """`wanted`, or the next number after its last part that no organisation has yet (one
    code, one unit: the numbering schemes of chi bộ, đảng bộ bộ phận and organisations made in
    the year overlap in a large đảng bộ). The code is added to `used`."""
    code = wanted
    stem, _, number = wanted.rpartition(".")
    step = 0
    while code in used:
        step += 1
        code = f"{stem}.{int(number) + step:0{len(number)}d}" if stem else f"{wanted}-{step}"
    used.add(code)
    return code


def _place_names(rng: Rng, count: int) -> list[str]:
    words = data("names.yaml")["place_words"]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        a, b = rng.choice(len(words), size=2)
        if a == b:
            continue
        name = f"{words[a]} {words[b]}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _build_orgs(members: int, k: int, rng: Rng) -> tuple[pd.DataFrame, np.ndarray]:
    """Org rows (province, districts, TCCSĐ, đảng bộ bộ phận, chi bộ) and the members per chi bộ."""
    cfg = data("world.yaml")
    names = data("names.yaml")
    villages = names["village_words"]
    places = names["place_words"]
    companies = cfg["company_words"]
    rows: list[dict] = []

    codes: set[str] = set()

    def add(**kw) -> int:
        kw["id"] = len(rows)
        kw["code"] = free_code(kw["code"], codes)
        kw.setdefault("founded", NONE)
        kw.setdefault("dbbp", -1)
        rows.append(kw)
        return kw["id"]

    province = add(
        name=cfg["province"], type="province", parent=-1, kind="", code="BM", district=-1, tccsd=-1
    )
    # district profiles
    specials = cfg["special_districts"] if k >= 6 else []
    n_terr = k - len(specials)
    # the first three territorial districts are a xã, a phường and a đặc khu; then mostly xã
    terr_kinds = ["xa", "phuong", "dac_khu"][: min(3, n_terr)]
    while len(terr_kinds) < n_terr:
        terr_kinds.append("xa" if rng.random() < 0.68 else "phuong")
    place_names = _place_names(rng, n_terr)
    eth_weights = cfg["ethnic_profile_weights"]
    districts: list[dict] = []
    for i, kind in enumerate(terr_kinds):
        profile = "kinh" if i < 2 else str(rng.weighted(eth_weights, 1)[0])
        districts.append(
            {
                "name": f"{cfg['territorial_prefix'][kind]} {place_names[i]}",
                "profile": kind,
                "place": place_names[i],
                "ethnic": profile,
            }
        )
    for sp in specials:
        districts.append(
            {"name": sp["name"], "profile": sp["profile"], "place": "tỉnh", "ethnic": "kinh"}
        )
    weights = np.array(
        [
            rng.g.lognormal(0, 0.3)
            * (0.7 if d["profile"] in {"co_quan_dang", "ubnd", "quan_su", "cong_an"} else 1.0)
            for d in districts
        ]
    )
    budgets = split(members, weights, lo=min(60, members // k), hi=members, rng=rng)

    chibo_ids: list[int] = []
    chibo_sizes: list[int] = []
    for di, d in enumerate(districts):
        dist = add(
            name=d["name"],
            type="district",
            parent=province,
            kind="",
            code=f"{di + 1:02d}",
            district=-1,
            tccsd=-1,
            profile=d["profile"],
            place=d["place"],
            ethnic=d["ethnic"],
        )
        rows[dist]["district"] = dist
        budget = int(budgets[di])
        n_t = max(3, round(budget / 167))
        n_t = min(n_t, max(1, budget // 8))
        templates = [dict(t) for t in cfg["tccsd_templates"][d["profile"]]]
        chosen: list[dict] = []
        used_names: set[str] = set()
        counters: dict[str, int] = {}
        while len(chosen) < n_t:
            avail = [t for t in templates if not t.get("_used")]
            w = np.array([float(t["weight"]) for t in avail])
            t = avail[int(rng.g.choice(len(avail), p=w / w.sum()))]
            if t.get("once"):
                t["_used"] = True
            for _attempt in range(30):
                counters[t["name"]] = counters.get(t["name"], 0) + 1
                nm = _fill(
                    t["name"],
                    place=d["place"],
                    village=str(rng.choice(villages)),
                    n=counters[t["name"]],
                    company=str(rng.choice(companies)),
                )
                if nm not in used_names:
                    break
            else:
                nm = f"{nm} {len(chosen) + 1}"
            used_names.add(nm)
            chosen.append({"name": nm, "type": t["type"], "kind": t["kind"], "sub": t.get("sub")})
        if not any(c["type"] == "dbcs" for c in chosen):
            dbcs_t = [t for t in templates if t["type"] == "dbcs" and "{n}" in t["name"] + "{n}"]
            t = dbcs_t[0]
            nm = _fill(
                t["name"],
                place=d["place"],
                village=str(rng.choice(villages)),
                n=99,
                company=str(rng.choice(companies)),
            )
            while nm in used_names:
                nm += " A"
            chosen[-1] = {"name": nm, "type": "dbcs", "kind": t["kind"], "sub": t.get("sub")}
        # sizes: chi bộ cơ sở 5..29 (rarely 30-34), đảng bộ cơ sở share the rest
        is_cb = np.array([c["type"] == "cbcs" for c in chosen])
        n_b = int((~is_cb).sum())
        cb_sizes = rng.integers(5, 30, size=int(is_cb.sum()))
        if len(cb_sizes) and rng.random() < 0.15:
            cb_sizes[int(rng.integers(0, len(cb_sizes)))] = int(rng.integers(30, 35))
        room = budget - 12 * n_b
        if cb_sizes.sum() > room:
            cb_sizes = np.maximum(3, (cb_sizes * room / max(1, cb_sizes.sum())).astype(int))
            while cb_sizes.sum() > room and cb_sizes.max() > 3:
                cb_sizes[int(np.argmax(cb_sizes))] -= 1
        rest = budget - int(cb_sizes.sum())
        b_sizes = split(
            rest, rng.g.lognormal(0, 0.5, size=n_b), lo=min(12, rest // n_b), hi=rest, rng=rng
        )
        sizes = np.zeros(len(chosen), dtype=np.int64)
        sizes[is_cb] = cb_sizes
        sizes[~is_cb] = b_sizes
        dbbp_used: set[str] = set()
        dbbp_counter = 0
        for ti, c in enumerate(chosen):
            founded = day(
                int(rng.integers(1960, 2021)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
            )
            if rng.random() < 0.08:
                founded = NONE
            tid = add(
                name=c["name"],
                type=TYPE_CODES[c["type"]],
                parent=dist,
                kind=c["kind"],
                code=f"{rows[dist]['code']}.{ti + 1:03d}",
                district=dist,
                tccsd=-1,
                founded=founded,
            )
            rows[tid]["tccsd"] = tid
            size = int(sizes[ti])
            if c["type"] == "cbcs":
                chibo_ids.append(tid)
                chibo_sizes.append(size)
                continue
            n_cb = max(2, round(size / float(rng.integers(14, 31))))
            n_cb = max(n_cb, -(-size // 60))
            n_cb = min(n_cb, max(2, size // 3))
            cb_sz = split(
                size,
                rng.g.lognormal(0, 0.45, size=n_cb),
                lo=3,
                hi=max(60, -(-size // n_cb)),
                rng=rng,
            )
            # chi bộ names
            style = c.get("sub") or "numbered"
            named = list(cfg["sub_names"].get(style, []))
            cb_names: list[str] = []
            seen: set[str] = set()
            counter = 0
            for _ in range(n_cb):
                cb_name: str | None = None
                while named and cb_name is None:
                    cand = named.pop(0)
                    if "{" in cand:
                        named.insert(0, cand)
                        for _try in range(20):
                            counter += 1
                            cand2 = _fill(
                                cand,
                                place=d["place"],
                                village=str(rng.choice(villages + places)),
                                n=counter,
                                company="",
                            )
                            if cand2 not in seen:
                                cb_name = cand2
                                break
                        else:
                            named.pop(0)
                    elif cand not in seen:
                        cb_name = cand
                if cb_name is None:
                    counter += 1
                    cb_name = f"Chi bộ {counter}"
                    while cb_name in seen:
                        counter += 1
                        cb_name = f"Chi bộ {counter}"
                seen.add(cb_name)
                cb_names.append(cb_name)
            # optional đảng bộ bộ phận
            groups: list[int] = [-1] * n_cb
            if n_cb >= 6 and rng.random() < 0.3:
                third = n_cb // 3
                for g in range(2):
                    while True:
                        if dbbp_counter < len(cfg["dbbp_names"]):
                            words = cfg["dbbp_names"]
                            bp_name = f"Đảng bộ bộ phận {words[(dbbp_counter + ti) % len(words)]}"
                        else:
                            bp_name = f"Đảng bộ bộ phận số {dbbp_counter + 1}"
                        dbbp_counter += 1
                        if bp_name not in dbbp_used and bp_name not in used_names:
                            break
                    dbbp_used.add(bp_name)
                    bp_founded = founded if founded != NONE else day(2000, 1, 1)
                    bp = add(
                        name=bp_name,
                        type="dang_bo_bo_phan",
                        parent=tid,
                        kind=c["kind"],
                        code=f"{rows[tid]['code']}.{90 + g:02d}",
                        district=dist,
                        tccsd=tid,
                        founded=min(bp_founded + int(rng.integers(0, 3000)), day(2023, 12, 1)),
                    )
                    for j in range(g * third, (g + 1) * third):
                        groups[j] = bp
            for j in range(n_cb):
                parent = groups[j] if groups[j] >= 0 else tid
                base = founded if founded != NONE else day(1990, 1, 1)
                cb_founded = min(base + int(rng.integers(0, 9000)), day(2023, 12, 1))
                cid = add(
                    name=cb_names[j],
                    type="chi_bo_truc_thuoc",
                    parent=parent,
                    kind=c["kind"],
                    code=f"{rows[tid]['code']}.{j + 1:02d}",
                    district=dist,
                    tccsd=tid,
                    founded=cb_founded if rng.random() > 0.1 else NONE,
                    dbbp=groups[j],
                )
                chibo_ids.append(cid)
                chibo_sizes.append(int(cb_sz[j]))
    orgs = pd.DataFrame(rows).set_index("id", drop=False)
    orgs["size0"] = 0
    orgs.loc[chibo_ids, "size0"] = chibo_sizes
    orgs["new"] = False
    return orgs, np.repeat(np.array(chibo_ids), np.array(chibo_sizes))


# ------------------------------------------------------------------------------------------
# Members


def _names(gender: np.ndarray, ethnic: np.ndarray, rng: Rng) -> np.ndarray:
    nm = data("names.yaml")
    n = len(gender)
    family = np.empty(n, dtype=object)
    for eth in sorted(set(ethnic.tolist())):
        sel = np.flatnonzero(ethnic == eth)
        table = nm["family_names"].get(eth, nm["family_names"]["Kinh"])
        family[sel] = rng.weighted(table, len(sel))
    middle = np.empty(n, dtype=object)
    given = np.empty(n, dtype=object)
    for g in ("nam", "nu"):
        sel = np.flatnonzero(gender == g)
        middle[sel] = rng.weighted(nm["middle_names"][g], len(sel))
        given[sel] = np.array(nm["given_names"][g], dtype=object)[
            rng.integers(0, len(nm["given_names"][g]), size=len(sel))
        ]
    # a few have no middle name, a few two middle names
    r = rng.random(n)
    out = family + " " + middle + " " + given
    two = r < 0.06
    extra = np.array(
        ["Thị Thu", "Văn Minh", "Ngọc Bảo", "Thị Ngọc", "Hữu Quốc", "Thị Kim"], dtype=object
    )
    out[two] = (
        family[two]
        + " "
        + extra[rng.integers(0, len(extra), size=int(two.sum()))]
        + " "
        + given[two]
    )
    none = r > 0.97
    out[none] = family[none] + " " + given[none]
    return out


def _unique_ints(rng: Rng, n: int, lo: int, hi: int) -> np.ndarray:
    got = np.empty(0, dtype=np.int64)
    while len(got) < n:
        draw = rng.integers(lo, hi, size=int((n - len(got)) * 1.3) + 10)
        merged = np.concatenate([got, draw])
        _, first = np.unique(merged, return_index=True)
        got = merged[np.sort(first)]
    return got[:n]


def _make_people(
    n: int, org_of: np.ndarray, orgs: pd.DataFrame, rng: Rng, *, new: bool, on: int
) -> pd.DataFrame:
    """Attributes of n people placed at chi bộ `org_of` (new=True: admitted in 2025)."""
    cfg = data("world.yaml")
    kinds = orgs["kind"].to_numpy()[org_of]
    groups = np.array([cfg["kind_groups"][k] for k in kinds], dtype=object)
    districts = orgs["district"].to_numpy()[org_of]
    ethnic_profile = orgs["ethnic"].to_numpy()[districts]
    # gender
    women = np.array([cfg["women_share"][g] for g in groups])
    gender = np.where(rng.random(n) < women * (1.15 if new else 1.0), "nu", "nam").astype(object)
    # ethnicity by district profile
    eth = np.empty(n, dtype=object)
    for prof in sorted(set(ethnic_profile.tolist())):
        sel = np.flatnonzero(ethnic_profile == prof)
        eth[sel] = rng.weighted(cfg["ethnic_profiles"][prof], len(sel))
    rel = np.empty(n, dtype=object)
    for e in sorted(set(eth.tolist())):
        sel = np.flatnonzero(eth == e)
        rel[sel] = rng.weighted(cfg["religions"].get(e, cfg["religions"]["default"]), len(sel))
    # ages on `on`
    lo = np.array([cfg["age_ranges"][g][0] for g in groups])
    hi = np.array([cfg["age_ranges"][g][1] for g in groups])
    if new:
        age = np.clip(np.round(rng.g.gamma(3.0, 3.2, size=n) + 18), 18, 55).astype(int)
    else:
        terr = (groups == "territorial") | (groups == "cooperative")
        age = np.where(
            terr,
            rng.g.normal(54, 17, size=n),
            rng.g.normal(39, 9, size=n),
        )
        age = np.clip(np.round(age), lo, hi).astype(int)
    birth = on - np.round(age * 365.2425).astype(np.int64) - rng.integers(1, 365, size=n)
    year_only = np.zeros(n, dtype=bool)
    by, _, _ = ymd(birth)
    old = by < 1962
    yo = old & (rng.random(n) < 0.04)
    year_only[yo] = True
    birth[yo] = np.array([day(int(y), 1, 1) for y in by[yo]], dtype=np.int64)
    real_age = age_on(birth, on)
    # admission (for existing members) -- new members get theirs from the event
    if new:
        admitted = np.full(n, NONE, dtype=np.int64)
        official = np.full(n, NONE, dtype=np.int64)
    else:
        recent = (real_age <= 50) & (rng.random(n) < 0.058)
        span = np.maximum(0, real_age - 18)
        years_after = np.minimum(span, np.floor(rng.g.exponential(7.0, size=n)))
        adm_age = 18 + years_after
        admitted = (
            birth + np.round(adm_age * 365.2425).astype(np.int64) + rng.integers(0, 300, size=n)
        )
        admitted = np.minimum(admitted, day(2023, 10, 31))
        admitted = np.where(
            recent, rng.integers(day(2023, 12, 1), day(2024, 12, 21), size=n), admitted
        )
        admitted = np.maximum(admitted, birth + 18 * 366)
        due = admitted + 365 + rng.integers(0, 40, size=n)
        official = due  # the world's official date (may be in 2025 or later)
    # attributes by group
    occ = np.empty(n, dtype=object)
    deg = np.empty(n, dtype=object)
    llct = np.empty(n, dtype=object)
    for g in sorted(set(groups.tolist())):
        sel = np.flatnonzero(groups == g)
        occ[sel] = rng.weighted(cfg["occupations"][g], len(sel))
        deg[sel] = rng.weighted(cfg["degrees"][g], len(sel))
        llct[sel] = rng.weighted(cfg["theory_levels"][g], len(sel))
    retired = ((groups == "territorial") | (groups == "cooperative")) & (real_age >= 60)
    occ[retired] = rng.weighted(cfg["occupations"]["retired"], int(retired.sum()))
    if new:
        student = (real_age <= 22) & (rng.random(n) < 0.5)
        occ[student] = rng.weighted({"Sinh viên": 3, "Học sinh": 1}, int(student.sum()))
        llct[:] = np.where(rng.random(n) < 0.15, "Sơ cấp", "")
    # school level
    by, _, _ = ymd(birth)
    school = np.where(
        by < 1965,
        rng.weighted({"10/10": 55, "7/10": 20, "9/10": 15, "4/10": 5, "Tiểu học": 5}, n),
        rng.weighted({"12/12": 86, "9/12": 8, "11/12": 2, "THPT": 2, "THCS": 2}, n),
    )
    youth = (real_age <= 30) & (rng.random(n) < 0.8)
    return pd.DataFrame(
        {
            "gender": gender,
            "ethnicity": eth,
            "religion": rel,
            "birth": birth,
            "birth_year_only": year_only,
            "admitted": admitted,
            "official": official,
            "occupation": occ,
            "school": school,
            "degree": deg,
            "theory": llct,
            "youth": youth,
            "name": _names(gender, eth, rng),
        }
    )


# ------------------------------------------------------------------------------------------
# Events


def _build(members: int, seed: int, k: int) -> World:
    rng = Rng(seed, 1)
    orgs, org0 = _build_orgs(members, k, rng)
    orgs["ethnic"] = orgs["ethnic"].fillna("kinh")
    orgs["profile"] = orgs["profile"].fillna("")
    orgs["place"] = orgs["place"].fillna("")
    n0 = len(org0)
    people = _make_people(n0, org0, orgs, rng, new=False, on=ROSTER0)
    people["org0"] = org0
    people["origin"] = "roster"
    ages = age_on(people["birth"].to_numpy(), ROSTER0)
    groups = np.array(
        [data("world.yaml")["kind_groups"][k_] for k_ in orgs["kind"].to_numpy()[org0]]
    )
    terr = (groups == "territorial") | (groups == "cooperative")
    p_ex = np.where(ages >= 80, 0.5, np.where(ages >= 75, 0.3, np.where(ages >= 70, 0.08, 0.0)))
    exempt0 = terr & (rng.random(n0) < p_ex)
    people["exempt_since"] = np.where(exempt0, ROSTER0, NONE)
    # some exempt marks carry a date (since then)
    dated = exempt0 & (rng.random(n0) < 0.3)
    people["exempt_mark_date"] = np.where(dated, ROSTER0 - rng.integers(30, 3000, size=n0), NONE)
    people.loc[dated, "exempt_since"] = people.loc[dated, "exempt_mark_date"]

    tccsd_of = orgs["tccsd"].to_numpy()
    district_of = orgs["district"].to_numpy()
    otype = orgs["type"].to_numpy()
    orgs["kind"].to_numpy()

    # ------------------------------------------------------------------ TCCSĐ-level choices
    tccsd_ids = orgs.index[(otype == "dang_bo_co_so") | (otype == "chi_bo_co_so")].to_numpy()
    dist_ids = orgs.index[otype == "district"].to_numpy()
    terr_dists = [d for d in dist_ids if orgs.at[d, "profile"] in ("xa", "phuong", "dac_khu")]
    # organisation moved to another district on 1/7/2025: a chi bộ cơ sở of the first district
    move_date = day(2025, 7, 1)
    src_d, dst_d = terr_dists[0], terr_dists[1]
    names_dst = set(orgs.loc[orgs["parent"] == dst_d, "name"])
    cands = [
        t
        for t in tccsd_ids
        if district_of[t] == src_d
        and otype[t] == "chi_bo_co_so"
        and orgs.at[t, "name"] not in names_dst
    ]
    moved = (
        int(cands[len(cands) // 2])
        if cands
        else int([t for t in tccsd_ids if district_of[t] == src_d][-1])
    )
    move = {"org": moved, "from": int(src_d), "to": int(dst_d), "date": move_date}
    orgs["district_final"] = orgs["district"]
    in_moved = tccsd_of == moved
    orgs.loc[in_moved, "district_final"] = dst_d
    orgs.at[moved, "parent_final"] = dst_d
    orgs["parent_final"] = orgs["parent_final"].fillna(orgs["parent"]).astype(int)

    # roster as of 31/12/2025 for about 30 % of TCCSĐ
    roster2025 = set(tccsd_ids[rng.random(len(tccsd_ids)) < 0.3].tolist())

    # ------------------------------------------------------------------ new organisations
    def new_org(name, type_, parent, kind_, founded, dist, tccsd=None) -> int:
        oid = int(orgs.index.max()) + 1
        siblings = (orgs["parent"] == parent).sum()
        code = free_code(
            f"{orgs.at[parent, 'code']}.{(200 if type_ == 'chi_bo_co_so' else 80) + siblings:03d}",
            set(orgs["code"]),
        )
        row = {
            "id": oid,
            "name": name,
            "type": type_,
            "parent": parent,
            "kind": kind_,
            "code": code,
            "district": dist,
            "tccsd": oid if tccsd is None else tccsd,
            "founded": founded,
            "dbbp": -1,
            "size0": 0,
            "new": True,
            "ethnic": orgs.at[dist, "ethnic"],
            "profile": "",
            "place": "",
            "district_final": dist,
            "parent_final": parent,
        }
        orgs.loc[oid] = pd.Series(row)
        return oid

    companies = data("world.yaml")["company_words"]
    dist_a = terr_dists[-1]
    used = set(orgs.loc[orgs["parent"] == dist_a, "name"])
    nm = next(
        f"Chi bộ Công ty TNHH {c}"
        for c in [*companies, "Mới"]
        if f"Chi bộ Công ty TNHH {c}" not in used
    )
    org_a = new_org(nm, "chi_bo_co_so", dist_a, "dn_ngoai_nha_nuoc", day(2025, 8, 15), dist_a)
    dist_b = terr_dists[1] if len(terr_dists) > 2 else terr_dists[0]
    used = set(orgs.loc[orgs["parent"] == dist_b, "name"])
    nm = next(
        f"Chi bộ Hợp tác xã {c}"
        for c in [*companies, "Mới"]
        if f"Chi bộ Hợp tác xã {c}" not in used
    )
    org_b = new_org(nm, "chi_bo_co_so", dist_b, "hop_tac_xa", day(2025, 3, 1), dist_b)
    big_dbcs = orgs[(orgs["type"] == "dang_bo_co_so") & (orgs["tccsd"] != moved)]
    host = int(big_dbcs.index[len(big_dbcs) // 3])
    used = set(orgs.loc[orgs["tccsd"] == host, "name"])
    nm = next(
        f"Chi bộ {w}"
        for w in ["Tổ công tác đặc biệt", "Dự án mới", "Khu công nghiệp", "Mới thành lập"]
        if f"Chi bộ {w}" not in used
    )
    org_c = new_org(
        nm,
        "chi_bo_truc_thuoc",
        host,
        orgs.at[host, "kind"],
        day(2025, 7, 15),
        int(orgs.at[host, "district"]),
        tccsd=host,
    )
    roster2025 |= {org_a, org_b}
    tccsd_of = orgs["tccsd"].to_numpy()
    district_of = orgs["district"].to_numpy()
    otype = orgs["type"].to_numpy()
    orgs["kind"].to_numpy()
    founded = orgs["founded"].to_numpy()
    chibo_mask = (otype == "chi_bo_co_so") | (otype == "chi_bo_truc_thuoc")

    # ------------------------------------------------------------------ events of members
    avail = tccsd_of[org0] != moved
    prob0 = people["official"].to_numpy() > ROSTER0  # probationary on 31/12/2024
    due = people["official"].to_numpy()
    people["card"] = ""
    cards = _unique_ints(rng, n0 + members // 10 + 200, 1, 10**8)
    people.loc[~prob0, "card"] = [f"{c:08d}" for c in cards[: int((~prob0).sum())]]
    card_pool = iter(cards[int((~prob0).sum()) :].tolist())

    age0 = ages
    end_day = np.full(n0, INF, dtype=np.int64)
    end_kind = np.full(n0, "", dtype=object)
    end_scope = np.full(n0, "", dtype=object)
    recs: list[tuple] = []  # (member, org(chi bộ), kind, date, scope, place, side)
    status: list[tuple] = []
    official_final = np.where(prob0, NONE, due)

    def rate(r: float, minimum: int) -> int:
        return max(minimum, round(n0 * r))

    def take(weights, count) -> np.ndarray:
        w = np.where(avail, weights, 0.0)
        sel = rng.pick(w, count)
        avail[sel] = False
        return sel

    def dates(lo, hi, size) -> np.ndarray:
        return rng.integers(lo, hi + 1, size=size)

    # removed while probationary (before the official date)
    sel = take(prob0.astype(float), rate(0.0005, 1))
    for m in sel:
        hi = min(int(due[m]) - 1, Y_END)
        dte = int(rng.integers(Y_START, max(Y_START, hi) + 1))
        end_day[m], end_kind[m] = dte, "removed"
        recs.append((m, org0[m], "removed", dte, "", "", "end"))
    avail &= ~prob0  # probationary members have no other event than these two
    for m in np.flatnonzero(prob0 & (end_day == INF) & (due <= Y_END) & (tccsd_of[org0] != moved)):
        official_final[m] = due[m]
        status.append((m, org0[m], "made_official", int(due[m])))
    # the moved organisation's probationary members become official quietly? no: keep events
    for m in np.flatnonzero(prob0 & (tccsd_of[org0] == moved) & (due <= Y_END)):
        official_final[m] = due[m]
        status.append((m, org0[m], "made_official", int(due[m])))
    old_w = np.exp(np.clip((age0 - 60) / 7.0, -20, 20))
    working = ((age0 >= 22) & (age0 <= 58)).astype(float)
    plan = [
        ("removed", np.ones(n0), rate(0.0008, 1)),
        ("died", old_w, rate(0.009, 2)),
        ("expelled", working + 0.01, rate(0.0002, 1)),
        ("resigned", working + 0.01, rate(0.0003, 1)),
        ("transferred_out", working + 0.001, rate(0.005, 1)),
    ]
    for kind_, w, count in plan:
        sel = take(w, count)
        ds = dates(Y_START, Y_END, len(sel))
        for m, dte in zip(sel, ds, strict=True):
            end_day[m], end_kind[m] = int(dte), kind_
            scope = ""
            place = ""
            if kind_ == "transferred_out":
                end_scope[m] = scope = "out_province"
                place = _other_province(rng)
            recs.append((m, org0[m], kind_, int(dte), scope, place, "end"))

    # in-province transfers between TCCSĐ (one event: the receiver's date)
    chibos = orgs.index[chibo_mask & ~orgs["new"].to_numpy()].to_numpy()
    chibos = chibos[tccsd_of[chibos] != moved]
    n_tr = rate(0.01, 4)
    sel = take(working + 0.05 * (age0 < 70), n_tr)
    transfers: list[dict] = []
    for i, m in enumerate(sel):
        src = org0[m]
        same = (i == 1) if i < 3 else (rng.random() < 0.5)  # 0 and 2 between districts
        pool = chibos[
            (tccsd_of[chibos] != tccsd_of[src])
            & ((district_of[chibos] == district_of[src]) == same)
        ]
        if len(pool) == 0:
            pool = chibos[tccsd_of[chibos] != tccsd_of[src]]
        dst = int(rng.choice(pool))
        d_recv = int(rng.integers(day(2025, 1, 20), day(2025, 12, 15) + 1))
        d_send = d_recv - int(rng.integers(0, 61))
        d_send = max(d_send, Y_START)
        transfers.append(
            {"member": int(m), "src": int(src), "dst": dst, "date": d_recv, "send_date": d_send}
        )

    # members moving into the new organisations
    def transfer_into(target: int, count: int, lo: int, hi: int, same_district: bool):
        nonlocal transfers
        pool = np.flatnonzero(
            avail
            & (tccsd_of[org0] != tccsd_of[target])
            & ((district_of[org0] == district_of[target]) if same_district else True)
        )
        chosen = pool[rng.pick(np.ones(len(pool)), count)]
        avail[chosen] = False
        for m in chosen:
            d_recv = int(rng.integers(lo, hi + 1))
            d_send = max(Y_START, d_recv - int(rng.integers(0, 40)))
            transfers.append(
                {
                    "member": int(m),
                    "src": int(org0[m]),
                    "dst": int(target),
                    "date": d_recv,
                    "send_date": d_send,
                }
            )

    transfer_into(org_b, int(rng.integers(4, 7)), day(2025, 3, 1), day(2025, 5, 31), True)
    transfer_into(org_c, int(rng.integers(3, 5)), day(2025, 7, 15), day(2025, 11, 30), False)
    transfers_df = (
        pd.DataFrame(transfers)
        .sort_values(["date", "member"], kind="stable")
        .reset_index(drop=True)
    )
    transfers_df["one_sided"] = False
    # one transfer is sent but never received (scope Trong tỉnh): the member leaves on the
    # sender's date
    between = transfers_df.index[
        (district_of[transfers_df["src"]] != district_of[transfers_df["dst"]])
        & ~transfers_df["dst"].isin([org_b, org_c])
    ]
    if len(between) >= 2:
        j = int(between[-1])
        transfers_df.at[j, "one_sided"] = True
    for t in transfers_df.itertuples():
        m = t.member
        if t.one_sided:
            end_day[m], end_kind[m], end_scope[m] = t.send_date, "transferred_out", "in_province"
        else:
            end_day[m], end_kind[m], end_scope[m] = t.date, "transferred_out", "in_province"

    # status events
    sel = take(
        ((age0 >= 65) & (people["exempt_since"].to_numpy() == NONE)).astype(float), rate(0.003, 1)
    )
    ex_dates = dates(Y_START, Y_END, len(sel))
    for m, dte in zip(sel, ex_dates, strict=True):
        status.append((m, org0[m], "exempted", int(dte)))
    people["exempt_event"] = NONE
    people.loc[sel, "exempt_event"] = ex_dates
    sel = take(
        ((people["exempt_since"].to_numpy() == NONE) & (age0 < 65)).astype(float), rate(0.0005, 1)
    )
    sus_dates = dates(Y_START, Y_END, len(sel))
    people["suspended_on"] = NONE
    people.loc[sel, "suspended_on"] = sus_dates
    for m, dte in zip(sel, sus_dates, strict=True):
        status.append((m, org0[m], "suspended", int(dte)))

    people["end"] = end_day
    people["end_kind"] = end_kind
    people["end_scope"] = end_scope
    people["official"] = official_final
    people["due"] = due

    # ------------------------------------------------------------------ newcomers
    open_chibos = orgs.index[chibo_mask & (founded < Y_START)].to_numpy()
    open_chibos = open_chibos[tccsd_of[open_chibos] != moved]
    weights_cb = orgs.loc[open_chibos, "size0"].to_numpy().astype(float) + 1
    r25_chibos = open_chibos[np.isin(tccsd_of[open_chibos], sorted(roster2025))]
    if not len(r25_chibos):  # a small province may have no such chi bộ: any open one will do
        r25_chibos = open_chibos
    newcomers: list[tuple] = []  # (org, kind, date, scope, place)
    n_adm = rate(0.03, 4)
    adm_org = open_chibos[
        rng.g.choice(len(open_chibos), size=n_adm, p=weights_cb / weights_cb.sum())
    ]
    adm_date = dates(Y_START, day(2025, 12, 20), n_adm)
    adm_date[0] = H1_END  # boundary: admitted on 30/6 is rated
    adm_date[1] = H1_END + 1  # admitted on 1/7 is not
    for o, dte in zip(adm_org, adm_date, strict=True):
        newcomers.append((int(o), "admitted", int(dte), "", ""))
    for o in [org_c]:
        newcomers.append(
            (o, "admitted", int(rng.integers(day(2025, 8, 1), day(2025, 11, 30))), "", "")
        )
    for kind_, count in (
        ("readmitted", rate(0.0005, 1)),
        ("reinstated", rate(0.0003, 1)),
        ("transferred_in", rate(0.005, 1)),
    ):
        os_ = r25_chibos[rng.integers(0, len(r25_chibos), size=count)]
        ds = dates(Y_START, day(2025, 12, 20), count)
        for o, dte in zip(os_, ds, strict=True):
            if kind_ == "transferred_in":
                newcomers.append((int(o), kind_, int(dte), "out_province", _other_province(rng)))
            else:
                newcomers.append((int(o), kind_, int(dte), "", ""))
    for _ in range(int(rng.integers(5, 9))):
        newcomers.append(
            (
                org_a,
                "transferred_in",
                int(rng.integers(day(2025, 8, 15), day(2025, 12, 15))),
                "out_province",
                _other_province(rng),
            )
        )
    nc_org = np.array([c[0] for c in newcomers])
    nc = _make_people(len(newcomers), nc_org, orgs, rng, new=True, on=Y_START)
    nc_kind = np.array([c[1] for c in newcomers], dtype=object)
    nc_date = np.array([c[2] for c in newcomers], dtype=np.int64)
    # newcomers other than admissions are long-standing members: older, admitted long ago
    long_standing = nc_kind != "admitted"
    nc["admitted"] = nc_date  # admissions and readmissions: the event date
    la = np.flatnonzero(long_standing & (nc_kind != "readmitted"))
    nc.loc[la, "birth"] = nc.loc[la, "birth"].to_numpy() - rng.integers(5, 20, size=len(la)) * 365
    nc.loc[la, "admitted"] = np.maximum(
        nc.loc[la, "birth"].to_numpy() + 22 * 365 + rng.integers(0, 3000, size=len(la)),
        day(1975, 5, 1),
    )
    nc.loc[la, "admitted"] = np.minimum(nc.loc[la, "admitted"].to_numpy(), day(2020, 1, 1))
    nc["official"] = NONE
    nc.loc[la, "official"] = (
        nc.loc[la, "admitted"].to_numpy() + 365 + rng.integers(0, 30, size=len(la))
    )
    nc["youth"] = nc["youth"].to_numpy() & (age_on(nc["birth"].to_numpy(), Y_START) <= 30)
    nc["org0"] = -1
    nc["origin"] = nc_kind
    nc["start"] = nc_date
    nc["start_org"] = nc_org
    nc["start_scope"] = [c[3] for c in newcomers]
    nc["start_place"] = [c[4] for c in newcomers]
    nc["exempt_since"] = NONE
    nc["exempt_mark_date"] = NONE
    nc["exempt_event"] = NONE
    nc["suspended_on"] = NONE
    nc["end"] = INF
    nc["end_kind"] = ""
    nc["end_scope"] = ""
    nc["due"] = NONE
    nc["card"] = ""
    has_card = nc["official"].to_numpy() != NONE
    nc.loc[has_card, "card"] = [f"{next(card_pool):08d}" for _ in range(int(has_card.sum()))]
    people["start"] = NONE
    people["start_org"] = org0
    people["start_scope"] = ""
    people["start_place"] = ""
    allp = pd.concat([people, nc], ignore_index=True)
    n_all = len(allp)
    allp["cccd"] = [f"{c:012d}" for c in _unique_ints(rng, n_all, 1, 10**12 // 3)]
    # CCCD: province code (3 digits) + gender/century digit + year (2) + 6 digits; many start with 0
    by, _, _ = ymd(allp["birth"].to_numpy())
    prov = rng.integers(1, 96, size=n_all)
    cent = np.where(by >= 2000, 2, 0) + (allp["gender"].to_numpy() == "nu").astype(int)
    serial = np.array([int(c[-6:]) for c in allp["cccd"]])
    allp["cccd"] = [
        f"{p:03d}{c}{y % 100:02d}{s:06d}" for p, c, y, s in zip(prov, cent, by, serial, strict=True)
    ]
    dup = allp["cccd"].duplicated()
    while dup.any():
        allp.loc[dup, "cccd"] = [
            f"{c[:6]}{int(rng.integers(0, 10**6)):06d}" for c in allp.loc[dup, "cccd"]
        ]
        dup = allp["cccd"].duplicated()
    allp["profile"] = [
        f"{int(x):06d}{'BM' if i % 3 else 'ĐV'}"
        for i, x in enumerate(rng.integers(0, 10**6, size=n_all))
    ]
    allp["key"] = np.where(allp["card"] != "", allp["card"], allp["cccd"])

    # newcomer records
    for i in range(n0, n_all):
        recs.append(
            (
                i,
                int(allp.at[i, "start_org"]),
                allp.at[i, "origin"],
                int(allp.at[i, "start"]),
                allp.at[i, "start_scope"],
                allp.at[i, "start_place"],
                "start",
            )
        )

    # ------------------------------------------------------------------ spells
    sp_member, sp_org, sp_start, sp_end = [], [], [], []
    sp_skind, sp_sscope, sp_ekind, sp_escope, sp_from, sp_to = [], [], [], [], [], []
    tr_by_member = {int(t.member): t for t in transfers_df.itertuples()}
    start_all = allp["start"].to_numpy()
    sorg_all = allp["start_org"].to_numpy()
    origin_all = allp["origin"].to_numpy()
    sscope_all = allp["start_scope"].to_numpy()
    end_all = allp["end"].to_numpy()
    ekind_all = allp["end_kind"].to_numpy()
    escope_all = allp["end_scope"].to_numpy()
    for m in range(n_all):
        t = tr_by_member.get(m)
        sp_member.append(m)
        sp_org.append(int(sorg_all[m]))
        sp_start.append(int(start_all[m]))
        sp_skind.append("" if origin_all[m] == "roster" else origin_all[m])
        sp_sscope.append(sscope_all[m])
        sp_from.append(-1)
        sp_end.append(int(end_all[m]))
        sp_ekind.append(ekind_all[m])
        sp_escope.append(escope_all[m])
        sp_to.append(-1 if t is None or t.one_sided else int(t.dst))
        if t is not None and not t.one_sided:
            sp_member.append(m)
            sp_org.append(int(t.dst))
            sp_start.append(int(t.date))
            sp_skind.append("transferred_in")
            sp_sscope.append("in_province")
            sp_from.append(int(t.src))
            sp_end.append(INF)
            sp_ekind.append("")
            sp_escope.append("")
            sp_to.append(-1)
    spells = pd.DataFrame(
        {
            "member": sp_member,
            "org": sp_org,
            "start": sp_start,
            "end": sp_end,
            "start_kind": sp_skind,
            "start_scope": sp_sscope,
            "end_kind": sp_ekind,
            "end_scope": sp_escope,
            "from_org": sp_from,
            "to_org": sp_to,
        }
    )
    # transfer records (both sides)
    for t in transfers_df.itertuples():
        src_t, dst_t = tccsd_of[t.src], tccsd_of[t.dst]
        recv_place = _unit_place(orgs, t.dst)
        recs.append(
            (t.member, t.src, "transferred_out", int(t.send_date), "in_province", recv_place, "end")
        )
        if not t.one_sided:
            recs.append(
                (
                    t.member,
                    t.dst,
                    "transferred_in",
                    int(t.date),
                    "in_province",
                    _unit_place(orgs, t.src),
                    "start",
                )
            )
        del src_t, dst_t
    for m, o, k_, dte in status:
        recs.append((m, o, k_, dte, "", "", "status"))
    records = pd.DataFrame(
        recs, columns=["member", "org", "kind", "date", "scope", "place", "side"]
    )
    records["tccsd"] = tccsd_of[records["org"].to_numpy()]
    records = records.sort_values(["tccsd", "date", "member", "kind"], kind="stable").reset_index(
        drop=True
    )

    # final chi bộ (on 31/12/2025) and roster presence
    final_org = np.full(n_all, -1, dtype=np.int64)
    live = (spells["start"] <= Y_END) & (spells["end"] > Y_END)
    final_org[spells.loc[live, "member"].to_numpy()] = spells.loc[live, "org"].to_numpy()
    allp["final_org"] = final_org
    allp["in_roster24"] = allp["org0"] >= 0
    allp["roster25_org"] = np.where(
        (final_org >= 0) & np.isin(tccsd_of[np.maximum(final_org, 0)], sorted(roster2025)),
        final_org,
        -1,
    )
    # contradictions: a member listed in a 2025 roster after a recorded death, and a member left
    # out of a newer roster with no event
    contradictions: list[dict] = []
    died = np.flatnonzero((allp["end_kind"].to_numpy() == "died") & (allp["org0"].to_numpy() >= 0))
    died_r25 = [m for m in died if tccsd_of[org0[m]] in roster2025]
    if not died_r25 and len(died):
        roster2025.add(int(tccsd_of[org0[died[0]]]))
        died_r25 = [died[0]]
        allp["roster25_org"] = np.where(
            (final_org >= 0) & np.isin(tccsd_of[np.maximum(final_org, 0)], sorted(roster2025)),
            final_org,
            -1,
        )
    if died_r25:
        m = int(died_r25[0])
        allp.at[m, "roster25_org"] = int(org0[m])
        contradictions.append({"check": "roster_after_death", "member": m, "org": int(org0[m])})
    quiet = np.flatnonzero(
        avail
        & (allp["exempt_since"].to_numpy()[:n0] == NONE)
        & np.isin(tccsd_of[org0], sorted(roster2025))
        & (allp["roster25_org"].to_numpy()[:n0] >= 0)
    )
    if len(quiet):
        m = int(quiet[len(quiet) // 2])
        allp.at[m, "roster25_org"] = -1
        avail[m] = False
        contradictions.append(
            {"check": "missing_from_newer_roster", "member": m, "org": int(org0[m])}
        )
    one_sided_out = [
        {
            "check": "transfer_one_side",
            "member": int(t.member),
            "org": int(t.src),
            "dst": int(t.dst),
            "date": int(t.send_date),
        }
        for t in transfers_df.itertuples()
        if t.one_sided
    ]
    # attributes are known when a roster lists the member
    allp["known"] = allp["in_roster24"] | (allp["roster25_org"] >= 0)

    world = World(
        seed=seed,
        orgs=orgs,
        members=allp,
        spells=spells,
        transfers=transfers_df,
        records=records,
        member_ratings=pd.DataFrame(),
        org_ratings=pd.DataFrame(),
        move=move,
        roster2025=np.array(sorted(roster2025)),
        contradictions=contradictions,
        one_sided=one_sided_out,
    )
    return world  # without ratings yet: sample.ratings.rate_world adds them


_OTHER_PROVINCES = [
    "Đảng bộ tỉnh Hà Tiên",
    "Đảng bộ tỉnh Đông Sơn",
    "Đảng bộ thành phố Hải Cảng",
    "Đảng bộ tỉnh Lam Giang",
    "Đảng bộ tỉnh Cao Nguyên",
    "Đảng bộ tỉnh Sông Hồng",
]


def _other_province(rng: Rng) -> str:
    return str(_OTHER_PROVINCES[int(rng.integers(0, len(_OTHER_PROVINCES)))])


def _unit_place(orgs: pd.DataFrame, org: int) -> str:
    """'Chi bộ 2, Đảng bộ thôn Đông, Đảng bộ xã Phú An' style text of a chi bộ's place."""
    tccsd = int(orgs.at[org, "tccsd"])
    dist = int(orgs.at[tccsd, "district_final"])
    parts = [orgs.at[org, "name"]] if org != tccsd else []
    parts += [orgs.at[tccsd, "name"], orgs.at[dist, "name"]]
    return ", ".join(parts)


# Fewer members leave some unit of the three smallest districts with nobody to count.
MIN_MEMBERS = 100


def build_world(members: int, seed: int, districts: int | None = None) -> World:
    if members < MIN_MEMBERS:
        from tcxd.core.errors import UserInputError

        raise UserInputError(f"Tỉnh mẫu cần ít nhất {MIN_MEMBERS} đảng viên (--members).")
    k = districts if districts is not None else max(3, round(members / 3600))
    k = max(3, min(k, members // 60))
    return _build(members, seed, k)
