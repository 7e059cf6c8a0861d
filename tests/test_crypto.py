"""Known-answer and property tests for sscard.crypto.

Every known-answer vector names its source. "Published" vectors are printed in the cited
document; "regression" vectors were computed by this implementation and are each re-derived in
the same test by an independent route (the ``_oracle_*`` helpers below drive ``cryptography``'s
own CBC/ECB modes directly, never through ``sscard.crypto``).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.ciphers.algorithms import SM4
from hypothesis import given
from hypothesis import strategies as st

from sscard.crypto import (
    DES_BLOCK,
    SM4_BLOCK,
    Algorithm,
    adjust_des_parity,
    card_factor,
    city_factor,
    command_mac_iv,
    compute_mac,
    decipher_data,
    decrypt_ecb,
    derive_card_key,
    des_decrypt_block,
    des_encrypt_block,
    diversify,
    diversify_key,
    diversify_key_sm4,
    encipher_data,
    encrypt_ecb,
    iso9564_format2_block,
    key_check_value,
    mac4,
    mac_alg3_blocks,
    pad_iso9797_m2,
    parse_iso9564_format2_block,
    parse_social_pin_bcd,
    retail_mac,
    sm4_cbc_mac_blocks,
    sm4_decrypt_ecb,
    sm4_encrypt_ecb,
    sm4_mac,
    social_pin_bcd,
    tdes_decrypt_ecb,
    tdes_encrypt_ecb,
    unpad_iso9797_m2,
)

# Any warning (notably cryptography's deprecation of 8/16-byte TripleDES keys) fails a test.
pytestmark = pytest.mark.filterwarnings("error")

H = bytes.fromhex
K_ISO = H("0123456789ABCDEFFEDCBA9876543210")  # K || K' of ISO/IEC 9797-1 Annex B
NOW_ALL = b"Now is the time for all "  # ISO/IEC 9797-1 Annex B string 1 (24 bytes)
NOW_IT = b"Now is the time for it"  # ISO/IEC 9797-1 Annex B string 2 (22 bytes)

key16 = st.binary(min_size=16, max_size=16)
key8 = st.binary(min_size=8, max_size=8)
algorithms = st.sampled_from(list(Algorithm))
pins = st.from_regex(r"\A[0-9]{4,12}\Z")


# --------------------------------------------------------------------------- oracles


def _oracle_des(key: bytes, data: bytes, *, encrypt: bool = True) -> bytes:
    """Single DES ECB as cryptography's TDEA with K||K||K (independent of sscard)."""
    c = Cipher(TripleDES(key * 3), modes.ECB())
    ctx = c.encryptor() if encrypt else c.decryptor()
    return ctx.update(data) + ctx.finalize()


def _oracle_tdes(key: bytes, data: bytes) -> bytes:
    enc = Cipher(TripleDES(key + key[:8]), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def _oracle_sm4(key: bytes, data: bytes) -> bytes:
    enc = Cipher(SM4(key), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def _oracle_pad(data: bytes, block: int) -> bytes:
    out = data + b"\x80"
    while len(out) % block:
        out += b"\x00"
    return out


def _oracle_retail_mac(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    """MAC algorithm 3 by cryptography's DES-CBC, then D_K2 / E_K1 on the last block."""
    enc = Cipher(TripleDES(key[:8] * 3), modes.CBC(iv)).encryptor()
    last = (enc.update(_oracle_pad(data, 8)) + enc.finalize())[-8:]
    return _oracle_des(key[:8], _oracle_des(key[8:], last, encrypt=False))


def _oracle_sm4_mac(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    enc = Cipher(SM4(key), modes.CBC(iv)).encryptor()
    return (enc.update(_oracle_pad(data, 16)) + enc.finalize())[-16:]


def _oracle_diversify_tdes(mk: bytes, d: bytes) -> bytes:
    """K_L = E_K1 D_K2 E_K1 (D), K_R the same of ~D, from single-DES steps."""
    nd = bytes(b ^ 0xFF for b in d)

    def ede(x: bytes) -> bytes:
        return _oracle_des(mk[:8], _oracle_des(mk[8:], _oracle_des(mk[:8], x), encrypt=False))

    return ede(d) + ede(nd)


# --------------------------------------------------------------------------- padding


@pytest.mark.parametrize(
    ("data", "block", "padded"),
    [
        # ISO/IEC 9797-1 §6.3.2 padding method 2, worked by hand.
        (b"", 8, "8000000000000000"),
        (H("01020304050607"), 8, "0102030405060780"),
        (H("0102030405060708"), 8, "01020304050607088000000000000000"),
        (H("AA"), 16, "AA800000000000000000000000000000"),
    ],
)
def test_pad_iso9797_m2_known(data: bytes, block: int, padded: str) -> None:
    assert pad_iso9797_m2(data, block) == H(padded)
    assert unpad_iso9797_m2(H(padded), block) == data


@given(st.binary(max_size=100), st.sampled_from([DES_BLOCK, SM4_BLOCK]))
def test_pad_unpad_round_trip(data: bytes, block: int) -> None:
    padded = pad_iso9797_m2(data, block)
    assert len(padded) % block == 0
    assert len(data) < len(padded) <= len(data) + block
    assert unpad_iso9797_m2(padded, block) == data


@pytest.mark.parametrize(
    ("padded", "message"),
    [
        ("0102030405060708", "no 80 marker"),  # no padding at all
        ("0000000000000000", "no 80 marker"),  # only zeros
        ("0102030405068001", "no 80 marker"),  # byte after 80 not 00
        ("01020304050607800000000000000000", "padding longer than one block"),
        ("80000000000000", "multiple of 8"),  # 7 bytes
        ("", "must not be empty"),
    ],
)
def test_unpad_rejects_bad_padding(padded: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        unpad_iso9797_m2(H(padded), 8)


def test_pad_rejects_bad_block_size() -> None:
    with pytest.raises(ValueError, match="block size must be positive"):
        pad_iso9797_m2(b"x", 0)
    with pytest.raises(ValueError, match="block size must be positive"):
        unpad_iso9797_m2(b"\x80", -1)


# --------------------------------------------------------------------------- DES / 3DES


@pytest.mark.parametrize(
    ("key", "plain", "cipher"),
    [
        # J. Orlin Grabbe, "The DES Algorithm Illustrated" worked example.
        ("133457799BBCDFF1", "0123456789ABCDEF", "85E813540F0AB405"),
        # NIST SP 800-20 (TMOVS) Table A.1 variable plaintext, round 1, key 01..01.
        ("0101010101010101", "8000000000000000", "95F8A5E5DD31D900"),
        # NIST SP 800-20 Table A.2 variable key, round 1, plaintext 00..00.
        ("8001010101010101", "0000000000000000", "95A8D72813DAA94D"),
        # NIST SP 800-20 Table A.4 substitution table test, round 1.
        ("7CA110454A1A6E57", "01A1D6D039776742", "690F5B0D9A26939B"),
    ],
)
def test_des_block_published(key: str, plain: str, cipher: str) -> None:
    assert des_encrypt_block(H(key), H(plain)) == H(cipher)
    assert des_decrypt_block(H(key), H(cipher)) == H(plain)
    # SP 800-20 tests TDEA with K1 = K2 = K3: a double-length K||K key is the same cipher.
    assert tdes_encrypt_ecb(H(key) * 2, H(plain)) == H(cipher)
    assert tdes_decrypt_ecb(H(key) * 2, H(cipher)) == H(plain)


def test_des_ecb_fips81_published() -> None:
    # FIPS PUB 81 Appendix B Table B1 (ECB), key 0123456789ABCDEF, "Now is the time for all ".
    expected = H("3FA40E8A984D48156A271787AB8883F9893D51EC4B563B53")
    assert tdes_encrypt_ecb(H("0123456789ABCDEF") * 2, NOW_ALL) == expected


def test_tdes_two_key_icao_published() -> None:
    # ICAO Doc 9303 Part 11 Appendix D.3: E_IFD = 3DES-CBC(K_Enc, IV=0, S), two-key TDEA.
    # CBC is composed here from tdes_encrypt_ecb to test the two-key ECB primitive.
    k_enc = H("AB94FDECF2674FDFB9B391F85D7F76F2")
    s = H("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B")
    e_ifd = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
    chain, out = bytes(8), b""
    for i in range(0, len(s), 8):
        chain = tdes_encrypt_ecb(k_enc, bytes(a ^ b for a, b in zip(chain, s[i : i + 8], strict=True)))
        out += chain
    assert out == e_ifd
    # and back, block by block
    prev, back = bytes(8), b""
    for i in range(0, len(e_ifd), 8):
        block = e_ifd[i : i + 8]
        back += bytes(a ^ b for a, b in zip(prev, tdes_decrypt_ecb(k_enc, block), strict=True))
        prev = block
    assert back == s


@given(key16, st.binary(max_size=6).map(lambda b: b * 8))
def test_tdes_matches_oracle_and_round_trips(key: bytes, data: bytes) -> None:
    ct = tdes_encrypt_ecb(key, data)
    assert ct == _oracle_tdes(key, data)
    assert tdes_decrypt_ecb(key, ct) == data


@pytest.mark.parametrize("bad", [0, 8, 15, 17, 24])
def test_tdes_rejects_wrong_key_length(bad: int) -> None:
    with pytest.raises(ValueError, match=rf"double-length DES key must be 16 bytes, got {bad}"):
        tdes_encrypt_ecb(bytes(bad), bytes(8))
    with pytest.raises(ValueError, match="double-length DES key must be 16 bytes"):
        tdes_decrypt_ecb(bytes(bad), bytes(8))


def test_des_rejects_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="single DES key must be 8 bytes, got 16"):
        des_encrypt_block(bytes(16), bytes(8))
    with pytest.raises(ValueError, match="DES block must be 8 bytes, got 9"):
        des_encrypt_block(bytes(8), bytes(9))
    with pytest.raises(ValueError, match="DES block must be 8 bytes, got 7"):
        des_decrypt_block(bytes(8), bytes(7))
    with pytest.raises(ValueError, match="3DES data must be a multiple of 8 bytes, got 12"):
        tdes_encrypt_ecb(bytes(16), bytes(12))


# --------------------------------------------------------------------------- SM4


@pytest.mark.parametrize(
    ("key", "plain", "cipher"),
    [
        # GB/T 32907-2016 Example 1 (also draft-ribose-cfrg-sm4-10 A.1.1).
        (
            "0123456789ABCDEFFEDCBA9876543210",
            "0123456789ABCDEFFEDCBA9876543210",
            "681EDF34D206965E86B3E94F536E4246",
        ),
        # draft-ribose-cfrg-sm4-10 A.1.4.
        (
            "FEDCBA98765432100123456789ABCDEF",
            "000102030405060708090A0B0C0D0E0F",
            "F766678F13F01ADEAC1B3EA955ADB594",
        ),
        # draft-ribose-cfrg-sm4-10 A.2.1.1 (ECB, two blocks).
        (
            "0123456789ABCDEFFEDCBA9876543210",
            "AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDDEEEEEEEEFFFFFFFFAAAAAAAABBBBBBBB",
            "5EC8143DE509CFF7B5179F8F474B86192F1D305A7FB17DF985F81C8482192304",
        ),
    ],
)
def test_sm4_ecb_published(key: str, plain: str, cipher: str) -> None:
    assert sm4_encrypt_ecb(H(key), H(plain)) == H(cipher)
    assert sm4_decrypt_ecb(H(key), H(cipher)) == H(plain)
    assert encrypt_ecb(H(key), H(plain), Algorithm.SM4) == H(cipher)
    assert decrypt_ecb(H(key), H(cipher), Algorithm.SM4) == H(plain)


def test_sm4_rejects_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="SM4 key must be 16 bytes, got 24"):
        sm4_encrypt_ecb(bytes(24), bytes(16))
    with pytest.raises(ValueError, match="SM4 data must be a multiple of 16 bytes, got 8"):
        sm4_decrypt_ecb(bytes(16), bytes(8))


# --------------------------------------------------------------------------- retail MAC


def test_mac_alg3_iso9797_annex_b_padding1_published() -> None:
    # ISO/IEC 9797-1:2011 Annex B.4 (MAC algorithm 3, padding method 1), K = 0123456789ABCDEF,
    # K' = FEDCBA9876543210; also the ANSI X9.19 example. String 1 is 24 bytes: no padding.
    assert mac_alg3_blocks(K_ISO, NOW_ALL) == H("A1C72E74EA3FA9B6")
    # String 2 (22 bytes) with padding method 1 = two zero bytes.
    assert mac_alg3_blocks(K_ISO, NOW_IT + bytes(2)) == H("2E2B1428CC78254F")


def test_retail_mac_iso9797_annex_b_padding2_regression() -> None:
    # Padding method 2 values of ISO/IEC 9797-1 Annex B.4 as transcribed by third parties;
    # one transcription reports a typo in the printed standard, so these are held as
    # regression vectors and re-derived by the independent oracle.
    assert retail_mac(K_ISO, NOW_ALL) == H("E9086230CA3BE796") == _oracle_retail_mac(K_ISO, NOW_ALL)
    assert retail_mac(K_ISO, NOW_IT) == H("5A692CE64F404145") == _oracle_retail_mac(K_ISO, NOW_IT)


@pytest.mark.parametrize(
    ("data", "mac"),
    [
        # ICAO Doc 9303 Part 11 Appendix D.3: M_IFD = MAC(K_MAC, E_IFD), M_IC = MAC(K_MAC, E_IC);
        # MAC algorithm 3, padding method 2, zero IV.
        (
            "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2",
            "5F1448EEA8AD90A7",
        ),
        (
            "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F",
            "2F2D235D074D7449",
        ),
    ],
)
def test_retail_mac_icao_bac_published(data: str, mac: str) -> None:
    k_mac = H("7962D9ECE03D1ACD4C76089DCE131543")
    assert retail_mac(k_mac, H(data)) == H(mac)
    assert compute_mac(k_mac, H(data), Algorithm.TDES) == H(mac)


@pytest.mark.parametrize(
    ("data", "mac"),
    [
        # ICAO Doc 9303 Part 11 Appendix D.4.1 (SELECT command / response MAC, K_SMAC).
        ("887022120C06C2270CA4020C800000008709016375432908C044F6", "BF8B92D635FF24F8"),
        ("887022120C06C22899029000", "FA855A5D4C50A8ED"),
        # D.4.2 (READ BINARY of the first four bytes).
        ("887022120C06C2290CB0000080000000970104", "ED6705417E96BA55"),
    ],
)
def test_retail_mac_icao_sm_published(data: str, mac: str) -> None:
    assert retail_mac(H("F1CB1F1FB5ADF208806B89DC579DC1F8"), H(data)) == H(mac)


def test_mac_alg3_bouncycastle_published() -> None:
    # Bouncy Castle ISO9797Alg3MacTest: "Hello World !!!!" (16 bytes, no padding), zero IV.
    key = H("7CA110454A1A6E570131D9619DC1376E")
    assert mac_alg3_blocks(key, b"Hello World !!!!") == H("F09B856213BAB83B")


def test_retail_mac_always_pads() -> None:
    # Block-aligned input still gets a whole 80 00.. block (docs/domain.md, secure messaging: "always pad").
    data = NOW_ALL
    assert retail_mac(K_ISO, data) == mac_alg3_blocks(K_ISO, data + H("8000000000000000"))
    assert retail_mac(K_ISO, data) != mac_alg3_blocks(K_ISO, data)


def test_command_mac_with_challenge_regression() -> None:
    # Regression: APPLICATION BLOCK 84 1E 00 00 04 MACed under a 4-byte GET CHALLENGE answer.
    iv = command_mac_iv(H("11223344"))
    assert iv == H("1122334400000000")
    full = retail_mac(K_ISO, H("841E000004"), iv)
    assert full == H("40D016F4BB821B39") == _oracle_retail_mac(K_ISO, H("841E000004"), iv)
    assert mac4(full) == H("40D016F4")


@given(key16, st.binary(max_size=64), key8)
def test_retail_mac_matches_oracle(key: bytes, data: bytes, iv: bytes) -> None:
    assert retail_mac(key, data, iv) == _oracle_retail_mac(key, data, iv)


@given(key16, st.binary(max_size=40))
def test_retail_mac_ignores_parity_bits(key: bytes, data: bytes) -> None:
    assert retail_mac(adjust_des_parity(key), data) == retail_mac(key, data)


def test_retail_mac_rejects_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="MAC key must be 16 bytes, got 8"):
        retail_mac(bytes(8), b"data")
    with pytest.raises(ValueError, match="MAC IV must be 8 bytes, got 4"):
        retail_mac(bytes(16), b"data", bytes(4))
    with pytest.raises(ValueError, match="MAC input must be a multiple of 8 bytes, got 5"):
        mac_alg3_blocks(bytes(16), bytes(5))
    with pytest.raises(ValueError, match="MAC input must not be empty"):
        mac_alg3_blocks(bytes(16), b"")


# --------------------------------------------------------------------------- SM4 MAC


def test_sm4_cbc_mac_ribose_published() -> None:
    # draft-ribose-cfrg-sm4-10 A.2.2.1 (SM4-CBC): the CBC-MAC is the last ciphertext block.
    key = H("0123456789ABCDEFFEDCBA9876543210")
    plain = H("AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDDEEEEEEEEFFFFFFFFAAAAAAAABBBBBBBB")
    iv = H("000102030405060708090A0B0C0D0E0F")
    assert sm4_cbc_mac_blocks(key, plain, iv) == H("4CB7016951909226979B0D15DC6A8F6D")


def test_sm4_mac_regression() -> None:
    # Regression, re-derived by cryptography's SM4-CBC over the method-2 padded string.
    key = H("0123456789ABCDEFFEDCBA9876543210")
    full = sm4_mac(key, NOW_ALL)
    assert full == H("D3CFA47F45CC36F3D6FC35214380EE74") == _oracle_sm4_mac(key, NOW_ALL)
    assert compute_mac(key, NOW_ALL, Algorithm.SM4) == full
    assert mac4(full) == H("D3CFA47F")


@given(key16, st.binary(max_size=80), st.binary(min_size=16, max_size=16))
def test_sm4_mac_matches_oracle(key: bytes, data: bytes, iv: bytes) -> None:
    assert sm4_mac(key, data, iv) == _oracle_sm4_mac(key, data, iv)
    assert compute_mac(key, data, Algorithm.SM4, iv) == _oracle_sm4_mac(key, data, iv)


def test_sm4_mac_rejects_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="MAC key must be 16 bytes, got 8"):
        sm4_mac(bytes(8), b"x")
    with pytest.raises(ValueError, match="MAC IV must be 16 bytes, got 8"):
        sm4_mac(bytes(16), b"x", bytes(8))
    with pytest.raises(ValueError, match="MAC input must be a multiple of 16 bytes, got 8"):
        sm4_cbc_mac_blocks(bytes(16), bytes(8))


def test_mac4_truncates_and_checks() -> None:
    assert mac4(H("0102030405060708")) == H("01020304")
    assert mac4(bytes(range(16))) == H("00010203")
    with pytest.raises(ValueError, match="full MAC must be 8 or 16 bytes, got 4"):
        mac4(bytes(4))


@pytest.mark.parametrize(
    ("challenge", "iv"),
    [
        ("A1B2C3D4", "A1B2C3D400000000"),
        ("0102030405060708", "0102030405060708"),
        ("000102030405060708090A0B0C0D0E0F", "000102030405060708090A0B0C0D0E0F"),
    ],
)
def test_command_mac_iv(challenge: str, iv: str) -> None:
    assert command_mac_iv(H(challenge)) == H(iv)


@pytest.mark.parametrize("length", [0, 2, 5, 12, 32])
def test_command_mac_iv_rejects_other_lengths(length: int) -> None:
    with pytest.raises(ValueError, match=rf"challenge must be 4 or 8 or 16 bytes, got {length}"):
        command_mac_iv(bytes(length))


# --------------------------------------------------------------------------- enciphered data


def test_encipher_data_tdes_layout() -> None:
    # LD || data || 80 00.. ECB: 03 123456 80 00 00 00 (regression, re-derived by the oracle).
    key = K_ISO
    ct = encipher_data(key, H("123456"), Algorithm.TDES)
    assert ct == H("443FBFE8B3103299") == _oracle_tdes(key, H("0312345680000000"))
    assert decipher_data(key, ct, Algorithm.TDES) == H("123456")


def test_encipher_data_sm4_layout() -> None:
    key = K_ISO
    ct = encipher_data(key, H("123456"), Algorithm.SM4)
    expected = _oracle_sm4(key, H("03123456800000000000000000000000"))
    assert ct == H("CEDCA789B2B73B700553BC096E592033") == expected
    assert decipher_data(key, ct, Algorithm.SM4) == H("123456")


def test_encipher_data_no_pad_when_aligned() -> None:
    # [thin] PBOC encipherment: LD || data filling whole blocks gets no 80 block.
    data = H("11223344556677")  # 1 + 7 = 8 bytes
    ct = encipher_data(K_ISO, data, Algorithm.TDES)
    assert ct == _oracle_tdes(K_ISO, H("0711223344556677"))
    assert len(ct) == 8
    assert decipher_data(K_ISO, ct, Algorithm.TDES) == data
    assert len(encipher_data(K_ISO, bytes(15), Algorithm.SM4)) == 16


@given(key16, st.binary(max_size=255), algorithms)
def test_encipher_decipher_round_trip(key: bytes, data: bytes, algorithm: Algorithm) -> None:
    ct = encipher_data(key, data, algorithm)
    assert len(ct) % algorithm.block_size == 0
    assert decipher_data(key, ct, algorithm) == data


def _encrypt_raw(plain: str, algorithm: Algorithm = Algorithm.TDES) -> bytes:
    return encrypt_ecb(K_ISO, H(plain), algorithm)


@pytest.mark.parametrize(
    ("plain", "message"),
    [
        ("0912345680000000", r"LD=9 exceeds the 7 deciphered bytes"),
        ("0312345600000000", r"bad padding after LD=3"),
        ("0312345680000001", r"bad padding after LD=3"),
        ("0112345680000000", r"bad padding after LD=1"),
        ("07112233445566778000000000000000", r"LD=7 leaves 8 extra bytes"),
    ],
)
def test_decipher_data_rejects(plain: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decipher_data(K_ISO, _encrypt_raw(plain), Algorithm.TDES)


def test_decipher_data_rejects_bad_lengths() -> None:
    with pytest.raises(ValueError, match="cryptogram must be a multiple of 8 bytes, got 12"):
        decipher_data(K_ISO, bytes(12), Algorithm.TDES)
    with pytest.raises(ValueError, match="cryptogram must not be empty"):
        decipher_data(K_ISO, b"", Algorithm.SM4)
    with pytest.raises(ValueError, match="cryptogram must be a multiple of 16 bytes, got 8"):
        decipher_data(K_ISO, bytes(8), Algorithm.SM4)
    with pytest.raises(ValueError, match="at most 255 bytes, got 256"):
        encipher_data(K_ISO, bytes(256), Algorithm.TDES)
    with pytest.raises(ValueError, match="double-length DES key must be 16 bytes, got 8"):
        encipher_data(bytes(8), b"x", Algorithm.TDES)


# --------------------------------------------------------------------------- PINs


@pytest.mark.parametrize(
    ("pin", "encoded"),
    [
        ("123456", "123456"),  # docs/domain.md, PIN format: VERIFY 00 20 00 00 03 123456
        ("12345", "12345F"),  # [thin] odd length closed by F
        ("1234", "1234"),
        ("000000000000", "000000000000"),
        ("98765432109", "98765432109F"),
    ],
)
def test_social_pin_bcd(pin: str, encoded: str) -> None:
    assert social_pin_bcd(pin) == H(encoded)
    assert parse_social_pin_bcd(H(encoded)) == pin


@given(pins)
def test_social_pin_round_trip(pin: str) -> None:
    encoded = social_pin_bcd(pin)
    assert len(encoded) == (len(pin) + 1) // 2
    assert parse_social_pin_bcd(encoded) == pin


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        ("123", "4-12 digits, got 3"),
        ("1234567890123", "4-12 digits, got 13"),
        ("", "only the digits"),
        ("12a456", "only the digits"),
        ("12 456", "only the digits"),
        ("١٢٣٤٥٦", "only the digits"),  # Arabic-Indic digits: isdigit() but not 0-9
        ("１２３４５６", "only the digits"),  # full-width digits
    ],
)
def test_pin_encoders_reject_bad_pins(pin: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        social_pin_bcd(pin)
    with pytest.raises(ValueError, match=message):
        iso9564_format2_block(pin)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("12", "must be 2 or 3 or 4 or 5 or 6 bytes, got 1"),
        ("12345678901234", "got 7"),
        ("1F3456", "non-BCD nibble"),  # F before the end
        ("1234FF", "non-BCD nibble"),  # two F nibbles
        ("12A456", "non-BCD nibble"),
        ("123F", "4-12 digits, got 3"),
    ],
)
def test_parse_social_pin_rejects(data: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_social_pin_bcd(H(data))


@pytest.mark.parametrize(
    ("pin", "block"),
    [
        # ISO 9564-1 format 2 layout C=2, N, PIN, F fill (EMV Book 3 offline plaintext PIN).
        ("1234", "241234FFFFFFFFFF"),
        ("123456", "26123456FFFFFFFF"),
        ("12345", "2512345FFFFFFFFF"),
        ("123456789012", "2C123456789012FF"),
    ],
)
def test_iso9564_format2(pin: str, block: str) -> None:
    assert iso9564_format2_block(pin) == H(block)
    assert parse_iso9564_format2_block(H(block)) == pin


@given(pins)
def test_iso9564_format2_round_trip(pin: str) -> None:
    block = iso9564_format2_block(pin)
    assert len(block) == 8
    assert block[0] == 0x20 | len(pin)
    assert parse_iso9564_format2_block(block) == pin


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("041234FFFFFFFFFF", "control field is 0"),
        ("231234FFFFFFFFFF", "length field is 3"),
        ("2D123456789012FF", "length field is 13"),
        ("2412A4FFFFFFFFFF", "non-decimal PIN digit"),
        ("241234FFFFFFFF0F", "fill after the PIN digits must be all F"),
        ("241234FFFFFFFF", "must be 8 bytes, got 7"),
    ],
)
def test_parse_iso9564_format2_rejects(block: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_iso9564_format2_block(H(block))


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("key", "algorithm", "kcv"),
    [
        # DES E_K(0) = D5D44FF720683D0D, the KCV commonly quoted for key 0123456789ABCDEF.
        ("0123456789ABCDEF", Algorithm.TDES, "D5D44F"),
        # Double-length 0123456789ABCDEF FEDCBA9876543210: E(0) = 08D7B4FB629D0885.
        ("0123456789ABCDEFFEDCBA9876543210", Algorithm.TDES, "08D7B4"),
        # SM4 (regression; SM4 itself is pinned by the GB/T 32907 vector above).
        ("0123456789ABCDEFFEDCBA9876543210", Algorithm.SM4, "2677F4"),
    ],
)
def test_key_check_value(key: str, algorithm: Algorithm, kcv: str) -> None:
    assert key_check_value(H(key), algorithm) == H(kcv)
    if algorithm is Algorithm.SM4:
        assert _oracle_sm4(H(key), bytes(16))[:3] == H(kcv)
    elif len(H(key)) == 8:
        assert _oracle_des(H(key), bytes(8))[:3] == H(kcv)
    else:
        assert _oracle_tdes(H(key), bytes(8))[:3] == H(kcv)


def test_key_check_value_rejects_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="DES key must be 8 or 16 bytes, got 24"):
        key_check_value(bytes(24), Algorithm.TDES)
    with pytest.raises(ValueError, match="SM4 key must be 16 bytes, got 8"):
        key_check_value(bytes(8), Algorithm.SM4)


MK = H("0123456789ABCDEFFEDCBA9876543210")  # test issuer master key (KCV 08D7B4 / SM4 2677F4)
CITY = "440200"  # Shaoguan's administrative division code
UNIQUE = H("0011223344556677")


def test_factors() -> None:
    assert city_factor(CITY) == H("343430323030") + b"sx" == b"440200sx"
    assert card_factor(UNIQUE) == UNIQUE


@pytest.mark.parametrize("code", ["44020", "4402000", "44O200", "４４０２００", ""])
def test_city_factor_rejects(code: str) -> None:
    with pytest.raises(ValueError, match="city code must be 6 decimal digits"):
        city_factor(code)


def test_card_factor_rejects() -> None:
    with pytest.raises(ValueError, match="card-unique data must be 8 bytes, got 16"):
        card_factor(bytes(16))


def test_diversify_tdes_steps_with_kcvs() -> None:
    # Regression vectors, KCV at each level, each level re-derived from single-DES steps.
    assert key_check_value(MK, Algorithm.TDES) == H("08D7B4")
    city_key = diversify_key(MK, city_factor(CITY))
    assert city_key == H("83DF0921828EF52568D807E83023C0E5")
    assert city_key == _oracle_diversify_tdes(MK, b"440200sx")
    assert key_check_value(city_key, Algorithm.TDES) == H("D87FE1")
    card_key = diversify_key(city_key, card_factor(UNIQUE))
    assert card_key == H("B74B3869E66630280EC17B7121E83E45")
    assert card_key == _oracle_diversify_tdes(city_key, UNIQUE)
    assert key_check_value(card_key, Algorithm.TDES) == H("CD923A")
    assert derive_card_key(MK, CITY, UNIQUE, Algorithm.TDES) == card_key


def test_diversify_sm4_steps_with_kcvs() -> None:
    # Regression vectors, KCV at each level, each level re-derived as SM4_MK(D || ~D).
    def oracle(mk: bytes, d: bytes) -> bytes:
        return _oracle_sm4(mk, d + bytes(b ^ 0xFF for b in d))

    assert key_check_value(MK, Algorithm.SM4) == H("2677F4")
    city_key = diversify_key_sm4(MK, city_factor(CITY))
    assert city_key == H("73514D30A7F14C3AA1BF10BEA398235E") == oracle(MK, b"440200sx")
    assert key_check_value(city_key, Algorithm.SM4) == H("932A6E")
    card_key = diversify_key_sm4(city_key, card_factor(UNIQUE))
    assert card_key == H("0A73FBAC63D4ABD31F81193EB555B6C9") == oracle(city_key, UNIQUE)
    assert key_check_value(card_key, Algorithm.SM4) == H("8F53DC")
    assert derive_card_key(MK, CITY, UNIQUE, Algorithm.SM4) == card_key


@given(key16, key8)
def test_diversify_matches_oracle(master: bytes, factor: bytes) -> None:
    derived = diversify(master, factor, Algorithm.TDES)
    assert derived == _oracle_diversify_tdes(master, factor)
    # The two halves differ because ~D != D.
    assert derived[:8] != derived[8:]
    assert diversify(master, factor, Algorithm.SM4) == diversify_key_sm4(master, factor)


def test_diversify_rejects_wrong_lengths() -> None:
    with pytest.raises(ValueError, match="master key must be 16 bytes, got 8"):
        diversify_key(bytes(8), bytes(8))
    with pytest.raises(ValueError, match="diversification factor must be 8 bytes, got 16"):
        diversify_key(bytes(16), bytes(16))
    with pytest.raises(ValueError, match="master key must be 16 bytes, got 24"):
        diversify_key_sm4(bytes(24), bytes(8))
    with pytest.raises(ValueError, match="diversification factor must be 8 bytes, got 6"):
        diversify_key_sm4(bytes(16), bytes(6))


def test_adjust_des_parity_known() -> None:
    # FIPS 46-3 §3: each byte odd parity. 0123456789ABCDEF is already odd-parity.
    assert adjust_des_parity(H("0123456789ABCDEF")) == H("0123456789ABCDEF")
    assert adjust_des_parity(H("0000000000000000")) == H("0101010101010101")
    assert adjust_des_parity(H("FFFEFDFC")) == H("FEFEFDFD")


@given(st.binary(max_size=24))
def test_adjust_des_parity_properties(key: bytes) -> None:
    adjusted = adjust_des_parity(key)
    assert all(b.bit_count() % 2 == 1 for b in adjusted)
    assert all((a ^ b) & 0xFE == 0 for a, b in zip(key, adjusted, strict=True))
    assert adjust_des_parity(adjusted) == adjusted


@given(key16, key8)
def test_des_ignores_parity(key: bytes, block: bytes) -> None:
    assert tdes_encrypt_ecb(adjust_des_parity(key), block) == tdes_encrypt_ecb(key, block)
