"""manage.py import_accounts: the administrator's first load of accounts (all rows or none)."""

import csv
import os
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from households.models import AccountEvent, Assignment

User = get_user_model()

GOOD = """username,full_name,role,unit_code,phone
tdp1.haichau1,Nguyễn Văn Một,village_head,20236-001,0905111222
thon1.hoabac,Lê Thị Hai,village_head,20293-001,
phuong2.haichau1,Trần Văn Ba,ward_officer,20236,
quan2.haichau,Phạm Thị Bốn,district_officer,492,
"""


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="accounts.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def run(path, out, **kwargs):
    from io import StringIO

    stdout = StringIO()
    call_command("import_accounts", path, passwords_out=str(out), stdout=stdout, **kwargs)
    return stdout.getvalue()


def test_import_creates_accounts_and_writes_passwords_to_a_private_file(territory, csv_file, tmp_path):
    out = tmp_path / "passwords.csv"
    text = GOOD.replace("tdp1.haichau1,Nguyễn Văn Một,village_head,20236-001", "tdp3,Nguyễn Văn Một,village_head,20236-002")
    stdout = run(csv_file(text), out)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["username"] for r in rows] == ["tdp3", "thon1.hoabac", "phuong2.haichau1", "quan2.haichau"]
    for row in rows:
        user = User.objects.get(username=row["username"])
        assert user.check_password(row["temporary_password"])
        assert row["temporary_password"] not in stdout
        assert user.assignment.must_change_password
    assert User.objects.get(username="quan2.haichau").assignment.unit.code == "492"
    assert AccountEvent.objects.filter(action="import").count() == 4


def test_rerunning_the_same_file_changes_nothing(territory, csv_file, tmp_path):
    path = csv_file(GOOD.replace("20236-001", "20236-002").replace("tdp1.haichau1", "tdp3"))
    run(path, tmp_path / "first.csv")
    before = list(User.objects.order_by("pk").values_list("pk", "password", "is_active"))
    history = Assignment.history.count()
    first = (tmp_path / "first.csv").read_text()
    stdout = run(path, tmp_path / "first.csv")  # the very same command again
    assert "0 created, 4 already present" in stdout
    assert list(User.objects.order_by("pk").values_list("pk", "password", "is_active")) == before
    assert Assignment.history.count() == history
    assert (tmp_path / "first.csv").read_text() == first


def test_one_bad_row_writes_nothing_and_reports_every_row_in_vietnamese(territory, personas, csv_file, tmp_path):
    text = GOOD + "x y,,mayor,99999,\nthon1.hoabac,Lê Thị Hai,village_head,20293-001,\n"
    out = tmp_path / "passwords.csv"
    with pytest.raises(CommandError) as exc:
        run(csv_file(text), out)
    message = str(exc.value)
    assert "Dòng 2:" in message and "đã có trưởng thôn/tổ trưởng" in message  # 20236-001 has head1
    assert "Dòng 6:" in message and "vai trò “mayor”" in message and "99999" in message
    assert "Dòng 7:" in message and "hai lần" in message
    assert not User.objects.filter(username__in=["thon1.hoabac", "phuong2.haichau1"]).exists()
    assert not out.exists()


def test_a_role_at_the_wrong_level_is_refused(territory, csv_file, tmp_path):
    text = "username,full_name,role,unit_code,phone\nx,X,village_head,20236,\n"
    with pytest.raises(CommandError, match="Dòng 2"):
        run(csv_file(text), tmp_path / "p.csv")


def test_an_existing_passwords_file_is_never_overwritten(territory, csv_file, tmp_path):
    out = tmp_path / "passwords.csv"
    out.write_text("earlier run")
    with pytest.raises(CommandError, match="already exists"):
        run(csv_file(GOOD.replace("20236-001", "20236-002")), out)
    assert out.read_text() == "earlier run"
    assert not User.objects.filter(username="thon1.hoabac").exists()


def test_an_existing_username_in_other_capitals_is_the_same_account(territory, csv_file, tmp_path):
    run(csv_file(GOOD), tmp_path / "first.csv")
    count = User.objects.count()
    run(csv_file(GOOD.replace("quan2.haichau", "Quan2.HaiChau")), tmp_path / "second.csv")  # no error: nothing to do
    assert User.objects.count() == count
    assert not User.objects.filter(username="Quan2.HaiChau").exists()


def test_an_existing_username_with_another_role_or_unit_is_a_line_error_and_nothing_is_written(territory, csv_file, tmp_path):
    run(csv_file(GOOD), tmp_path / "first.csv")
    count = User.objects.count()
    changed = GOOD.replace("quan2.haichau,Phạm Thị Bốn,district_officer,492", "quan2.haichau,Phạm Thị Bốn,district_officer,497")
    changed += "moi.tdp2,Võ Văn Năm,village_head,20236-002,\n"
    with pytest.raises(CommandError) as refused:
        run(csv_file(changed), tmp_path / "second.csv")
    message = str(refused.value)
    assert "Dòng 5" in message and "quan2.haichau" in message and "Quận Hải Châu" in message
    assert User.objects.count() == count and not User.objects.filter(username="moi.tdp2").exists()
    assert not (tmp_path / "second.csv").exists()
