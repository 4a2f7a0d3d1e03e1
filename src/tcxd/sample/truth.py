"""The truth file: every figure of docs/figures.md counted from the generator's own world.

Nothing here imports tcxd's importing, history, rating or report code: a bug shared by both
sides must not pass. Only `tcxd.core.text.fold` (text normalisation) and the vocabulary codes are
shared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tcxd.core import vocab
from tcxd.core.text import fold
from tcxd.sample.dates import INF, NONE, PERIODS, Y_END, YEAR, ages_on, day, iso
from tcxd.sample.world import HT, HTT, HTXS, KHT, LEVELS, World

BIEU1 = [
    "A",
    "B",
    "B1",
    "B2",
    "B2a",
    "B2b",
    "B3",
    "C",
    "C1",
    "C2",
    "C3",
    "C3a",
    "C4",
    "C5",
    "C5a",
    "C5b",
    "D",
]
AGE_ROWS = [
    "age_18_30",
    "age_31_35",
    "age_36_40",
    "age_41_45",
    "age_46_50",
    "age_51_55",
    "age_56_60",
    "age_over_60",
    "age_unknown",
]
SCHOOL_ROWS = [
    "school_literate",
    "school_primary",
    "school_lower_secondary",
    "school_upper_secondary",
    "school_unknown",
]
DEGREE_ROWS = [
    "degree_vocational",
    "degree_intermediate",
    "degree_college",
    "degree_university",
    "degree_master",
    "degree_doctor",
    "degree_unknown",
]
TITLE_ROWS = ["title_assoc_professor", "title_professor"]
OCC_ROWS = [
    "occ_state_district_up",
    "occ_party_mass_district_up",
    "occ_commune_staff",
    "occ_village_staff",
    "occ_public_service",
    "occ_non_public_service",
    "occ_enterprise_manager",
    "occ_enterprise_staff",
    "occ_enterprise_worker",
    "occ_farming",
    "occ_armed_forces",
    "occ_university_student",
    "occ_pupil",
    "occ_other",
    "occ_unknown",
]
TCCSD_BLOCK = [
    "dang_bo_co_so",
    "dang_bo_co_so_admitting",
    "chi_bo_co_so",
    "chi_bo_co_so_admitting",
]
# figures no file of the sample gives: null in the twin ("không có số liệu")
NO_DATA = {"family_planning_violation", "married_to_foreigner"}
BIEU2 = [
    "total",
    "women",
    "ethnic_minority",
    "religious",
    "youth_union",
    "private_business_owner",
    "readmitted",
    *AGE_ROWS,
    "age_mean",
    *SCHOOL_ROWS,
    *DEGREE_ROWS,
    *TITLE_ROWS,
    *OCC_ROWS,
    *TCCSD_BLOCK,
]
JOIN_ROWS = [
    "joined_before_1945_08_19",
    "joined_1945_1954",
    "joined_1954_1975",
    "joined_from_1975_05_01",
    "joined_unknown",
]
THEORY_ROWS = ["theory_basic", "theory_intermediate", "theory_advanced", "theory_unknown"]
BIEU3 = [
    "total",
    "women",
    "probationary",
    "ethnic_minority",
    "religious",
    "youth_union",
    "private_business_owner",
    *OCC_ROWS,
    "retired",
    "exempt",
    *AGE_ROWS,
    "age_mean",
    *SCHOOL_ROWS,
    *DEGREE_ROWS,
    *TITLE_ROWS,
    *JOIN_ROWS,
    *THEORY_ROWS,
]
KINDS = vocab.codes("kinds_of_place")
# Biểu số 5-BTCTW: each loại hình code → the rows it counts in (its row, the groups above, Cộng);
# a unit known only to its group counts in the group's "chưa rõ" row (typed here from the form,
# not read from forms/bieu5.yaml).
_SN, _DN = ["su_nghiep"], ["doanh_nghiep_htx"]
_NN, _NGOAI = [*_DN, "dn_von_nha_nuoc"], [*_DN, "dn_ngoai_nha_nuoc"]
PLACE_ROWS = {
    "xa": ["xa"],
    "phuong": ["phuong"],
    "dac_khu": ["dac_khu"],
    "co_quan_dang": ["co_quan_dang"],
    "co_quan_nha_nuoc": ["co_quan_nha_nuoc"],
    "su_nghiep": [*_SN, "su_nghiep_unknown"],
    "su_nghiep_cong_lap": [*_SN, "su_nghiep_cong_lap"],
    "su_nghiep_ngoai_cong_lap": [*_SN, "su_nghiep_ngoai_cong_lap"],
    "quan_doi": ["quan_doi"],
    "cong_an": ["cong_an"],
    "doanh_nghiep": [*_DN, "doanh_nghiep_htx_unknown"],
    "dn_nha_nuoc": [*_NN, "dn_von_nha_nuoc_unknown"],
    "dn_nn_100": [*_NN, "dn_nn_100"],
    "dn_nn_tu_50": [*_NN, "dn_nn_tu_50"],
    "dn_nn_duoi_50": [*_NN, "dn_nn_duoi_50"],
    "dn_ngoai_nha_nuoc": [*_NGOAI, "dn_ngoai_nha_nuoc_unknown"],
    "dn_co_phan": [*_NGOAI, "dn_co_phan"],
    "dn_tu_nhan": [*_NGOAI, "dn_tu_nhan"],
    "dn_tnhh": [*_NGOAI, "dn_tnhh"],
    "dn_hop_danh": [*_NGOAI, "dn_hop_danh"],
    "dn_fdi": [*_NGOAI, "dn_fdi"],
    "dn_fdi_100": [*_NGOAI, "dn_fdi", "dn_fdi_100"],
    "hop_tac_xa": [*_DN, "hop_tac_xa"],
    "ngoai_nuoc": ["ngoai_nuoc"],
    "khac": ["khac"],
    "": ["unknown"],
}
BIEU5_ROWS = list(dict.fromkeys(r for rows in PLACE_ROWS.values() for r in rows))
# XL tổ chức's loại hình columns: the rows down to the form's a, b, c
XL_COLUMNS = [
    r
    for r in BIEU5_ROWS
    if r.startswith(("su_nghiep", "doanh_nghiep"))
    or r in ("dn_von_nha_nuoc", "dn_ngoai_nha_nuoc", "hop_tac_xa")
    or r in {rows[0] for rows in PLACE_ROWS.values() if len(rows) == 1}
]
BIEU5_COLS = [
    "tccsd",
    "dang_bo_co_so",
    "chi_bo_co_so",
    "dang_bo_bo_phan",
    "chi_bo_truc_thuoc",
    "members",
]
XL_DV = [
    "total",
    "rated",
    "not_rated",
    "exempt",
    "new",
    "suspended",
    "other",
    "htxs",
    "htt",
    "ht",
    "kht",
    "kht_discipline",
    "kht_score",
    "kht_other",
    "capped",
]
XL_TC = [
    f"{p}_{r}"
    for p in ("tccsd", "cbtt", "dbbp")
    for r in ("total", "rated", "not_rated", "new", "htxs", "exemplary", "htt", "ht", "kht")
]
XL_DISTRICT = [
    f"district_{r}"
    for r in ("total", "rated", "not_rated", "new", "htxs", "exemplary", "htt", "ht", "kht")
]

# Occupation texts of the world (world.yaml) → a group, "retired", or a class whose group the
# loại hình of the member's TCCSĐ decides (docs/forms-official.md); anything else: unknown.
OCCUPATION_TEXTS = {
    "Nông dân": "occ_farming",
    "Làm nông nghiệp": "occ_farming",
    "Ngư dân": "occ_farming",
    "Xã viên hợp tác xã": "occ_farming",
    "Công nhân": "occ_enterprise_worker",
    "Lao động tự do": "occ_other",
    "Tiểu thương": "occ_other",
    "Nội trợ": "occ_other",
    "Kinh doanh": "occ_other",
    "Doanh nhân": "occ_enterprise_manager",
    "Chủ doanh nghiệp": "occ_enterprise_manager",
    "Viên chức": "occ_public_service",
    "Sinh viên": "occ_university_student",
    "Học sinh": "occ_pupil",
    "Hưu trí": "retired",
    "Nghỉ hưu": "retired",
    "Cán bộ hưu trí": "retired",
    "Sĩ quan quân đội": "occ_armed_forces",
    "Quân nhân chuyên nghiệp": "occ_armed_forces",
    "Chiến sĩ": "occ_armed_forces",
    "Công nhân quốc phòng": "occ_armed_forces",
    "Sĩ quan công an": "occ_armed_forces",
    "Chiến sĩ công an": "occ_armed_forces",
    "Công nhân công an": "occ_armed_forces",
    "Hạ sĩ quan công an": "occ_armed_forces",
    "Cán bộ": "civil_servant",
    "Công chức": "civil_servant",
    "Giáo viên": "staff",
    "Bác sĩ": "staff",
    "Nhân viên văn phòng": "staff",
    "Nhân viên kinh doanh": "staff",
    "Kỹ thuật viên": "staff",
    "Cán bộ quản lý": "manager",
}
_OFFICE = {"commune": "occ_commune_staff"}
# group -> row of loại hình -> occupation row (or, for offices, by commune / other)
CLASS_GROUPS: dict[str, dict[str, str | dict[str, str]]] = {
    "civil_servant": {
        "xa": "occ_commune_staff",
        "phuong": "occ_commune_staff",
        "dac_khu": "occ_commune_staff",
        "co_quan_dang": {**_OFFICE, "other": "occ_party_mass_district_up"},
        "co_quan_nha_nuoc": {**_OFFICE, "other": "occ_state_district_up"},
        "su_nghiep_cong_lap": "occ_public_service",
        "su_nghiep_ngoai_cong_lap": "occ_non_public_service",
        "quan_doi": "occ_armed_forces",
        "cong_an": "occ_armed_forces",
        "doanh_nghiep_htx": "occ_enterprise_staff",
    },
    "staff": {
        "co_quan_dang": {**_OFFICE, "other": "occ_party_mass_district_up"},
        "co_quan_nha_nuoc": {**_OFFICE, "other": "occ_state_district_up"},
        "su_nghiep_cong_lap": "occ_public_service",
        "su_nghiep_ngoai_cong_lap": "occ_non_public_service",
        "doanh_nghiep_htx": "occ_enterprise_staff",
    },
    "manager": {
        "doanh_nghiep_htx": "occ_enterprise_manager",
        "su_nghiep_cong_lap": "occ_public_service",
        "su_nghiep_ngoai_cong_lap": "occ_non_public_service",
        "co_quan_dang": {**_OFFICE, "other": "occ_party_mass_district_up"},
        "co_quan_nha_nuoc": {**_OFFICE, "other": "occ_state_district_up"},
    },
}
TERRITORIAL = ("xa", "phuong", "dac_khu")


def occupation_row(text: str, kind: str, commune: bool) -> str:
    """The occupation row of a member whose roster says `text`, counted in a TCCSĐ of loại
    hình `kind` under a committee that is (or not) a xã, phường or đặc khu."""
    target = OCCUPATION_TEXTS.get(text or "", "occ_unknown")
    if target not in CLASS_GROUPS:
        return target
    for row in [kind, *reversed(PLACE_ROWS.get(kind, []))]:
        found = CLASS_GROUPS[target].get(row)
        if isinstance(found, dict):
            return found["commune" if commune else "other"]
        if found:
            return found
    return "occ_unknown"


DEGREES = {
    "so cap": "degree_vocational",
    "cong nhan ky thuat": "degree_vocational",
    "trung cap": "degree_intermediate",
    "cao dang": "degree_college",
    "dai hoc": "degree_university",
    "cu nhan": "degree_university",
    "ky su": "degree_university",
    "thac si": "degree_master",
    "tien si": "degree_doctor",
    "tien si khoa hoc": "degree_doctor",
}
THEORY = {
    "so cap": "theory_basic",
    "trung cap": "theory_intermediate",
    "cao cap": "theory_advanced",
    "cu nhan": "theory_advanced",
}


def school_group(text: str) -> str:
    f = fold(text or "")
    if not f:
        return "school_unknown"
    words = {"tieu hoc": "school_primary", "thcs": "school_lower_secondary"}
    words["thpt"] = "school_upper_secondary"
    if f in words:
        return words[f]
    if "/" in f:
        n, _, of = f.partition("/")
        n_, of_ = int(n), int(of)
        primary, lower, upper = SCHOOL_ROWS[1:4]
        if of_ == 12:
            return primary if n_ <= 5 else lower if n_ <= 9 else upper
        if of_ == 10:
            return primary if n_ <= 4 else lower if n_ <= 7 else upper
    return "school_unknown"


def _map(values: pd.Series, fn) -> np.ndarray:
    """fn applied once per distinct value (the attribute columns hold few distinct texts)."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.array(
        [fn(u) for u in uniques],
        dtype=object if not isinstance(fn(uniques[0]) if len(uniques) else "", bool) else bool,
    )[codes]


def age_band(age: np.ndarray) -> np.ndarray:
    edges = np.array([30, 35, 40, 45, 50, 55, 60])
    return np.searchsorted(edges, age, side="left")  # 0: <=30 ... 7: >=61


def mean_half_up(total: int, count: int) -> float:
    if count == 0:
        return 0.0
    return ((20 * total + count) // (2 * count)) / 10


class Truth:
    def __init__(self, world: World):
        self.w = world
        orgs = world.orgs
        m = world.members
        self.tccsd_of = orgs["tccsd"].to_numpy()
        self.district_of = orgs["district"].to_numpy()
        self.kind_of = orgs["kind"].to_numpy()
        self.type_of = orgs["type"].to_numpy()
        self.founded = orgs["founded"].to_numpy()
        known = m["known"].to_numpy()
        self.known = known
        self.women = known & (m["gender"].to_numpy() == "nu")
        self.minority = known & _map(m["ethnicity"], lambda e: e != "" and fold(e) != "kinh")
        self.religious = known & _map(m["religion"], lambda r: r not in ("", "Không"))
        self.youth = known & m["youth"].to_numpy().astype(bool)
        self.school = np.where(known, _map(m["school"], school_group), "school_unknown")
        self.degree = np.where(
            known,
            _map(m["degree"], lambda d: DEGREES.get(fold(d), "degree_unknown")),
            "degree_unknown",
        )
        self.theory = np.where(
            known,
            _map(m["theory"], lambda t: THEORY.get(fold(t), "theory_unknown")),
            "theory_unknown",
        )
        self.occupation_text = np.where(known, m["occupation"].to_numpy(), "")
        self.owner = known & (m["occupation"].to_numpy() == "Chủ doanh nghiệp")
        # the district-level committees that are a xã, phường or đặc khu (tinh.yaml says so)
        profile = orgs["profile"].to_numpy() if "profile" in orgs else np.full(len(orgs), "")
        self.commune_district = np.isin(profile, TERRITORIAL)
        self.birth = m["birth"].to_numpy()
        self.admitted = m["admitted"].to_numpy()
        self.official = m["official"].to_numpy()
        ex = np.minimum(
            np.where(m["exempt_since"].to_numpy() == NONE, INF, m["exempt_since"].to_numpy()),
            np.where(m["exempt_event"].to_numpy() == NONE, INF, m["exempt_event"].to_numpy()),
        )
        self.exempt_from = ex
        self.sp = world.spells
        self.unit_names = self._unit_names()

    # ---------------------------------------------------------------- tree on a date
    def district_at(self, org: np.ndarray, on: np.ndarray | int) -> np.ndarray:
        d = self.district_of[org].copy()
        mv = self.w.move
        moved = self.tccsd_of[org] == mv["org"]
        after = np.asarray(on) >= mv["date"]
        d[moved] = np.where(np.broadcast_to(after, d.shape)[moved], mv["to"], mv["from"])
        return d

    def unit_at(self, level: str, org: np.ndarray, on) -> np.ndarray:
        if level == "tccsd":
            return self.tccsd_of[org]
        if level == "province":
            return np.zeros(len(org), dtype=np.int64)
        return self.district_at(org, on)

    def _unit_names(self) -> dict[int, str]:
        orgs = self.w.orgs
        names = {0: orgs.at[0, "name"]}
        for o in orgs.index[orgs["type"] == "district"]:
            names[int(o)] = orgs.at[o, "name"]
        for o in orgs.index[orgs["type"].isin(["dang_bo_co_so", "chi_bo_co_so"])]:
            d = int(orgs.at[o, "district_final"])
            names[int(o)] = f"{orgs.at[d, 'name']} / {orgs.at[o, 'name']}"
        return names

    # ---------------------------------------------------------------- members on a date
    def on(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        sp = self.sp
        live = (sp["start"].to_numpy() <= day) & (sp["end"].to_numpy() > day)
        return sp["member"].to_numpy()[live], sp["org"].to_numpy()[live]

    # ---------------------------------------------------------------- forms
    def bieu1(self, level: str, s: int, e: int) -> pd.DataFrame:
        sp = self.sp
        cols: dict[str, pd.Series] = {}
        _mem_a, org_a = self.on(s - 1)
        _mem_d, org_d = self.on(e)
        cols["A"] = pd.Series(self.unit_at(level, org_a, s - 1)).value_counts()
        cols["D"] = pd.Series(self.unit_at(level, org_d, e)).value_counts()
        flows: list[tuple[np.ndarray, str]] = []
        st = sp["start"].to_numpy()
        en = sp["end"].to_numpy()
        start_in = (st >= s) & (st <= e)
        end_in = (en >= s) & (en <= e)
        # starts
        ss = sp[start_in]
        d = ss["start"].to_numpy()
        to_u = self.unit_at(level, ss["org"].to_numpy(), d)
        frm = ss["from_org"].to_numpy()
        from_u = np.where(frm >= 0, self.unit_at(level, np.maximum(frm, 0), d - 1), -1)
        kind = ss["start_kind"].to_numpy()
        scope = ss["start_scope"].to_numpy()
        crossing = from_u != to_u
        flows.append((to_u[np.isin(kind, ["admitted", "readmitted"])], "B1"))
        flows.append((to_u[(kind == "transferred_in") & (scope == "out_province")], "B2a"))
        flows.append(
            (to_u[(kind == "transferred_in") & (scope == "in_province") & crossing], "B2b")
        )
        flows.append((to_u[kind == "reinstated"], "B3"))
        # ends
        es = sp[end_in]
        d = es["end"].to_numpy()
        from_u = self.unit_at(level, es["org"].to_numpy(), d - 1)
        to = es["to_org"].to_numpy()
        to_u = np.where(to >= 0, self.unit_at(level, np.maximum(to, 0), d), -1)
        kind = es["end_kind"].to_numpy()
        scope = es["end_scope"].to_numpy()
        mem = es["member"].to_numpy()
        prob = (self.official[mem] == NONE) | (self.official[mem] > d - 1)
        flows.append((from_u[kind == "died"], "C1"))
        flows.append((from_u[kind == "expelled"], "C2"))
        flows.append((from_u[kind == "removed"], "C3"))
        flows.append((from_u[(kind == "removed") & prob], "C3a"))
        flows.append((from_u[kind == "resigned"], "C4"))
        flows.append((from_u[(kind == "transferred_out") & (scope == "out_province")], "C5a"))
        flows.append(
            (
                from_u[(kind == "transferred_out") & (scope == "in_province") & (from_u != to_u)],
                "C5b",
            )
        )
        # an organisation moved to another district carries its members
        mv = self.w.move
        if level == "district" and s <= mv["date"] <= e:
            mem_m, org_m = self.on(mv["date"] - 1)
            mem_n, _ = self.on(mv["date"])
            carried = (self.tccsd_of[org_m] == mv["org"]) & np.isin(mem_m, mem_n)
            k = int(carried.sum())
            flows.append((np.full(k, mv["from"]), "C5b"))
            flows.append((np.full(k, mv["to"]), "B2b"))
        for units, code in flows:
            s_ = pd.Series(units).value_counts()
            cols[code] = s_.add(cols.get(code, pd.Series(dtype=np.int64)), fill_value=0)
        df = pd.DataFrame(cols).fillna(0).astype(np.int64)
        for c in BIEU1:
            if c not in df:
                df[c] = 0
        df["B2"] = df["B2a"] + df["B2b"]
        df["B"] = df["B1"] + df["B2"] + df["B3"]
        df["C5"] = df["C5a"] + df["C5b"]
        df["C"] = df["C1"] + df["C2"] + df["C3"] + df["C4"] + df["C5"]
        bad = df["D"] != df["A"] + df["B"] - df["C"]
        if bad.any():
            raise AssertionError(
                f"D != A + B - C for units {df.index[bad].tolist()} ({level}, {iso(s)})"
            )
        return df[BIEU1]

    def _attrs(self, mem: np.ndarray, age: np.ndarray) -> pd.DataFrame:
        band = age_band(age)
        data = {
            "total": np.ones(len(mem), dtype=np.int64),
            "women": self.women[mem],
            "ethnic_minority": self.minority[mem],
            "religious": self.religious[mem],
            "youth_union": self.youth[mem],
            "private_business_owner": self.owner[mem],
        }
        for i, r in enumerate(AGE_ROWS[:-1]):
            data[r] = band == i
        data["age_unknown"] = np.zeros(len(mem), dtype=bool)  # every person has a birth date
        data["_age"] = age
        for r in SCHOOL_ROWS:
            data[r] = self.school[mem] == r
        for r in DEGREE_ROWS:
            data[r] = self.degree[mem] == r
        for r in TITLE_ROWS:  # no degree text of the world names a học hàm
            data[r] = np.zeros(len(mem), dtype=bool)
        return pd.DataFrame(data)

    def _occupations(self, mem: np.ndarray, org: np.ndarray, on) -> np.ndarray:
        """The occupation row of each member counted at chi bộ `org` on `on`."""
        tcc = self.tccsd_of[org]
        commune = self.commune_district[self.district_at(org, on)]
        kinds = self.kind_of[tcc]
        return np.array(
            [
                occupation_row(t, k, bool(c))
                for t, k, c in zip(self.occupation_text[mem], kinds, commune, strict=True)
            ],
            dtype=object,
        )

    def _finish_mean(self, g: pd.DataFrame) -> pd.DataFrame:
        g = g.copy()
        g["age_mean"] = [
            mean_half_up(int(a), int(t)) for a, t in zip(g["_age"], g["total"], strict=True)
        ]
        return g.drop(columns="_age")

    def bieu2(self, level: str, s: int, e: int) -> pd.DataFrame:
        sp = self.sp
        st = sp["start"].to_numpy()
        sel = (
            (st >= s) & (st <= e) & np.isin(sp["start_kind"].to_numpy(), ["admitted", "readmitted"])
        )
        ss = sp[sel]
        mem = ss["member"].to_numpy()
        d = ss["start"].to_numpy()
        df = self._attrs(mem, ages_on(self.birth[mem], d))
        df["readmitted"] = ss["start_kind"].to_numpy() == "readmitted"
        occupation = self._occupations(mem, ss["org"].to_numpy(), d)
        occupation[occupation == "retired"] = "occ_other"  # Biểu 2 has no retired row
        for r in OCC_ROWS:
            df[r] = occupation == r
        df["_unit"] = self.unit_at(level, ss["org"].to_numpy(), d)
        g = df.groupby("_unit").sum(numeric_only=False).astype(np.int64)
        g = self._finish_mean(g)
        # III: the TCCSĐ of the unit at the end, and those that admitted someone
        t = self.tccsd_on(e)
        admitting = np.isin(t, self.tccsd_of[ss["org"].to_numpy()])
        block = pd.DataFrame(
            {
                "_unit": self.unit_at(level, t, e),
                "dang_bo_co_so": self.type_of[t] == "dang_bo_co_so",
                "dang_bo_co_so_admitting": (self.type_of[t] == "dang_bo_co_so") & admitting,
                "chi_bo_co_so": self.type_of[t] == "chi_bo_co_so",
                "chi_bo_co_so_admitting": (self.type_of[t] == "chi_bo_co_so") & admitting,
            }
        )
        block = block.groupby("_unit").sum().astype(np.int64)
        g = g.reindex(g.index.union(block.index)).fillna(0)
        g[TCCSD_BLOCK] = block.reindex(g.index).fillna(0)
        return g.reindex(columns=BIEU2).fillna(0)

    def bieu3(self, level: str, e: int) -> pd.DataFrame:
        mem, org = self.on(e)
        df = self._attrs(mem, ages_on(self.birth[mem], np.full(len(mem), e)))
        df["probationary"] = (self.official[mem] == NONE) | (self.official[mem] > e)
        df["exempt"] = self.exempt_from[mem] <= e
        # an exempt member is not working: retired, whatever the roster says
        occupation = self._occupations(mem, org, e)
        occupation[df["exempt"].to_numpy()] = "retired"
        for r in [*OCC_ROWS, "retired"]:
            df[r] = occupation == r
        adm = self.admitted[mem]
        df["joined_before_1945_08_19"] = (adm != NONE) & (adm < day(1945, 8, 19))
        df["joined_1945_1954"] = (adm >= day(1945, 8, 19)) & (adm <= day(1954, 7, 20))
        df["joined_1954_1975"] = (adm >= day(1954, 7, 21)) & (adm <= day(1975, 4, 30))
        df["joined_from_1975_05_01"] = adm >= day(1975, 5, 1)
        df["joined_unknown"] = adm == NONE
        for r in THEORY_ROWS:
            df[r] = self.theory[mem] == r
        df["_unit"] = self.unit_at(level, org, e)
        g = df.groupby("_unit").sum(numeric_only=False).astype(np.int64)
        return self._finish_mean(g).reindex(columns=BIEU3)

    def tccsd_on(self, e: int) -> np.ndarray:
        t = np.flatnonzero(np.isin(self.type_of, ["dang_bo_co_so", "chi_bo_co_so"]))
        return t[(self.founded[t] == NONE) | (self.founded[t] <= e)]

    def bieu5(self, e: int) -> dict[str, dict[int, dict]]:
        """{level: {unit: {kind_or_total: {column: n}}}}."""
        orgs_all = np.arange(len(self.type_of))
        exists = (self.founded == NONE) | (self.founded <= e)
        sub = orgs_all[
            exists
            & np.isin(
                self.type_of,
                ["dang_bo_co_so", "chi_bo_co_so", "dang_bo_bo_phan", "chi_bo_truc_thuoc"],
            )
        ]
        tcc = self.tccsd_of[sub]
        kind = self.kind_of[tcc]
        typ = self.type_of[sub]
        _mem, org = self.on(e)
        mem_t = pd.Series(self.tccsd_of[org]).value_counts()
        df = pd.DataFrame({"tccsd": tcc, "kind": kind})
        for c in ("dang_bo_co_so", "chi_bo_co_so", "dang_bo_bo_phan", "chi_bo_truc_thuoc"):
            df[c] = (typ == c).astype(np.int64)
        df["members"] = np.where(
            np.isin(typ, ["dang_bo_co_so", "chi_bo_co_so"]),
            mem_t.reindex(sub).fillna(0).to_numpy(),
            0,
        ).astype(np.int64)
        df["tccsd_n"] = df["dang_bo_co_so"] + df["chi_bo_co_so"]
        out: dict[str, dict[int, dict]] = {"tccsd": {}, "district": {}}
        df["district"] = self.district_at(df["tccsd"].to_numpy(), e)
        for level in ("tccsd", "district"):
            g = df.groupby([level, "kind"])[
                [
                    "tccsd_n",
                    "dang_bo_co_so",
                    "chi_bo_co_so",
                    "dang_bo_bo_phan",
                    "chi_bo_truc_thuoc",
                    "members",
                ]
            ].sum()
            for (u, k), row in g.iterrows():
                table = out[level].setdefault(int(u), _empty_b5(total=True))
                vals = dict(zip(BIEU5_COLS, (int(v) for v in row.to_numpy()), strict=True))
                for r in [*PLACE_ROWS[k], "total"]:
                    for c, v in vals.items():
                        table[r][c] += v
        return out

    def xl_dang_vien(self, level: str) -> pd.DataFrame:
        mr = self.w.member_ratings
        org = mr["org"].to_numpy()
        st = mr["status"].to_numpy()
        nr = mr["not_reviewed"].to_numpy()
        fin = mr["final"].to_numpy()
        kr = mr["kht_reason"].to_numpy()
        df = pd.DataFrame(
            {
                "total": 1,
                "rated": st == "rated",
                "not_rated": st != "rated",
                "exempt": nr == "exempt",
                "new": nr == "new",
                "suspended": nr == "suspended",
                "other": np.isin(st, ["no_evaluation", "needs_decision"]),
                "htxs": (st == "rated") & (fin == HTXS),
                "htt": (st == "rated") & (fin == HTT),
                "ht": (st == "rated") & (fin == HT),
                "kht": (st == "rated") & (fin == KHT),
                "kht_discipline": kr == "kht_discipline",
                "kht_score": kr == "kht_score",
                "kht_other": kr == "kht_other",
                "capped": mr["capped"].to_numpy(),
            }
        )
        df["_unit"] = self.unit_at(level, org, Y_END)
        return df.groupby("_unit").sum().astype(np.int64)[XL_DV]

    def xl_to_chuc(self, level: str) -> dict[int, dict]:
        ors = self.w.org_ratings
        ids = ors.index.to_numpy()
        tcc = self.tccsd_of[ids]
        kind = self.kind_of[tcc]
        typ = ors["type"].to_numpy()
        st = ors["status"].to_numpy()
        fin = ors["final"].to_numpy()
        exemplary = ors["exemplary"].to_numpy().astype(bool)
        prefix = np.select(
            [
                np.isin(typ, ["dang_bo_co_so", "chi_bo_co_so"]),
                typ == "chi_bo_truc_thuoc",
                typ == "dang_bo_bo_phan",
            ],
            ["tccsd", "cbtt", "dbbp"],
            default="",
        )
        units = self.unit_at(level, tcc, Y_END)
        out: dict[int, dict] = {}
        for u in sorted(set(units.tolist())):
            table = {r: {"total": 0, **dict.fromkeys(XL_COLUMNS, 0)} for r in XL_TC}
            for r in XL_DISTRICT:
                table[r] = {"total": 0}
            sel = np.flatnonzero(units == u)
            for i in sel:
                p = prefix[i]
                rows = [f"{p}_total"]
                if st[i] == "rated":
                    rows += [f"{p}_rated", f"{p}_{['htxs', 'htt', 'ht', 'kht'][fin[i]]}"]
                    if fin[i] == HTXS and exemplary[i]:
                        rows.append(f"{p}_exemplary")
                else:
                    rows.append(f"{p}_not_rated")
                    if st[i] == "new":
                        rows.append(f"{p}_new")
                columns = ["total", *(c for c in PLACE_ROWS[kind[i]] if c in XL_COLUMNS)]
                for r in rows:
                    for c in columns:
                        table[r][c] += 1
            out[int(u)] = table
        # block IV: the district-level committees themselves, which the sample does not rate
        if level == "district":
            for d in np.flatnonzero(self.type_of == "district"):
                table = out.setdefault(
                    int(d),
                    {
                        **{r: {"total": 0, **dict.fromkeys(XL_COLUMNS, 0)} for r in XL_TC},
                        **{r: {"total": 0} for r in XL_DISTRICT},
                    },
                )
                table["district_total"]["total"] += 1
                table["district_not_rated"]["total"] += 1
        return out

    # ---------------------------------------------------------------- everything
    def figures(self) -> dict:
        figs: dict[str, dict] = {}
        tccsd_units = [
            u for u in self.unit_names if self.type_of[u] in ("dang_bo_co_so", "chi_bo_co_so")
        ]
        district_units = [u for u in self.unit_names if self.type_of[u] == "district"]
        for code, (s, e) in PERIODS.items():
            per: dict[str, dict] = {}
            b5 = self.bieu5(e)
            tables = {}
            for level in ("tccsd", "district"):
                tables[level] = (
                    self.bieu1(level, s, e),
                    self.bieu2(level, s, e),
                    self.bieu3(level, e),
                )
            xl = {}
            if code == "year":
                for level in ("tccsd", "district"):
                    xl[level] = (self.xl_dang_vien(level), self.xl_to_chuc(level))
            existing = set(self.tccsd_on(e).tolist())
            for level, units in (("district", district_units), ("tccsd", tccsd_units)):
                b1, b2, b3 = tables[level]
                for u in units:
                    if level == "tccsd" and u not in existing:
                        continue
                    forms = {
                        "bieu1": _row(b1, u, BIEU1),
                        "bieu2": _row(b2, u, BIEU2) | dict.fromkeys(sorted(NO_DATA)),
                        "bieu3": _row(b3, u, BIEU3) | {"married_to_foreigner": None},
                        "bieu5": _sparse(b5[level].get(u, _empty_b5(total=True)), keep="total"),
                    }
                    if code == "year":
                        forms["xl_dang_vien"] = _row(xl[level][0], u, XL_DV)
                        forms["xl_to_chuc"] = _sparse(
                            xl[level][1].get(u, {r: {"total": 0} for r in XL_TC}), keep="row"
                        )
                    per[self.unit_names[u]] = forms
            prov = _sum_units([per[self.unit_names[u]] for u in district_units])
            prov["bieu2"]["age_mean"] = _row(self.bieu2("province", s, e), 0, BIEU2)["age_mean"]
            prov["bieu3"]["age_mean"] = _row(self.bieu3("province", e), 0, BIEU3)["age_mean"]
            per[self.unit_names[0]] = prov
            figs[f"{YEAR}-{code}"] = {u: _drop_zeros(f) for u, f in per.items()}
        return figs


ALWAYS = {"bieu1": ("A", "D"), "bieu2": ("total",), "bieu3": ("total",), "xl_dang_vien": ("total",)}


def _drop_zeros(forms: dict) -> dict:
    """Codes whose value is 0 are left out of bieu1/bieu2/bieu3/xl_dang_vien (absent = 0), except
    the totals named in ALWAYS."""
    out = {}
    for form, table in forms.items():
        keep = ALWAYS.get(form)
        out[form] = (
            table
            if keep is None
            else {c: v for c, v in table.items() if v is None or v or c in keep}
        )
    return out


def _empty_b5(total: bool = False) -> dict:
    t = {r: dict.fromkeys(BIEU5_COLS, 0) for r in BIEU5_ROWS}
    if total:
        t["total"] = dict.fromkeys(BIEU5_COLS, 0)
    return t


def _row(df: pd.DataFrame, u: int, codes: list[str]) -> dict:
    if u in df.index:
        r = df.loc[u]
        return {c: (float(r[c]) if c == "age_mean" else int(r[c])) for c in codes}
    return {c: (0.0 if c == "age_mean" else 0) for c in codes}


def _sum_units(units: list[dict]) -> dict:
    """The province = the sum of its districts (age means are recomputed by the caller)."""
    out: dict = {}
    for form in units[0]:
        first = units[0][form]
        if form in ("bieu5", "xl_to_chuc"):
            table: dict[str, dict[str, int]] = {}
            for u in units:
                for r, cols in u[form].items():
                    row = table.setdefault(r, {})
                    for c, v in cols.items():
                        row[c] = row.get(c, 0) + v
            out[form] = _sparse(table, keep="total")
        else:
            out[form] = {
                c: (
                    0.0
                    if c == "age_mean"
                    else None
                    if first[c] is None
                    else sum(u[form][c] for u in units)
                )
                for c in first
            }
    return out


def _sparse(table: dict[str, dict[str, int]], keep: str) -> dict:
    """Biểu 5: rows (loại hình) with a non-zero column, and `total`; XL tổ chức: every row code
    with its `total` and the loại hình columns that are not zero. Absent = 0."""
    if (
        keep == "total"
        and "total" in table
        and isinstance(next(iter(table.values())), dict)
        and "members" in table["total"]
    ):
        return {
            r: dict(sorted(v.items(), key=lambda kv: BIEU5_COLS.index(kv[0])))
            for r, v in _order(table, [*BIEU5_ROWS, "total"]).items()
            if r == "total" or any(v.values())
        }
    return {
        r: {c: n for c, n in _order(v, ["total", *XL_COLUMNS]).items() if c == "total" or n}
        for r, v in _order(table, [*XL_TC, *XL_DISTRICT]).items()
    }


def _order(d: dict, keys: list[str]) -> dict:
    return {k: d[k] for k in keys if k in d}


def level_name(code: int) -> str | None:
    return LEVELS[code] if code >= 0 else None
