"""The foreign corpus's own fictional province: its units, people and base files.

Tỉnh ủy Hà Lam has three district-level committees. Sông Cầu and Đá Bạc have their organisations
in every test database (the "units" setup); Bến Nghé's come only from the corpus's own
organisation files. Names are built here from short lists of our own.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, replace
from datetime import date

PROVINCE = "Tỉnh ủy Hà Lam"
SONG_CAU = "Đảng bộ huyện Sông Cầu"
DA_BAC = "Đảng bộ huyện Đá Bạc"
BEN_NGHE = "Đảng bộ thị xã Bến Nghé"
DISTRICTS = [SONG_CAU, DA_BAC, BEN_NGHE]

VAN_LOC = "Đảng bộ xã Vạn Lộc"
DA_BAC_TOWN = "Đảng bộ thị trấn Đá Bạc"
# (name, type label, parent, loại hình) in the plainest wording: the template's organisations.
BASE_ORGS = [
    (VAN_LOC, "Đảng bộ cơ sở", SONG_CAU, "Xã"),
    ("Chi bộ thôn Đông", "Chi bộ trực thuộc", VAN_LOC, ""),
    ("Chi bộ thôn Tây", "Chi bộ trực thuộc", VAN_LOC, ""),
    ("Chi bộ thôn Bắc", "Chi bộ trực thuộc", VAN_LOC, ""),
    ("Chi bộ Trường THPT Sông Cầu", "Chi bộ cơ sở", SONG_CAU, "ĐVSN công lập"),
    (DA_BAC_TOWN, "Đảng bộ cơ sở", DA_BAC, "Xã"),
    ("Chi bộ khu phố 1", "Chi bộ trực thuộc", DA_BAC_TOWN, ""),
    ("Chi bộ khu phố 2", "Chi bộ trực thuộc", DA_BAC_TOWN, ""),
    ("Chi bộ Công ty TNHH Minh Phát", "Chi bộ cơ sở", DA_BAC, "DN ngoài NN"),
]

# Bến Nghé's tree, which the corpus's organisation files describe in their own wordings.
AN_HOA = "Đảng bộ phường An Hòa"
BEN_NGHE_ORGS = [
    (AN_HOA, "dang_bo_co_so", BEN_NGHE, "Phường"),
    ("Chi bộ tổ dân phố 3", "chi_bo_truc_thuoc", AN_HOA, ""),
    ("Chi bộ tổ dân phố 5", "chi_bo_truc_thuoc", AN_HOA, ""),
    ("Chi bộ Bệnh viện đa khoa Bến Nghé", "chi_bo_co_so", BEN_NGHE, "ĐVSN công lập"),
    ("Chi bộ Hợp tác xã Tân Tiến", "chi_bo_co_so", BEN_NGHE, "HTX"),
]

SURNAMES = ["Lê", "Phạm", "Trương", "Vũ", "Đặng", "Hồ", "Ngô", "Bùi", "Lương", "Đinh", "Mai"]
MIDDLE_M = ["Văn", "Quốc", "Đức", "Thế", "Quang", "Hữu", "Minh"]
MIDDLE_F = ["Thị", "Thùy", "Ngọc", "Thanh", "Mỹ", "Kim"]
GIVEN_M = ["Tám", "Việt", "Thịnh", "Vinh", "Huy", "Chiến", "Thắng", "Hiếu", "Lộc", "Sơn", "Tùng"]
GIVEN_F = ["Hằng", "Hoa", "Lệ", "Dương", "Phụng", "Nga", "Thơ", "Hương", "Loan", "Trâm", "Yến"]
ETHNICITIES = ["Kinh", "Kinh", "Kinh", "Tày", "Mường", "Khmer"]
RELIGIONS = ["Không", "Không", "Không", "Phật giáo", "Công giáo"]
JOBS = ["Nông dân", "Giáo viên", "Cán bộ xã", "Hưu trí", "Công nhân", "Bác sĩ", "Kinh doanh"]


@dataclass(frozen=True)
class Person:
    surname: str
    middle: str
    given: str
    gender: str  # "nam" | "nu"
    birth: date | None
    card: str | None
    cccd: str | None
    admitted: date | None
    official: date | None
    ethnicity: str
    religion: str
    job: str

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.middle} {self.given}"

    @property
    def first_part(self) -> str:
        return f"{self.surname} {self.middle}"

    @property
    def gender_label(self) -> str:
        return "Nam" if self.gender == "nam" else "Nữ"


class People:
    """Deterministic people: every file draws from its own seeded generator; cards never repeat."""

    _serial = 0

    def __init__(self, seed: str):
        self.rng = random.Random(zlib.crc32(seed.encode()))

    def person(self, **overrides) -> Person:
        rng = self.rng
        People._serial += 1
        gender = rng.choice(["nam", "nu"])
        birth = date(rng.randint(1950, 1998), rng.randint(1, 12), rng.randint(1, 28))
        admitted = date(birth.year + rng.randint(19, 26), rng.randint(1, 12), rng.randint(1, 28))
        official = None if rng.random() < 0.15 else replace_year(admitted, 1)
        serial = People._serial
        person = Person(
            surname=rng.choice(SURNAMES),
            middle=rng.choice(MIDDLE_M if gender == "nam" else MIDDLE_F),
            given=rng.choice(GIVEN_M if gender == "nam" else GIVEN_F),
            gender=gender,
            birth=birth,
            # Every third card starts with zeros, the way real cards do.
            card=f"{(serial * 7919) % 10**6:08d}"
            if serial % 3 == 0
            else f"{10**7 + serial * 104729 % (9 * 10**7):08d}",
            cccd=f"0{rng.randint(10, 96):02d}{rng.randint(0, 10**9 - 1):09d}",
            admitted=admitted if admitted < date(2026, 6, 1) else date(2025, 5, 19),
            official=official if official is None or official < date(2026, 6, 1) else None,
            ethnicity=rng.choice(ETHNICITIES),
            religion=rng.choice(RELIGIONS),
            job=rng.choice(JOBS),
        )
        return replace(person, **overrides)

    def many(self, count: int, **overrides) -> list[Person]:
        return [self.person(**overrides) for _ in range(count)]


def replace_year(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


# The template's roster: Chi bộ thôn Đông at 31/12/2025. Changes, evaluations and the identity
# clash refer to these people.
BASE_PEOPLE = [
    Person("Lê", "Văn", "Tám", "nam", date(1968, 3, 2), "00471203", "037068001234",
           date(1992, 5, 19), date(1993, 5, 19), "Kinh", "Không", "Nông dân"),
    Person("Phạm", "Thị", "Hằng", "nu", date(1979, 11, 30), "01850027", "037179004321",
           date(2003, 2, 3), date(2004, 2, 3), "Kinh", "Phật giáo", "Giáo viên"),
    Person("Đặng", "Quốc", "Việt", "nam", date(1985, 7, 14), "10234589", "037085009876",
           date(2010, 9, 2), date(2011, 9, 2), "Tày", "Không", "Cán bộ xã"),
    Person("Ngô", "Thùy", "Dương", "nu", date(1990, 1, 8), "00093311", "037190005555",
           date(2015, 3, 26), date(2016, 3, 26), "Kinh", "Không", "Kinh doanh"),
    Person("Bùi", "Quang", "Huy", "nam", date(1955, 6, 21), "00000458", "037055000077",
           date(1978, 12, 22), date(1979, 12, 22), "Kinh", "Không", "Hưu trí"),
]  # fmt: skip
BASE_UNIT = "Chi bộ thôn Đông"
BASE_AS_OF = date(2025, 12, 31)
