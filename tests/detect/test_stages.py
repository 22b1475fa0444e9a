"""Conversation-level assessment: verdict, risk, stages in order, roles, crisis."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from takeback.detect import assess, assess_text
from takeback.detect.stages import LOCAL, WINDOW
from takeback.model import Assessment, Attachment, Conversation, Message

from .chats import START
from .chats import chat as timeless

chat = partial(timeless, seconds=60)  # one message a minute


SEXTORTION = chat(
    "Mia: hey cutie, saw ur profile. add me on snap?",
    "Leo: ok",
    "Mia: ur so hot. send me a pic, no face needed 😏",
    "Leo: <Media omitted>",
    "Mia: I have your nudes and screenshots of all your followers",
    "Mia: pay £300 on paypal or I send them to your family",
    "Mia: you have 1 hour. don't block me",
)

CASES = {
    "textbook sextortion chat": (SEXTORTION, True, "critical"),
    "claimed images, threat and demand": (
        chat("X: i recorded you naked on facetime", "X: send $200 or it goes to all your friends"),
        True, "high"),
    "more images demanded under threat": (
        chat("Kai: I still have every nude you sent me",
             "Kai: send me new ones tonight or your boyfriend sees them all"),
        True, "high"),
    "photo sent, then threatened for money": (
        chat("Sam: send one back", "Jo: <Media omitted>",
             "Sam: pay 100 dollars or I post it on your instagram and tag your friends"),
        True, "high"),
    "the victim telling a friend": (
        chat("Liam: some girl has my nudes and says she'll send them to my family if i dont pay 500",
             "Oscar: don't pay, tell someone"),
        True, "high"),
    "news about sextortion": (
        chat("News: Police warn of sextortion scams. Criminals threaten to send your nudes to "
             "your family unless you pay $500, officers said."),
        False, "none"),
    "advice about sextortion": (
        chat("Mum: If someone threatens to share your pictures, don't pay and tell me"),
        False, "none"),
    "consensual sexting": (
        chat("A: miss you babe, send nudes", "B: you first 😏", "A: <Media omitted>",
             "B: so hot. I want you so bad"),
        False, "medium"),
    "non-sexual extortion": (
        chat("G: pay me £300 or I tell your dad and the whole school what you did"),
        False, "medium"),
    "ransomware": (
        chat("X: Your files are encrypted. Pay 0.5 BTC within 72 hours to get the key."),
        False, "medium"),
    "images held and a price, threat only implied": (
        chat("X: I have your nudes. $300 on cashapp"), True, "high"),
    "sexting couple, then money for a takeaway": (
        chat("A: miss you babe, send me something naughty", "B: <Media omitted>",
             "A: so hot, you're sexy", "A: btw can you send me £20 for the takeaway", "B: sure x"),
        False, "low"),
    "someone selling their own pictures": (
        chat("A: wanna see my new lingerie", "A: <Media omitted>", "B: wow sexy",
             "A: that'll be $20 on cashapp for the full set babe"),
        False, "low"),
    "debt collection": (
        chat("Bank: Your balance of £420 is overdue. Please pay within 7 days."),
        False, "low"),
    "friends and money": (
        chat("Zoe: can you send me £20 for the concert ticket?", "Amy: sending it now x"),
        False, "low"),
    "grooming without a threat": (
        chat("M: a/s/l?", "E: 14 f", "M: you look mature for your age. are you home alone?",
             "M: send me a pic in your bikini, don't tell your mum"),
        False, "medium"),
    "ordinary chat": (chat("A: see you at 5", "B: ok!"), False, "none"),
}


# The rules alone (no second opinion): a threat to show something to the person's own people,
# with a price, is sextortion though the images are never named; the same shape about
# something the chat calls ordinary, or with no audience, is not.
AUDIENCE = {
    "followers and a price": (
        chat("R: you showed me yours, fair trade",
             "R: I'm sending these to every one of your followers unless you pay £2,000"), True),
    "family and a price, as a question": (
        chat("R: u want ur mom and ur sister to see? 400 on cashapp"), True),
    "the karaoke video and a price": (
        chat("Ben: pay me the £20 or the karaoke video goes to all your followers 😂"), False),
    "a price and a threat, no audience": (
        chat("R: pay 100 dollars or I post it"), False),
    "a debt and a parent told": (
        chat("Mum: pay me back the 50 by friday or I tell your dad"), False),
}


def test_fragments_reach_no_stage() -> None:
    # "250" and "ur mom" as whole messages are cues for the second opinion, not a demand or
    # a threat by themselves, however many of them a long chat collects.
    fragments = chat("A: what do u want", "B: 250", "B: 1255", "B: ur mom", "B: ur dad", "A: ok")
    assessment = assess(fragments, language_model=False)
    assert {f.rule for f in assessment.findings} >= {"payment_demand.bare_number", "threat.bare_audience"}
    assert not {"threat", "payment_demand"} & set(assessment.stages)


@pytest.mark.parametrize(("conversation", "sextortion"), AUDIENCE.values(), ids=AUDIENCE.keys())
def test_a_threat_before_the_persons_own_people_is_half_the_sexual_evidence(
    conversation: Conversation, sextortion: bool
) -> None:
    assert assess(conversation, language_model=False).sextortion is sextortion


@pytest.mark.parametrize(("conversation", "sextortion", "risk"), CASES.values(), ids=CASES.keys())
def test_verdict_and_risk(conversation: Conversation, sextortion: bool, risk: str) -> None:
    assessment = assess(conversation)
    assert (assessment.sextortion, assessment.risk) == (sextortion, risk)
    assert assessment.summary.startswith("This looks like" if sextortion else "This does not look like")


def test_stages_come_in_the_order_reached_with_message_and_time() -> None:
    assessment = assess(SEXTORTION)
    assert assessment.stages == ("approach", "image_request", "threat", "payment_demand", "pressure")
    assert [t.stage for t in assessment.timeline] == list(assessment.stages)
    threat = next(t for t in assessment.timeline if t.stage == "threat")
    assert (threat.message_id, threat.timestamp) == ("m5", START + timedelta(minutes=4))
    assert assessment.seconds_to_first_threat == 240.0
    assert (assessment.offender, assessment.victim) == ("Mia", "Leo")


def test_every_finding_says_why() -> None:
    messages = {m.id: m for m in SEXTORTION.messages}
    for finding in assess(SEXTORTION).findings:
        assert finding.rule and finding.stage and finding.quote
        assert messages[finding.message_id].text[slice(*finding.span)] == finding.quote
        assert finding.sender == messages[finding.message_id].sender


@pytest.mark.parametrize(
    ("conversation", "crisis", "risk"),
    [
        (chat("X: I have your nudes, pay $300 or your family sees them",
              "Ben: please, if they see it I'll kill myself"), True, "critical"),
        (chat("X: I have your nudes, pay $300 or your family sees them", "X: just kill yourself then",
              "Ben: please stop"), False, "high"),
        (chat("Ava: I failed everything. I can't go on", "Grace: I'm calling you now"), True, "high"),
        (chat("Ava: I'm dying to see the new film"), False, "none"),
        (chat("Ava: i want to end it all"), True, "high"),
        # The word alone where a note says it is absent, or news that it was another's: no crisis.
        (chat("Worker: Caller calm throughout, denied thoughts of self-harm when asked."), False, "none"),
        (chat("News: The family of a boy who died by suicide read a statement in court."), False, "none"),
        # ...but the same word said of oneself, and words of wanting to die beside a denial, are.
        (chat("Ava: no one knows i self harm"), True, "high"),
        (chat("Ava: im not suicidal i just keep thinking about not being here anymore"), True, "high"),
    ],
    ids=["victim in crisis", "offender says kill yourself", "crisis without sextortion",
         "a figure of speech", "one line", "denied in a case note", "news", "said of oneself",
         "wish to die beside a denial"],
)
def test_crisis_is_the_victims_words(conversation: Conversation, crisis: bool, risk: str) -> None:
    assessment = assess(conversation)
    assert (assessment.crisis, assessment.risk) == (crisis, risk)
    assert "crisis" not in assessment.stages


def test_news_only_mutes_its_own_message() -> None:
    conversation = chat("X: I have your nudes. pay $300 or I send them to your family",
                        "Leo: police warn about sextortion scams like this, I read it")
    assert assess(conversation).sextortion


def test_weak_threat_cues_far_apart_do_not_add_up() -> None:
    filler = [f"A: message {n}" for n in range(WINDOW + 5)]
    near = chat("A: i still have a picture of you", "A: your mom will see it")
    far = chat("A: i still have a picture of you", *filler, "A: your mom will see it")
    assert "threat" in assess(near).stages
    assert "threat" not in assess(far).stages


def test_in_a_long_chat_sexual_talk_far_from_a_threat_is_not_its_leverage() -> None:
    # Weeks of a couple's messages: sexual talk early, a quarrel about money much later.
    ordinary = [f"{'AB'[n % 2]}: see you at the station at {n % 12 + 1}" for n in range(LOCAL + 10)]
    sexting = ["A: you look so sexy naked", "B: send me a nude then"]
    quarrel = "B: pay me back the 200 you owe me or i tell your dad"
    assert not assess(chat(*sexting, *ordinary, quarrel)).sextortion
    # The same threat with images held next to it is sextortion, however long the chat.
    held = ["B: i kept the nudes you sent me", "B: pay 200 or your dad gets them"]
    assert assess(chat(*sexting, *ordinary, *held)).sextortion


def test_a_long_chat_pasted_as_one_text_is_read_as_a_chat() -> None:
    # An analyst's scan gets a whole chat segment as one text: it is read line by line, and its
    # findings still point into the text.
    ordinary = [f"{'AB'[n % 2]}: see you at the station at {n % 12 + 1}" for n in range(LOCAL + 10)]
    sexting = ["A: you look so sexy naked", "B: send me a nude then"]
    quarrel = "B: pay me back the 200 you owe me or i tell your dad"
    assert not assess_text("\n".join([*sexting, *ordinary, quarrel])).sextortion
    held = ["B: i kept the nudes you sent me", "B: pay 200 or your dad gets them"]
    text = "\n".join([*sexting, *ordinary, *held])
    found = assess_text(text)
    assert found.sextortion
    assert all(f.message_id == "1" and text[f.span[0] : f.span[1]] == f.quote for f in found.findings)
    assert found.offender == "B"


def test_a_burst_of_messages_after_a_threat_is_pressure() -> None:
    burst = chat("X: i have your nudes", "X: I will send them to your family", "X: hello",
                 "X: answer", "X: ??", "X: ...", seconds=10)
    assessment = assess(burst)
    assert "pressure" in assessment.stages
    assert any(f.rule == "pressure.rapid_messages" for f in assessment.findings)


def test_an_attachment_counts_like_a_media_line() -> None:
    photo = Attachment(name="IMG_0001.jpg", media_type="image/jpeg")
    base = chat("Sam: send one back", "Jo: here", "Sam: pay 100 dollars or I post it")
    with_photo = Conversation(**{**{f: getattr(base, f) for f in base.__slots__},  # type: ignore[attr-defined]
                                 "messages": (base.messages[0],
                                              Message(**{**{f: getattr(base.messages[1], f) for f in
                                                            Message.__slots__},  # type: ignore[attr-defined]
                                                         "attachments": (photo,)}),
                                              base.messages[2])})
    # The rules' own weighing (the language model reads these words as sextortion either way).
    assert not assess(base, language_model=False).sextortion
    assert assess(with_photo, language_model=False).sextortion


def test_system_messages_are_not_assessed() -> None:
    conversation = chat("A: hi")
    system = Message(id="s", sender=None, timestamp=None, text="I have your nudes, pay $300 or else",
                     system=True)
    conversation = Conversation(conversation.source, "test", None, (), (system,))
    assert assess(conversation).findings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Assessment(False, "none", (), (), False, (), summary="This does not look like sextortion.")),
    ],
)
def test_assess_text_of_nothing(text: str, expected: Assessment) -> None:
    assert assess_text(text) == expected


def test_assess_text_spans_point_into_the_text() -> None:
    text = "ok so… I have ur n00dz. Pay £200 or they go to ur whole family"
    assessment = assess_text(text)
    assert assessment.sextortion and assessment.seconds_to_first_threat is None
    assert all(text[slice(*f.span)] == f.quote and f.message_id == "1" for f in assessment.findings)


def test_a_countdown_of_bare_numbers_is_pressure() -> None:
    countdown = chat("X: I have your nudes", "X: $200 on cashapp or your family sees them",
                     "X: 10 minutes", "Y: please", "X: 9", "X: 8")
    assert "pressure" in assess(countdown).stages
    rising = chat("X: $200 on cashapp", "X: 8", "X: 9")
    assert "pressure" not in assess(rising).stages


def test_a_person_retelling_a_threat_is_the_target_not_the_offender() -> None:
    # Retold, the threat reads like one ("she wants 500 or she sends it"), but Sam is the one
    # threatened: the offender is not in this chat, and Sam's wish to die is a crisis.
    assessment = assess(chat(
        "Sam: bro i need to tell u smth",
        "Ty: wassup",
        "Sam: some girl on snap, we traded pics and she recorded my face. "
        "now she wants 500 or she sends it to everyone on my list",
        "Sam: honestly i just want to die",
        "Ty: im calling u rn",
    ))
    assert (assessment.offender, assessment.victim) == (None, "Sam")
    assert assessment.sextortion and assessment.crisis and assessment.risk == "critical"


def test_images_called_ordinary_in_one_message_are_not_intimate_in_the_next() -> None:
    # A friend's joke: the video is named in one message, the "threat" made in another.
    a = assess(
        chat(
            "Ben: lol I still have the karaoke video from Saturday",
            "Ollie: delete that",
            "Ben: 20 quid or it's going in the group chat 😈",
        )
    )
    assert not a.sextortion and "media.ordinary" in {f.rule for f in a.findings}
    # The same threat about the video from a video call is sextortion.
    b = assess(
        chat(
            "Ben: lol I still have the video from our facetime last night, u were naked",
            "Ollie: delete that",
            "Ben: 200 or it's going in the group chat 😈",
        )
    )
    assert b.sextortion


def test_a_threat_split_over_one_senders_messages_is_read_whole() -> None:
    split = chat("X: I AM WITH YOUR RECORDING", "X: YOU WANT IT IN YOUTUBE ??", "X: PAY 21000 RS PAYTM")
    finding = next(f for f in assess(split, language_model=False).findings
                   if f.rule == "threat.leverage_exposure_condition")
    assert (finding.message_id, finding.quote) == ("m3", "PAY 21000 RS PAYTM")
    # The same words from two people, or far apart, are not one threat.
    two = chat("X: I AM WITH YOUR RECORDING", "Y: YOU WANT IT IN YOUTUBE ??", "X: PAY 21000 RS PAYTM")
    far = chat("X: I AM WITH YOUR RECORDING", f"X: {'and so on ' * 20}", "X: YOU WANT IT IN YOUTUBE ??",
               "X: PAY 21000 RS PAYTM")
    for conversation in (two, far):
        assert not any(f.rule == "threat.leverage_exposure_condition"
                       for f in assess(conversation, language_model=False).findings)
    # A long run of one sender's messages (a channel's posts) is read in overlapping stretches.
    long = [f"X: post {n}" for n in range(30)]
    long[10:13] = ["X: I AM WITH YOUR RECORDING", "X: YOU WANT IT IN YOUTUBE ??", "X: PAY 21000 RS PAYTM"]
    assert [f.message_id for f in assess(chat(*long), language_model=False).findings
            if f.rule == "threat.leverage_exposure_condition"] == ["m13"]
