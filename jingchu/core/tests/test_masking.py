"""Masking of personal data (脱敏): what stays visible, what is hidden, and the edge cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingchu.core.masking import mask_address, mask_id_number, mask_name, mask_phone

# Input drawn without the mask character, so "masked differs from clear" is meaningful.
clear_text = st.text(alphabet=st.characters(blacklist_characters="*"), min_size=1, max_size=40)


@pytest.mark.parametrize(("clear", "masked"), [
    ("420102198803150213", "420102********0213"),
    ("42010219880315021X", "420102********021X"),
    ("420102880315021", "420102*****5021"),  # the old 15-digit numbers
    ("42010219", "********"),  # too short to show anything
    ("4201021988", "**********"),  # 10 characters: keeping 6 + 4 would show it all
    ("", ""),
    (None, ""),
])
def test_mask_id_number(clear, masked):
    assert mask_id_number(clear) == masked


@pytest.mark.parametrize(("clear", "masked"), [
    ("13871234567", "138****4567"),
    (" 13871234567 ", "138****4567"),
    ("027-87654321", "********4321"),  # a landline keeps only its last four
    ("+8613871234567", "**********4567"),
    ("1234", "****"),
    ("123", "***"),
    ("", ""),
    (None, ""),
])
def test_mask_phone(clear, masked):
    assert mask_phone(clear) == masked


@pytest.mark.parametrize(("clear", "masked"), [
    ("武汉市江岸区沿江大道188号", "武汉市江岸区****"),
    ("湖北省武汉市洪山区珞喻路1037号", "湖北省武汉市****"),
    ("武汉市江岸区", "武汉市江****"),  # always hides at least two characters
    ("武汉", "****"),
    ("汉", "****"),
    ("", ""),
    (None, ""),
])
def test_mask_address(clear, masked):
    assert mask_address(clear) == masked


@pytest.mark.parametrize(("clear", "masked"), [
    ("张三", "张*"),
    ("欧阳娜娜", "欧***"),
    ("迪丽热巴·迪力木拉提", "迪*********"),
    ("张", "*"),  # a single character is the whole name
    (" 张三 ", "张*"),
    ("", ""),
    (None, ""),
])
def test_mask_name(clear, masked):
    assert mask_name(clear) == masked


@given(value=clear_text)
def test_id_mask_keeps_the_length_and_never_shows_the_whole_value(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked != value
    hidden = masked[6:-4] if len(value) > 10 else masked
    assert set(hidden) == {"*"}


@given(value=st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_phone_mask_shows_at_most_seven_digits(value):
    masked = mask_phone(value)
    assert masked != value
    assert len(masked) == len(value)
    assert sum(c != "*" for c in masked) <= 7


@given(value=clear_text)
def test_address_mask_hides_the_length_and_at_least_two_characters(value):
    masked = mask_address(value)
    assert masked.endswith("****")
    shown = masked.removesuffix("****")
    assert value.startswith(shown)
    assert len(shown) <= max(0, len(value) - 2) and len(shown) <= 6


@given(value=clear_text)
def test_name_mask_never_shows_more_than_one_character(value):
    masked = mask_name(value)
    assert sum(c != "*" for c in masked) <= 1
    assert masked != value.strip() or value.strip() == ""
