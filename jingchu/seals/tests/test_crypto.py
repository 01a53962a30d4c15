"""SM3 and SM2 against known answers and against the OpenSSL command line, both ways."""

from __future__ import annotations

import pytest

from jingchu.seals import crypto, esid, image
from jingchu.seals.tests.conftest import DIST_ID, needs_openssl, openssl


def test_sm3_known_answers():
    # GB/T 32905-2016 appendix A, examples 1 and 2.
    assert crypto.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    assert crypto.sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")


def _on_curve(x: int, y: int) -> bool:
    return (y * y - (x * x * x + crypto.A * x + crypto.B)) % crypto.P == 0


def _add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % crypto.P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + crypto.A) * pow(2 * y1, -1, crypto.P)
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, crypto.P)
    x3 = (lam * lam - x1 - x2) % crypto.P
    return x3, (lam * (x1 - x3) - y1) % crypto.P


def _mul(k, point):
    result = None
    while k:
        if k & 1:
            result = _add(result, point)
        point = _add(point, point)
        k >>= 1
    return result


def _der_rs(signature: bytes) -> tuple[int, int]:
    from asn1crypto.algos import DSASignature

    parsed = DSASignature.load(signature).native
    return parsed["r"], parsed["s"]


def test_signature_covers_z_with_the_default_user_id():
    """Verified here from the formulas of GB/T 32918.2 §7 with e = SM3(Z || M), Z computed by
    `crypto.z_value`: proves tongsuopy hashes Z with ID 1234567812345678 into what it signs."""
    key = crypto.generate_key()
    point = crypto.public_point(key.public_key())
    message = "电子印章".encode()
    r, s = _der_rs(crypto.sign(key, message))
    public = (int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big"))
    assert _on_curve(*public) and _on_curve(crypto.GX, crypto.GY)

    def holds(e: int) -> bool:
        t = (r + s) % crypto.N
        x1, _y1 = _add(_mul(s, (crypto.GX, crypto.GY)), _mul(t, public))
        return (e + x1) % crypto.N == r

    assert holds(int.from_bytes(crypto.message_digest(point, message), "big"))
    assert not holds(int.from_bytes(crypto.message_digest(point, message, b"other id"), "big"))
    assert not holds(int.from_bytes(crypto.sm3(message), "big"))  # Z is not left out


def test_sign_and_verify_here():
    key = crypto.generate_key()
    signature = crypto.sign(key, b"data")
    assert crypto.verify(key.public_key(), b"data", signature)
    assert not crypto.verify(key.public_key(), b"Data", signature)
    assert not crypto.verify(crypto.generate_key().public_key(), b"data", signature)
    assert not crypto.verify(key.public_key(), b"data", b"not DER")


def test_keys_round_trip_and_junk_is_refused():
    key = crypto.generate_key()
    again = crypto.load_private_key(crypto.private_key_der(key))
    public = crypto.public_key_der(key.public_key())
    assert crypto.public_key_der(again.public_key()) == public
    assert crypto.public_key_der(crypto.load_public_key(public)) == public
    with pytest.raises(crypto.InvalidKey):
        crypto.load_public_key(b"\x30\x03junk")


@needs_openssl
def test_signed_here_verifies_with_openssl(tmp_path):
    key = crypto.generate_key()
    message = "荆楚 seal test".encode()
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(crypto.sign(key, message))
    (tmp_path / "pub.der").write_bytes(crypto.public_key_der(key.public_key()))
    openssl("pkey", "-pubin", "-inform", "DER", "-in", "pub.der", "-out", "pub.pem", cwd=tmp_path)
    ok = openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "pub.pem",
                 "-in", "msg", "-sigfile", "sig", "-pkeyopt", DIST_ID, cwd=tmp_path)
    assert "Signature Verified Successfully" in ok.stdout
    dgst = openssl("dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig", "-sigopt", DIST_ID,
                   "msg", cwd=tmp_path)
    assert "Verified OK" in dgst.stdout
    # The oracle can say no: another user ID, or another message, fails.
    wrong_id = openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
                       "pub.pem", "-in", "msg", "-sigfile", "sig", "-pkeyopt",
                       "distid:1234567812345679", cwd=tmp_path, check=False)
    assert "Signature Verified Successfully" not in wrong_id.stdout
    (tmp_path / "msg").write_bytes(message + b".")
    tampered = openssl("dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig", "-sigopt",
                       DIST_ID, "msg", cwd=tmp_path, check=False)
    assert "Verified OK" not in tampered.stdout


@needs_openssl
def test_signed_by_openssl_verifies_here(tmp_path):
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", "k.pem",
            cwd=tmp_path)
    openssl("pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der", cwd=tmp_path)
    (tmp_path / "msg").write_bytes(b"signed by the oracle")
    openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", "k.pem", "-in", "msg",
            "-out", "sig", "-pkeyopt", DIST_ID, cwd=tmp_path)
    public = crypto.load_public_key((tmp_path / "pub.der").read_bytes())
    signature = (tmp_path / "sig").read_bytes()
    assert crypto.verify(public, b"signed by the oracle", signature)
    assert not crypto.verify(public, b"signed by the oracle!", signature)
    openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", "k.pem", "-in", "msg",
            "-out", "sig2", "-pkeyopt", "distid:another-user", cwd=tmp_path)
    assert not crypto.verify(public, b"signed by the oracle", (tmp_path / "sig2").read_bytes())


def test_seal_code_check_character():
    # The scheme is GB 11643's: its standard example number ends in X.
    assert esid.check_char("11010519491231002") == "X"
    code = esid.make("420100000000", "license", 17)
    assert code == "420100020000017" + esid.check_char("420100020000017")
    assert esid.is_valid(code) and esid.serial_of(code) == 17
    assert not esid.is_valid(code[:-1] + ("0" if code[-1] != "0" else "1"))


def test_seal_image_is_svg_with_name_star_and_caption():
    svg = image.seal_svg("武汉市<市场>监督管理局", "证照专用章", "4201000200000176")
    assert svg.startswith("<svg") and 'width="40mm"' in svg
    assert svg.count("<text") == len("武汉市<市场>监督管理局") + 2
    assert "&lt;" in svg and "<市场>" not in svg  # the name is escaped
    assert "<polygon" in svg and "证照专用章" in svg
    official = image.seal_svg("湖北省公安厅")
    assert 'width="42mm"' in official and official.count("<text") == 6
