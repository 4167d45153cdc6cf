import unicodedata

from households.ethnicities import ETHNICITY_CHOICES, load_ethnic_groups


def test_there_are_54_ethnic_groups_with_unique_codes_01_to_54():
    groups = load_ethnic_groups()
    assert len(groups) == 54
    assert [code for code, _ in groups] == [f"{n:02d}" for n in range(1, 55)]


def test_every_group_has_a_unique_non_empty_name():
    names = [name for _, name in load_ethnic_groups()]
    assert all(names)
    assert len(set(names)) == 54


def test_kinh_is_01():
    assert load_ethnic_groups()[0] == ("01", "Kinh")


def test_the_codes_quoted_from_the_gso_catalogue_match():
    groups = dict(load_ethnic_groups())
    assert groups["02"] == "Tày"
    assert groups["03"] == "Thái"
    assert groups["04"] == "Hoa"
    assert groups["05"] == "Khơ-me"
    assert groups["06"] == "Mường"
    assert groups["07"] == "Nùng"
    assert groups["08"] == "HMông"
    assert groups["09"] == "Dao"
    assert groups["10"] == "Gia-rai"
    assert groups["52"] == "Brâu"
    assert groups["53"] == "Ơ Đu"
    assert groups["54"] == "Rơ măm"


def test_names_are_stored_in_unicode_nfc_form():
    for _, name in load_ethnic_groups():
        assert unicodedata.is_normalized("NFC", name)


def test_the_groups_are_cached():
    assert load_ethnic_groups() is load_ethnic_groups()


def test_ethnicity_choices_are_django_style_code_name_pairs():
    assert isinstance(ETHNICITY_CHOICES, list)
    assert list(load_ethnic_groups()) == ETHNICITY_CHOICES
    assert all(isinstance(c, tuple) and len(c) == 2 and all(isinstance(x, str) for x in c) for c in ETHNICITY_CHOICES)
