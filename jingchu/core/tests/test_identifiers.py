"""GB 11643 citizen ID numbers and GB 32100 credit codes: known samples, properties, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingchu.core.identifiers import (
    NATIONAL_REGION,
    USCC_AUTHORITIES,
    USCC_CHARSET,
    IdentifierError,
    hubei_codes,
    id_birth_date,
    id_check_char,
    id_is_male,
    make_id_number,
    make_uscc,
    org_code_check_char,
    validate_id_number,
    validate_uscc,
)

TODAY = dt.date(2026, 11, 29)
OTHER_PROVINCE_CODES = ["110105", "310101", "440305", "500103", "650102"]
ID_ALPHABET = "0123456789X"

regions = st.sampled_from(sorted(hubei_codes()) + OTHER_PROVINCE_CODES)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
authority_kinds = st.sampled_from(
    sorted((a, k) for a, kinds in USCC_AUTHORITIES.items() for k in kinds)
)
org_bodies = st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8)
uscc_regions = st.sampled_from([*sorted(hubei_codes()), "110108", "350100", NATIONAL_REGION])


def _with_check(body17: str) -> str:
    return body17 + id_check_char(body17)


def _error(value: str, **kwargs: object) -> IdentifierError:
    with pytest.raises(IdentifierError) as info:
        validate_id_number(value, **kwargs)  # type: ignore[arg-type]
    assert info.value.message
    return info.value


# --- known samples -------------------------------------------------------------------------------


def test_gb11643_example_passes() -> None:
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert not id_is_male("11010519491231002X")


def test_gb32100_example_passes() -> None:
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"
    assert org_code_check_char("M000100Y") == "4"


def test_central_registration_region_passes() -> None:
    # 国务院办公厅: organization code 00001312-7, registered at the national level (100000).
    code = make_uscc("1", "1", NATIONAL_REGION, "00001312")
    assert code[8:17] == "000013127"
    assert validate_uscc(code) == code


@pytest.mark.parametrize(("authority", "kind"), [("3", "5"), ("8", "1"), ("N", "2"), ("Y", "1")])
def test_registration_authority_table(authority: str, kind: str) -> None:
    code = make_uscc(authority, kind, "420102", "MA4K7Q2B")
    assert validate_uscc(code) == code


@pytest.mark.parametrize("prefix", ["82", "94", "Y2", "B1", "01"])
def test_unknown_authority_or_kind_refused(prefix: str) -> None:
    # 工会 (8) has only 1 and 9; 工商 (9) has no 4; Y has only 1; B and 0 are no authorities.
    code = make_uscc(prefix[0], prefix[1], "420102", "MA4K7Q2B")
    with pytest.raises(IdentifierError) as info:
        validate_uscc(code)
    assert info.value.code == "uscc_authority"
    assert prefix in info.value.message


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(region=regions, birth=births, sequence=st.integers(0, 499), male=st.booleans())
def test_generated_id_numbers_pass(region: str, birth: dt.date, sequence: int, male: bool) -> None:
    number = make_id_number(region, birth, sequence, male)
    assert validate_id_number(number, today=TODAY) == number
    assert id_birth_date(number) == birth
    assert id_is_male(number) is male


@settings(max_examples=400, deadline=None)
@given(
    region=regions, birth=births, sequence=st.integers(0, 499), male=st.booleans(),
    position=st.integers(0, 17), data=st.data(),
)
def test_any_single_changed_id_character_fails(
    region: str, birth: dt.date, sequence: int, male: bool, position: int, data: st.DataObject
) -> None:
    number = make_id_number(region, birth, sequence, male)
    replacement = data.draw(st.sampled_from([c for c in ID_ALPHABET if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1:]
    with pytest.raises(IdentifierError):
        validate_id_number(changed, today=TODAY)


@settings(max_examples=300, deadline=None)
@given(ak=authority_kinds, region=uscc_regions, body=org_bodies)
def test_generated_credit_codes_pass(ak: tuple[str, str], region: str, body: str) -> None:
    code = make_uscc(ak[0], ak[1], region, body)
    assert validate_uscc(code) == code


@settings(max_examples=400, deadline=None)
@given(
    ak=authority_kinds, region=uscc_regions, body=org_bodies, position=st.integers(0, 17),
    data=st.data(),
)
def test_any_single_changed_credit_code_character_fails(
    ak: tuple[str, str], region: str, body: str, position: int, data: st.DataObject
) -> None:
    code = make_uscc(ak[0], ak[1], region, body)
    replacement = data.draw(st.sampled_from([c for c in USCC_CHARSET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1:]
    with pytest.raises(IdentifierError):
        validate_uscc(changed)


# --- refusals of ID numbers, each with its own code ----------------------------------------------


@pytest.mark.parametrize("date", ["19880230", "19881301", "19880000", "19000229", "18991231"])
def test_impossible_birth_dates_fail(date: str) -> None:
    error = _error(_with_check("420102" + date + "021"), today=TODAY)
    assert error.code == "id_birth_date"
    assert date in error.message


def test_future_birth_date_fails() -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    number = make_id_number("420102", tomorrow, 1, True)
    assert _error(number, today=TODAY).code == "id_birth_date"
    assert validate_id_number(number, today=tomorrow) == number


@pytest.mark.parametrize("region", ["429999", "420199", "990101", "000000", "100000", "720101"])
def test_unknown_region_fails(region: str) -> None:
    error = _error(make_id_number(region, dt.date(1990, 1, 1), 7, True), today=TODAY)
    assert error.code == "id_region"
    assert region in error.message


def test_retired_hubei_codes_and_residence_permits_pass() -> None:
    for region in ("429001", "420123", "810000", "830000"):
        number = make_id_number(region, dt.date(1970, 5, 1), 12, False)
        assert validate_id_number(number, today=TODAY) == number


def test_check_digit_error_is_named() -> None:
    error = _error("110105194912310021", today=TODAY)
    assert error.code == "id_check_digit"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "id_length"),
        ("11010519491231002", "id_length"),
        ("11010519491231002X1", "id_length"),
        ("1101051949123100X2", "id_format"),
        ("11010519491231002Y", "id_format"),
        # Full-width and superscript digits pass str.isdigit() but are not ID number digits.
        ("１1010519491231002X", "id_format"),
        ("1101051949123100²X", "id_format"),
    ],
)
def test_malformed_id_numbers_fail(value: str, code: str) -> None:
    assert _error(value, today=TODAY).code == code


# --- refusals of credit codes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100I43", "uscc_charset"),
        ("91990100M000100Y43", "uscc_region"),
        ("91350100M000100Y53", "uscc_org_check"),
        ("91350100M000100Y44", "uscc_check"),
    ],
)
def test_malformed_credit_codes_fail(value: str, code: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_uscc(value)
    assert info.value.code == code
    assert info.value.message
