"""W3C Bitstring Status List encoding."""

from __future__ import annotations

import base64
import gzip

import pytest

from jingchu.licenses import statuslist


def test_bits_are_counted_from_the_left_and_round_trip():
    bits = statuslist.new_bits()
    statuslist.set_bit(bits, 0, True)
    statuslist.set_bit(bits, 9, True)
    assert bits[0] == 0x80 and bits[1] == 0x40
    encoded = statuslist.encode(bits)
    assert encoded.startswith("u") and "=" not in encoded
    decoded = statuslist.decode(encoded)
    assert len(decoded) == statuslist.MIN_ENTRIES // 8
    assert statuslist.get_bit(decoded, 0) and statuslist.get_bit(decoded, 9)
    assert not statuslist.get_bit(decoded, 1) and not statuslist.get_bit(decoded, 131_071)
    statuslist.set_bit(bits, 9, False)
    assert bits[1] == 0


def test_the_encoding_is_gzip_in_base64url_as_the_specification_says():
    bits = statuslist.new_bits()
    statuslist.set_bit(bits, 131_071, True)
    text = statuslist.encode(bits)[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    assert raw[-1] == 0x01 and sum(raw) == 1
    assert statuslist.encode(bits) == statuslist.encode(bytearray(bits))  # deterministic


def test_a_list_below_the_minimum_size_is_refused():
    with pytest.raises(ValueError):
        statuslist.new_bits(1024)
    with pytest.raises(IndexError):
        statuslist.get_bit(bytes(16), 200)
