"""Symmetric cryptography of the social security card: DES family (2nd generation) and SM4 (3rd).

Small pure functions over ``bytes``. Every primitive goes through the ``cryptography`` package:
triple DES always with a 24-byte key K1||K2||K1 (single DES as K||K||K), SM4 (GB/T 32907) as is.
Wrong lengths and malformed encodings raise ``ValueError`` saying what is wrong.

Standards: ISO/IEC 9797-1:2011 (padding method 2, MAC algorithm 3), ISO 9564-1 (PIN block
format 2), NIST SP 800-67 (TDEA), GB/T 32907-2016 (SM4); the PBOC-derived conventions of the
social security card are described in the project's docs/domain.md (national conventions). Where the public
record is thin the choice made here is stated in the docstring, marked **[thin]**.
"""

from __future__ import annotations

import enum
from typing import Final

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.ciphers.algorithms import SM4

__all__ = [
    "DES_BLOCK",
    "SM4_BLOCK",
    "ZERO_IV8",
    "ZERO_IV16",
    "Algorithm",
    "adjust_des_parity",
    "card_factor",
    "city_factor",
    "command_mac_iv",
    "compute_mac",
    "decipher_data",
    "decrypt_ecb",
    "derive_card_key",
    "des_decrypt_block",
    "des_encrypt_block",
    "diversify",
    "diversify_key",
    "diversify_key_sm4",
    "encipher_data",
    "encrypt_ecb",
    "iso9564_format2_block",
    "key_check_value",
    "mac4",
    "mac_alg3_blocks",
    "pad_iso9797_m2",
    "pan_factor",
    "parse_iso9564_format2_block",
    "parse_social_pin_bcd",
    "retail_mac",
    "sm4_cbc_mac_blocks",
    "sm4_decrypt_ecb",
    "sm4_encrypt_ecb",
    "sm4_mac",
    "social_pin_bcd",
    "tdes_decrypt_ecb",
    "tdes_encrypt_ecb",
    "unpad_iso9797_m2",
]

DES_BLOCK: Final = 8
"""DES / triple-DES block size in bytes."""
SM4_BLOCK: Final = 16
"""SM4 block size in bytes (GB/T 32907 §5)."""
ZERO_IV8: Final = bytes(DES_BLOCK)
"""All-zero 8-byte IV, the default ICV of ISO/IEC 9797-1."""
ZERO_IV16: Final = bytes(SM4_BLOCK)
"""All-zero 16-byte IV for SM4."""

PIN_MIN_DIGITS: Final = 4
PIN_MAX_DIGITS: Final = 12


class Algorithm(enum.Enum):
    """Block cipher family of a card generation (domain.md, keys)."""

    TDES = "3DES"
    """2nd generation: double-length DES keys (16 bytes), 8-byte blocks."""
    SM4 = "SM4"
    """3rd generation: SM4 (GB/T 32907), 16-byte keys and blocks."""

    @property
    def block_size(self) -> int:
        """Cipher block size in bytes."""
        return DES_BLOCK if self is Algorithm.TDES else SM4_BLOCK


# --------------------------------------------------------------------------- helpers


def _require_len(name: str, value: bytes, *allowed: int) -> None:
    """Raise ValueError unless ``len(value)`` is one of ``allowed``."""
    if len(value) not in allowed:
        want = " or ".join(str(n) for n in allowed)
        raise ValueError(f"{name} must be {want} bytes, got {len(value)}")


def _require_blocks(name: str, value: bytes, block: int, *, allow_empty: bool = True) -> None:
    """Raise ValueError unless ``value`` is a whole number of ``block``-byte blocks."""
    if len(value) % block != 0:
        raise ValueError(f"{name} must be a multiple of {block} bytes, got {len(value)}")
    if not allow_empty and not value:
        raise ValueError(f"{name} must not be empty")


def _xor(a: bytes, b: bytes) -> bytes:
    """Bytewise XOR of two equal-length strings."""
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _complement(data: bytes) -> bytes:
    """Bitwise NOT of every byte (the ``~D`` of PBOC key diversification)."""
    return bytes(x ^ 0xFF for x in data)


def _ecb(algorithm: TripleDES | SM4, data: bytes, *, encrypt: bool) -> bytes:
    """Raw ECB over whole blocks with an already-validated key."""
    cipher = Cipher(algorithm, modes.ECB())
    ctx = cipher.encryptor() if encrypt else cipher.decryptor()
    return ctx.update(data) + ctx.finalize()


def _tdes_key24(key16: bytes) -> TripleDES:
    """Double-length key K1||K2 as the keying-option-2 TDEA key K1||K2||K1 (SP 800-67 §3.1)."""
    _require_len("double-length DES key", key16, 16)
    return TripleDES(key16 + key16[:8])


def _des_key24(key8: bytes) -> TripleDES:
    """Single DES as TDEA keying option 3, K||K||K (E_K D_K E_K = E_K)."""
    _require_len("single DES key", key8, 8)
    return TripleDES(key8 * 3)


def _sm4_key(key16: bytes) -> SM4:
    _require_len("SM4 key", key16, 16)
    return SM4(key16)


# --------------------------------------------------------------------------- padding


def pad_iso9797_m2(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: append ``80`` then ``00`` to a multiple of ``block``.

    Always pads: data that is already a whole number of blocks gains a full block ``80 00..``.
    """
    if block <= 0:
        raise ValueError(f"block size must be positive, got {block}")
    fill = block - 1 - len(data) % block
    return data + b"\x80" + bytes(fill)


def unpad_iso9797_m2(padded: bytes, block: int) -> bytes:
    """Strip ISO/IEC 9797-1 padding method 2 (inverse of :func:`pad_iso9797_m2`).

    The input must be a non-empty whole number of blocks ending in ``80`` followed by 0 to
    ``block - 1`` bytes ``00``.
    """
    if block <= 0:
        raise ValueError(f"block size must be positive, got {block}")
    _require_blocks("padded data", padded, block, allow_empty=False)
    end = len(padded.rstrip(b"\x00"))
    if end == 0 or padded[end - 1] != 0x80:
        raise ValueError("bad ISO/IEC 9797-1 method 2 padding: no 80 marker before the 00 fill")
    if len(padded) - (end - 1) > block:
        raise ValueError("bad ISO/IEC 9797-1 method 2 padding: padding longer than one block")
    return padded[: end - 1]


# --------------------------------------------------------------------------- block ciphers


def des_encrypt_block(key8: bytes, block8: bytes) -> bytes:
    """Single DES (FIPS 46-3) encryption of one 8-byte block, run as TDEA with K||K||K."""
    _require_len("DES block", block8, DES_BLOCK)
    return _ecb(_des_key24(key8), block8, encrypt=True)


def des_decrypt_block(key8: bytes, block8: bytes) -> bytes:
    """Single DES decryption of one 8-byte block (inverse of :func:`des_encrypt_block`)."""
    _require_len("DES block", block8, DES_BLOCK)
    return _ecb(_des_key24(key8), block8, encrypt=False)


def tdes_encrypt_ecb(key16: bytes, data: bytes) -> bytes:
    """Two-key triple DES (SP 800-67, keying option 2) ECB encryption of whole 8-byte blocks."""
    algorithm = _tdes_key24(key16)
    _require_blocks("3DES data", data, DES_BLOCK)
    return _ecb(algorithm, data, encrypt=True)


def tdes_decrypt_ecb(key16: bytes, data: bytes) -> bytes:
    """Two-key triple DES ECB decryption of whole 8-byte blocks."""
    algorithm = _tdes_key24(key16)
    _require_blocks("3DES data", data, DES_BLOCK)
    return _ecb(algorithm, data, encrypt=False)


def sm4_encrypt_ecb(key16: bytes, data: bytes) -> bytes:
    """SM4 (GB/T 32907-2016) ECB encryption of whole 16-byte blocks."""
    algorithm = _sm4_key(key16)
    _require_blocks("SM4 data", data, SM4_BLOCK)
    return _ecb(algorithm, data, encrypt=True)


def sm4_decrypt_ecb(key16: bytes, data: bytes) -> bytes:
    """SM4 (GB/T 32907-2016) ECB decryption of whole 16-byte blocks."""
    algorithm = _sm4_key(key16)
    _require_blocks("SM4 data", data, SM4_BLOCK)
    return _ecb(algorithm, data, encrypt=False)


def encrypt_ecb(key: bytes, data: bytes, algorithm: Algorithm) -> bytes:
    """ECB encryption with the card generation's cipher (16-byte key either way)."""
    if algorithm is Algorithm.TDES:
        return tdes_encrypt_ecb(key, data)
    return sm4_encrypt_ecb(key, data)


def decrypt_ecb(key: bytes, data: bytes, algorithm: Algorithm) -> bytes:
    """ECB decryption with the card generation's cipher (16-byte key either way)."""
    if algorithm is Algorithm.TDES:
        return tdes_decrypt_ecb(key, data)
    return sm4_decrypt_ecb(key, data)


# --------------------------------------------------------------------------- MACs


def mac_alg3_blocks(key16: bytes, padded: bytes, iv: bytes = ZERO_IV8) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 over data the caller has already padded.

    Initial transformation 1, single-DES CBC under K1 (``iv`` XORed into the first block),
    output transformation 3: ``E_K1(D_K2(H_q))``. Returns the full 8-byte block (no truncation).
    """
    _require_len("MAC key", key16, 16)
    _require_len("MAC IV", iv, DES_BLOCK)
    _require_blocks("MAC input", padded, DES_BLOCK, allow_empty=False)
    k1, k2 = key16[:8], key16[8:]
    chain = iv
    for i in range(0, len(padded), DES_BLOCK):
        chain = des_encrypt_block(k1, _xor(chain, padded[i : i + DES_BLOCK]))
    return des_encrypt_block(k1, des_decrypt_block(k2, chain))


def retail_mac(key16: bytes, data: bytes, iv: bytes = ZERO_IV8) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with padding method 2 (the "retail MAC", ANSI X9.19).

    The 2nd-generation secure-messaging MAC (domain.md, keys): always pads ``80 00..`` to 8 bytes,
    single-DES CBC under K1, final block ``E_K1(D_K2(.))``. Returns all 8 bytes; see :func:`mac4`.
    """
    return mac_alg3_blocks(key16, pad_iso9797_m2(data, DES_BLOCK), iv)


def sm4_cbc_mac_blocks(key16: bytes, padded: bytes, iv: bytes = ZERO_IV16) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 1 (plain CBC-MAC) with SM4 over already-padded data.

    Returns the last CBC block, all 16 bytes.
    """
    _require_len("MAC key", key16, 16)
    _require_len("MAC IV", iv, SM4_BLOCK)
    _require_blocks("MAC input", padded, SM4_BLOCK, allow_empty=False)
    chain = iv
    for i in range(0, len(padded), SM4_BLOCK):
        chain = sm4_encrypt_ecb(key16, _xor(chain, padded[i : i + SM4_BLOCK]))
    return chain


def sm4_mac(key16: bytes, data: bytes, iv: bytes = ZERO_IV16) -> bytes:
    """SM4 CBC-MAC with ISO/IEC 9797-1 padding method 2 (3rd generation, domain.md, keys).

    Always pads ``80 00..`` to 16 bytes. Returns all 16 bytes; the card keeps the leftmost 4.
    """
    return sm4_cbc_mac_blocks(key16, pad_iso9797_m2(data, SM4_BLOCK), iv)


def compute_mac(key: bytes, data: bytes, algorithm: Algorithm, iv: bytes | None = None) -> bytes:
    """Full MAC of the card generation: :func:`retail_mac` or :func:`sm4_mac` (zero IV if None)."""
    if algorithm is Algorithm.TDES:
        return retail_mac(key, data, ZERO_IV8 if iv is None else iv)
    return sm4_mac(key, data, ZERO_IV16 if iv is None else iv)


def mac4(full_mac: bytes) -> bytes:
    """Leftmost 4 bytes of an 8- or 16-byte MAC (ISO/IEC 9797-1 truncation, domain.md, keys)."""
    _require_len("full MAC", full_mac, DES_BLOCK, SM4_BLOCK)
    return full_mac[:4]


def command_mac_iv(challenge: bytes) -> bytes:
    """Secure-messaging IV from the card's GET CHALLENGE answer (domain.md, keys).

    4 bytes (DES family) give ``challenge || 00000000``; an 8-byte challenge (DES) or a
    16-byte challenge (SM4) is the IV as it is.
    """
    if len(challenge) == 4:
        return challenge + bytes(4)
    _require_len("challenge", challenge, 4, 8, 16)
    return bytes(challenge)


# --------------------------------------------------------------------------- enciphered data


def encipher_data(key: bytes, data: bytes, algorithm: Algorithm) -> bytes:
    """Encipher ``LD || data`` in ECB as PBOC secure messaging does (domain.md, keys).

    LD is one byte, ``len(data)`` (0-255). **[thin]** Padding follows the PBOC (JR/T 0025)
    data-encipherment rule: ``80 00..`` is appended only when ``LD || data`` does not already
    fill whole blocks (unlike the MAC, which always pads). 8-byte blocks with a 16-byte 3DES
    key, 16-byte blocks with SM4.
    """
    if len(data) > 0xFF:
        raise ValueError(f"data to encipher must be at most 255 bytes, got {len(data)}")
    block = algorithm.block_size
    plain = bytes([len(data)]) + data
    if len(plain) % block:
        plain = pad_iso9797_m2(plain, block)
    return encrypt_ecb(key, plain, algorithm)


def decipher_data(key: bytes, cryptogram: bytes, algorithm: Algorithm) -> bytes:
    """Inverse of :func:`encipher_data`: decrypt, check LD and the padding, return the data.

    Accepts exactly what :func:`encipher_data` produces: ``LD || data`` followed by nothing
    when that fills the last block, else by ``80 00..`` up to the block boundary.
    """
    block = algorithm.block_size
    _require_blocks("cryptogram", cryptogram, block, allow_empty=False)
    plain = decrypt_ecb(key, cryptogram, algorithm)
    ld = plain[0]
    end = 1 + ld
    if end > len(plain):
        raise ValueError(f"length byte LD={ld} exceeds the {len(plain) - 1} deciphered bytes")
    tail = plain[end:]
    if end % block == 0:
        if tail:
            raise ValueError(f"length byte LD={ld} leaves {len(tail)} extra bytes after the data")
    elif tail != b"\x80" + bytes(block - 1 - end % block):
        raise ValueError(f"bad padding after LD={ld} data bytes: expected 80 00.. to the block")
    return plain[1:end]


# --------------------------------------------------------------------------- PIN encodings


def _check_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit()):
        raise ValueError("PIN must contain only the digits 0-9")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise ValueError(f"PIN must have {PIN_MIN_DIGITS}-{PIN_MAX_DIGITS} digits, got {len(pin)}")


def social_pin_bcd(pin: str) -> bytes:
    """Social-security PIN as VERIFY data: packed BCD, odd length closed by an ``F`` nibble.

    ``"123456"`` -> ``12 34 56`` (docs/domain.md, PIN format; VERIFY ``00 20 00 00 03 123456``);
    **[thin]** odd lengths: ``"12345"`` -> ``12 34 5F``. 4-12 digits (6 by default on cards).
    """
    _check_pin(pin)
    digits = pin + "F" if len(pin) % 2 else pin
    return bytes.fromhex(digits)


def parse_social_pin_bcd(data: bytes) -> str:
    """Inverse of :func:`social_pin_bcd`: 2-6 bytes of BCD digits, only the last nibble may be F."""
    _require_len("social PIN data", data, 2, 3, 4, 5, 6)
    nibbles = data.hex().upper()
    if nibbles.endswith("F"):
        nibbles = nibbles[:-1]
    if not nibbles.isdigit():
        raise ValueError(f"social PIN data {data.hex().upper()} has a non-BCD nibble")
    _check_pin(nibbles)
    return nibbles


def iso9564_format2_block(pin: str) -> bytes:
    """ISO 9564-1 PIN block format 2: ``2N || PIN digits || F..F``, 8 bytes.

    The plaintext PIN block of PBOC/EMV offline PIN VERIFY ``00 20 00 80 08`` (domain.md, finance).
    """
    _check_pin(pin)
    return bytes.fromhex(f"2{len(pin):X}{pin}".ljust(16, "F"))


def parse_iso9564_format2_block(block: bytes) -> str:
    """Inverse of :func:`iso9564_format2_block`: check control 2, length 4-12, digits, F fill."""
    _require_len("format 2 PIN block", block, 8)
    nibbles = block.hex().upper()
    if nibbles[0] != "2":
        raise ValueError(f"PIN block control field is {nibbles[0]}, format 2 needs 2")
    n = int(nibbles[1], 16)
    if not PIN_MIN_DIGITS <= n <= PIN_MAX_DIGITS:
        raise ValueError(f"PIN block length field is {n}, must be 4-12")
    pin, fill = nibbles[2 : 2 + n], nibbles[2 + n :]
    if not pin.isdigit():
        raise ValueError("PIN block has a non-decimal PIN digit")
    if fill != "F" * len(fill):
        raise ValueError("PIN block fill after the PIN digits must be all F")
    return pin


# --------------------------------------------------------------------------- keys


def adjust_des_parity(key: bytes) -> bytes:
    """Set the low bit of every byte so each byte has odd parity (FIPS 46-3 §3 key format)."""
    return bytes((b & 0xFE) | ((b >> 1).bit_count() + 1) % 2 for b in key)


def key_check_value(key: bytes, algorithm: Algorithm) -> bytes:
    """KCV: leftmost 3 bytes of a zero block encrypted under the key.

    ``Algorithm.TDES`` takes an 8-byte (single DES) or 16-byte (K1||K2) key; ``Algorithm.SM4``
    a 16-byte key and a 16-byte zero block.
    """
    if algorithm is Algorithm.TDES:
        _require_len("DES key", key, 8, 16)
        if len(key) == 8:
            return des_encrypt_block(key, ZERO_IV8)[:3]
        return tdes_encrypt_ecb(key, ZERO_IV8)[:3]
    return sm4_encrypt_ecb(key, ZERO_IV16)[:3]


def diversify_key(master16: bytes, factor8: bytes) -> bytes:
    """PBOC-style 3DES key diversification (domain.md, keys, **[thin]**).

    ``K_L = 3DES_MK(D)``, ``K_R = 3DES_MK(~D)``, result ``K_L || K_R`` (16 bytes). Parity bits are
    left as computed (DES ignores them); apply :func:`adjust_des_parity` if an HSM wants them.
    """
    _require_len("master key", master16, 16)
    _require_len("diversification factor", factor8, 8)
    return tdes_encrypt_ecb(master16, factor8 + _complement(factor8))


def diversify_key_sm4(master16: bytes, factor8: bytes) -> bytes:
    """SM4 key diversification for 3rd-generation cards (**[thin]**, our choice).

    One SM4 block: ``SM4_MK(D || ~D)`` with the same 8-byte factor D as the 3DES scheme, so a
    card has one factor whatever its generation.
    """
    _require_len("master key", master16, 16)
    _require_len("diversification factor", factor8, 8)
    return sm4_encrypt_ecb(master16, factor8 + _complement(factor8))


def diversify(master16: bytes, factor8: bytes, algorithm: Algorithm) -> bytes:
    """:func:`diversify_key` or :func:`diversify_key_sm4` by card generation."""
    if algorithm is Algorithm.TDES:
        return diversify_key(master16, factor8)
    return diversify_key_sm4(master16, factor8)


def card_factor(card_unique8: bytes) -> bytes:
    """Card-level factor: the 8 card-unique bytes ending the card identification code (EF05/01)."""
    _require_len("card-unique data", card_unique8, 8)
    return bytes(card_unique8)


def city_factor(city_code: str) -> bytes:
    """City-level factor (domain.md, keys, **[thin]**): the 6-digit city code in ASCII, then ``"sx"``.

    ``"440200"`` -> ``34 34 30 32 30 30 73 78``.
    """
    if len(city_code) != 6 or not (city_code.isascii() and city_code.isdigit()):
        raise ValueError(f"city code must be 6 decimal digits, got {city_code!r}")
    return city_code.encode("ascii") + b"sx"


def derive_card_key(issuer_master16: bytes, city_code: str, card_unique8: bytes, algorithm: Algorithm) -> bytes:
    """Two-level derivation **[thin]**: issuer master -> city key (city factor) -> card key.

    ``card = diversify(diversify(MK, city_factor(city)), card_factor(unique))``.
    """
    city_key = diversify(issuer_master16, city_factor(city_code), algorithm)
    return diversify(city_key, card_factor(card_unique8), algorithm)


def pan_factor(pan: str, pan_sequence: str) -> bytes:
    """PBOC card factor (EMV option A style, crypto.toml [diversification.PBOC]).

    The rightmost 16 digits of ``PAN || PAN sequence number`` (2 digits), left-padded with 0, packed BCD:
    PAN ``6217001234567890123``, PSN ``01`` -> ``01 23 45 67 89 01 23 01``.
    """
    if not (pan.isascii() and pan.isdigit()) or not 1 <= len(pan) <= 19:
        raise ValueError(f"PAN must be 1-19 digits, got {len(pan)} characters")
    if len(pan_sequence) != 2 or not (pan_sequence.isascii() and pan_sequence.isdigit()):
        raise ValueError("PAN sequence number must be 2 digits")
    return bytes.fromhex((pan + pan_sequence)[-16:].rjust(16, "0"))
