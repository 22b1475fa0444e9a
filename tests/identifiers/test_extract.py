"""Whole conversations: de-duplication, sightings, roles, the export's own accounts, golden files,
real corpora, and input that must never break extraction."""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

from takeback.errors import UsageError
from takeback.identifiers import EXTRACTORS, Extractor, extract, extract_text, find, identifier_to_dict
from takeback.identifiers.base import compile_pattern
from takeback.model import Assessment, Conversation, Message, Participant, Source

DATA = Path(__file__).resolve().parents[1] / "data" / "identifiers"
GOLDEN = sorted(DATA.glob("*.conversation.json"))


def conversation_from(path: Path) -> tuple[Conversation, Assessment]:
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    raw = path.read_bytes()
    source = Source(path=path.name, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), format="fixture")
    conversation = Conversation(
        source=source,
        platform=spec["platform"],
        title=None,
        participants=tuple(Participant(**person) for person in spec["participants"]),
        messages=tuple(
            Message(id=m["id"], sender=m["sender"], timestamp=None, text=m["text"]) for m in spec["messages"]
        ),
    )
    assessment = Assessment(
        sextortion=True,
        risk="high",
        stages=(),
        timeline=(),
        crisis=False,
        findings=(),
        offender=spec["offender"],
        victim=spec["victim"],
    )
    return conversation, assessment


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name.split(".")[0])
def test_golden_conversations(path: Path) -> None:
    conversation, assessment = conversation_from(path)
    got = [identifier_to_dict(i) for i in extract(conversation, assessment)]
    expected = json.loads(
        path.with_name(path.name.replace(".conversation.", ".expected.")).read_text("utf-8")
    )
    assert got == expected


def test_there_are_golden_conversations() -> None:
    assert len(GOLDEN) >= 2


def test_sightings_are_gathered_into_one_identifier_with_the_senders_role() -> None:
    conversation, assessment = conversation_from(DATA / "instagram-offender.conversation.json")
    identifiers = extract(conversation, assessment)
    (wallet,) = [i for i in identifiers if i.kind == "crypto"]
    assert [s.message_id for s in wallet.sightings] == ["4", "7"]
    assert wallet.role == "offender" and wallet.valid is True
    (phone,) = [i for i in identifiers if i.kind == "phone"]
    # the victim repeats the offender's number: it is still one number, written first by the offender
    assert {s.sender for s in phone.sightings} == {"jessy.lovely", "Sam"}
    assert phone.role == "offender"
    victim_snap = next(i for i in identifiers if i.value == "sam_k_2009" and i.platform == "Snapchat")
    assert victim_snap.role == "victim"
    assert all(i.role == "unknown" for i in extract(conversation))  # no assessment, no roles


def test_every_sighting_points_at_its_text() -> None:
    conversation, _ = conversation_from(DATA / "telegram-accounts.conversation.json")
    texts = {m.id: m.text for m in conversation.messages}
    for identifier in extract(conversation):
        for sighting in identifier.sightings:
            assert sighting.source_sha256 == conversation.source.sha256
            if sighting.span != (0, 0):
                start, end = sighting.span
                assert texts[sighting.message_id][start:end] == sighting.raw


def test_the_exports_own_accounts_are_identifiers() -> None:
    conversation, assessment = conversation_from(DATA / "telegram-accounts.conversation.json")
    found = {(i.kind, i.value, i.platform, i.role) for i in extract(conversation, assessment)}
    assert ("handle", "user5550001", "Telegram", "offender") in found
    assert ("handle", "kate_wallet", "Telegram", "offender") in found
    assert ("phone", "+447400123456", None, "victim") in found


def test_senders_that_are_phone_numbers_or_addresses_are_identifiers() -> None:
    source = Source(path="chat.txt", sha256="0" * 64, size=1, format="whatsapp")
    conversation = Conversation(
        source=source,
        platform="whatsapp",
        title=None,
        participants=(Participant(name="Ann", account_id="ann@example.com"),),
        messages=(
            Message(id="L1", sender="+44 7400 123456", timestamp=None, text="hi"),
            Message(id="L2", sender="Ann", timestamp=None, text="who is this?"),
        ),
    )
    found = {(i.kind, i.value, i.sightings[0].message_id, i.sightings[0].raw) for i in extract(conversation)}
    assert found == {
        ("phone", "+447400123456", "L1", "+44 7400 123456"),
        ("email", "ann@example.com", "L2", "ann@example.com"),
    }


def test_extract_text_has_no_source_or_message() -> None:
    (identifier,) = extract_text("text 07400 123456 or 07400 123456")
    assert identifier.value == "+447400123456"
    assert [(s.source_sha256, s.message_id, s.span) for s in identifier.sightings] == [
        ("", "", (5, 17)),
        ("", "", (21, 33)),
    ]


def test_the_json_form_is_stable() -> None:
    (identifier,) = extract_text("card 4111 1111 1111 1111")
    assert identifier_to_dict(identifier) == {
        "kind": "card",
        "value": "************1111",
        "raw": "4111 1111 1111 1111",
        "valid": True,
        "role": "unknown",
        "platform": "Visa",
        "explanation": "pattern: card number; Luhn checksum correct; Visa prefix and length (16 digits); "
        "context: 'card'",
        "sightings": [
            {
                "source_sha256": "",
                "message_id": "",
                "span": [5, 24],
                "raw": "4111 1111 1111 1111",
                "sender": None,
            }
        ],
    }


def test_the_webcam_scam_email_address_fails_its_checksum(shared: Path) -> None:
    path = shared / "corpora/dev/email/webcam-bitcoin-scam.eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    wallets = [i for i in extract_text(text) if i.kind == "crypto"]
    assert [(w.value, w.valid, w.platform) for w in wallets] == [
        ("1KhDTLk95fZQBd5tUXj4123459bBAji2DB", False, "Bitcoin")
    ]


def test_the_sms_corpus_reads_without_error_and_sanely(shared: Path) -> None:
    lines = (shared / "corpora/dev/sms/SMSSpamCollection.tsv").read_text(encoding="utf-8").splitlines()[1:]
    kinds: dict[str, int] = {}
    for line in lines:
        label, _, text = line.partition("\t")
        for item in find(text):
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
            assert text[item.start : item.end] == item.raw
            # UK spam of 2005-2011 has numbers and links, and nobody in it pays in crypto or by IBAN
            assert item.kind in ("phone", "url", "email", "handle"), (label, item.kind)
    assert kinds["phone"] > 300 and kinds["url"] > 100


@pytest.mark.parametrize(
    "text",
    [
        "a" * 100_000,
        "@" * 100_000,
        "." * 100_000,
        "1" * 100_000,
        "a@" * 50_000,
        "a." * 50_000,
        "1 " * 50_000,
        "@a " * 30_000,
        "$a" * 50_000,
        "x [at] " * 20_000,
        "0x" + "a" * 100_000,
        "bc1" + "q" * 100_000,
        "snap is " * 20_000,
        "hxxps://" + "a[.]" * 20_000,
    ],
    ids=lambda text: f"{text[:6]!r}x{len(text)}",
)
def test_pathological_input_takes_linear_time(text: str) -> None:
    started = time.perf_counter()
    find(text)
    assert time.perf_counter() - started < 5


def test_a_one_megabyte_message() -> None:
    chunk = "lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 180
    text = "".join(f"{chunk} call 07400 123456 or mail bob{i}@example.com\n" for i in range(100))
    assert len(text) > 1_000_000
    started = time.perf_counter()
    found = find(text)
    assert time.perf_counter() - started < 10
    assert sum(f.kind == "email" for f in found) == 100 and sum(f.kind == "phone" for f in found) == 100


def test_an_unknown_region_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown region 'UK'"):
        extract_text("call 07400 123456", region="UK")


def test_text_with_lone_surrogates_is_read() -> None:
    text = "bad byte \udcff then call 07400 123456"
    (item,) = find(text)
    assert text[item.start : item.end] == item.raw == "07400 123456"


def test_every_extractor_follows_the_contract() -> None:
    kinds = {extractor.NAME for extractor in EXTRACTORS}
    assert kinds == {"phone", "email", "url", "handle", "bank", "card", "payment", "crypto"}
    for extractor in EXTRACTORS:
        assert extractor.PATTERNS
        for pattern in extractor.PATTERNS.values():
            compile_pattern(pattern)  # RE2 syntax: linear time by construction
        assert set(extractor.NEEDS_CONTEXT) <= set(extractor.CONTEXT)


SAMPLES = [
    "call 07400 123456 or +1 (202) 555-0143, mail bob [at] gmail [dot] com or jo@example.com",
    "hxxps://evil[.]com/x www.dbuk.net t.me/bob instagram.com/bob.smith https://a.example/p?q=1",
    "IBAN GB82 WEST 1234 5698 7654 32, swift DEUTDEFF, sort code 12-34-56 account 12345678",
    "routing 011000015, card 4111 1111 1111 1111 or 378282246310005; $BobCash99 cash app",
    "paypal: bob@example.com; zelle 2025550143; it is 1.5 or v2.0, home.Today",
    "steam gift card ABCD1-EFGH2-IJKL3, western union MTCN 123-456-7890, moneygram reference number 12345678",
    "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 eth "
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, my snap is bob_1 and telegram @bob_2",
]


@pytest.mark.parametrize("extractor", list(EXTRACTORS), ids=lambda e: e.NAME)
def test_every_trigger_is_a_necessary_part_of_its_pattern(extractor: Extractor) -> None:
    # The quick pre-check skips a pattern when its trigger is absent: a trigger that could
    # be absent where the pattern matches would lose identifiers.
    for name, pattern in extractor.PATTERNS.items():
        own = extractor.TRIGGERS.get(name, pattern)
        if not own:
            assert name in extractor.NEEDS_CONTEXT, name  # only context words decide
            continue
        trigger = compile_pattern(own)
        matches = [m.group() for text in SAMPLES for m in compile_pattern(pattern).finditer(text)]
        assert matches, name
        assert all(trigger.search(match) for match in matches), name


def test_every_kind_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "identifiers.md").read_text(encoding="utf-8")
    for extractor in EXTRACTORS:
        assert f"## {extractor.NAME}" in docs
