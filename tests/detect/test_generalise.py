"""Sextortion written in ways no single rule example spells out, and the look-alikes that are not.

Each row is a shape offenders use (the person's own video sent to the people
around them, "if you don't want X to see it", a bare sum on a payment app,
"pay and it disappears", more images demanded under threat...), in words no
rule's examples use. The holdout sets in benchmarks/data/holdout.jsonl measure
the same thing at scale; these rows keep the shapes from regressing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from takeback.detect import assess, assess_text
from takeback.model import STAGES, Conversation

from .chats import chat

HOLDOUT = Path(__file__).resolve().parents[2] / "benchmarks/data/holdout.jsonl"

SEXTORTION = [
    # The person's video or pictures, however named, going to their people, with a demand.
    ("ur little video is going to all ur followers in 10 mins unless u send the money",
     {"threat", "payment_demand", "pressure"}),
    ("Give me 1000 or I'll share the video of you to all your contacts", {"threat", "payment_demand"}),
    ("I'm giving you 10 minutes. Send 100 pounds or the video goes to your girlfriend",
     {"threat", "payment_demand", "pressure"}),
    ("i got the screen recording bro. 150 or it's on every group chat in ur school by tomorrow",
     {"threat", "payment_demand"}),
    ("This is the video you made with me. If you don't pay, I will upload it on YouTube and tag all "
     "your followers", {"threat", "payment_demand"}),
    ("I've got everything saved. you'll pay or your whole family gets a video of you",
     {"threat", "payment_demand"}),
    # Recording claims and "if you don't want them to see it".
    ("I recorded our video call. If you dont want your family to see it, send 500 euros",
     {"threat", "payment_demand"}),
    ("Hello. I have recorded you in video call. Now I will send to your all friends and family. "
     "If you want me to delete, send me $500", {"threat", "payment_demand"}),
    ("do you want your classmates to see your dick? then pay", {"threat", "payment_demand"}),
    ("you think this is a joke? your mom will see everything. send the gift card now",
     {"threat", "payment_demand"}),
    # More images demanded under threat.
    ("Send more pictures or I will send the ones I have to your school", {"threat", "payment_demand"}),
    ("Send me another video where you touch yourself or I post the first one",
     {"threat", "payment_demand"}),
    # Payment routes and deals named every way.
    ("I'm going to leak your sex tape unless you wire me money", {"threat", "payment_demand"}),
    ("my guy u sent me ya nudes. 300 on cashapp b4 8pm or i blast em on ur insta",
     {"threat", "payment_demand"}),
    ("we can settle this. $400 and I delete everything. otherwise everyone sees the video",
     {"threat", "payment_demand"}),
    ("i have ur pictures and ur address 🙂 if u want them deleted send 80 in btc",
     {"threat", "payment_demand"}),
    ("you better send me $ or your life is ruined. i have all your pics", {"threat", "payment_demand"}),
    ("bro u got 5 mins. im not playing. cashapp $250 or ur nudes go to every1",
     {"threat", "payment_demand", "pressure"}),
    # Edited or AI-made images.
    ("Your face + my edit = porn. Everyone will believe it. Pay $150.", {"threat", "payment_demand"}),
    ("Your nudes will be sent to 300 of your followers in 30 minutes", {"threat", "pressure"}),
]

NOT_SEXTORTION = [
    "If someone says 'pay or I send your nudes to your family', don't pay and report it.",
    "Pay $50 or your subscription will be cancelled",
    "i'll send the video to your family group chat, they'll love the baby's first steps",
    "send me $20 for the tickets or I'll give them to someone else",
    "Your mom will see the photos on Facebook, I posted the whole album",
    "lol send nudes or we're not friends 😂",
    "Everyone will see your talent at the show, send me $10 for your ticket",
    "Warning: Scammers may say they have your video and demand bitcoin.",
    "I recorded the zoom call, I'll send it to everyone in the team",
    "babe i'm keeping that video of you forever 😍 don't worry no one else will ever see it",
    "give me 20 quid or I'm telling mum you broke the vase",
    "Please telephone to claim before 29/03/05 or your prize will be transferred to someone else",
]


@pytest.mark.parametrize(("text", "stages"), SEXTORTION, ids=[t[:40] for t, _ in SEXTORTION])
def test_sextortion_in_new_words_is_found_with_its_stages(text: str, stages: set[str]) -> None:
    assessment = assess_text(text)
    assert assessment.sextortion, [(f.rule, f.quote) for f in assessment.findings]
    assert stages <= set(assessment.stages)


@pytest.mark.parametrize("text", NOT_SEXTORTION, ids=[t[:40] for t in NOT_SEXTORTION])
def test_look_alikes_are_not_sextortion(text: str) -> None:
    assert not assess_text(text).sextortion


@pytest.mark.parametrize(
    ("conversation", "sextortion"),
    [
        # Half the sexual evidence (the person's video threatened) with a threat and pressure.
        (chat("X: u better reply b4 i send dis vid 2 ur whole family"), True),
        # ... and with a threat alone it is not enough.
        (chat("X: i will send this vid to your whole family"), False),
        # Protective words are not a threat: "don't want your mom to see it".
        (chat("A: i deleted the pic", "B: good, dont want your mom to see it"), False),
    ],
    ids=["threat and pressure", "threat alone", "protective"],
)
def test_the_persons_own_video_counts_half(conversation: Conversation, sextortion: bool) -> None:
    # How the rules weigh evidence, without the language model's second opinion.
    assert assess(conversation, language_model=False).sextortion is sextortion


def test_the_holdout_file_is_well_formed() -> None:
    items = [json.loads(line) for line in HOLDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert {"id", "category", "sextortion", "stages", "split"} <= set(item)
        assert ("text" in item) != ("messages" in item)
        assert set(item["stages"]) <= set(STAGES)
        assert all(m["text"] and "sender" in m for m in item.get("messages", []))


@pytest.mark.parametrize(
    ("text", "sextortion"),
    [
        ("Caller: male, 17. Sent a nude. Offender then sent a screenshot of his follower list and "
         "demanded $300 via Cash App, threatening to send the images to his family.", True),
        ("Offenders then threaten to send the nude to your family and demand $300. Never pay.", False),
        ("keep ignoring me and see where your videos end up. the staff would love the ones in bed", True),
        ("keep ignoring me and see where your videos end up. the staff would love the ones at work", False),
    ],
    ids=["a case note tells of one case", "advice tells of all cases", "in bed", "at work"],
)
def test_case_notes_and_intimate_places(text: str, sextortion: bool) -> None:
    # A case note's "offender then sent" is not advice (its threat and demand count), while
    # advice's "offenders then threaten" mutes what it quotes; images named by where they were
    # taken ("the ones in bed") are sexual content named as such.
    assert assess_text(text, language_model=False).sextortion is sextortion


@pytest.mark.parametrize(
    ("text", "sextortion"),
    [
        ("u want the whole rugby club to see u touching urself or u want to pay?", True),
        ("fine. ill send ur mum them vids of u in my bed from when we was together", True),
        ("if u send 3 more like the last ones, topless, nobody has to find out anything. ur choice", True),
        ("nobody has to know we ate the whole cake. pay me back the $5 later", False),
        ("would be a shame if the lads' chat saw it. you still owe me £15 for the pizza", False),
    ],
    ids=["a question with a price", "send your mum the videos", "nobody has to find out", "cake", "karaoke"],
)
def test_threats_left_half_said(text: str, sextortion: bool) -> None:
    # A question about who will see, with "or you pay", carries its demand; "send your mum the
    # videos" is a threat without "to"; "nobody has to find out" beside a price (here more
    # images) is the exposure left unsaid. "Nobody has to know" about cake is not.
    assert assess_text(text, language_model=False).sextortion is sextortion


@pytest.mark.parametrize(
    ("text", "sextortion"),
    [
        ("i see u opened chime. good. 120 now and i delete the nudes", True),
        ("i still got the snap u sent me 😏 shame if the team saw it. venmo 40 and its gone", True),
        ("0.02 BTC and I wipe my copy of the bathroom mirror ones", True),
        ("£15 and I delete the photos of you with a vape in front of you", False),
    ],
    ids=["delete the nudes", "and its gone", "wipe my copy", "vape photos"],
)
def test_a_price_to_delete_is_a_threat_with_its_demand(text: str, sextortion: bool) -> None:
    # "Pay and I delete them" says what happens otherwise: a threat, whose price is its condition.
    # Photos of a vape are not sexual leverage.
    assert assess_text(text, language_model=False).sextortion is sextortion


@pytest.mark.parametrize(
    "text",
    [
        "i still have the pics you sent me. come round saturday or your new fella gets them",
        "i kept the mirror pics you sent me 😏 come over tonight. otherwise the rugby lads get them",
        "i kept the video you let me take. you blocked me, fine. then your Tom gets a link to it",
    ],
)
def test_the_people_who_get_them_named_any_way(text: str) -> None:
    # "Or <someone> gets them": the someone may be a name, a new partner or "the rugby lads".
    assert assess_text(text, language_model=False).sextortion


@pytest.mark.parametrize(
    "text",
    [
        "yuh know dat tape a yuh an me? i gine send it to yuh job unless yuh pay 1000",
        "i got de video. i gwine send it to yer boss unless you pay",
    ],
)
def test_caribbean_and_irish_english(text: str) -> None:
    # "yuh", "yer": your; "gine", "gwine": going to.
    assert assess_text(text, language_model=False).sextortion



@pytest.mark.parametrize(
    ("text", "sextortion"),
    [
        ("My friend. I have video where you naked. I send to your church and wife if you not pay me.", True),
        ("what would ur coach think of the vid of u jerking lol. or we keep it between us for $80", True),
        ("£40 a week keeps it our little secret. the nudes stay on my phone", True),
        ("imagine if the squad gc saw what u sent me 😂 unless?? send another one", True),
        ("You forgot the stuff we filmed in bed. Pay back the 600 or everything goes up online", True),
        ("still got the screen rec of ur little show. u dont want me messaging ur dad. 150 on cashapp", True),
        ("To Hillside Dental: we have copies of 18,000 patient records. Pay 5 BTC or we email them", False),
        ("the videos we made in Rome were so good, send me the 50 for the hotel when u can", False),
    ],
    ids=["naked", "between us", "a week", "imagine if", "filmed in bed", "show", "records", "Rome"],
)
def test_images_and_threats_named_as_people_say_them(text: str, sextortion: bool) -> None:
    # Broken English ("video where you naked", "if you not pay"), a price for a secret, a hint
    # ("imagine if the gc saw what u sent"), images named by how they were made together or as a
    # "show" on camera. Copies of a company's records are data extortion, and videos made on
    # holiday beside a sum for the hotel are neither images held nor a threat.
    assert assess_text(text).sextortion is sextortion
