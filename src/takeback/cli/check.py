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
from takeback.ingest import Skipped
from takeback.model import Assessment, Conversation, Finding, Message, conversation_to_dict

HELP = "say whether messages look like sextortion, why, and what to do next"
ORDER = 5

# No numbers or links here: the guide command gives the right services for the
# person's age and country, from takeback's sourced service list.
CRISIS_FIRST = (
    "If you are thinking about hurting yourself, please talk to someone now: a crisis line, "
    "someone you trust, or emergency services. Crisis lines are free, confidential and there "
    "to help ('takeback guide --at-risk' shows the ones for your country)."
)
NEXT_STEPS = (
    "Don't pay and don't send anything more. Paying rarely makes it stop.",
    "Save the evidence: keep the chat and don't delete it or your account; take screenshots "
    "of the messages and of their profile.",
    "Report it and get help: tell someone you trust, report the account on the app, and "
    "contact the police or a helpline ('takeback guide' shows who to contact where you live).",
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


def register(parser: argparse.ArgumentParser) -> None:
    add_read_options(parser)
    parser.add_argument(
        "--json", action="store_true", help="write JSON: each conversation with its assessment"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = read_options(args)
    skipped: list[Skipped] = []
    failures: list[str] = []
    # A verdict needs the whole conversation, so each one is read in full.
    checked = [(c, assess(c)) for c in (s.collect() for s in streams(args, options, skipped, failures))]
    if args.json:
        _write_json(checked, skipped, failures)
    else:
        _write_text(checked, options.timezone)
    for failure in failures:
        err(failure)
    return 1 if failures else 0


def _write_json(
    checked: list[tuple[Conversation, Assessment]], skipped: list[Skipped], failures: list[str]
) -> None:
    out = sys.stdout
    out.write('{"conversations": [')
    for number, (conversation, assessment) in enumerate(checked):
        item = conversation_to_dict(conversation)
        item["assessment"] = assessment_to_dict(assessment)
        out.write((",\n" if number else "\n") + dumps(item))
    warnings = [w for conversation, _ in checked for w in conversation.warnings]
    out.write("\n], ")
    out.write('"warnings": ' + dumps(warnings) + ", ")
    out.write('"skipped": ' + dumps([{"path": s.path, "reason": s.reason} for s in skipped]) + ", ")
    out.write('"errors": ' + dumps(failures) + "}\n")


def _when(message: Message | None, tz: ZoneInfo) -> str:
    if message is None or message.timestamp is None:
        return safe(message.time_text or "") if message else ""
    return message.timestamp.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _quote(findings: list[Finding]) -> str:
    """The words that show a stage: the strongest finding's quote, on one line."""
    best = max(findings, key=lambda f: (f.weight, len(f.quote)))
    return " ".join(safe(best.quote).split())


def _write_text(checked: list[tuple[Conversation, Assessment]], tz: ZoneInfo) -> None:
    out = sys.stdout
    if not checked:
        out.write("No conversations found.\n")
        return
    if any(assessment.crisis for _, assessment in checked):
        out.write(CRISIS_FIRST + "\n")
    for number, (conversation, assessment) in enumerate(checked):
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
                quote = f' "{_quote(shown)}"' if shown else ""
                when = f"{_when(message, tz):<17} " if timed else ""
                out.write(f"  {when}{STAGE_WORDS[reached.stage]:<16} {who}:{quote}\n")
        if assessment.sextortion or assessment.risk in ("medium", "high", "critical"):
            out.write("\nWhat to do next:\n")
            for step, text in enumerate(NEXT_STEPS, start=1):
                out.write(f"  {step}. {text}\n")
