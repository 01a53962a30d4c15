"""National cryptography: SM3, HMAC-SM3, SM4 and SM4-GCM, the encrypted field and blind index.

Known-answer vectors come from GB/T 32905 (SM3), GB/T 32907 (SM4) and RFC 8998 (SM4-GCM); the
OpenSSL command line is an independent oracle for SM3 and HMAC-SM3.
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from tongsuopy.crypto.ciphers import Cipher, algorithms, modes

from jingchu.core import crypto
from jingchu.core.crypto import DecryptionError
from jingchu.core.identifiers import make_id_number
from jingchu.identity.actions import do_register_person, find_person
from jingchu.identity.models import Person

KEY = "0123456789abcdeffedcba9876543210"
OTHER_KEY = "fedcba98765432100123456789abcdef"


def _openssl_has_sm3() -> bool:
    if shutil.which("openssl") is None:
        return False
    done = subprocess.run(
        ["openssl", "dgst", "-sm3"], input=b"abc", capture_output=True, check=False
    )
    return done.returncode == 0


needs_openssl_sm3 = pytest.mark.skipif(
    not _openssl_has_sm3(), reason="the openssl command line is missing or lacks SM3"
)


def openssl_digest(data: bytes, *extra: str) -> bytes:
    done = subprocess.run(
        ["openssl", "dgst", "-sm3", "-r", *extra], input=data, capture_output=True, check=True
    )
    return bytes.fromhex(done.stdout.split()[0].decode())


# --- SM3 ---------------------------------------------------------------------------------------


def test_sm3_known_answers_from_the_standard():
    assert crypto.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert crypto.sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


@needs_openssl_sm3
@pytest.mark.parametrize("length", [0, 1, 55, 56, 63, 64, 65, 119, 1000])
def test_sm3_agrees_with_openssl_on_padding_boundaries(length):
    data = bytes((i * 7 + 3) % 256 for i in range(length))
    assert crypto.sm3(data) == openssl_digest(data)


@needs_openssl_sm3
@hsettings(max_examples=15, deadline=None)
@given(data=st.binary(max_size=300))
def test_sm3_agrees_with_openssl_on_random_data(data):
    assert crypto.sm3(data) == openssl_digest(data)


# --- HMAC-SM3 ----------------------------------------------------------------------------------


@needs_openssl_sm3
def test_hmac_sm3_agrees_with_openssl_for_a_text_key():
    message = b"420102198803150213"
    assert crypto.hmac_sm3(b"blind-index-key", message) == openssl_digest(
        message, "-hmac", "blind-index-key"
    )


@needs_openssl_sm3
@pytest.mark.parametrize("key_length", [1, 16, 63, 64, 65, 200])
def test_hmac_sm3_agrees_with_openssl_for_every_key_length(key_length):
    # Keys longer than the 64-byte block are hashed first (RFC 2104); 65 and 200 take that path.
    key = bytes((i * 13 + 1) % 256 for i in range(key_length))
    message = "湖北省武汉市".encode() * 5
    expected = openssl_digest(message, "-mac", "HMAC", "-macopt", f"hexkey:{key.hex()}")
    assert crypto.hmac_sm3(key, message) == expected


def test_hmac_sm3_depends_on_key_and_message():
    assert crypto.hmac_sm3(b"k1", b"m") != crypto.hmac_sm3(b"k2", b"m")
    assert crypto.hmac_sm3(b"k1", b"m") != crypto.hmac_sm3(b"k1", b"n")
    assert len(crypto.hmac_sm3(b"k", b"")) == 32


# --- SM4 ---------------------------------------------------------------------------------------


def test_sm4_block_known_answer_from_gb_t_32907():
    key = bytes.fromhex(KEY)
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (enc.update(key) + enc.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    dec = Cipher(algorithms.SM4(key), modes.ECB()).decryptor()
    block = bytes.fromhex("681edf34d206965e86b3e94f536e4246")
    assert (dec.update(block) + dec.finalize()).hex() == KEY


def test_sm4_gcm_known_answer_from_rfc_8998():
    key = bytes.fromhex(KEY)
    nonce = bytes.fromhex("00001234567800000000abcd")
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    plain = bytes.fromhex("".join(c * 16 for c in "ABCDEFEA"))
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    body = enc.update(plain) + enc.finalize()
    assert body.hex() == (
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
    )
    assert enc.tag.hex() == "83de3541e4c2b58177e065a9bf7b62ec"


def test_token_layout_is_prefix_base64_nonce_body_tag():
    token = crypto.encrypt("武汉市江岸区", KEY)
    raw = base64.b64decode(token.removeprefix("sm4gcm:"))
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(bytes.fromhex(KEY)), modes.GCM(nonce, tag)).decryptor()
    assert (dec.update(body) + dec.finalize()).decode() == "武汉市江岸区"


@hsettings(max_examples=50, deadline=None)
@given(text=st.text(max_size=200))
def test_encrypt_decrypt_round_trip(text):
    token = crypto.encrypt(text, KEY)
    assert token.startswith("sm4gcm:")
    assert crypto.decrypt(token, KEY) == text


def test_each_encryption_draws_a_fresh_nonce():
    tokens = [crypto.encrypt("13871234567", KEY) for _ in range(20)]
    nonces = {base64.b64decode(t[len("sm4gcm:"):])[:12] for t in tokens}
    assert len(nonces) == 20
    assert len(set(tokens)) == 20


def test_the_configured_key_is_used_by_default():
    token = crypto.encrypt("secret")
    assert crypto.decrypt(token) == "secret"
    with override_settings(SM4_KEY_HEX=OTHER_KEY), pytest.raises(DecryptionError):
        crypto.decrypt(token)


def _flip(token: str, index: int) -> str:
    raw = bytearray(base64.b64decode(token[len("sm4gcm:"):]))
    raw[index] ^= 0x01
    return "sm4gcm:" + base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("index", [0, 11, 12, 20, -16, -1], ids=[
    "nonce-first", "nonce-last", "body-first", "body-middle", "tag-first", "tag-last",
])
def test_tampering_anywhere_is_detected(index):
    token = crypto.encrypt("420102198803150213", KEY)
    with pytest.raises(DecryptionError):
        crypto.decrypt(_flip(token, index), KEY)


def test_wrong_key_is_detected():
    with pytest.raises(DecryptionError):
        crypto.decrypt(crypto.encrypt("x", KEY), OTHER_KEY)


@pytest.mark.parametrize("token", [
    "plain text",  # no prefix
    "sm4gcm:%%%not-base64%%%",
    "sm4gcm:" + base64.b64encode(b"short").decode(),  # shorter than nonce + tag
    "sm4gcm:",
])
def test_malformed_tokens_raise_decryption_error(token):
    with pytest.raises(DecryptionError):
        crypto.decrypt(token, KEY)


@pytest.mark.parametrize("bad", ["00112233", "zz" * 16, "00" * 17])
def test_a_key_of_the_wrong_size_is_refused(bad):
    with pytest.raises(ValueError, match="32 hexadecimal digits"):
        crypto.encrypt("x", bad)


# --- blind index -------------------------------------------------------------------------------


def test_blind_index_is_stable_and_normalised():
    number = "42010219880315021x"
    assert crypto.blind_index(number) == crypto.blind_index(number)
    assert crypto.blind_index(number) == crypto.blind_index(" 42010219880315021X ")
    assert crypto.blind_index(number) != crypto.blind_index("420102198803150213")
    assert len(crypto.blind_index(number)) == 64


def test_blind_index_depends_on_the_key():
    with override_settings(BLIND_INDEX_KEY="key-one"):
        first = crypto.blind_index("420102198803150213")
    with override_settings(BLIND_INDEX_KEY="key-two"):
        second = crypto.blind_index("420102198803150213")
    assert first != second
    assert first == crypto.hmac_sm3(b"key-one", b"420102198803150213").hex()


# --- the encrypted model field -----------------------------------------------------------------


@pytest.mark.django_db
def test_encrypted_fields_are_ciphertext_in_the_database_and_clear_in_python():
    number = make_id_number("420102", dt.date(1990, 5, 17), 88, True)
    address = "武汉市江岸区沿江大道188号"
    person = do_register_person(
        None, name="测试", id_number=number, phone="13871234567", address=address
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address, id_number_index FROM identity_person WHERE id = %s",
            [person.pk],
        )
        raw_number, raw_phone, raw_address, raw_index = cursor.fetchone()
    for raw, clear in [(raw_number, number), (raw_phone, "13871234567"),
                       (raw_address, "武汉市江岸区沿江大道188号")]:
        assert raw.startswith("sm4gcm:")
        assert clear not in raw
        assert crypto.decrypt(raw) == clear
    assert number not in raw_index
    assert raw_index == crypto.blind_index(number)
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (
        number, "13871234567", "武汉市江岸区沿江大道188号"
    )
    found = find_person(number.lower())
    assert found is not None and found.pk == person.pk


@pytest.mark.django_db
def test_an_empty_encrypted_field_stays_empty():
    number = make_id_number("420106", dt.date(1985, 1, 2), 3, False)
    person = do_register_person(None, name="空值", id_number=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM identity_person WHERE id = %s", [person.pk])
        assert cursor.fetchone()[0] == ""
    assert Person.objects.get(pk=person.pk).phone == ""
