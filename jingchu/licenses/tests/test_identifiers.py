"""Licence identifiers (GB/T 36904) and the ISO/IEC 7064 MOD 37,36 check character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingchu.core.identifiers import make_uscc
from jingchu.licenses import identifiers as ids

ISSUER = make_uscc("1", "1", "420000", "01100001")
PARTS = st.text(alphabet=ids.ALPHABET, min_size=1, max_size=12)


def test_the_iso_7064_example_check_character():
    # ISO/IEC 7064 (GB/T 17710) worked example for MOD 37,36.
    assert ids.check_character("A12425GABC1234002") == "M"


def test_a_made_identifier_has_the_arc_the_parts_and_a_check_character():
    text = ids.make_license_id("11100000000000129", ISSUER, "000123", 1)
    body, check = text.rsplit(".", 1)
    assert body == f"1.2.156.3005.2.11100000000000129.{ISSUER}.000123.001"
    assert check == ids.check_character(body.replace(".", ""))
    assert ids.parse_license_id(text) == ids.LicenseId("11100000000000129", ISSUER, "000123", 1)


@given(PARTS, PARTS, st.integers(1, 999))
def test_every_single_character_change_is_caught(type_code, serial, version):
    text = ids.make_license_id(type_code, ISSUER, serial, version)
    assert ids.is_valid_license_id(text)
    check = text[-1]
    for other in ids.ALPHABET.replace(check, "")[:5]:
        assert not ids.is_valid_license_id(text[:-1] + other)
    # A changed serial character is caught too (MOD 37,36 detects every single substitution).
    first = len(f"{ids.ARC}.{type_code}.{ISSUER}.")
    swapped = "1" if serial[0] != "1" else "2"
    assert not ids.is_valid_license_id(text[:first] + swapped + text[first + 1:])


@pytest.mark.parametrize(("text", "reason"), [
    ("1.2.156.3005.3.1.X.1.001.A", "starts with"),
    (f"1.2.156.3005.2.111.{ISSUER}.1.01.A", "three digits"),
    (f"1.2.156.3005.2.111.{ISSUER}.1.001", "type, issuer"),
    ("1.2.156.3005.2.111.91420000MA4K000000.1.001.A", "credit code"),
    (f"1.2.156.3005.2.abc.{ISSUER}.1.001.A", "type code"),
])
def test_malformed_identifiers_say_what_is_wrong(text, reason):
    with pytest.raises(ValueError, match=reason):
        ids.parse_license_id(text)
