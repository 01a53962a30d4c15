"""The 20-digit payment code and its ISO/IEC 7064 MOD 11,10 check digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingchu.payments import codes


@pytest.mark.parametrize(("body", "check"), [
    ("0794", "5"),  # the worked example of ISO/IEC 7064 for MOD 11,10
    ("0", "2"), ("9", "4"), ("12", "3"),  # worked by hand
])
def test_known_check_digits(body, check):
    assert codes.check_digit(body) == check


def _verifies(code: str) -> bool:
    """The standard's own check, written apart: run the recursion over every character,
    check digit included; a valid string leaves (P + c) mod 10 == 1."""
    product = 10
    for char in code[:-1]:
        product = (((int(char) + product) % 10 or 10) * 2) % 11
    return (product + int(code[-1])) % 10 == 1


def test_a_fresh_code_has_the_documented_layout():
    code = codes.make_code("420102000000", 2026)
    assert len(code) == 20 and code.isdigit()
    assert code[:6] == "420102" and code[6:8] == "26"
    assert codes.is_valid(code)


def test_fresh_codes_differ():
    assert len({codes.make_code("420100", 2026) for _ in range(50)}) == 50


@given(st.integers(min_value=0, max_value=10**19 - 1), st.integers(0, 18), st.integers(1, 9))
def test_every_single_digit_error_is_caught(number, position, shift):
    body = f"{number:019d}"
    code = body + codes.check_digit(body)
    wrong = int(code[position])
    changed = code[:position] + str((wrong + shift) % 10) + code[position + 1:]
    assert codes.is_valid(code) and _verifies(code)
    assert not codes.is_valid(changed) and not _verifies(changed)


@pytest.mark.parametrize("raw", ["", "1234", "4201022600000000000a", "420102260000000000000"])
def test_malformed_codes_are_invalid(raw):
    assert not codes.is_valid(raw)
