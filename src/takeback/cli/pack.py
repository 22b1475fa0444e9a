"""Save the evidence in one file you can hand to the police, a lawyer or a helpline.

Reads the chat exports, emails and folders you name (like `read`), keeps a
byte-exact copy of each, and writes one zip with a plain-language report (HTML
and PDF), the messages, what was found, the offender's identifiers, a
chain-of-custody log and the hashes anyone can check with `sha256sum -c`.

Photos and videos are never copied by default: the pack records their
fingerprints (hashes) instead. If the person is under 18 they are never copied
at all, even if asked: UK guidance is never to copy, share or store images of a
child, even for the police. An adult may add them with --include-media, and
only into an encrypted pack (--encrypt-passphrase-file or --encrypt-to, in the
`age` format).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from takeback.cli._output import err, safe
from takeback.cli.read import add_read_options, read_options
from takeback.errors import UsageError
from takeback.evidence import PackOptions, PackResult, pack

HELP = "save the evidence in one verifiable file (a zip) for the police, a lawyer or a helpline"
ORDER = 50


def register(parser: argparse.ArgumentParser) -> None:
    add_read_options(parser)
    parser.add_argument("--out", required=True, metavar="CASE.zip", help="the pack to write")
    parser.add_argument(
        "--victim-age",
        type=int,
        metavar="N",
        help="the age of the person targeted; under 18, images are never copied",
    )
    parser.add_argument(
        "--country",
        default="GB",
        metavar="CC",
        help="country for phone numbers written without +code (default: GB)",
    )
    parser.add_argument("--examiner", metavar="NAME", help="who is making the pack (for the custody log)")
    parser.add_argument("--note", metavar="TEXT", help="a note about the case, shown in the report")
    parser.add_argument(
        "--include-media",
        action="store_true",
        help="adults only: copy images and videos too (needs encryption)",
    )
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument(
        "--encrypt-passphrase-file",
        metavar="FILE",
        help="encrypt the pack (age format) with the passphrase on this file's first line",
    )
    secret.add_argument(
        "--encrypt-to",
        action="append",
        metavar="AGE_RECIPIENT",
        help="encrypt the pack to this age public key (age1...) or to every key in "
        "this file; may be given more than once",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.set_defaults(run=run)


def _passphrase(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the passphrase file ({error})", path) from None
    passphrase = text.splitlines()[0] if text else ""
    if not passphrase:
        raise UsageError("the passphrase file's first line is empty", path)
    return passphrase


def _recipients(values: list[str] | None) -> tuple[str, ...]:
    """Keys given directly, or read from files of keys (one per line, # for comments)."""
    found: list[str] = []
    for value in values or []:
        if value.startswith("age1"):
            found.append(value)
            continue
        try:
            lines = Path(value).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            raise UsageError(f"{value!r} is neither an age public key (age1...) nor a file of them") from None
        found.extend(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return tuple(found)


def run(args: argparse.Namespace) -> int:
    options = PackOptions(
        victim_age=args.victim_age,
        country=args.country.upper(),
        examiner=args.examiner,
        note=args.note,
        include_media=args.include_media,
        passphrase=_passphrase(args.encrypt_passphrase_file),
        recipients=_recipients(args.encrypt_to),
        force=args.force,
        read=read_options(args),
    )
    try:
        result = pack(args.paths, args.out, options)
    except OSError as error:
        err(f"could not write the pack ({error.strerror or error}); nothing was written")
        return 1
    _tell(result, options)
    return 0


def _tell(result: PackResult, options: PackOptions) -> None:
    out = sys.stdout
    out.write(f"Evidence pack written: {safe(result.path)}\n")
    out.write(f"  SHA-256 of the pack: {result.sha256}\n")
    out.write("  Write this number down with today's date: it proves later that the pack is unchanged.\n")
    out.write(
        f"  {result.conversations} conversation(s), {result.messages} message(s), "
        f"{result.members} files in the pack.\n"
    )
    if result.media:
        copied = f"{result.media_copied} copied (encrypted)" if result.media_copied else "none copied"
        out.write(f"  {result.media} image(s) or video(s) fingerprinted; {copied}.\n")
        if options.victim_age is not None and options.victim_age < 18:
            out.write("  Images of someone under 18 are never copied, by anyone: their fingerprints are "
                      "enough for the police and Take It Down.\n")
    opened = Path(result.path).name.removesuffix(".age")
    if result.encrypted:
        out.write(
            "  The pack is encrypted (age format): open it with\n"
            f"    age -d -o {safe(opened)} {safe(Path(result.path).name)}\n"
            f"  SHA-256 of the zip inside: {result.zip_sha256}\n"
        )
    if result.pdf_skipped:
        out.write(f"  report.pdf was not made: {safe(result.pdf_skipped)}\n")
    for item in result.unreadable:
        err(f"could not be read: {item.path} ({item.reason}); listed in the pack's report")
    if result.encrypted:
        out.write(f"Once it is opened, check it at any time with: takeback verify {safe(opened)}\n")
    else:
        out.write(f"Check it at any time with: takeback verify {safe(result.path)}\n")
