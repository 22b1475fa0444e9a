"""Read chat exports, emails and pasted text, and show the conversations in them.

PATH can be a file, a folder (every supported file below it is read) or an
export .zip (read in place; nothing is extracted). Times written with no time
zone (WhatsApp, some SMS backups) are read in --timezone, and the output says
which zone was assumed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from takeback.cli._output import dumps, err, safe
from takeback.errors import TakebackError, UnsupportedFormat
from takeback.ingest import ReadOptions, Skipped, discover, parse
from takeback.ingest.encoding import zone
from takeback.model import (
    ConversationStream,
    Message,
    message_to_dict,
    participant_to_dict,
    source_to_dict,
)

HELP = "show the conversations in chat exports, emails or pasted text"
ORDER = 10


def add_read_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads files shares."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or .zip exports")
    parser.add_argument(
        "--format", metavar="NAME", help="read every file as this format (see 'takeback formats')"
    )
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="zone for times written without one, e.g. Europe/London (default: this device's)",
    )
    day = parser.add_mutually_exclusive_group()
    day.add_argument("--day-first", dest="day_first", action="store_const", const=True,
                     help="dates like 03/04 are day/month (default: decided per file)")
    day.add_argument("--month-first", dest="day_first", action="store_const", const=False,
                     help="dates like 03/04 are month/day")


def read_options(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(timezone=zone(args.timezone), format=args.format, day_first=args.day_first)


def register(parser: argparse.ArgumentParser) -> None:
    add_read_options(parser)
    parser.add_argument("--json", action="store_true", help="write JSON instead of a table")
    parser.set_defaults(run=run)


def streams(args: argparse.Namespace, options: ReadOptions,
            skipped: list[Skipped], failures: list[str]) -> Iterator[ConversationStream]:
    """Every conversation in the paths; what was passed over or failed is recorded."""
    for item in discover(args.paths):
        if isinstance(item, Skipped):
            skipped.append(item)
            if item.explicit:
                failures.append(f"{item.path}: {item.reason}")
            continue
        try:
            yield from parse(item, options)
        except UnsupportedFormat as error:
            failures.append(str(error))
        except TakebackError as error:
            failures.append(str(error))


def run(args: argparse.Namespace) -> int:
    options = read_options(args)
    skipped: list[Skipped] = []
    failures: list[str] = []
    conversations = streams(args, options, skipped, failures)
    if args.json:
        _write_json(conversations, skipped, failures)
    else:
        _write_text(conversations, skipped, options.timezone)
    for failure in failures:
        err(failure)
    return 1 if failures else 0


def _write_json(conversations: Iterator[ConversationStream],
                skipped: list[Skipped], failures: list[str]) -> None:
    """Streams the JSON: one message at a time, so a huge export needs little memory."""
    out = sys.stdout
    out.write('{"conversations": [')
    warnings: list[str] = []
    for number, conversation in enumerate(conversations):
        out.write(",\n" if number else "\n")
        head = {
            "source": source_to_dict(conversation.source),
            "platform": conversation.platform,
            "title": conversation.title,
            "timezone": conversation.timezone,
        }
        out.write(dumps(head)[:-1] + ', "messages": [')
        for index, message in enumerate(conversation.messages):
            out.write(",\n" if index else "\n")
            out.write(dumps(message_to_dict(message)))
        out.write('], "participants": ')
        out.write(dumps([participant_to_dict(p) for p in conversation.participants]))
        out.write(', "warnings": ' + dumps(conversation.warnings) + "}")
        warnings.extend(conversation.warnings)
    out.write("\n], ")
    out.write('"warnings": ' + dumps(warnings) + ", ")
    out.write('"skipped": ' + dumps([{"path": s.path, "reason": s.reason} for s in skipped]) + ", ")
    out.write('"errors": ' + dumps(failures) + "}\n")


def _when(message: Message, tz: ZoneInfo) -> str:
    if message.timestamp is None:
        return safe(message.time_text or "(no time)")
    return message.timestamp.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _write_text(conversations: Iterator[ConversationStream],
                skipped: list[Skipped], tz: ZoneInfo) -> None:
    out = sys.stdout
    count = 0
    for conversation in conversations:
        count += 1
        source = conversation.source
        title = f" · {safe(conversation.title)}" if conversation.title else ""
        out.write(f"\n{conversation.platform}{title}\n")
        out.write(f"  from {safe(source.display)} ({source.format}, sha256 {source.sha256[:16]}…)\n")
        messages = 0
        for message in conversation.messages:
            messages += 1
            who = safe(message.sender or "?")
            text = safe(message.text).replace("\n", "\n" + " " * 20)
            marks = "".join(
                mark for flag, mark in (
                    (message.system, " [system]"), (message.edited, " [edited]"),
                    (message.deleted, " [deleted]"), (message.corrupt, " [could not be fully read]"),
                ) if flag
            )
            files = "".join(
                f"\n{' ' * 20}[attachment: {safe(a.name)}{'' if a.present else ', not in the export'}]"
                for a in message.attachments
            )
            out.write(f"  {_when(message, tz):<17} {who}: {text}{marks}{files}\n")
        people = ", ".join(safe(p.name) for p in conversation.participants) or "unknown"
        zone_note = (f"; times read as {conversation.timezone}" if conversation.timezone else "")
        out.write(f"  {messages} messages; people: {people}{zone_note}\n")
        for warning in conversation.warnings:
            out.write(f"  warning: {safe(warning)}\n")
    if skipped:
        reasons = Counter(s.reason for s in skipped if not s.explicit)
        for reason, n in sorted(reasons.items()):
            out.write(f"\nskipped {n} file{'s' if n != 1 else ''}: {reason}")
        out.write("\n")
    if count == 0:
        out.write("No conversations found.\n")
