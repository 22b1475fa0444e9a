"""Crypto addresses: BIP 173/350 vectors, EIP-55 examples, base58check coins, Monero, Solana."""

from __future__ import annotations

import base58
import pytest

from takeback.identifiers import find
from takeback.identifiers.crypto import eip55, segwit_check


def addresses(text: str) -> list[tuple[str, bool | None, str | None]]:
    return [(f.value, f.valid, f.platform) for f in find(text) if f.kind == "crypto"]


# BIP 350's valid segwit addresses (v0 in bech32, v1+ in bech32m).
BIP350_VALID = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "Bitcoin"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "Bitcoin testnet"),
    ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "Bitcoin"),
    ("BC1SW50QGDZ25J", "Bitcoin"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "Bitcoin"),
    ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "Bitcoin testnet"),
    ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "Bitcoin testnet"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "Bitcoin"),
]

# BIP 350's invalid segwit addresses: none may ever be reported valid.
BIP350_INVALID = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # wrong human-readable part
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 in bech32
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # v2 in bech32
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # v16 in bech32
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # v0 in bech32m
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # v0 in bech32m
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # witness version 17
    "bc1pw5dgrnzv",  # program too short
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # program too long
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program of 16 bytes
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # padding of more than 4 bits
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data
]


@pytest.mark.parametrize(("address", "coin"), BIP350_VALID)
def test_bip350_valid_addresses(address: str, coin: str) -> None:
    assert addresses(f"send to {address} now") == [(address.lower(), True, coin)]


@pytest.mark.parametrize("address", BIP350_INVALID)
def test_bip350_invalid_addresses_are_never_valid(address: str) -> None:
    assert segwit_check(address)[1] is False
    assert all(valid is not True for _, valid, _ in addresses(f"send to {address} now"))


# EIP-55's examples of checksummed addresses.
EIP55_EXAMPLES = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_EXAMPLES)
def test_eip55_examples(address: str) -> None:
    assert eip55(address) == address
    assert addresses(f"eth {address}") == [(address.lower(), True, "Ethereum")]
    # all one case carries no checksum; one letter's case flipped breaks it
    assert addresses(f"eth {address.lower()}") == [(address.lower(), None, "Ethereum")]
    assert addresses(f"eth 0x{address[2:].upper()}") == [(address.lower(), None, "Ethereum")]
    index = next(i for i, c in enumerate(address) if i > 1 and c.isalpha())
    flipped = address[:index] + address[index].swapcase() + address[index + 1 :]
    assert addresses(f"eth {flipped}") == [(address.lower(), False, "Ethereum")]


def _base58check(version: int) -> str:
    return str(base58.b58encode_check(bytes([version]) + bytes(range(20))).decode("ascii"))


@pytest.mark.parametrize(
    ("address", "valid", "coin"),
    [
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", True, "Bitcoin"),  # P2PKH
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", True, "Bitcoin"),  # P2SH
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", False, "Bitcoin"),  # one character changed
        ("1KhDTLk95fZQBd5tUXj4123459bBAji2DB", False, "Bitcoin"),  # the edited webcam-scam address
        (_base58check(0x30), True, "Litecoin"),
        (_base58check(0x32), True, "Litecoin"),
        (_base58check(0x1E), True, "Dogecoin"),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", True, "Tron"),  # USDT's TRC-20 contract
        (_base58check(0x41), True, "Tron"),
        ("ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9", True, "Litecoin"),
        (
            "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
            True,
            "Monero",
        ),  # the Monero General Fund's address
        (
            "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3B",
            False,
            "Monero",
        ),
    ],
)
def test_base58_coins(address: str, valid: bool, coin: str) -> None:
    expected = address.lower() if address.startswith("ltc1") else address
    assert addresses(f"wallet: {address}") == [(expected, valid, coin)]


def test_solana_needs_a_solana_word_and_has_no_checksum() -> None:
    key = str(base58.b58encode(bytes(range(1, 33))).decode("ascii"))
    assert addresses(f"send SOL to {key}") == [(key, None, "Solana")]
    assert addresses(f"here is {key}") == []


@pytest.mark.parametrize(
    "text",
    [
        "abc1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",  # glued to a word
        "token=1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2x",  # inside a longer token
        # a base64 token split by "/", its first piece the shape of an address, a crypto word near
        "pay in crypto. token 11cWbTDevqVxBCaasVEjgSGbw/D7+bo4ckxWxiLDFdTA==",
        "crypto key AbC9/1KhDTLk95fZQBd5tUXj4123459bBAji2DB",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",  # 42 hex digits: a hash, not an address
        "1" + "A" * 40,
        "Supercalifragilisticexpialidocious",
        "bc1",
    ],
)
def test_near_misses_are_not_addresses(text: str) -> None:
    assert addresses(text) == []


def test_a_checksum_failure_is_explained() -> None:
    (item,) = [f for f in find("My Bitcoin wallet: 1KhDTLk95fZQBd5tUXj4123459bBAji2DB") if f.kind == "crypto"]
    assert "base58check checksum fails" in item.explanation


def test_a_valid_address_inside_a_block_explorer_link_is_kept() -> None:
    text = "see https://blockstream.info/address/1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
    assert addresses(text) == [("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", True, "Bitcoin")]
