"""From findings in single messages to what a whole conversation shows.

A stage is *reached* when the weights of the different rules of that stage
found so far add up to 1 (a strong signal alone, or two weaker ones together).
The verdict follows the police and child-protection definition: sextortion is
sexual leverage (sexual images or acts, real or claimed) used with a threat
or a demand. docs/detection.md explains the risk levels.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from typing import NamedTuple

from takeback.detect.engine import Hit
from takeback.detect.language import SHORT
from takeback.model import STAGES, Assessment, Finding, Message, StageReached

REACHED = 1.0 - 1e-9  # weights add up to 1 (float sums such as 0.7 + 0.3 land just below)
HALF = 0.5 - 1e-9
WINDOW = 30  # messages: how far apart weak cues of threats, demands and pressure may be
# Messages: how near the sexual evidence, the threat and the demand must be to one another
# in a long chat (see _local).
LOCAL = 30
COERCION = frozenset({"threat", "payment_demand", "pressure", "escalation", "email_scam"})
# Stages of a threat or a demand itself, not pressure ("don't tell anyone" is grooming's too).
LEVER = COERCION - {"pressure"}
# Cues on which the second opinion is asked too, though it must be surer: sexual content,
# images, a claim to hold them, or someone in crisis (offenders' threats the rules missed).
OTHER_CUES = frozenset({"sexualisation", "image_request", "media", "crisis"})
SEXUAL_CUES = OTHER_CUES - {"crisis"}
# Fragments ("250", "ur sister" as whole messages): offenders write them, and so do others
# (an area code, a question), so they count as the weaker cues above, not as coercion, and
# reach no stage.
FRAGMENTS = frozenset({"payment_demand.bare_number", "payment_demand.sum", "threat.bare_audience"})
BESIDE = 2  # messages: how near a sum of money must be to sexual content to count as a demand
RAPID_MESSAGES = 5  # messages in a row from the offender, after a threat, with no reply...
RAPID_SECONDS = 120  # ...within this many seconds, are pressure in themselves
# Threat rules whose words hold a condition, and so a demand: "X, or they see it".
CONDITIONAL = frozenset(
    {
        "threat.conditional",
        "threat.deal_to_delete",
        "threat.leverage_exposure_condition",
        "threat.nobody_has_to",
        "threat.pay_to_hide",
        "threat.reported_consequence",
        "threat.rhetorical_price",
        "threat.you_know_what_happens",
    }
)
# Sexual rules that infer intimacy from holding or threatening the person's images, not from
# words that say so.
INFERRED = frozenset({"media.images_as_leverage", "media.own_images_held", "threat.has_images"})
# Rules of images not named as sexual: inferred from a threat to show them, or said to be ordinary.
UNNAMED = INFERRED | {"media.ordinary"}
NOT_THEIR_OWN = "crisis.not_their_own"  # suicide or self-harm named as absent or as another's
# Threats to put something in front of the person's own people ("send these to all your
# followers", "u want ur mom to see?"): in a threat with a demand, that audience is itself half
# the sexual evidence (what else is held over someone for their family and followers to see),
# unless the conversation says the images are ordinary.
AUDIENCE_THREATS = frozenset(
    {
        "threat.distribute",
        "threat.dont_want_them_to_see",
        "threat.rhetorical_price",
        "threat.pay_to_hide",
        "threat.followers_list",
        "threat.goes_public",
        "threat.spread_condition",
    }
)
ABOUT_REACH = 2  # messages: how far an explanation about sextortion carries to the same sender's others
MEDIA_EVIDENCE = 0.5  # a photo or video shared in the messages just before the threat
# Sexual rules that say someone holds or threatens the targeted person's own images or acts
# (not sexual talk, requests, or mentions of a photo sent).
LEVERAGE = (
    "threat.",
    "email_scam.",
    "payment_demand.more_images",
    "media.images_as_leverage",
    "media.own_images_held",
    "media.undressed_edit",
    "media.intimate_place",
)

SUMMARIES = {
    "sextortion": (
        "This looks like sextortion: someone is using sexual images, or the claim of having "
        "them, to threaten you or demand money. It is a known crime, it is not your fault, "
        "and help is available."
    ),
    "email_scam": (
        "This looks like a sextortion email scam: the sender claims to have recorded you and "
        "demands payment. These emails go to many people at once, the claims are usually "
        "false, and you should not pay."
    ),
    "coercion": (
        "This does not look like sextortion: it contains threats or demands, but nothing in it "
        "shows sexual images are involved. If someone is threatening you, you can still get help."
    ),
    "image_request": (
        "This does not look like sextortion, but someone is asking for intimate images: you "
        "never have to send them, and you can stop replying and tell someone you trust."
    ),
    "crisis": (
        "This does not look like sextortion, but someone here speaks of wanting to die or "
        "hurt themselves: please talk to someone now."
    ),
    "early": "This does not look like sextortion, though a few messages show early warning signs.",
    "none": "This does not look like sextortion.",
}


class _Found(NamedTuple):
    """A finding with what its rule says about it, and where its message is (a tuple: one is
    made for every finding of every text scanned, and a frozen dataclass takes four times as long)."""

    finding: Finding
    position: int  # index of the message in the conversation
    sexual: bool
    by_victim: bool
    kind: str  # the rule's id without its language ("threat.conditional" for "threat.conditional_es")


def _findings(messages: Sequence[Message], hits: Sequence[Sequence[Hit]]) -> list[_Found]:
    # Text about sextortion (news, advice) quotes threats without making them. An
    # explanation often runs over several messages of one sender: the sender's
    # messages next to one about sextortion are read as part of it.
    about_at = {p for p, found_here in enumerate(hits) if any(h.rule.stage == "context" for h in found_here)}
    found: list[_Found] = []
    for position, (message, message_hits) in enumerate(zip(messages, hits, strict=True)):
        about = bool(about_at) and any(
            near in about_at and messages[near].sender == message.sender
            for near in range(position - ABOUT_REACH, position + ABOUT_REACH + 1)
        )
        for hit in message_hits:
            if about and hit.rule.stage in STAGES:
                continue
            kind = hit.rule.id.removesuffix(f"_{hit.rule.language}")
            # Suicide or self-harm named as absent or as another's ("denied thoughts of
            # self-harm", "died by suicide") is not a crisis in the word alone. Advice and news
            # around it are: a victim's "this is blackmail" must not hide "i think about suicide".
            if kind == NOT_THEIR_OWN or (
                kind == "crisis.mention" and any(h.rule.id.startswith(NOT_THEIR_OWN) for h in message_hits)
            ):
                continue
            finding = Finding(
                rule=hit.rule.id,
                stage=hit.rule.stage,
                message_id=message.id,
                quote=hit.quote,
                span=hit.span,
                weight=hit.rule.weight,
                sender=message.sender,
            )
            found.append(_Found(finding, position, hit.rule.sexual, hit.rule.by_victim, kind))
    return found


def _roles(messages: Sequence[Message], found: Sequence[_Found]) -> tuple[str | None, str | None]:
    """The sender of most threats and demands, and the person they target.

    A person recounting what is done to them ("she wants me to pay") is the
    victim, not the offender.
    """
    if not any(f.finding.sender for f in found):
        return None, None
    coercive = Counter(
        f.finding.sender
        for f in found
        if f.finding.stage in COERCION and f.finding.sender and not f.by_victim
    )
    told = Counter(f.finding.sender for f in found if f.by_victim and f.finding.sender)
    # Someone telling what is done to them is not the one doing it, even when their
    # retelling reads like a threat ("she wants 500 or she sends it"): the offender may
    # not be in the conversation at all.
    for sender in told:
        coercive.pop(sender, None)
    first = {f.finding.sender: f.position for f in reversed(found)}
    offender = max(coercive, key=lambda sender: (coercive[sender], -first[sender])) if coercive else None
    if told:
        victim: str | None = max(told, key=lambda sender: (told[sender], -first[sender]))
    elif offender is not None:
        others = Counter(m.sender for m in messages if m.sender and m.sender != offender)
        victim = others.most_common(1)[0][0] if others else None
    else:
        victim = None
    return offender, (victim if victim != offender else None)


def _rapid(messages: Sequence[Message], offender: str | None, after: int) -> list[_Found]:
    """A burst of messages from the offender after the first threat, with no reply."""
    if offender is None:
        return []
    run: list[int] = []
    for position in range(after, len(messages)):
        message = messages[position]
        if message.sender != offender or message.timestamp is None:
            run = []
            continue
        run.append(position)
        first = messages[run[0]].timestamp
        if first is not None and message.timestamp - first > timedelta(seconds=RAPID_SECONDS):
            run = [position]
        if len(run) == RAPID_MESSAGES:
            return [_pressure("pressure.rapid_messages", message, position)]
    return []


def _pressure(rule: str, message: Message, position: int) -> _Found:
    """A pressure finding read from the shape of the chat: the whole message is its quote."""
    finding = Finding(
        rule=rule,
        stage="pressure",
        message_id=message.id,
        quote=message.text,
        span=(0, len(message.text)),
        weight=1.0,
        sender=message.sender,
    )
    return _Found(finding, position, False, False, rule)


_COUNT = re.compile(r"(\d{1,2}) ?(?:m|min|mins|minutes?|hrs?|hours?|left|more)?[.!]*", re.I)


def _countdown(messages: Sequence[Message], offender: str | None) -> list[_Found]:
    """A countdown ("10 minutes", "9", "8") by the offender: numbers alone, each lower than the last."""
    if offender is None:
        return []
    last: int | None = None
    for position, message in enumerate(messages):
        if message.sender != offender:
            continue
        match = _COUNT.fullmatch(message.text.strip()) if len(message.text) < 40 else None
        if match is None:
            last = None
            continue
        number = int(match.group(1))
        if last is not None and number < last:
            return [_pressure("pressure.countdown", message, position)]
        last = number
    return []


def _distinct(found: Sequence[_Found]) -> list[_Found]:
    """The findings that are separate evidence: of two findings of one stage
    in one message whose quotes overlap, only the weightier counts (two rules
    reading the same words are one cue, not two)."""
    kept: list[_Found] = []
    here: list[_Found] = []  # kept findings of the current message
    for item in sorted(found, key=lambda f: (f.position, -f.finding.weight)):
        if here and here[0].position != item.position:
            here = []
        start, end = item.finding.span
        if not any(
            other.finding.stage == item.finding.stage
            and other.finding.span[0] < end
            and start < other.finding.span[1]
            for other in here
        ):
            kept.append(item)
            here.append(item)
    return kept


def _reached(found: Sequence[_Found]) -> dict[str, int]:
    """Stage -> position of the message where its weights first added up to 1.

    Weak cues of threats, demands and pressure count together only when they
    are near each other (within WINDOW messages): a long chat collects stray
    weak cues that mean nothing. Early-stage cues add up over the whole chat.
    Fragments (FRAGMENTS) are cues for the second opinion only: they reach no stage.
    """
    by_stage: dict[str, list[_Found]] = {}
    for item in sorted(_distinct(found), key=lambda f: f.position):
        if item.kind not in FRAGMENTS:
            by_stage.setdefault(item.finding.stage, []).append(item)
    reached: dict[str, int] = {}
    for stage, items in by_stage.items():
        windowed = stage in COERCION
        first = 0
        rules: dict[str, float] = {}
        for index, item in enumerate(items):
            if windowed:
                while item.position - items[first].position > WINDOW:
                    first += 1
                rules = {}
                for earlier in items[first:index]:
                    rules[earlier.finding.rule] = max(
                        rules.get(earlier.finding.rule, 0.0), earlier.finding.weight
                    )
            rules[item.finding.rule] = max(rules.get(item.finding.rule, 0.0), item.finding.weight)
            if sum(rules.values()) >= REACHED:
                reached[stage] = item.position
                break
    return reached


def _sexual_evidence(
    messages: Sequence[Message], found: Sequence[_Found], offender: str | None, threat_at: int | None
) -> tuple[float, float]:
    """How strongly the conversation shows sexual content (1 or more: clearly),
    and how much of that is leverage: the targeted person's own images or acts,
    held or threatened, not sexual talk, requests or a photo mentioned.

    Each sexual rule counts once, at its weight, except that images the
    message itself calls ordinary (media.ordinary) are not inferred to be
    intimate. A threat to show something to the person's own people is half
    the evidence at least (AUDIENCE_THREATS). A photo or video shared in the
    messages just before the threat adds half: in sextortion that is the image
    used as leverage, whether the person sent it or the offender shows it back
    to them ("look at these [image]").
    """
    # Images said to be ordinary ("the video of you singing") are not taken to be intimate.
    ordinary = {f.position for f in found if f.kind == "media.ordinary"}
    rules: dict[str, tuple[float, str]] = {}  # rule -> its weight, and its kind
    for item in found:
        if item.sexual and not (item.kind in INFERRED and item.position in ordinary):
            weight = max(rules.get(item.finding.rule, (0.0, ""))[0], item.finding.weight)
            rules[item.finding.rule] = (weight, item.kind)
    evidence = sum(weight for weight, _ in rules.values())
    leverage = sum(weight for weight, kind in rules.values() if kind.startswith(LEVERAGE))
    if not ordinary and any(f.kind in AUDIENCE_THREATS for f in found):
        evidence = max(evidence, MEDIA_EVIDENCE)
        leverage = max(leverage, MEDIA_EVIDENCE)
    if offender is not None and threat_at is not None:
        media = {f.position for f in found if f.finding.rule == "media.placeholder"}
        if any(
            position in media or messages[position].attachments
            for position in range(max(0, threat_at - WINDOW), threat_at + 1)
        ):
            evidence += MEDIA_EVIDENCE
            leverage += MEDIA_EVIDENCE
    return evidence, leverage


def _verdict(
    messages: Sequence[Message], found: Sequence[_Found], reached: dict[str, int], offender: str | None
) -> bool:
    """Whether these findings, with the stages they reach, show sextortion: sexual leverage
    with a threat or a demand."""
    threat = "threat" in reached
    demand = "payment_demand" in reached
    pressure = "pressure" in reached or "escalation" in reached
    evidence, leverage = _sexual_evidence(messages, found, offender, reached.get("threat"))
    # Half the sexual evidence (the person's own pictures or video threatened, a photo they
    # sent) is enough when a threat comes with a demand or with pressure: that is the shape
    # of sextortion, whatever words name the images.
    # An "or else" threat carries its own demand ("come back or your boyfriend gets them").
    conditional = any(f.kind in CONDITIONAL for f in found)
    # Images the conversation itself calls ordinary ("the karaoke video") need clear sexual words.
    ordinary = any(f.kind == "media.ordinary" for f in found)
    sexual = evidence >= REACHED or (
        evidence >= HALF and threat and (demand or pressure or conditional) and not ordinary
    )
    # A demand with clear sexual evidence, part of it the person's own images, is sextortion
    # even when the threat is only implied ("I have your nudes. $300 on cashapp"); a price
    # for someone's own content ("subscribe for $4.99") is not leverage.
    held = evidence >= REACHED and leverage >= HALF
    return sexual and (threat or (demand and (pressure or "email_scam" in reached or held)))


def _local(found: Sequence[_Found]) -> Iterator[list[_Found]]:
    """The findings within LOCAL messages of each threat or demand (a cue of one, of any
    weight): in a long chat the sexual evidence, the threat and the demand must be near each
    other to be one act of sextortion. Months of a couple's messages hold sexual talk, sums of
    money and stray words of threat ("people see") far apart."""
    ordered = sorted(found, key=lambda f: f.position)
    positions = [f.position for f in ordered]
    last = -1
    for item in ordered:
        if item.finding.stage not in LEVER or item.kind in FRAGMENTS or item.position == last:
            continue
        last = item.position
        yield ordered[bisect_left(positions, last - LOCAL) : bisect_right(positions, last + LOCAL)]


# A second opinion on the wording of the conversation (see detect/language.py): given the
# messages, the targeted person, whether the rules found a cue of coercion, the positions of
# the messages with a threat or demand (a stage reached), whether they found sexual content or
# images, and the positions of the messages with a cue of one too weak to reach its stage, a
# finding that quotes the words that weighed most.
SecondOpinion = Callable[
    [Sequence[Message], str | None, bool, Sequence[int], bool, Sequence[int]], Finding | None
]


def assess_hits(
    messages: Sequence[Message], hits: Sequence[Sequence[Hit]], second_opinion: SecondOpinion | None = None
) -> Assessment:
    """The assessment of a conversation from the rule hits in each of its messages.

    When the rules find a cue of coercion (of a threat, a demand, pressure, escalation or a
    scam email's claims) but not enough to call it sextortion, ``second_opinion`` (when
    given) weighs the wording of the conversation (of a long one, the messages around its
    threats and demands); on other cues (OTHER_CUES) too, where it must be surer.
    """
    found = _findings(messages, hits)
    reached = _reached(found)
    # Who threatens is read from the stages the conversation reached, not from stray weak cues.
    offender, victim = _roles(messages, [f for f in found if f.finding.stage in reached or f.by_victim])
    # A burst or a countdown needs several messages (most texts of a bulk scan are one).
    if len(messages) > 1 and "threat" in reached and "pressure" not in reached:
        rapid = _rapid(messages, offender, reached["threat"])
        if rapid:
            found.extend(rapid)
            reached = _reached(found)
    if len(messages) > 1 and "pressure" not in reached:
        countdown = _countdown(messages, offender)
        if countdown:
            found.extend(countdown)
            reached = _reached(found)
    # Someone speaking of their own wish to die or harm themselves is a crisis, whoever the
    # rules take for the offender (a person retelling a threat can be read as making it); the
    # word alone ("suicide") counts unless the offender wrote it.
    crisis = any(
        f.finding.stage == "crisis"
        and (f.kind != "crisis.mention" or offender is None or f.finding.sender != offender)
        for f in found
    )

    threat = "threat" in reached
    demand = "payment_demand" in reached
    pressure = "pressure" in reached or "escalation" in reached
    email_scam = "email_scam" in reached
    if len(messages) <= LOCAL + 1:
        sextortion = _verdict(messages, found, reached, offender)
    else:
        sextortion = any(_verdict(messages, part, _reached(part), offender) for part in _local(found))
    # Asked on any cue of coercion, even one too weak to reach its stage alone: offenders'
    # fragments ("ur mom" / "fb" / "250") are what the rules find least. A sum of money within
    # BESIDE messages of sexual content or images ("them snaps u sent me naked" / "lmk when u
    # got the $100") is such a cue too, in a text or a short chat: a groomer's long chat holds
    # sexual talk and sums he offers (one of the 56 grooming transcripts was called sextortion).
    sums = [f.position for f in found if f.kind == "payment_demand.sum"] if len(messages) <= SHORT else []
    coerced = any(f.finding.stage in COERCION and f.kind not in FRAGMENTS for f in found) or any(
        f.finding.stage in SEXUAL_CUES and abs(f.position - at) <= BESIDE
        for f in found
        for at in sums
    )
    asked = coerced or any(f.finding.stage in OTHER_CUES or f.kind in FRAGMENTS for f in found)
    # In a long chat the model also reads the messages around each threat or demand the rules
    # recognised (a stage reached): weak cues scattered through thousands of lines of sexual
    # talk (a groomer's chat) would give it too many chances to be wrong.
    cues = sorted({f.position for f in found if f.finding.stage in LEVER and f.finding.stage in reached})
    if not sextortion and asked and second_opinion is not None:
        # With sexual content or images named as such, the model may be less sure.
        explicit = any(f.finding.stage in SEXUAL_CUES and f.kind not in UNNAMED for f in found)
        # Around the weaker cues of a long chat it must be nearly sure (language.WEAK): a threat
        # said late in a long export, in words the rules only half know.
        weak: list[int] = []
        if len(messages) > SHORT:
            levers = {f.position for f in found if f.finding.stage in LEVER and f.kind not in FRAGMENTS}
            weak = sorted(levers - set(cues))
        read = second_opinion(messages, victim, coerced, cues, explicit, weak)
        if read is not None:
            position = next(i for i, m in enumerate(messages) if m.id == read.message_id)
            found.append(_Found(read, position, False, False, read.rule))
            sextortion = True
            if not threat:
                # Its words are the threat the rules did not recognise.
                threat = True
                reached["threat"] = position
    stages = sorted(
        (stage for stage in reached if stage in STAGES),
        key=lambda stage: (reached[stage], STAGES.index(stage)),
    )
    timeline = tuple(
        StageReached(stage, messages[reached[stage]].id, messages[reached[stage]].timestamp)
        for stage in stages
    )

    if sextortion:
        risk = "critical" if crisis or (threat and demand and pressure) else "high"
        summary = SUMMARIES["email_scam" if email_scam else "sextortion"]
    elif crisis:
        risk, summary = "high", SUMMARIES["crisis"]
    elif threat or email_scam or (demand and pressure):
        risk, summary = "medium", SUMMARIES["coercion"]
    elif "image_request" in reached:
        risk, summary = "medium", SUMMARIES["image_request"]
    elif stages:
        risk, summary = "low", SUMMARIES["early"]
    else:
        risk, summary = "none", SUMMARIES["none"]

    first_time = next((m.timestamp for m in messages if m.timestamp is not None), None)
    threat_time = messages[reached["threat"]].timestamp if threat else None
    seconds = (
        max(0.0, (threat_time - first_time).total_seconds())
        if first_time is not None and threat_time is not None
        else None
    )
    return Assessment(
        sextortion=sextortion,
        risk=risk,
        stages=tuple(stages),
        timeline=timeline,
        crisis=crisis,
        findings=tuple(f.finding for f in sorted(found, key=lambda f: (f.position, f.finding.span))),
        offender=offender,
        victim=victim,
        seconds_to_first_threat=seconds,
        summary=summary,
    )
