"""How well detection does on real text it was not written from, and on the project's labelled set.

    python benchmarks/accuracy.py [--shared ../shared] [--labelled benchmarks/data/labelled.jsonl]
                                  [--holdout benchmarks/data/holdout.jsonl] [--show]

Prints, per corpus, the share of items where detection said what it should:

- grooming transcripts (real offender-decoy chats): the early stages (approach,
  sexualisation, image_request) should be found in nearly all of them; none is
  sextortion (there is no threat or demand), so ``sextortion`` is counted too;
- SMS Spam Collection (5,574 real texts, none sextortion): false-positive rate;
- long chats: the SMS texts in order as chats of 200 and 1,000 lines between two
  people (none sextortion), and the chats of the newest blind sets with 40 and
  200 of those lines before them (a threat late in a long export);
- a real sextortion webcam/bitcoin email: detected or not;
- real phishing and spam emails (none sextortion): false-positive rate;
- the labelled set (benchmarks/data/labelled.jsonl): recall of ``sextortion``
  on items with a threat or demand, false-positive rate on hard negatives,
  and recall per stage;
- the holdout sets (benchmarks/data/holdout.jsonl, same schema), reported
  apart from the labelled set: fresh wording written to measure how the rules
  do on messages they were not written from. Split ``unseen-1`` was written
  before the rules were generalised and then used to generalise them;
  ``unseen-2`` was written afterwards and never tuned on. Their first-run
  figures are recorded in docs/detection.md.

Targets (issue 3): recall >= 0.95, false positives <= 0.5% on benign real text.
A benchmark, not a test: it reads ../shared, which a fresh clone may not have.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import json
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from takeback.detect import assess, assess_text
from takeback.model import Assessment, Conversation, Message, Source

ROOT = Path(__file__).resolve().parents[1]
EARLY = ("approach", "sexualisation", "image_request")


def conversation(messages: list[Message], name: str) -> Conversation:
    return Conversation(
        source=Source(path=name, sha256="", size=0, format="benchmark"),
        platform="benchmark",
        title=None,
        participants=(),
        messages=tuple(messages),
    )


def rate(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.2%}" if whole else "0/0"


# --- corpora -------------------------------------------------------------------------------------


def grooming(path: Path) -> Iterator[tuple[str, Conversation]]:
    """Each transcript in the zip (read in memory) as a conversation."""
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".xml"):
                continue
            data = archive.read(name).decode("utf-8", "replace")
            try:
                posts = [
                    (post.findtext("USERNAME") or "", post.findtext("BODY") or "")
                    for post in ElementTree.fromstring(data).iter("POST")
                ]
            except ElementTree.ParseError:  # a few transcripts have stray "&" or "<"
                posts = [
                    (html.unescape(user), html.unescape(body))
                    for user, body in re.findall(
                        r"<USERNAME>(.*?)</USERNAME>.*?<BODY>(.*?)</BODY>", data, re.S
                    )
                ]
            messages = [
                Message(id=str(n), sender=user or None, timestamp=None, text=body)
                for n, (user, body) in enumerate(posts, 1)
                if body
            ]
            yield name, conversation(messages, name)


def sms(path: Path, labels: tuple[str, ...] = ("ham", "spam")) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        next(lines)  # header
        for line in lines:
            label, _, text = line.rstrip("\n").partition("\t")
            if label in labels:
                yield text


def email_text(path: Path) -> str:
    """Subject and body text of an email (HTML reduced to its text), read with the stdlib."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    parts = [str(message.get("subject", ""))]
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        try:
            text = part.get_content()
        except (LookupError, ValueError):
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        if part.get_content_subtype() == "html":
            text = re.sub(r"(?is)<(script|style).*?</\1>", " ", text)
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        parts.append(text)
    return "\n".join(parts)


def labelled(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


# "Name: text", after an optional time in brackets as apps copy it ("[21:02] Name: text").
SPEAKER = re.compile(r"^(?:\[[^\]\n]{1,30}\] ?)?([^:\n]{1,40}): (.*)$")


def chat_lines(text: str) -> list[dict[str, Any]] | None:
    """A chat written as "Name: text" lines, as messages; None when the text is not one."""
    lines = [line for line in text.splitlines() if line.strip()]
    found = [SPEAKER.match(line) for line in lines]
    if len(lines) < 2 or not all(found):
        return None
    return [{"sender": m.group(1), "text": m.group(2)} for m in found if m]


def item_messages(item: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A labelled item's messages (its own, or its "Name: text" lines); None for a single text."""
    raw = item.get("messages")
    if raw is None and item.get("kind") == "conversation":
        raw = chat_lines(str(item["text"]))
    assert raw is None or isinstance(raw, list)
    return raw


def labelled_assessment(item: dict[str, Any], language_model: bool = True) -> Assessment:
    raw = item_messages(item)
    if raw is None:
        return assess_text(str(item["text"]), language_model)
    messages = [
        Message(
            id=str(n),
            sender=m.get("sender"),
            timestamp=datetime.fromisoformat(m["time"]).replace(tzinfo=UTC) if m.get("time") else None,
            text=m["text"],
        )
        for n, m in enumerate(raw, 1)
    ]
    return assess(conversation(messages, str(item["id"])), language_model)


def target(met: bool) -> str:
    return "target met" if met else "TARGET NOT MET"


def report_labelled(
    split: str, items: list[tuple[dict[str, Any], Assessment]], show: bool, name: str = "labelled set"
) -> None:
    """Recall and false positives on one split of a labelled file."""
    positives = [(i, a) for i, a in items if i["sextortion"]]
    negatives = [(i, a) for i, a in items if not i["sextortion"]]
    found = sum(a.sextortion for _, a in positives)
    false = sum(a.sextortion for _, a in negatives)
    note = {
        "dev": "written first; the rules were refined on it",
        "holdout": "written after the first rules; refined on after its first run",
        "test": "written third; refined on after its first run",
        "test2": "written fourth, mostly scam emails; refined on after its first run",
        "unseen-1": "fresh wording; generalised on after its first run",
        "unseen-2": "fresh wording written after the last rule change; generalised on after its first run",
        "real-quotes": "offenders' and victims' words quoted by news, police and court sources",
        "unseen-3": "chats written by a helper who never saw the rules; generalised on after its first run",
        "unseen-4": "written blind by another helper; generalised on after its first run (73/100)",
        "unseen-5": "written blind by another helper; generalised on after its first run (67/100)",
        "unseen-6": "written blind by another helper; never trained on; a validation set since session 4",
        "unseen-7": "written blind by another helper; blind once (73/100); validation since session 4",
        "unseen-8": "written blind in session 4; measured once, at its end; a validation set since session 5",
        "unseen-9": "written blind in session 5; measured once: 91/100, 4/40; validation since",
        "unseen-10": "written blind in session 5; measured once: 82/100, 3/40; validation since",
        "unseen-11": "written blind at the end of session 5 (typical cases): 93/100, 2/40; validation since",
        "unseen-12": "blind, session 6; first run with windows: 95/100, 0/40; trained on since session 7",
        "unseen-13": "blind, session 6; first run with windows: 88/100, 1/40; trained on since session 7",
        "unseen-14": "written blind in session 6; measured once: 91/100, 1/40; trained on since session 7",
        "unseen-15": "written blind in session 6; measured once: 82/100, 3/40; trained on since session 7",
        "unseen-16": "written blind late in session 6; measured: 95/100, 6/40; trained on since session 7",
        "unseen-17": "written blind late in session 6; measured: 93/100, 5/40; trained on since session 7",
        "unseen-18": "written blind at session 6's end: 86/100, 0/40; trained on since session 7",
        "unseen-19": "written blind at session 6's end: 94/100, 3/40; trained on since session 7",
        "unseen-20": "written blind in session 7; measured once: 91/100, 2/40; validation since",
        "unseen-21": "written blind in session 7 (oblique); measured once: 84/100, 0/40; validation since",
        "unseen-22": "written blind in session 7 (adults); measured once: 94/100, 3/40; validation since",
        "unseen-23": "written blind late in session 7 (common cases): 97/100, 4/40; validation since",
        "unseen-24": "written blind late in session 7 (those who help): 89/100, 4/40; validation since",
        "unseen-25": "written blind in session 8 (young teens, peers): 94/100, 2/40; validation since",
        "unseen-26": "written blind in session 8 (offenders' voices in bulk): 93/100, 2/40; validation since",
        "unseen-27": "written blind in session 8 (screenshots as OCR text): 88/100, 2/40; validation since",
        "unseen-28": "written blind in session 8 (mass scams and lookalikes): 95/100, 2/40; validation since",
        "unseen-29": "written blind in session 8 (plain, representative): 94/100, 2/40; validation since",
        "unseen-30": "blind, start of session 9 (plain): 94/100, 3/40; validation since",
        "unseen-31": "blind, start of session 9 (threats left unsaid): 80/100, 1/40; validation since",
        "unseen-32": "blind, start of session 9 (long chats, late stages): 98/100, 2/40; validation since",
        "unseen-33": "blind, start of session 9 (English outside the UK, US): 94/100, 3/40; validation since",
        "unseen-34": "blind, start of session 9 (a trust-and-safety queue): 96/100, 5/40; validation since",
        "unseen-35": "blind, middle of session 9 (plain): 92/100, 1/40; validation since",
        "unseen-36": "blind, middle of session 9 (plain, a hotline): 94/100, 2/40; validation since",
        "unseen-37": "blind, middle of session 9 (teenagers): 94/100, 2/40; validation since",
        "unseen-38": "blind, middle of session 9 (adults): 94/100, 1/40; validation since",
        "unseen-39": "blind, middle of session 9 (an analyst's bulk scan): 94/100, 2/40; validation since",
        "unseen-40": "blind, end of session 9 (victims, representative): 99/100, 3/40; validation since",
        "unseen-41": "blind, end of session 9 (parents, teachers, siblings): 97/100, 2/40; validation since",
        "unseen-42": "blind, end of session 9 (offenders' 2026 scripts): 95/100, 4/40; validation since",
        "unseen-43": "blind, end of session 9 (English as a second language): 96/100, 3/40; validation since",
        "unseen-44": "blind, end of session 9 (the messy middle of chats): 95/100, 2/40; validation since",
        "unseen-45": "blind, start of session 10 (victims, representative): 94/100, 3/40; validation since",
        "unseen-46": "blind, start of session 10 (a helpline's caseload): 91/100, 2/40; validation since",
        "unseen-47": "blind, start of session 10 (young men, scripted gangs): 91/100, 4/40; validation since",
        "unseen-48": "blind, start of session 10 (a trust-and-safety queue): 96/100, 2/40; validation since",
        "unseen-49": "blind, start of session 10 (left unsaid): 92/100, 3/40; validation since",
        "unseen-50": "blind, middle of session 10 (victims, representative): 97/100, 3/40; validation since",
        "unseen-51": "blind, middle of session 10 (parents, teachers): 94/100, 2/40; validation since",
        "unseen-52": "blind, middle of session 10 (offenders' words in bulk): 94/100, 1/40; validation since",
        "unseen-53": "blind, middle of session 10 (English, second language): 94/100, 5/40; validation since",
        "unseen-54": "blind, middle of session 10 (an analyst's queue): 92/100, 3/40; validation since",
        "unseen-55": "blind, end of session 10 (victims, representative), measured once: 99/100, 5/40",
        "unseen-56": "blind, end of session 10 (teenagers), measured once: 97/100, 3/40",
        "unseen-57": "blind, end of session 10 (adults), measured once: 90/100, 2/40",
        "unseen-58": "blind, end of session 10 (mass emails and DMs), measured once: 96/100, 2/40",
        "unseen-59": "blind, end of session 10 (retellings and reports), measured once: 99/100, 4/40",
        "unseen-60": "blind, end of session 10 (victims, representative), measured once, last: 98/100, 1/40",
        "unseen-61": "blind, end of session 10 (long chats), measured once, last: 96/100, 1/40",
        "unseen-62": "blind, end of session 10 (threats left unsaid), measured once, last: 85/100, 1/40",
        "unseen-63": "blind, end of session 10 (English outside UK, US), measured once, last: 93/100, 2/40",
        "unseen-64": "blind, end of session 10 (parents, teachers), measured once, last: 97/100, 5/40",
        "unseen-65": "blind, session 11 start (victims), both codes: 94/100, 1/40; validation since",
        "unseen-66": "blind, session 11 start (a helpline), both codes: 94/100, 4/40; validation since",
        "unseen-67": "blind, session 11 start (long chats), both codes: 91/100, 5/40; validation since",
        "unseen-68": "blind, session 11 start (moderation), both codes: 92/100, 4/40; validation since",
        "unseen-69": "blind, session 11 start (adults), both codes: 96/100, 3/40; validation since",
        "unseen-70": "blind, session 11 end (victims), both codes: 99/100, 1/40; validation since",
        "unseen-71": "blind, session 11 end (left unsaid), both codes: 94/100, 1/40; validation since",
        "unseen-72": "blind, session 11 end (teenagers), both codes: 95/100, 3/40; validation since",
        "unseen-73": "blind, session 11 end (offenders), both codes: 97/100, 2/40; validation since",
        "unseen-74": "blind, session 11 end (schools), both codes: 95/100, 6/40; validation since",
        "unseen-75": "blind, s12 start (victims): 95/100, 2/40 (s11 code 94, 2); validation since",
        "unseen-76": "blind, s12 start (first hours): 96/100, 2/40 (s11 code 95, 3); validation since",
        "unseen-77": "blind, s12 start (mixed Englishes): 88/100, 3/40 (s11 code 90, 3); validation since",
        "unseen-78": "blind, s12 start (retellings): 94/100, 1/40 (s11 code 94, 1); validation since",
        "unseen-79": "blind, s12 start (boys, one hour): 99/100, 3/40 (s11 code 98, 4); validation since",
        "unseen-80": "blind, s12 end (victims): 100/100, 1/40 (s11 code 100, 1); validation since",
        "unseen-81": "blind, s12 end (emails, mass DMs): 94/100, 3/40 (s11 code 91, 3); validation since",
        "unseen-82": "blind, s12 end (hints, questions): 94/100, 3/40 (s11 code 93, 4); validation since",
        "unseen-83": "blind, s12 end (adults, dating): 97/100, 1/40 (s11 code 96, 2); validation since",
        "unseen-84": "blind, s12 end (after paying): 96/100, 3/40 (s11 code 95, 3); validation since",
        "unseen-85": "blind, s12 last (plain): 99/100, 1/40 (s11 code 97, 1); validation since",
        "unseen-86": "blind, s12 last (a helpline): 98/100, 1/40 (s11 code 96, 1); validation since",
        "unseen-87": "blind, s12 last (left unsaid): 95/100, 4/40 (s11 code 90, 3); validation since",
        "unseen-88": "blind, s12 last (moderation): 94/100, 1/40 (s11 code 92, 1); validation since",
        "unseen-89": "blind, s12 last (schools): 96/100, 1/40 (s11 code 95, 1); validation since",
    }.get(split, "")
    print(f"\n{name}, {split} ({len(items)} items: {len(positives)} sextortion, "
          f"{len(negatives)} not; {note})")
    print(f"  recall (sextortion)                {rate(found, len(positives))}  "
          f"({target(found >= 0.95 * len(positives))}: 0.95)")
    print(f"  false positives (hard negatives)   {rate(false, len(negatives))}")
    other = [(i, a) for i, a in positives if str(i["category"]).startswith("other-lang")]
    if other:
        english = len(positives) - len(other)
        print(f"    recall in English                  "
              f"{rate(found - sum(a.sextortion for _, a in other), english)}")
        alone = sum(a.sextortion for _, a in other)
        print(f"    recall in other languages alone    {rate(alone, len(other))}")
    implied = [(i, a) for i, a in positives if i.get("leverage_in_text") is False]
    if implied:
        shown = len(positives) - len(implied)
        print(f"    recall where the text itself shows the leverage  "
              f"{rate(found - sum(a.sextortion for _, a in implied), shown)}")
        print(f"    recall where it is only implied or in context    "
              f"{rate(sum(a.sextortion for _, a in implied), len(implied))}")
    for category, count in sorted(Counter(str(i["category"]) for i, _ in negatives).items()):
        wrong = sum(a.sextortion for i, a in negatives if i["category"] == category)
        print(f"    {category:<32} {wrong}/{count} flagged")
    print("  recall per stage")
    for stage in (*EARLY, "threat", "payment_demand", "pressure", "escalation", "email_scam"):
        expected = [(i, a) for i, a in items if stage in i.get("stages", [])]
        if expected:
            print(f"    {stage:<32} {rate(sum(stage in a.stages for _, a in expected), len(expected))}")
    crisis = [(i, a) for i, a in items if "crisis" in i]
    if crisis:
        right = sum(a.crisis == i["crisis"] for i, a in crisis)
        print(f"  crisis flag right                  {rate(right, len(crisis))}")
    if show:
        for item, a in items:
            missing = set(item.get("stages", [])) - set(a.stages)
            wrong_crisis = "crisis" in item and a.crisis != item["crisis"]
            if a.sextortion != item["sextortion"] or missing or wrong_crisis:
                print(f"    {item['id']}: expected sextortion={item['sextortion']} got {a.sextortion}; "
                      f"missing stages {sorted(missing)}; crisis {a.crisis}")


# --- report --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--labelled", type=Path, default=ROOT / "benchmarks/data/labelled.jsonl")
    parser.add_argument(
        "--holdout",
        type=Path,
        nargs="*",
        default=[
            ROOT / f"benchmarks/data/{name}.jsonl"
            for name in ("holdout", "realworld", *(f"unseen{n}" for n in range(4, 90)))
        ],
    )
    parser.add_argument("--show", action="store_true", help="list the items detection got wrong")
    args = parser.parse_args()
    corpora = args.shared / "corpora/dev"

    zip_path = corpora / "grooming/perverted-justice-transcripts.zip"
    if zip_path.exists():
        results = [(name, assess(chat)) for name, chat in grooming(zip_path)]
        total = len(results)
        early = sum(any(s in a.stages for s in EARLY) for _, a in results)
        print(f"grooming transcripts ({total})")
        print(f"  any early stage found        {rate(early, total)}")
        for stage in EARLY:
            print(f"  {stage:<28} {rate(sum(stage in a.stages for _, a in results), total)}")
        print(f"  sextortion=true (no threat or demand in these: should be rare) "
              f"{rate(sum(a.sextortion for _, a in results), total)}")
        print(f"  risk: {dict(Counter(a.risk for _, a in results))}")
        if args.show:
            for name, a in results:
                if not any(s in a.stages for s in EARLY) or a.sextortion:
                    print(f"    {name}: stages={a.stages} sextortion={a.sextortion}")

    sms_path = corpora / "sms/SMSSpamCollection.tsv"
    if sms_path.exists():
        texts = list(sms(sms_path))
        results_sms = [(text, assess_text(text)) for text in texts]
        flagged = [t for t, a in results_sms if a.sextortion]
        print(f"\nSMS Spam Collection ({len(texts)} real texts, none sextortion)")
        print(f"  false positives (sextortion=true)  {rate(len(flagged), len(texts))}")
        raised = sum(a.risk in ("medium", "high", "critical") for _, a in results_sms)
        print(f"  risk medium or above               {rate(raised, len(texts))}")
        crisis = sum(a.crisis for _, a in results_sms)
        print(f"  crisis=true                        {rate(crisis, len(texts))}")
        print(f"  ({target(len(flagged) <= 0.005 * len(texts))}: at most 0.5% false positives)")
        if args.show:
            for text, a in results_sms:
                if a.sextortion or a.risk != "none":
                    print(f"    [{a.risk}{' SEXTORTION' if a.sextortion else ''}] {a.stages} {text[:150]!r}")

        report_long(list(sms(sms_path, ("ham",))), [path for path in args.holdout if path.name in LONG_SETS])

    scam = corpora / "email/webcam-bitcoin-scam.eml"
    if scam.exists():
        a = assess_text(email_text(scam))
        print(f"\nwebcam/bitcoin sextortion email: detected={a.sextortion} risk={a.risk} stages={a.stages}")

    phishing = sorted((corpora / "email/phishing").glob("*.eml"))
    if phishing:
        results_mail = [(path.name, assess_text(email_text(path))) for path in phishing]
        flagged_mail = [(n, a) for n, a in results_mail if a.sextortion]
        print(f"\nphishing and spam emails ({len(phishing)}, none sextortion)")
        print(f"  false positives (sextortion=true)  {rate(len(flagged_mail), len(phishing))}")
        raised = sum(a.risk in ("medium", "high", "critical") for _, a in results_mail)
        print(f"  risk medium or above               {rate(raised, len(phishing))}")
        print(f"  ({target(len(flagged_mail) <= 0.005 * len(phishing))}: at most 0.5% false positives)")
        if args.show:
            for name, a in results_mail:
                if a.risk != "none":
                    print(f"    {name}: [{a.risk}{' SEXTORTION' if a.sextortion else ''}] {a.stages}")

    files = [(args.labelled, "labelled set"), *((path, "holdout") for path in args.holdout)]
    for path, name in files:
        if path.exists():
            report_file(path, name, args.show)
    return 0


LONG_SETS = {f"unseen{n}.jsonl" for n in range(60, 65)}


def report_long(texts: list[str], paths: list[Path]) -> None:
    """Real SMS texts as long chats between two people, alone and before labelled chats.

    Weeks of a real export hold sexual talk, sums of money and stray words of threat far
    apart; a threat said late must still be found among them.
    """
    print("\nlong chats: real SMS texts (not spam) in order, between two people (none sextortion)")
    for size in (200, 1000):
        chats = [texts[start : start + size] for start in range(0, len(texts) - size + 1, size)]
        flagged = sum(
            assess(conversation([Message(id=str(n), sender="AB"[n % 2], timestamp=None, text=text)
                                 for n, text in enumerate(chat)], f"sms-{size}")).sextortion
            for chat in chats
        )
        print(f"  chats of {size:>4} lines, false positives   {rate(flagged, len(chats))}")
        pasted = sum(
            assess_text("\n".join(f"{'AB'[n % 2]}: {text}" for n, text in enumerate(chat))).sextortion
            for chat in chats
        )
        print(f"  the same, pasted as one text each   {rate(pasted, len(chats))}  (takeback scan)")
    items = [item for path in paths for item in labelled(path) if item["kind"] == "conversation"]
    for size in (0, 40, 200):
        found = wrong = positives = negatives = 0
        for number, item in enumerate(items):
            lines = chat_lines(str(item["text"]))
            if lines is None:
                continue
            names = [*dict.fromkeys(line["sender"] for line in lines), "Me"][:2]
            start = number * 37 % (len(texts) - size)
            before = [f"{names[n % 2]}: {text}" for n, text in enumerate(texts[start : start + size])]
            said = labelled_assessment(dict(item, text="\n".join([*before, str(item["text"])]))).sextortion
            positives += bool(item["sextortion"])
            negatives += not item["sextortion"]
            found += said and bool(item["sextortion"])
            wrong += said and not item["sextortion"]
        print(f"  {', '.join(sorted(p.stem for p in paths))} chats after {size:>3} lines: "
              f"recall {rate(found, positives)}, false positives {rate(wrong, negatives)}")


def report_file(path: Path, name: str, show: bool) -> None:
    """Each split of one labelled file, then all its splits together."""
    everything = [(item, labelled_assessment(item)) for item in labelled(path)]
    for split in sorted({str(item.get("split", "dev")) for item, _ in everything}):
        items = [(i, a) for i, a in everything if i.get("split", "dev") == split]
        report_labelled(split, items, show, name)
    positives = [a for i, a in everything if i["sextortion"]]
    negatives = [a for i, a in everything if not i["sextortion"]]
    found = sum(a.sextortion for a in positives)
    wrong = sum(a.sextortion for a in negatives)
    print(f"\n{name} ({path.name}), all splits: recall {rate(found, len(positives))}, "
          f"false positives {rate(wrong, len(negatives))}")


if __name__ == "__main__":
    sys.exit(main())
