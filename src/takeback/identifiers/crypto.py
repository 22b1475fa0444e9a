"""Cryptocurrency addresses, checksum-verified where the format has a checksum.

- Bitcoin: base58check P2PKH (``1...``) and P2SH (``3...``); bech32 segwit v0
  (BIP 173) and bech32m v1+ (taproot ``bc1p...``, BIP 350), checked here.
- Litecoin: base58check ``L...``/``M...`` (and ``3...``, shared with Bitcoin) and ``ltc1`` bech32.
- Dogecoin ``D...`` and Tron ``T...`` (where USDT-TRC20 lives): base58check.
- Ethereum (and the chains that share its addresses): ``0x`` and 40 hex digits. A
  mixed-case address carries the EIP-55 checksum (Keccak-256), which is checked;
  all-lower or all-upper carries none, so ``valid`` is None.
- Monero: 95 characters (106 for integrated addresses) in Monero's own base58
  blocks, with a Keccak-256 checksum, checked here.
- Solana: a base58 32-byte public key with no checksum (``valid: null``), so only
  with a Solana word nearby: otherwise any long base58 string would be one.

A checksum failure is ``valid: false``: a typo, a misread, or an address edited
on purpose (the webcam-scam emails do this). Keccak-256 comes from pycryptodome
(hashlib's sha3_256 is the later, different SHA-3 padding).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache, reduce
from operator import xor
from typing import ClassVar

import base58
from Crypto.Hash import keccak

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Scope,
    Words,
    char_after,
    char_before,
    context_group,
    with_note,
)

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUE = {char: value for value, char in enumerate(BECH32)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3

# base58check version byte -> (coin, address type)
_VERSIONS = {
    (0x00, "1"): ("Bitcoin", "P2PKH"),
    (0x05, "3"): ("Bitcoin", "P2SH"),
    (0x30, "L"): ("Litecoin", "P2PKH"),
    (0x32, "M"): ("Litecoin", "P2SH"),
    (0x1E, "D"): ("Dogecoin", "P2PKH"),
    (0x41, "T"): ("Tron", "address"),
}
_FIRST = {"1": "Bitcoin", "3": "Bitcoin", "L": "Litecoin", "M": "Litecoin", "D": "Dogecoin", "T": "Tron"}
_HRPS = {"bc": "Bitcoin", "tb": "Bitcoin testnet", "ltc": "Litecoin", "tltc": "Litecoin testnet"}
# Monero network bytes: standard, integrated and subaddress (main network).
_MONERO = {18: "standard", 19: "integrated", 42: "subaddress"}
_MONERO_LENGTHS = {95: 69, 106: 77}


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


# --- bech32 / bech32m (BIP 173, BIP 350) -----------------------------------------------------


_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# What the five top bits of the checksum add when shifted out: the generators of their set
# bits, XORed together, looked up once rather than bit by bit for every character.
_SHIFTED_OUT = tuple(
    reduce(xor, (g for bit, g in enumerate(_GENERATOR) if top >> bit & 1), 0) for top in range(32)
)


def _polymod(values: Iterable[int]) -> int:
    checksum = 1
    for value in values:
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value ^ _SHIFTED_OUT[checksum >> 25]
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def _convert_bits(data: Iterable[int], source: int, target: int) -> list[int] | None:
    """Regroup bits without padding (segwit programs): None when the leftover bits are not zero padding."""
    accumulator, bits, out = 0, 0, []
    for value in data:
        accumulator = (accumulator << source) | value
        bits += source
        while bits >= target:
            bits -= target
            out.append((accumulator >> bits) & ((1 << target) - 1))
    if bits >= source or (accumulator << (target - bits)) & ((1 << target) - 1):
        return None
    return out


def segwit_check(address: str) -> tuple[str, bool, str]:
    """(human-readable part, valid, what was found) for a bech32/bech32m segwit address."""
    if address.lower() != address and address.upper() != address:
        return "", False, "mixes upper and lower case, which bech32 forbids"
    lowered = address.lower()
    hrp, _, data_part = lowered.rpartition("1")
    if hrp not in _HRPS:
        return hrp, False, f"not the prefix of a known network ({hrp!r})"
    if not hrp or len(data_part) < 6 or len(lowered) > 90 or any(c not in BECH32 for c in data_part):
        return hrp, False, "not a bech32 string"
    data = [_BECH32_VALUE[char] for char in data_part]
    constant = _polymod(_hrp_expand(hrp) + data)
    if constant not in (_BECH32_CONST, _BECH32M_CONST):
        return hrp, False, "the bech32 checksum fails (a typo or a misread)"
    if not data[:-6]:
        return hrp, False, "no witness version"
    version = data[0]
    program = _convert_bits(data[1:-6], 5, 8)
    encoding = "bech32" if constant == _BECH32_CONST else "bech32m"
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return hrp, False, f"{encoding} checksum correct, but not a valid witness program"
    if version == 0 and len(program) not in (20, 32):
        return hrp, False, "bech32 checksum correct, but a v0 program must be 20 or 32 bytes"
    if (version == 0) != (constant == _BECH32_CONST):
        wanted = "bech32" if version == 0 else "bech32m"
        return hrp, False, f"a witness v{version} address must use {wanted}, not {encoding} (BIP 350)"
    kind = {0: "segwit v0", 1: "taproot"}.get(version, f"segwit v{version}")
    return hrp, True, f"{encoding} checksum correct ({kind})"


# --- Monero base58 ---------------------------------------------------------------------------

# Monero encodes 8-byte blocks as 11 characters; a final short block of n bytes takes
# _BLOCK_CHARS[n] characters.
_BLOCK_CHARS = (0, 2, 3, 5, 6, 7, 9, 10, 11)


def monero_decode(text: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start : start + 11]
        if len(block) not in _BLOCK_CHARS:
            return None
        size = _BLOCK_CHARS.index(len(block))
        number = 0
        for char in block:
            number = number * 58 + BASE58.index(char)
        if number >= 1 << (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def monero_check(address: str) -> tuple[bool, str]:
    data = monero_decode(address)
    if data is None or len(data) != _MONERO_LENGTHS.get(len(address)):
        return False, "not Monero base58"
    network = data[0]
    if network not in _MONERO:
        return False, f"Monero checksum not checked: unknown network byte {network}"
    if keccak256(data[:-4])[:4] != data[-4:]:
        return False, "the Monero (Keccak-256) checksum fails (a typo or a misread)"
    return True, f"Monero (Keccak-256) checksum correct ({_MONERO[network]} address)"


# --- Ethereum EIP-55 -------------------------------------------------------------------------


def eip55(address: str) -> str:
    """The EIP-55 mixed-case form of a 0x address."""
    hexdigits = address[2:].lower()
    digest = keccak256(hexdigits.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(hexdigits))


def eip55_check(address: str) -> tuple[bool | None, str]:
    letters = [char for char in address[2:] if char.isalpha()]
    if all(c.islower() for c in letters) or all(c.isupper() for c in letters):
        return None, "all one case, so it carries no EIP-55 checksum"
    if eip55(address) == address:
        return True, "EIP-55 mixed-case checksum correct"
    return False, "the EIP-55 mixed-case checksum fails (a typo, a misread or an edited address)"


@lru_cache(maxsize=4096)
def check_address(pattern: str, raw: str, platform: str | None) -> tuple[bool | None, str]:
    """Whether an address's checksum holds, and what was found (cached: asked twice per sighting)."""
    if pattern == "Ethereum address":
        return eip55_check(raw)
    if pattern == "bech32 address":
        _, valid, how = segwit_check(raw)
        return valid, how
    if platform == "Monero":
        return monero_check(raw)
    if platform == "Solana":
        return None, "a 32-byte public key; Solana addresses carry no checksum"
    try:
        payload = base58.b58decode_check(raw)
    except ValueError:
        return False, "the base58check checksum fails (a typo, a misread or an edited address)"
    known = _VERSIONS.get((payload[0], raw[0]))
    if known is None or len(payload) != 21:
        return False, "base58check checksum correct, but not an address version this coin uses"
    return True, f"base58check checksum correct ({known[0]} {known[1]})"


# --- the extractor ---------------------------------------------------------------------------


class CryptoExtractor(Extractor):
    NAME = "crypto"
    PATTERNS: ClassVar[Mapping[str, str]] = {
        "base58 address": r"[1-9A-HJ-NP-Za-km-z]{25,110}",
        "bech32 address": r"(?i)\b(?:bc|tb|ltc|tltc)1[02-9ac-hj-np-z]{6,87}\b",
        "Ethereum address": r"\b0x[0-9a-fA-F]{40}\b",
    }
    WORDS: ClassVar[Words] = Words(context_group("crypto"))
    CONTEXT: ClassVar[Mapping[str, Words]] = dict.fromkeys(PATTERNS, WORDS)
    CONTEXT_AFTER_ACCEPT: ClassVar[frozenset[str]] = frozenset(PATTERNS)
    TRIGGERS: ClassVar[Mapping[str, str]] = {
        "base58 address": r"[1-9A-HJ-NP-Za-km-z]{25}",
        "bech32 address": r"(?i)(?:bc|tb|ltc|tltc)1[02-9ac-hj-np-z]{6}",
        "Ethereum address": r"0x[0-9a-fA-F]{8}",
    }
    ALONE: ClassVar[frozenset[str]] = frozenset(["base58 address"])  # 25 of 58 characters: see triggers()
    SOLANA: ClassVar[Words] = Words(context_group("solana"))
    LITECOIN: ClassVar[Words] = Words(context_group("litecoin"))

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        before = char_before(candidate.text, candidate.start)
        after = char_after(candidate.text, candidate.end)
        if before.isalnum() or before in "_+=-" or after.isalnum() or after in "_+=":
            return None  # part of a longer token (base64, a hash)
        raw = candidate.raw
        if candidate.pattern == "Ethereum address":
            return candidate.on("Ethereum")
        if candidate.pattern == "bech32 address":
            return candidate.on(_HRPS[raw.lower().rpartition("1")[0]])
        return self._base58(candidate)

    def _base58(self, candidate: Candidate) -> Candidate | None:
        raw = candidate.raw
        if raw[0] in _FIRST and 25 <= len(raw) <= 35:
            coin = _FIRST[raw[0]]
            if raw[0] == "3" and self.LITECOIN.near(candidate.text, candidate.start, candidate.end):
                coin = "Litecoin"
            return candidate.on(coin)
        if raw[0] in "48" and len(raw) in _MONERO_LENGTHS:
            return candidate.on("Monero")
        if 32 <= len(raw) <= 44 and self.SOLANA.near(candidate.text, candidate.start, candidate.end):
            if len(base58.b58decode(raw)) == 32:
                return with_note(candidate.on("Solana"), "a Solana word nearby")
        return None

    def validate(self, candidate: Candidate) -> bool | None:
        return check_address(candidate.pattern, candidate.raw, candidate.platform)[0]

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        return check_address(candidate.pattern, candidate.raw, candidate.platform)[1]

    def keep(self, candidate: Candidate, valid: bool | None) -> bool:
        # A base58 run that fails its checksum is reported only where it is surely meant as an
        # address (a crypto word nearby, or the exact length of the coin's addresses).
        if valid is not False or candidate.pattern != "base58 address":
            return True
        text, start, end = candidate.text, candidate.start, candidate.end
        if (char_after(text, end) == "/" and char_after(text, end + 1).isalnum()) or (
            char_before(text, start) == "/" and char_before(text, start - 1).isalnum()
        ):
            return False  # a piece of a longer token split by "/" (base64, a path), not an address
        raw = candidate.raw
        return bool(candidate.context) or (len(raw) in (33, 34) and raw[0] in _FIRST) or len(raw) == 95

    def normalise(self, candidate: Candidate) -> str:
        if candidate.pattern in ("Ethereum address", "bech32 address"):
            return candidate.raw.lower()
        return candidate.raw


EXTRACTORS.register(CryptoExtractor())
