"""Accounts named in chat the many ways offenders write them, and the ordinary talk that is not.

Offenders move a victim to another app: "add me on snap? jess.xoxo22", "my sc is jess_x",
"jess.x22 on snap". Every handle here is fictional. Each row is one message and the
accounts it gives, as (kind, value, platform): a WhatsApp account is its phone number.
"""

from __future__ import annotations

import html
import re
import time
import zipfile
from pathlib import Path

import pytest

from takeback.identifiers import find

Account = tuple[str, str, str | None]

SESSION_ID = "05" + "3f9a6c21" * 8  # a Session ID: 05 and a 32-byte key in hex

SNAPCHAT: list[tuple[str, list[Account]]] = [
    ("im jess, 17, new in town. add me on snap? jess.xoxo22", [("handle", "jess.xoxo22", "Snapchat")]),
    ("add me on snap? jess.xoxo22", [("handle", "jess.xoxo22", "Snapchat")]),
    ("my sc is jess_x", [("handle", "jess_x", "Snapchat")]),
    ("snap: jess.x", [("handle", "jess.x", "Snapchat")]),
    ("jess.x22 on snap", [("handle", "jess.x22", "Snapchat")]),
    ("its jess.x on snap", [("handle", "jess.x", "Snapchat")]),
    ("snapchat=jessx", [("handle", "jessx", "Snapchat")]),
    ("add me snap jessxx", [("handle", "jessxx", "Snapchat")]),
    ("add me on snapchat - jess_x22", [("handle", "jess_x22", "Snapchat")]),
    ("whats ur snap? mine is jess.x22", [("handle", "jess.x22", "Snapchat")]),
    ("sc\njess.x22", [("handle", "jess.x22", "Snapchat")]),
    ("Snap - jessx22", [("handle", "jessx22", "Snapchat")]),
    ("add me on sc: jess_xx", [("handle", "jess_xx", "Snapchat")]),
    ("hmu on snap jess.x22", [("handle", "jess.x22", "Snapchat")]),
    ("my snapchat username is jess.x22", [("handle", "jess.x22", "Snapchat")]),
    ("snap @jess.x22", [("handle", "jess.x22", "Snapchat")]),
    ("u got snap? add jess_x22", [("handle", "jess_x22", "Snapchat")]),
    ("jess_x22 is my snap", [("handle", "jess_x22", "Snapchat")]),
    ("add jessx on snap", [("handle", "jessx", "Snapchat")]),
    ("im jess.x22 on sc", [("handle", "jess.x22", "Snapchat")]),
    ("my sc jessx22", [("handle", "jessx22", "Snapchat")]),
    ("SNAP: Jess.X22", [("handle", "jess.x22", "Snapchat")]),
    ("add me on snap \u2013 jess.x22", [("handle", "jess.x22", "Snapchat")]),
    ("Snap \u2014 jessx22", [("handle", "jessx22", "Snapchat")]),
    ("snap?? jessx22", [("handle", "jessx22", "Snapchat")]),
    ("add me on snap its jessx22", [("handle", "jessx22", "Snapchat")]),
    ("(snap: jessx22)", [("handle", "jessx22", "Snapchat")]),
    ("add me on snap\njessx22", [("handle", "jessx22", "Snapchat")]),
    ("snap me jess.k22 x", [("handle", "jess.k22", "Snapchat")]),
]

INSTAGRAM: list[tuple[str, list[Account]]] = [
    ("hmu on ig @jess", [("handle", "jess", "Instagram")]),
    ("insta - jess.x22", [("handle", "jess.x22", "Instagram")]),
    ("my insta is jess.x_22", [("handle", "jess.x_22", "Instagram")]),
    ("ig: jess.x22", [("handle", "jess.x22", "Instagram")]),
    ("follow me on insta jess.x22", [("handle", "jess.x22", "Instagram")]),
    ("add my ig jess_x22", [("handle", "jess_x22", "Instagram")]),
    ("instagram? its jess.x22", [("handle", "jess.x22", "Instagram")]),
    ("jess.x22 on insta", [("handle", "jess.x22", "Instagram")]),
    ("insta = jess.x22", [("handle", "jess.x22", "Instagram")]),
    ("my ig handle is @jess.x22", [("handle", "jess.x22", "Instagram")]),
    ("follow jess.x22 on ig", [("handle", "jess.x22", "Instagram")]),
    ("ig\n@jess_x22", [("handle", "jess_x22", "Instagram")]),
    ("dm me on insta, jess.x22", [("handle", "jess.x22", "Instagram")]),
]

TELEGRAM: list[tuple[str, list[Account]]] = [
    ("text me on telegram t.me/jessx or @jessx", [("handle", "jessx", "Telegram")]),
    ("tg: jessx22", [("handle", "jessx22", "Telegram")]),
    ("telegram @jess_x22", [("handle", "jess_x22", "Telegram")]),
    ("my telegram is jess_x22", [("handle", "jess_x22", "Telegram")]),
    ("tg - jess_x22", [("handle", "jess_x22", "Telegram")]),
    ("message me on telegram jess_x22", [("handle", "jess_x22", "Telegram")]),
    ("jess_x22 on telegram", [("handle", "jess_x22", "Telegram")]),
    ("add me on tg? jess_x22", [("handle", "jess_x22", "Telegram")]),
]

WHATSAPP: list[tuple[str, list[Account]]] = [
    ("whatsapp me +44 7700 900123", [("phone", "+447700900123", None)]),
    ("wa: 07400900456", [("phone", "+447400900456", None)]),
    ("my whatsapp is 07700 900789", [("phone", "+447700900789", None)]),
    ("add me on whatsapp? +1 202 555 0143", [("phone", "+12025550143", None)]),
    ("wa.me/447700900123", [("phone", "+447700900123", None)]),
    ("whatsapp - 07700 900 321", [("phone", "+447700900321", None)]),
]

KIK: list[tuple[str, list[Account]]] = [
    ("add my kik jess22", [("handle", "jess22", "Kik")]),
    ("kik: jessx22", [("handle", "jessx22", "Kik")]),
    ("kik me jess_x", [("handle", "jess_x", "Kik")]),
    ("jess22 on kik", [("handle", "jess22", "Kik")]),
    ("my kik is jessxx", [("handle", "jessxx", "Kik")]),
]

DISCORD: list[tuple[str, list[Account]]] = [
    ("discord jess#1234", [("handle", "jess#1234", "Discord")]),
    ("my discord is jess_x22", [("handle", "jess_x22", "Discord")]),
    ("add me on discord: jess.x22", [("handle", "jess.x22", "Discord")]),
    ("discord - jessx#0420", [("handle", "jessx#0420", "Discord")]),
    ("jessx#1234 on discord", [("handle", "jessx#1234", "Discord")]),
    ("discord username: jess_x22", [("handle", "jess_x22", "Discord")]),
]

OTHERS: list[tuple[str, list[Account]]] = [
    ("follow me on tiktok @jess.x22", [("handle", "jess.x22", "TikTok")]),
    ("my tiktok is jess.x22", [("handle", "jess.x22", "TikTok")]),
    ("tiktok: jessx22", [("handle", "jessx22", "TikTok")]),
    ("jess.x22 on tiktok", [("handle", "jess.x22", "TikTok")]),
    ("twitter @jessx22", [("handle", "jessx22", "X (Twitter)")]),
    ("follow me on x @jessx22", [("handle", "jessx22", "X (Twitter)")]),
    ("my twitter is jessx22", [("handle", "jessx22", "X (Twitter)")]),
    ("dm me on twitter: jess_x22", [("handle", "jess_x22", "X (Twitter)")]),
    ("wickr: jessx22", [("handle", "jessx22", "Wickr")]),
    ("add me on wickr jess_x22", [("handle", "jess_x22", "Wickr")]),
    ("my wickr is jessx", [("handle", "jessx", "Wickr")]),
    (f"session id: {SESSION_ID}", [("handle", SESSION_ID, "Session")]),
    (f"add me on session {SESSION_ID}", [("handle", SESSION_ID, "Session")]),
    (f"my session is {SESSION_ID.upper()}", [("handle", SESSION_ID, "Session")]),
    ("signal: jess.01", [("handle", "jess.01", "Signal")]),
    ("my signal username is jess.42", [("handle", "jess.42", "Signal")]),
    ("add me on signal jessx.07", [("handle", "jessx.07", "Signal")]),
    ("jess.01 on signal", [("handle", "jess.01", "Signal")]),
    (
        "sc jessx22 ig jess.x22",
        [("handle", "jessx22", "Snapchat"), ("handle", "jess.x22", "Instagram")],
    ),
    (
        "my snap is jessx22 and insta is jess.x22",
        [("handle", "jessx22", "Snapchat"), ("handle", "jess.x22", "Instagram")],
    ),
    ("snap: jessx22!", [("handle", "jessx22", "Snapchat")]),
]

PHRASINGS = SNAPCHAT + INSTAGRAM + TELEGRAM + WHATSAPP + KIK + DISCORD + OTHERS

# Ordinary talk near a platform's name: none of these gives an account.
NEAR_MISSES: list[str] = [
    "I snapped my fingers",
    "add me on snap later",
    "my snap is broken",
    "insta is boring",
    "snap? lol",
    "add me on snap? ok",
    "add me on snap? ok cool",
    "add me on snap? sure thing",
    "add me on snap? whats yours",
    "do you have snap? yeah",
    "do u have insta? no",
    "whats your snap?",
    "send it on snap",
    "my snap streak is 200 days",
    "ig thats fair",
    "ig you're right",
    "loads of people on snap",
    "I'll message you on insta",
    "see you on discord tonight",
    "the signal is bad here",
    "no signal in the house lol",
    "signal is weak",
    "tg: tomorrow",
    "kik is dead",
    "tiktok is full of ads",
    "I deleted twitter",
    "snap me when you're home",
    "did you see my ig story",
    "my insta got hacked",
    "he posted it on insta",
    "my session is at 5pm",
    "the session ended",
    "x marks the spot",
    "it took x amount of days",
    "add me on snap babe",
    "snap ok?",
    "my snap score is huge",
    "insta? nah",
    "add me on snap? my mum checks my phone",
    "do you use discord? Because I do",
    "got sc? k",
    "snap: later",
    "the discord server is down",
    "what's your kik? I'll add you",
]


def accounts(text: str) -> set[Account]:
    found = [f for f in find(text) if f.kind in ("handle", "payment", "phone")]
    assert all(text[f.start : f.end] == f.raw for f in found if not f.from_link)
    return {(f.kind, f.value, f.platform) for f in found}


@pytest.mark.parametrize(("text", "expected"), PHRASINGS, ids=[text[:40] for text, _ in PHRASINGS])
def test_an_account_named_in_chat_is_found(text: str, expected: list[Account]) -> None:
    assert accounts(text) == set(expected)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_ordinary_talk_near_a_platform_gives_no_account(text: str) -> None:
    assert accounts(text) == set()


@pytest.mark.parametrize(
    ("text", "raw", "context"),
    [
        # an invitation before the platform makes a plain word the name, and says so
        ("add me snap jessxx", "jessxx", ("snap", "add me")),
        ("its jess.x on snap", "jess.x", ("snap",)),
        ("add jessx on snap", "jessx", ("snap", "add")),
        # only Discord names carry a tag
        ("snap: jess#1234", "jess", ("snap",)),
        ("discord: jess#1234.", "jess#1234", ("discord",)),
    ],
)
def test_what_was_read_and_why(text: str, raw: str, context: tuple[str, ...]) -> None:
    (item,) = [f for f in find(text) if f.kind == "handle"]
    assert item.raw == raw == text[item.start : item.end]
    assert item.explanation.endswith("context: " + ", ".join(repr(word) for word in context))


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("@jess_x22 joined the session", None),  # "session" names Session only for a Session ID
        ("@jess.01 is on signal", "Signal"),
        ("@jess_x22 has no signal", None),
        ("follow me on x @jessx22", "X (Twitter)"),
    ],
)
def test_an_ordinary_word_names_its_platform_only_for_a_name_that_keeps_its_rule(
    text: str, platform: str | None
) -> None:
    (item,) = [f for f in find(text) if f.kind == "handle"]
    assert item.platform == platform


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("snap: b2", [False]),  # Snapchat names have at least three characters: labelled, so reported
        ("add me on snap b2", []),  # not labelled: a word that breaks the rule is not a name
        ("snap: jess.x22", [None]),
    ],
)
def test_a_name_that_breaks_the_rule_counts_only_when_labelled(text: str, valid: list[bool | None]) -> None:
    assert [f.valid for f in find(text) if f.kind == "handle"] == valid


@pytest.mark.parametrize(
    "text",
    [
        "jess on snap " * 5_000,
        "snap? " * 20_000,
        "add me on snap ok " * 5_000,
        "a-" * 50_000 + " on snap",
        "snap " * 30_000 + "jess_1",
        "discord a#1234 " * 20_000,
        "snap " + "a.." * 50_000,
    ],
    ids=lambda text: f"{text[:8]!r}x{len(text)}",
)
def test_pathological_phrasings_take_linear_time(text: str) -> None:
    started = time.perf_counter()
    find(text)
    assert time.perf_counter() - started < 5


def test_the_sms_corpus_gives_almost_no_handles(shared: Path) -> None:
    # Real UK texts of 2005-2011: the only handles in it are three @names; no platform
    # word in it gives a name.
    lines = (shared / "corpora/dev/sms/SMSSpamCollection.tsv").read_text(encoding="utf-8").splitlines()[1:]
    found = [f for line in lines for f in find(line.partition("\t")[2]) if f.kind == "handle"]
    assert len(found) <= 5
    assert all(f.raw.startswith("@") for f in found)


# Real grooming chats of the 2000s name the messengers of their day: swapped for today's
# apps, their ordinary talk around an app ("my snap is workin", "the kik is downstairs",
# "ur insta is much better") must give no account.
_OLD_APPS = re.compile(r"\b(?:yahoo|myspace|aim|msn|ym|cam|webcam|computer|pc|laptop|phone|mom|dad)\b", re.I)
_NEW_APPS = ["snap", "insta", "sc", "ig", "kik", "tg", "discord", "signal", "telegram", "snapchat"]


def test_real_chat_about_apps_gives_no_account(shared: Path) -> None:
    path = shared / "corpora/dev/grooming/perverted-justice-transcripts.zip"
    swapped = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8", "replace")
                for body in re.findall(r"<BODY>(.*?)</BODY>", xml, re.S):
                    if _OLD_APPS.search(body):
                        app = _NEW_APPS[len(swapped) % len(_NEW_APPS)]
                        swapped.append(_OLD_APPS.sub(app, html.unescape(body)))
    assert len(swapped) > 1_000
    given = [
        f.raw for text in swapped for f in find(text) if f.kind == "handle" and not f.raw.startswith("@")
    ]
    assert len(given) <= 3, given
