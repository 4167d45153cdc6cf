"""Deterministic demo data: villages, households and members for a whole city, written in bulk.

Each village draws from its own random generator seeded by (seed, village code), so the data of a
village does not depend on how many others exist, and a re-run recreates exactly the same codes and
skips the ones already present (idempotent). Members go in with PostgreSQL's COPY where available
(millions of rows in minutes) and with bulk_create elsewhere.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from households.citizen_ids import load_province_codes
from households.models import AdminUnit, Household, Member
from households.names import name_key
from households.services import MEMBER_FIELDS

REFERENCE_YEAR = 2026

FAMILY_NAMES = (
    ["Nguyễn"] * 30
    + ["Trần"] * 10
    + ["Lê"] * 9
    + ["Phạm"] * 6
    + ["Huỳnh"] * 5
    + ["Hoàng"] * 4
    + ["Phan"] * 4
    + ["Võ"] * 4
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ"] * 2
    + ["Hồ"] * 2
    + ["Ngô"] * 2
    + ["Dương", "Lý", "Đoàn", "Trương", "Mai", "Tô"]
)
MALE_MIDDLE = ["Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Ngọc", "Xuân"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Mỹ", "Hồng"]
MALE_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Long",
    "Lộc",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
]
FEMALE_GIVEN = [
    "Anh",
    "Bích",
    "Chi",
    "Diệp",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thủy",
    "Trang",
    "Trinh",
    "Vân",
    "Yến",
]
STREETS = [
    "Hùng Vương",
    "Lê Duẩn",
    "Trần Phú",
    "Nguyễn Văn Linh",
    "Điện Biên Phủ",
    "Ông Ích Khiêm",
    "Hoàng Diệu",
    "Núi Thành",
    "Tôn Đức Thắng",
    "Ngũ Hành Sơn",
    "Phạm Văn Đồng",
    "Nguyễn Tất Thành",
    "Trưng Nữ Vương",
    "Lê Văn Hiến",
    "Cách Mạng Tháng Tám",
    "Âu Cơ",
    "Hà Huy Tập",
    "Nguyễn Lương Bằng",
]
# Household sizes 1–7, mean ≈ 3.5 (the city's ≈ 3.5 members per household).
SIZE_WEIGHTS = [(1, 8), (2, 15), (3, 22), (4, 27), (5, 16), (6, 8), (7, 4)]
MEMBER_COLUMNS = ("household_id", *MEMBER_FIELDS, "left_reason", "left_note", "version", "name_key")


@dataclass
class SeedReport:
    villages_created: int = 0
    households_created: int = 0
    members_created: int = 0


def ensure_villages(*, seed: int, per_ward: tuple[int, int]) -> int:
    """Give every ward/commune (not the uninhabited special zone) its numbered villages."""
    created = []
    wards = AdminUnit.objects.current().filter(level__in=(AdminUnit.Level.WARD, AdminUnit.Level.COMMUNE))
    existing = set(AdminUnit.objects.villages().values_list("code", flat=True))
    for ward in wards:
        rng = random.Random(f"{seed}:villages:{ward.code}")
        count = rng.randint(*per_ward)
        is_ward = ward.level == AdminUnit.Level.WARD
        for n in range(1, count + 1):
            code = f"{ward.code}-{n:03d}"
            if code in existing:
                continue
            created.append(
                AdminUnit(
                    code=code,
                    name=f"Tổ dân phố {n}" if is_ward else f"Thôn {n}",
                    unit_type="Tổ dân phố" if is_ward else "Thôn",
                    level=AdminUnit.Level.VILLAGE,
                    parent=ward,
                    path=f"{ward.path}{code}/",
                    area_type=ward.area_type,
                )
            )
    AdminUnit.objects.bulk_create(created, batch_size=1000)
    return len(created)


class _IdNumbers:
    """Structurally valid, unique 12-digit citizen IDs: PPP C YY + a serial per prefix."""

    def __init__(self, seed: int):
        self.rng = random.Random(f"{seed}:ids")
        self.others = sorted(load_province_codes() - {"048", "049"})
        self.next_serial: dict[str, int] = {}

    def make(self, rng: random.Random, sex: str, born: date) -> str:
        roll = rng.random()
        province = "048" if roll < 0.75 else "049" if roll < 0.9 else rng.choice(self.others)
        century_digit = 2 * ((born.year - 1900) // 100) + (1 if sex == "female" else 0)
        prefix = f"{province}{century_digit}{born.year % 100:02d}"
        serial = self.next_serial.get(prefix)
        if serial is None:
            serial = self.rng.randrange(0, 500_000)
        # Step by a number coprime with 10^6 so serials look scattered yet never repeat.
        self.next_serial[prefix] = (serial + 7919) % 1_000_000
        return f"{prefix}{serial:06d}"


def _birth(rng: random.Random, age: int) -> date:
    """A birth date at which the person is ``age`` on 1 September of the reference year (the day the
    year's review opens), so that nobody is born in the future whenever the demo is generated."""
    return date(REFERENCE_YEAR - age, 9, 1) - timedelta(days=rng.randrange(365))


def _person_facts(rng: random.Random, age: int, sex: str, rural: bool) -> dict:
    schooling, education, employment = "none", "none", "other_not_working"
    vocational = False
    if 3 <= age <= 5:
        schooling = "preschool" if rng.random() < 0.9 else "none"
    elif 6 <= age <= 10:
        schooling = "primary" if rng.random() < 0.97 else "none"
    elif 11 <= age <= 14:
        schooling, education = ("lower_secondary" if rng.random() < 0.95 else "none"), "primary"
    elif 15 <= age <= 17:
        schooling, education = ("upper_secondary" if rng.random() < 0.85 else "none"), "lower_secondary"
        employment = "student" if schooling != "none" else "other_not_working"
    elif age >= 18:
        education = rng.choices(["primary", "lower_secondary", "upper_secondary", "college_or_higher"], [15, 30, 35, 20])[0]
        vocational = rng.random() < 0.25
        if age <= 22 and rng.random() < 0.35:
            schooling, employment = rng.choice(["higher", "vocational"]), "student"
        elif age < 60:
            employment = rng.choices(
                ["wage_with_contract", "wage_without_contract", "self_employed", "unemployed", "homemaker"],
                [35, 18, 35, 5, 7] if not rural else [15, 20, 55, 4, 6],
            )[0]
        else:
            employment = rng.choice(["retired", "self_employed", "other_not_working"])
    disabled = rng.random() < 0.03
    capacity = "none" if disabled and rng.random() < 0.5 else ("partial" if age >= 75 else "full")
    return {
        "has_health_insurance": age < 6 or rng.random() < 0.93,
        "schooling": schooling,
        "education": education,
        "has_vocational_training": vocational,
        "employment": employment,
        "working_capacity": capacity,
        "has_disability": disabled,
        "receives_social_allowance": age >= 80 or (disabled and rng.random() < 0.7),
        "nutrition": ("stunted" if rng.random() < 0.05 else "normal") if age < 16 else "normal",
    }


def _household_people(rng: random.Random, rural: bool) -> list[tuple[str, int, str]]:
    """(relationship, age, sex) for a plausible household."""
    size = rng.choices([s for s, _w in SIZE_WEIGHTS], [w for _s, w in SIZE_WEIGHTS])[0]
    head_age = rng.randint(24, 85)
    head_sex = "male" if rng.random() < 0.7 else "female"
    people = [("head", head_age, head_sex)]
    if size >= 2 and head_age < 80 and rng.random() < 0.8:
        people.append(("spouse", max(20, head_age + rng.randint(-6, 4)), "female" if head_sex == "male" else "male"))
    if len(people) < size and head_age < 60 and rng.random() < 0.25:
        people.append(("parent", min(98, head_age + rng.randint(20, 30)), rng.choice(["male", "female"])))
    while len(people) < size:
        top = max(0, head_age - 18)
        low = max(0, head_age - 45)
        if top <= 0:
            people.append(("sibling", max(16, head_age + rng.randint(-8, 8)), rng.choice(["male", "female"])))
            continue
        age = rng.randint(low, top)
        if head_age > 60 and rng.random() < 0.4:
            people.append(("grandchild", rng.randint(0, min(20, head_age - 40)), rng.choice(["male", "female"])))
        else:
            people.append(("child", age, rng.choice(["male", "female"])))
    return people


def _village_rows(village: AdminUnit, ward_name: str, count: int, seed: int, ids: _IdNumbers, ethnic_minority: bool):
    """Yield (household fields, [member field dicts]) for one village."""
    rng = random.Random(f"{seed}:households:{village.code}")
    rural = village.area_type == AdminUnit.AreaType.RURAL
    for n in range(1, count + 1):
        code = f"{village.code}-{n:05d}"
        family = rng.choice(FAMILY_NAMES)
        address = (
            f"Thôn {village.name.split()[-1]}, {ward_name}"
            if rural
            else f"{rng.randint(1, 400)} {rng.choice(STREETS)}, {village.name}, {ward_name}"
        )
        household = {
            "code": code,
            "village_id": village.pk,
            "address": address,
            "phone": f"09{rng.randrange(10**8):08d}",
            "in_agriculture": rng.random() < (0.45 if rural else 0.03),
        }
        members = []
        minority = ethnic_minority and rng.random() < 0.3
        for relationship, age, sex in _household_people(rng, rural):
            name_family = family if relationship in ("head", "child", "grandchild", "sibling") else rng.choice(FAMILY_NAMES)
            middle = rng.choice(MALE_MIDDLE if sex == "male" else FEMALE_MIDDLE)
            given = rng.choice(MALE_GIVEN if sex == "male" else FEMALE_GIVEN)
            born = _birth(rng, age)
            member = {
                "full_name": f"{name_family} {middle} {given}",
                "name_key": name_key(f"{name_family} {middle} {given}"),  # bulk writes skip Member.save()
                "date_of_birth": born,
                "sex": sex,
                "ethnicity": "26" if minority else "01",  # 26 = Cơ-tu, the largest minority of Đà Nẵng's uplands
                "relationship": relationship,
                "id_number": ids.make(rng, sex, born) if rng.random() < 0.97 else "",
            }
            member.update(_person_facts(rng, age, sex, rural))
            members.append(member)
        yield household, members


def _copy_members(rows: list[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_from(buffer, Member._meta.db_table, columns=MEMBER_COLUMNS, sep="\t")


def _copy_value(value) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def seed_households(
    *, total: int, seed: int, progress: Callable[[int, int], None] | None = None, chunk_villages: int = 40
) -> SeedReport:
    report = SeedReport()
    villages = list(AdminUnit.objects.villages().current().select_related("parent").order_by("code"))
    if not villages or total <= 0:
        return report
    base, extra = divmod(total, len(villages))
    ids = _IdNumbers(seed)
    use_copy = connection.vendor == "postgresql"
    done = 0
    for start in range(0, len(villages), chunk_villages):
        chunk = villages[start : start + chunk_villages]
        existing = set(Household.objects.filter(village__in=chunk).values_list("code", flat=True))
        households, member_lists = [], []
        for offset, village in enumerate(chunk):
            count = base + (1 if start + offset < extra else 0)
            minority = village.area_type == AdminUnit.AreaType.RURAL
            for household, members in _village_rows(village, village.parent.name, count, seed, ids, minority):
                if household["code"] in existing:
                    continue
                households.append(Household(**household))
                member_lists.append(members)
        with transaction.atomic():
            Household.objects.bulk_create(households, batch_size=2000)
            if use_copy:
                rows = [
                    (h.pk, *(m[c] for c in MEMBER_FIELDS), "", "", 1, m["name_key"])
                    for h, members in zip(households, member_lists, strict=True)
                    for m in members
                ]
                _copy_members(rows)
                report.members_created += len(rows)
            else:
                objs = [
                    Member(household_id=h.pk, **m) for h, members in zip(households, member_lists, strict=True) for m in members
                ]
                Member.objects.bulk_create(objs, batch_size=2000)
                report.members_created += len(objs)
        report.households_created += len(households)
        done += sum(base + (1 if start + i < extra else 0) for i in range(len(chunk)))
        if progress:
            progress(done, total)
    return report


# Full names of the demo logins (invented), so the pages that name people show a name.
DEMO_USER_NAMES = {
    "thanhpho": "Nguyễn Thị Minh Thư",
    "quan.haichau": "Trần Văn Hùng",
    "phuong.haichau": "Lê Thị Hồng Nhung",
    "thongke.haichau": "Đặng Thị Thu Hà",
    "totruong.1": "Phạm Văn Tâm",
    "totruong.2": "Võ Thị Lan",
}


# The demo users' ward, and the wards the review demo leaves at each later stage of the round, each with
# its ward officer ``phuong.<slug>`` (``reviews.demo.seed_stages``). In the 2023 structure they all lie in
# Quận Hải Châu, so that its officer ``quan.haichau`` is the one asked for the opinion.
DEMO_WARD = {"2023": "20236", "2025": "20242"}  # Phường Hải Châu I / Phường Hải Châu
STAGE_WARDS = {
    "2023": (("posted", "20233", "thachthang"), ("submitted", "20227", "thanhbinh"), ("decided", "20242", "phuocninh")),
    "2025": (("posted", "20257", "hoacuong"), ("submitted", "20209", "thanhkhe"), ("decided", "20263", "sontra")),
}


def iter_demo_users(structure: str) -> Iterator[tuple[str, str, str | None, bool]]:
    """(username, role, unit code, is_superuser) for one demo login per role, plus the officer of each
    stage ward (village heads: ``iter_village_heads``)."""
    yield "admin", "", None, True
    yield "thanhpho", "city_officer", "48", False
    if structure == "2023":
        yield "quan.haichau", "district_officer", "492", False
    ward = DEMO_WARD[structure]
    yield "phuong.haichau", "ward_officer", ward, False
    yield "thongke.haichau", "ward_statistician", ward, False
    for _stage, code, slug in STAGE_WARDS[structure]:
        yield f"phuong.{slug}", "ward_officer", code, False


def head_username(structure: str, village_code: str) -> str | None:
    """The demo login of a village's head: ``totruong.<n>`` in the demo ward, ``totruong.<slug>.<n>`` in a
    stage ward (n = the village's number), None elsewhere."""
    ward, _sep, number = village_code.rpartition("-")
    if ward == DEMO_WARD[structure]:
        return f"totruong.{int(number)}"
    slug = next((s for _stage, code, s in STAGE_WARDS[structure] if code == ward), None)
    return f"totruong.{slug}.{int(number)}" if slug else None


def demo_name(seed: int, username: str) -> str:
    """An invented full name for a demo login, the same on every run."""
    if username in DEMO_USER_NAMES:
        return DEMO_USER_NAMES[username]
    rng = random.Random(f"{seed}:head:{username}")
    male = rng.random() < 0.6
    middle = rng.choice(MALE_MIDDLE if male else FEMALE_MIDDLE)
    return f"{rng.choice(FAMILY_NAMES)} {middle} {rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)}"
