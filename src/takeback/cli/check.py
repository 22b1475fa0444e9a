"""Say whether messages look like sextortion, show which messages show it, and what to do next.

PATH can be a file, a folder or an export .zip, as for 'takeback read'. The
first line says what this looks like, in plain words; then the stages the
conversation went through, each with the message that shows it; then what to
do next. --json adds an 'assessment' to each conversation (see docs/detection.md).
Nothing is sent anywhere: all of this runs on this device.
"""

from __future__ import annotations

import argparse
import sys
from zoneinfo import ZoneInfo

from takeback.cli._output import dumps, err, safe
from takeback.cli.read import add_read_options, read_options, streams
from takeback.detect import assess, assessment_to_dict
from takeback.detect.language import RULE as LANGUAGE_RULE
from takeback.guidance import Plan, combined, plan, plan_to_dict, render_text, situation_from
from takeback.identifiers import extract, identifier_to_dict
from takeback.ingest import Skipped
from takeback.model import Assessment, Conversation, Finding, Identifier, Message, conversation_to_dict

HELP = "say whether messages look like sextortion, why, and what to do next"
ORDER = 5

# No numbers or links here: the guide command gives the right services for the
# person's age and country, from takeback's sourced service list.
CRISIS_FIRST = (
    "If you are thinking about hurting yourself, please talk to someone now: a crisis line, "
    "someone you trust, or emergency services. Crisis lines are free, confidential and there "
    "to help ('takeback guide --at-risk' shows the ones for your country)."
)
STAGE_WORDS = {
    "approach": "first contact",
    "sexualisation": "sexual talk",
    "image_request": "asks for images",
    "threat": "threat",
    "payment_demand": "demand",
    "pressure": "pressure",
    "escalation": "more demands",
    "email_scam": "scam email",
}


KIND_WORDS = {
    "phone": "phone", "email": "email", "url": "link", "handle": "username", "bank": "bank",
    "card": "card", "payment": "payment", "crypto": "crypto wallet",
}
Checked = tuple[Conversation, Assessment, list[Identifier]]


def register(parser: argparse.ArgumentParser) -> None:
    add_read_options(parser)
    parser.add_argument("--age", type=int, metavar="N", help="the age of the person targeted, if known")
    parser.add_argument("--country", metavar="CC",
                        help="where they live (GB, US, CA, AU, IE ...): for the right help, and "
                             "for phone numbers written without +code (default: GB)")
    parser.add_argument("--region", metavar="R",
                        help="in the UK: england, wales, scotland or northern-ireland")
    parser.add_argument("--paid", action="store_true", help="money has already been paid")
    parser.add_argument(
        "--json", action="store_true",
        help="write JSON: each conversation with its assessment and identifiers, and the plan",
    )
    parser.set_defaults(run=run)


def phone_region(country: str | None) -> str:
    """The region phone numbers without +code are read in."""
    code = (country or "GB").strip().upper()
    return "GB" if code == "UK" else code


def run(args: argparse.Namespace) -> int:
    options = read_options(args)
    skipped: list[Skipped] = []
    failures: list[str] = []
    region = phone_region(args.country)
    # A verdict needs the whole conversation, so each one is read in full.
    checked: list[Checked] = []
    for stream in streams(args, options, skipped, failures):
        conversation = stream.collect()
        assessment = assess(conversation)
        checked.append((conversation, assessment, extract(conversation, assessment, region)))
    flagged = [c for c in checked if c[1].sextortion] or checked
    chosen = plan(situation_from(
        combined(a for _, a, _ in checked), args.age, args.country, args.region, args.paid, [],
        flagged[0][0].platform if flagged else None, False,
    ))
    if args.json:
        _write_json(checked, chosen, skipped, failures)
    else:
        _write_text(checked, chosen, options.timezone)
    for failure in failures:
        err(failure)
    return 1 if failures else 0


def _write_json(checked: list[Checked], chosen: Plan, skipped: list[Skipped], failures: list[str]) -> None:
    out = sys.stdout
    out.write('{"conversations": [')
    for number, (conversation, assessment, identifiers) in enumerate(checked):
        item = conversation_to_dict(conversation)
        item["assessment"] = assessment_to_dict(assessment)
        item["identifiers"] = [identifier_to_dict(i) for i in identifiers]
        out.write((",\n" if number else "\n") + dumps(item))
    warnings = [w for conversation, _, _ in checked for w in conversation.warnings]
    out.write("\n], ")
    out.write('"plan": ' + dumps(plan_to_dict(chosen)) + ", ")
    out.write('"warnings": ' + dumps(warnings) + ", ")
    out.write('"skipped": ' + dumps([{"path": s.path, "reason": s.reason} for s in skipped]) + ", ")
    out.write('"errors": ' + dumps(failures) + "}\n")


def _when(message: Message | None, tz: ZoneInfo) -> str:
    if message is None or message.timestamp is None:
        return safe(message.time_text or "") if message else ""
    return message.timestamp.astimezone(tz).strftime("%Y-%m-%d %H:%M")


SENTENCE_END = ".!?\n"
MAX_SENTENCE = 140  # characters: a longer sentence is shown as the quote alone


def _quote(findings: list[Finding], text: str) -> str:
    """The words that show a stage, on one line: the sentence that holds the strongest
    finding's quote ("... are all going to get these unless you pay", not "unless you pay"),
    or the quote alone when that sentence is long."""
    best = max(findings, key=lambda f: (f.weight, len(f.quote)))
    start, end = best.span
    if text[start:end] == best.quote:
        first = max(text.rfind(mark, 0, start) for mark in SENTENCE_END) + 1
        ends = [at for at in (text.find(mark, end) for mark in SENTENCE_END) if at >= 0]
        last = min(ends) if ends else len(text)
        if last - first <= MAX_SENTENCE:
            start, end = first, last
    return " ".join(safe(text[start:end] if end > start else best.quote).split())


def _identifier_lines(identifiers: list[Identifier]) -> list[str]:
    """The other person's details first, then any others: the values police and apps act on."""
    shown = [i for i in identifiers if i.role != "victim"]
    shown.sort(key=lambda i: i.role != "offender")
    lines = []
    for identifier in shown:
        kind = KIND_WORDS.get(identifier.kind, identifier.kind)
        where = f" ({identifier.platform})" if identifier.platform else ""
        check = {True: "checked", False: "looks wrong: check it", None: ""}[identifier.valid]
        whose = "theirs" if identifier.role == "offender" else "seen"
        lines.append(f"  {kind + where:<24} {safe(identifier.value):<44} {whose:<6} {check}".rstrip())
    return lines


def _write_text(checked: list[Checked], chosen: Plan, tz: ZoneInfo) -> None:
    out = sys.stdout
    if not checked:
        out.write("No conversations found.\n")
        return
    if any(assessment.crisis for _, assessment, _ in checked):
        out.write(CRISIS_FIRST + "\n")
    for number, (conversation, assessment, identifiers) in enumerate(checked):
        if number or assessment.crisis:
            out.write("\n")
        out.write(assessment.summary + "\n")
        title = f" · {safe(conversation.title)}" if conversation.title else ""
        out.write(f"  {conversation.platform}{title}, from {safe(conversation.source.display)}\n")
        if assessment.timeline:
            out.write("\nWhat happened, in order:\n")
            messages = {m.id: m for m in conversation.messages}
            timed = any(m.timestamp or m.time_text for m in conversation.messages)
            for reached in assessment.timeline:
                message = messages.get(reached.message_id)
                shown = [
                    f
                    for f in assessment.findings
                    if f.stage == reached.stage and f.message_id == reached.message_id
                ]
                who = safe(message.sender) if message and message.sender else "?"
                if message and message.sender and message.sender == assessment.victim:
                    # Their own words show the stage ("please don't send it"): say whose they are.
                    who += " (targeted)"
                quote = f' "{_quote(shown, message.text if message else "")}"' if shown else ""
                if shown and all(f.rule == LANGUAGE_RULE for f in shown):
                    # No rule knows these words: the wording of the whole chat was read as a threat.
                    quote += " (read from the wording of the whole chat)"
                when = f"{_when(message, tz):<17} " if timed else ""
                out.write(f"  {when}{STAGE_WORDS[reached.stage]:<16} {who}:{quote}\n")
        lines = _identifier_lines(identifiers)
        if lines and (assessment.sextortion or assessment.risk != "none"):
            out.write("\nTheir details (keep these for the police and the app):\n")
            out.write("\n".join(lines) + "\n")
    if any(a.sextortion or a.risk in ("medium", "high", "critical") for _, a, _ in checked):
        out.write("\nWhat to do next:\n\n")
        out.write(render_text(chosen, limit=3))
        out.write("\nThe whole plan: takeback guide (add --age and --country for the right help).\n")
