from datetime import date

import pytest

from households.citizen_ids import (
    IdProblem,
    check_citizen_id,
    expected_prefix,
    load_province_codes,
    mask,
    normalize,
)

DA_NANG_MALE_1990 = "048090001212"  # 048 Đà Nẵng, C=0 (1900s male), YY=90


def codes(problems):
    return [p.code for p in problems]


# --- province codes -------------------------------------------------------


def test_there_are_63_legacy_province_codes_padded_to_three_digits():
    provinces = load_province_codes()
    assert len(provinces) == 63
    assert all(len(c) == 3 and c.isdigit() for c in provinces)
    assert {"001", "048", "049", "079", "096"} <= provinces


def test_province_codes_are_cached():
    assert load_province_codes() is load_province_codes()


def test_the_bundled_province_list_has_the_63_legacy_codes_including_da_nang_and_quang_nam():
    codes = load_province_codes()
    assert len(codes) == 63
    assert {"001", "048", "049", "096"} <= codes
    assert all(len(code) == 3 and code.isdigit() for code in codes)


# --- shape ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("04809000121", id="11 digits"),
        pytest.param("0480900012123", id="13 digits"),
        pytest.param("04809000121A", id="a letter"),
        pytest.param("O48090001212", id="letter O for zero"),
        pytest.param("048-090-001212", id="dashes"),
        pytest.param("０４８０９０００１２１２", id="full-width digits"),
        pytest.param("٠٤٨٠٩٠٠٠١٢١٢", id="arabic-indic digits"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="only spaces"),
    ],
)
def test_a_number_that_is_not_12_ascii_digits_is_rejected_with_one_problem(number):
    assert check_citizen_id(number, sex="male", birth_date=date(1990, 1, 1)) == [IdProblem("not_12_digits", {})]


@pytest.mark.parametrize(
    "number",
    [
        "048 090 001212",
        " 048090001212 ",
        "0480 9000 1212",
        "048\t090\u00a0001212",
    ],
)
def test_spaces_anywhere_in_the_number_are_ignored(number):
    assert normalize(number) == DA_NANG_MALE_1990
    assert check_citizen_id(number, sex="male", birth_date=date(1990, 6, 15)) == []


# --- province -------------------------------------------------------------


@pytest.mark.parametrize("province", ["000", "099", "003", "097", "480"])
def test_an_unknown_province_code_is_reported(province):
    number = province + "090001212"
    problems = check_citizen_id(number, sex="male", birth_date=date(1990, 1, 1))
    assert problems == [IdProblem("unknown_province", {"province": province})]


@pytest.mark.parametrize("province", [pytest.param("048", id="Đà Nẵng"), pytest.param("049", id="Quảng Nam")])
def test_da_nang_and_quang_nam_numbers_are_valid(province):
    number = province + "090001212"
    assert check_citizen_id(number, sex="male", birth_date=date(1990, 1, 1)) == []


# --- century, sex and year ------------------------------------------------


@pytest.mark.parametrize(
    "sex, birth_date, prefix",
    [
        pytest.param("male", date(1999, 12, 31), "099", id="male 1999"),
        pytest.param("female", date(1999, 1, 1), "199", id="female 1999"),
        pytest.param("male", date(1900, 1, 1), "000", id="male 1900"),
        pytest.param("male", date(2000, 1, 1), "200", id="male 2000"),
        pytest.param("female", date(2009, 7, 4), "309", id="female 2009"),
        pytest.param("male", date(2100, 1, 1), "400", id="male 2100"),
        pytest.param("female", date(2100, 1, 1), "500", id="female 2100"),
        pytest.param("male", date(2250, 1, 1), "650", id="male 2250"),
        pytest.param("female", date(2399, 12, 31), "999", id="female 2399"),
    ],
)
def test_the_expected_prefix_encodes_century_sex_and_year(sex, birth_date, prefix):
    assert expected_prefix(sex, birth_date) == prefix
    number = "048" + prefix + "001212"
    assert check_citizen_id(number, sex=sex, birth_date=birth_date) == []


@pytest.mark.parametrize("year", [1899, 2400, 1])
def test_expected_prefix_refuses_a_year_outside_the_five_centuries(year):
    with pytest.raises(ValueError):
        expected_prefix("male", date(year, 1, 1))


@pytest.mark.parametrize("sex", ["M", "Male", "", "other"])
def test_an_unknown_sex_value_is_a_programming_error(sex):
    with pytest.raises(ValueError):
        expected_prefix(sex, date(1990, 1, 1))
    with pytest.raises(ValueError):
        check_citizen_id(DA_NANG_MALE_1990, sex=sex, birth_date=None)


@pytest.mark.parametrize(
    "number, sex, birth_date, expected_digit, found_digit",
    [
        pytest.param("048190001212", "male", date(1990, 1, 1), "0", "1", id="woman's digit for a man"),
        pytest.param("048090001212", "female", date(1990, 1, 1), "1", "0", id="man's digit for a woman"),
        pytest.param("048290001212", "male", date(1990, 1, 1), "0", "2", id="2000s digit for a 1990 birth"),
        pytest.param("048000001212", "male", date(2000, 1, 1), "2", "0", id="1900s digit for a 2000 birth"),
        pytest.param("048300001212", "female", date(2100, 1, 1), "5", "3", id="2000s digit for a 2100 birth"),
    ],
)
def test_a_wrong_century_or_sex_digit_is_reported(number, sex, birth_date, expected_digit, found_digit):
    assert check_citizen_id(number, sex=sex, birth_date=birth_date) == [
        IdProblem(
            "century_sex_mismatch",
            {"expected_digit": expected_digit, "found_digit": found_digit},
        )
    ]


@pytest.mark.parametrize(
    "number, birth_date, expected, found",
    [
        pytest.param("048091001212", date(1990, 1, 1), "90", "91", id="one year off"),
        pytest.param("048209001212", date(2000, 3, 1), "00", "09", id="2000 typed as 09"),
        pytest.param("048099001212", date(1909, 3, 1), "09", "99", id="digits swapped"),
    ],
)
def test_a_wrong_birth_year_is_reported(number, birth_date, expected, found):
    problems = check_citizen_id(number, sex="male", birth_date=birth_date)
    assert IdProblem("birth_year_mismatch", {"expected": expected, "found": found}) in problems


def test_all_problems_are_reported_together_in_a_stable_order():
    problems = check_citizen_id("099190001212", sex="male", birth_date=date(1985, 1, 1))
    assert codes(problems) == ["unknown_province", "century_sex_mismatch", "birth_year_mismatch"]


def test_a_birth_year_outside_1900_to_2399_is_out_of_range_but_the_rest_is_checked():
    problems = check_citizen_id("048199001212", sex="male", birth_date=date(1899, 5, 1))
    assert problems == [
        IdProblem("century_out_of_range", {"year": "1899"}),
        IdProblem(
            "century_sex_mismatch",
            {"expected_digit": "0/2/4/6/8", "found_digit": "1"},
        ),
    ]


def test_an_out_of_range_year_with_matching_sex_and_year_gives_only_out_of_range():
    problems = check_citizen_id("048899001212", sex="male", birth_date=date(1899, 5, 1))
    assert problems == [IdProblem("century_out_of_range", {"year": "1899"})]


# --- partial information --------------------------------------------------


def test_with_neither_sex_nor_birth_date_only_shape_and_province_are_checked():
    assert check_citizen_id("048999001212", sex=None, birth_date=None) == []
    problems = check_citizen_id("000999001212", sex=None, birth_date=None)
    assert codes(problems) == ["unknown_province"]


def test_without_sex_the_digit_may_be_either_of_the_centurys_two_digits():
    for number in ("048290001212", "048390001212"):
        assert check_citizen_id(number, sex=None, birth_date=date(2090, 1, 1)) == []


def test_without_sex_a_wrong_century_is_still_reported():
    assert check_citizen_id("048090001212", sex=None, birth_date=date(2090, 1, 1)) == [
        IdProblem("century_sex_mismatch", {"expected_digit": "2/3", "found_digit": "0"})
    ]


def test_without_birth_date_the_year_and_century_are_not_checked():
    for number in ("048090001212", "048255001212", "048877001212"):
        assert check_citizen_id(number, sex="male", birth_date=None) == []


def test_without_birth_date_a_digit_of_the_wrong_sex_is_still_reported():
    assert check_citizen_id("048390001212", sex="male", birth_date=None) == [
        IdProblem("century_sex_mismatch", {"expected_digit": "0/2/4/6/8", "found_digit": "3"})
    ]
    assert check_citizen_id("048290001212", sex="female", birth_date=None) == [
        IdProblem("century_sex_mismatch", {"expected_digit": "1/3/5/7/9", "found_digit": "2"})
    ]


def test_there_is_no_checksum_so_any_random_part_is_accepted():
    for tail in ("000000", "999999", "123456", "654321"):
        assert check_citizen_id("048090" + tail, sex="male", birth_date=date(1990, 1, 1)) == []


def test_problems_are_immutable_values():
    problem = IdProblem("unknown_province", {"province": "000"})
    assert problem == IdProblem("unknown_province", {"province": "000"})
    with pytest.raises(AttributeError):
        problem.code = "other"  # type: ignore[misc]


# --- normalize and mask ---------------------------------------------------


@pytest.mark.parametrize(
    "raw, cleaned",
    [("", ""), ("  ", ""), ("048 090 001212", "048090001212"), ("abc", "abc")],
)
def test_normalize_only_removes_whitespace(raw, cleaned):
    assert normalize(raw) == cleaned


@pytest.mark.parametrize(
    "raw, masked",
    [
        pytest.param("048090001212", "0480******12", id="12 digits"),
        pytest.param("048 090 001212", "0480******12", id="spaces removed first"),
        pytest.param("", "", id="empty in, empty out"),
        pytest.param("   ", "", id="only spaces"),
        pytest.param(None, "", id="None"),
        pytest.param("1234567", "1234*67", id="7 characters hide one"),
        pytest.param("123456", "******", id="6 characters hide all"),
        pytest.param("12", "**", id="very short hides all"),
        pytest.param("0480900012123", "0480*******23", id="13 digits"),
    ],
)
def test_mask_shows_only_the_first_four_and_last_two_digits(raw, masked):
    assert mask(raw) == masked
