"""Identifier extraction: precision, recall and speed, next to Microsoft Presidio in the same run.

    python benchmarks/identifiers.py [--messages 3000] [--seed 7] [--no-presidio]

1. A labelled corpus generated here (seeded): chat messages with identifiers of
   every kind embedded in them (phone numbers shaped like libphonenumber's
   example numbers, their last four digits drawn, valid ones only; IBANs from
   schwifty's generator, Luhn-valid card numbers, base58check, bech32 and EIP-55
   addresses, handles, payment accounts ...), some written the
   way scammers write them (obfuscated addresses, defanged links), and hard
   negatives (dates, times, order and tracking numbers, amounts, versions, words
   glued by a full stop, hashes, base64 tokens).
2. The real SMS Spam Collection (../shared/corpora/dev/sms/), which has no labels:
   counted per kind for both tools; it holds no cards, IBANs or crypto addresses,
   so every one found there is a false positive.

A prediction is right when a labelled identifier of the same kind overlaps it.
Presidio runs its pattern recognizers (email, phone, URL, IBAN, card, crypto)
with a blank spaCy pipeline saved to disk, so nothing is downloaded; its
CRYPTO recognizer knows Bitcoin only, so crypto is compared on Bitcoin. Presidio
is a benchmark-only dependency: pip install presidio-analyzer.

The machine is shared and noisy: read the ratios, and run it twice.
"""

from __future__ import annotations

import argparse
import math
import random
import string
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import base58
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from schwifty import IBAN

try:  # the installed package: compiled when built with TAKEBACK_COMPILE=1 (make bench-compiled)
    import takeback  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import takeback.identifiers.base as _base
from takeback.identifiers import find
from takeback.identifiers.crypto import BECH32, eip55

BUILD = "compiled with mypyc" if _base.__file__ and not _base.__file__.endswith(".py") else "pure Python"

SMS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "dev" / "sms" / "SMSSpamCollection.tsv"
# Messages each tool reads in its turn: long enough (about 60 ms for takeback) that each runs
# with its own working set in the CPU caches, as it would alone. Turns of 100 measured
# takeback a quarter slower than alone, on caches the other tool had just filled.
BLOCK = 1000
BOTH = ("phone", "email", "url", "iban", "card", "bitcoin")  # what both tools find
PRESIDIO_KINDS = {
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "URL": "url",
    "IBAN_CODE": "iban",
    "CREDIT_CARD": "card",
    "CRYPTO": "bitcoin",
}


@dataclass
class Message:
    text: str = ""
    gold: list[tuple[str, int, int]] = field(default_factory=list)

    def add(self, piece: str, kinds: Iterable[str] = ()) -> None:
        start = len(self.text)
        self.text += piece
        for kind in kinds:
            self.gold.append((kind, start, start + len(piece)))


# --- generating the labelled corpus ----------------------------------------------------------

REGIONS = ["GB", "US", "DE", "FR", "IN", "NG", "AU", "CA", "PH", "IE"]
FIRST = ["alex", "sam", "jo", "kim", "lee", "max", "ria", "tom", "zoe", "ben", "amy", "dan"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "example.org", "mail.example.net"]
OPENERS = ["hey", "ok", "listen", "so", "last chance.", "babe", "I told you.", "fine", "right"]


def _name(rng: random.Random) -> str:
    return rng.choice(FIRST) + rng.choice(["", "_", "."]) + rng.choice(FIRST) + str(rng.randint(1, 999))


def _phone(rng: random.Random) -> str:
    region = rng.choice(REGIONS)
    kind = rng.choice([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    # Other numbers of the same shape: the last four digits drawn, kept only when
    # libphonenumber finds the number valid, so that no cache sees the same few numbers.
    national = str(example.national_number)
    for _ in range(20):
        digits = f"{national[:-4]}{rng.randrange(10_000):04d}"
        drawn = phonenumbers.PhoneNumber(country_code=example.country_code, national_number=int(digits))
        if phonenumbers.is_valid_number(drawn):
            example = drawn
            break
    style = (
        PhoneNumberFormat.NATIONAL
        if region == "GB" and rng.random() < 0.5
        else PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(example, style)


def _email(rng: random.Random) -> str:
    local, domain = _name(rng), rng.choice(DOMAINS)
    if rng.random() < 0.2:
        return f"{local} [at] {domain.replace('.', ' [dot] ')}"
    return f"{local}@{domain}"


def _url(rng: random.Random) -> tuple[str, list[str]]:
    name = _name(rng).replace(".", "_")
    choice = rng.randrange(5)
    if choice == 0:
        return f"https://www.{rng.choice(FIRST)}-leaks.example.com/{name}", ["url"]
    if choice == 1:
        return f"hxxps://{rng.choice(FIRST)}-pics[.]example[.]net/v/{rng.randint(100, 999)}", ["url"]
    if choice == 2:
        return f"https://t.me/{name}", ["url", "handle"]
    if choice == 3:
        return f"instagram.com/{name}", ["url", "handle"]
    return f"http://bit.ly/{''.join(rng.choices(string.ascii_letters + string.digits, k=7))}", ["url"]


def _iban(rng: random.Random) -> str:
    iban = IBAN.random(country_code=rng.choice(["GB", "DE", "FR", "NL", "ES", "IT"]), random=rng)
    compact = str(iban.compact)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if rng.random() < 0.5 else compact


def _luhn_complete(partial: str) -> str:
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return partial + str((10 - total % 10) % 10)


def _card(rng: random.Random) -> str:
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16)])
    body = prefix + "".join(rng.choices(string.digits, k=length - len(prefix) - 1))
    number = _luhn_complete(body)
    if length == 16 and rng.random() < 0.5:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def _bech32(hrp: str, version: int, program: bytes) -> str:
    data, accumulator, bits = [version], 0, 0
    for byte in program:
        accumulator, bits = (accumulator << 8) | byte, bits + 8
        while bits >= 5:
            bits -= 5
            data.append((accumulator >> bits) & 31)
    if bits:
        data.append((accumulator << (5 - bits)) & 31)
    constant = 1 if version == 0 else 0x2BC830A3
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data + [0] * 6
    checksum = 1
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= generator[i] if (top >> i) & 1 else 0
    checksum ^= constant
    return hrp + "1" + "".join(BECH32[d] for d in data + [(checksum >> 5 * (5 - i)) & 31 for i in range(6)])


def _crypto(rng: random.Random) -> tuple[str, list[str]]:
    payload = bytes(rng.randrange(256) for _ in range(20))
    choice = rng.randrange(6)
    if choice == 0:
        return base58.b58encode_check(b"\x00" + payload).decode(), ["crypto", "bitcoin"]
    if choice == 1:
        return base58.b58encode_check(b"\x05" + payload).decode(), ["crypto", "bitcoin"]
    if choice == 2:
        return _bech32("bc", 0, payload), ["crypto", "bitcoin"]
    if choice == 3:
        return _bech32("bc", 1, payload + payload[:12]), ["crypto", "bitcoin"]
    if choice == 4:
        return eip55("0x" + payload.hex()), ["crypto"]
    return base58.b58encode_check(b"\x41" + payload).decode(), ["crypto"]


def _handle(rng: random.Random) -> tuple[str, str, list[str]]:
    name = _name(rng)
    return rng.choice(["add me on snap: ", "my insta is ", "telegram @", "kik me "]), name, ["handle"]


def _payment(rng: random.Random) -> tuple[str, str, list[str]]:
    choice = rng.randrange(4)
    if choice == 0:
        return "send it to ", f"${rng.choice(FIRST).title()}{rng.randint(10, 99)}", ["payment"]
    if choice == 1:
        return (
            "buy a steam gift card and send the code ",
            "-".join("".join(rng.choices(string.ascii_uppercase + string.digits, k=5)) for _ in range(3)),
            ["payment"],
        )
    if choice == 2:
        return "western union MTCN ", "".join(rng.choices(string.digits, k=10)), ["payment"]
    return "pay me at ", f"paypal.me/{rng.choice(FIRST)}{rng.randint(10, 99)}", ["url", "payment"]


def _sort_code(rng: random.Random) -> tuple[str, str, list[str]]:
    code = "-".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
    return "sort code ", f"{code} account {rng.randint(10_000_000, 99_999_999)}", ["bank"]


# Things that look like identifiers and are not.
NEGATIVES: list[Callable[[random.Random], str]] = [
    lambda r: (
        f"on {r.randint(1, 28):02d}/{r.randint(1, 12):02d}/20{r.randint(10, 29)} at {r.randint(0, 23)}:30"
    ),
    lambda r: f"order #{r.randint(10**10, 10**11)} is on its way",
    lambda r: f"tracking {r.randint(10**15, 10**17)}",
    lambda r: f"it was £{r.randint(1, 9)},{r.randint(100, 999)}.{r.randint(10, 99)}",
    lambda r: f"update to v{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)} now",
    lambda r: "I went home.Today was long",
    lambda r: "ok.so what now",
    lambda r: "meet @ 5pm, then " + r.choice(["the park", "mine", "the station"]),
    lambda r: "hash " + "".join(r.choices("0123456789abcdef", k=64)),
    lambda r: "token " + "".join(r.choices(string.ascii_letters + string.digits + "+/", k=44)) + "==",
    lambda r: f"ref {r.randint(100000, 999999)}-{r.randint(1000, 9999)}",
    lambda r: "ISBN 978-" + "-".join(str(r.randint(10, 99)) for _ in range(3)) + "-1",
    lambda r: f"room {r.randint(100, 999)} floor {r.randint(1, 9)}",
    lambda r: "snap is down again lol",
]

GENERATORS: list[Callable[[random.Random], tuple[str, str, list[str]]]] = [
    lambda r: (r.choice(["call me on ", "text ", "whatsapp ", "ring "]), _phone(r), ["phone"]),
    lambda r: (r.choice(["email me ", "write to ", "mail: "]), _email(r), ["email"]),
    lambda r: ("look: ", *_url(r)),
    lambda r: (r.choice(["IBAN ", "pay to ", "bank transfer to "]), _iban(r), ["bank", "iban"]),
    lambda r: (r.choice(["card ", "use my card ", "visa "]), _card(r), ["card"]),
    lambda r: (r.choice(["send btc to ", "wallet: ", "pay in crypto "]), *_crypto(r)),
    _handle,
    _payment,
    _sort_code,
]


def generate(count: int, seed: int) -> list[Message]:
    rng = random.Random(seed)
    messages = []
    for index in range(count):
        message = Message()
        message.add(rng.choice(OPENERS) + " ")
        if index % 4 == 3:  # a quarter of the messages hold only hard negatives
            message.add(rng.choice(NEGATIVES)(rng) + ". " + rng.choice(NEGATIVES)(rng))
        else:
            lead, identifier, kinds = rng.choice(GENERATORS)(rng)
            message.add(lead)
            message.add(identifier, kinds)
            message.add(rng.choice([" now", ". " + rng.choice(NEGATIVES)(rng), "!", " or else", ""]))
        messages.append(message)
    return messages


# --- the two tools ---------------------------------------------------------------------------


def takeback_predictions(text: str) -> list[tuple[str, int, int]]:
    predictions = []
    for item in find(text):
        if item.kind == "url" and item.from_link:
            continue
        predictions.append((item.kind, item.start, item.end))
        if item.kind == "bank" and item.value[:2].isalpha() and item.value[2:4].isdigit():
            predictions.append(("iban", item.start, item.end))
        if item.kind == "crypto" and item.platform == "Bitcoin":
            predictions.append(("bitcoin", item.start, item.end))
    return predictions


def presidio() -> Callable[[str], list[tuple[str, int, int]]] | str:
    """Presidio's analyzer with its pattern recognizers only, or why it cannot run."""
    try:
        import spacy
        import tldextract
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
    except ImportError as error:
        return f"presidio-analyzer is not installed ({error.name}): pip install presidio-analyzer"
    # Presidio's email check asks tldextract, which would fetch the public suffix list:
    # use the snapshot tldextract ships, offline.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    folder = tempfile.mkdtemp(prefix="blank-spacy-")
    spacy.blank("en").to_disk(folder)
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": folder}]}
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    entities = list(PRESIDIO_KINDS)

    def predict(text: str) -> list[tuple[str, int, int]]:
        return [
            (PRESIDIO_KINDS[r.entity_type], r.start, r.end)
            for r in analyzer.analyze(text, language="en", entities=entities)
        ]

    return predict


# --- scoring ---------------------------------------------------------------------------------


def precision_recall(
    messages: list[Message], predictions: list[list[tuple[str, int, int]]]
) -> dict[str, Any]:
    result: dict[str, list[int]] = defaultdict(
        lambda: [0, 0, 0, 0]
    )  # right predictions, predictions, found, labelled
    for message, predicted in zip(messages, predictions, strict=True):
        for kind, start, end in set(predicted):
            result[kind][1] += 1
            if any(k == kind and s < end and start < e for k, s, e in message.gold):
                result[kind][0] += 1
        for kind, start, end in message.gold:
            result[kind][3] += 1
            if any(k == kind and s < end and start < e for k, s, e in predicted):
                result[kind][2] += 1
    return {
        kind: (
            right / predicted if predicted else float("nan"),
            found / labelled if labelled else float("nan"),
        )
        for kind, (right, predicted, found, labelled) in result.items()
    } | {"_labelled": {kind: values[3] for kind, values in result.items()}}


def timed(
    tools: dict[str, Callable[[str], Any]], texts: list[str], warm_up: list[str]
) -> dict[str, tuple[list[Any], float]]:
    """Each tool's results and messages per second.

    Every tool first reads ``warm_up`` (other texts: compiled patterns, RE2's cached
    automaton states and loaded data reach their steady state), then the tools take
    turns over blocks of ``texts``, so that a busy spell of the shared machine falls
    on both.
    """
    for tool in tools.values():
        for text in warm_up:
            tool(text)
    results: dict[str, list[Any]] = {name: [] for name in tools}
    seconds = dict.fromkeys(tools, 0.0)
    for block in range(0, len(texts), BLOCK):
        for name, tool in tools.items():
            started = time.perf_counter()
            results[name].extend(tool(text) for text in texts[block : block + BLOCK])
            seconds[name] += time.perf_counter() - started
    return {name: (results[name], len(texts) / seconds[name]) for name in tools}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-presidio", action="store_true", help="measure takeback alone")
    args = parser.parse_args()

    messages = generate(args.messages, args.seed)
    texts = [m.text for m in messages]
    warm_up = [m.text for m in generate(500, args.seed + 1)]
    sms = (
        [line.partition("\t")[2] for line in SMS.read_text(encoding="utf-8").splitlines()[1:]]
        if SMS.is_file()
        else []
    )

    other = None if args.no_presidio else presidio()
    tools: dict[str, Callable[[str], Any]] = {"takeback": takeback_predictions}
    if callable(other):
        tools["presidio"] = other
    on_corpus = timed(tools, texts, warm_up)
    on_sms = timed(tools, sms, warm_up) if sms else {}
    ours, ours_speed = on_corpus["takeback"]
    ours_sms, ours_sms_speed = on_sms.get("takeback", ([], float("nan")))
    theirs_sms, their_sms_speed = on_sms.get("presidio", ([], float("nan")))
    ours_scores = precision_recall(messages, ours)
    their_scores = precision_recall(messages, on_corpus["presidio"][0]) if "presidio" in on_corpus else None
    their_speed = on_corpus["presidio"][1] if "presidio" in on_corpus else float("nan")

    labelled = ours_scores["_labelled"]
    total = sum(labelled.values())
    print(f"takeback.identifiers: {BUILD}")
    print(f"labelled corpus: {len(messages)} generated messages (seed {args.seed}), {total} identifiers")
    print()
    print(f"{'kind':<10}{'labelled':>9}  {'takeback P':>10} {'R':>6}  {'presidio P':>10} {'R':>6}")
    for kind in sorted(labelled, key=lambda k: (k not in BOTH, k)):
        p, r = ours_scores.get(kind, (float("nan"), 0.0))
        row = f"{kind:<10}{labelled[kind]:>9}  {p:>10.3f} {r:>6.3f}"
        if their_scores is not None and kind in BOTH:
            tp, tr = their_scores.get(kind, (float("nan"), 0.0))
            row += f"  {tp:>10.3f} {tr:>6.3f}"
        print(row)
    print("(iban: the IBANs among bank; bitcoin: the Bitcoin addresses among crypto, as Presidio's CRYPTO)")
    print()
    if sms:
        print(f"SMS Spam Collection: {len(sms)} real messages, no labels: identifiers found per kind")
        ours_counts = Counter(kind for found in ours_sms for kind, _, _ in found)
        their_counts = Counter(kind for found in theirs_sms for kind, _, _ in found)
        for kind in (
            "phone",
            "email",
            "url",
            "iban",
            "card",
            "bitcoin",
            "crypto",
            "handle",
            "payment",
            "bank",
        ):
            theirs_text = (
                f"{their_counts.get(kind, 0):>9}" if their_scores is not None and kind in BOTH else ""
            )
            print(f"  {kind:<10}{ours_counts.get(kind, 0):>9}{theirs_text}")
        print("  (the corpus holds no cards, IBANs or crypto addresses: any found there is a false positive)")
        print()
    print(f"{'messages/s':<24}{'takeback':>10}{'presidio':>10}{'ratio':>8}")
    for label, mine, theirs_rate in (
        ("generated corpus", ours_speed, their_speed),
        ("SMS corpus", ours_sms_speed, their_sms_speed),
    ):
        compared = f"{theirs_rate:>10.0f}{mine / theirs_rate:>7.1f}x" if not math.isnan(theirs_rate) else ""
        print(f"{label:<24}{mine:>10.0f}{compared}")
    if not callable(other) and other is not None:
        print(f"\nPresidio not measured: {other}")


if __name__ == "__main__":
    main()
