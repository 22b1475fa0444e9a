"""Write a draft you can send: a police statement, a takedown request, a note to your bank,
or a short note to show an adult you trust.

KIND is police, takedown, bank or trusted-adult. With --from-check (what
`takeback check --json` wrote) the police statement lists what happened in time
order, with the words quoted, and the other person's accounts; the bank note lists
the payment details found. --pack adds the evidence pack's SHA-256 and how to check
it. Read every draft and fill in the parts in [square brackets] before sending it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

from takeback.cli._output import safe
from takeback.cli.guide import add_situation_options, situation
from takeback.errors import UsageError
from takeback.guidance import DRAFT_KINDS, DraftContext, context_from_check, read_check, render_draft

HELP = "write a police statement, takedown request, note to your bank or note for a trusted adult"
ORDER = 35
_SHA256 = re.compile(r"[0-9a-f]{64}")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=DRAFT_KINDS, metavar="KIND", help=", ".join(DRAFT_KINDS))
    add_situation_options(parser)
    parser.add_argument("--url", nargs="+", action="extend", default=[], metavar="URL",
                        help="links to where your images were shared (one takedown request each)")
    pack = parser.add_mutually_exclusive_group()
    pack.add_argument("--pack", metavar="FILE", help="the evidence pack 'takeback pack' wrote")
    pack.add_argument("--pack-sha256", metavar="HEX", help="the evidence pack's SHA-256, if you have it")
    parser.add_argument("--markdown", action="store_true",
                        help="write Markdown (the default for an --out file ending in .md)")
    parser.add_argument("--out", metavar="FILE", help="write to this file instead of the screen")
    parser.add_argument("--force", action="store_true", help="replace --out if it already exists")
    parser.set_defaults(run=run)


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise UsageError(f"{path}: cannot read the evidence pack ({error.strerror})") from None
    return digest.hexdigest()


def write_new(path: Path, text: str, force: bool) -> None:
    """Writes the whole file or nothing: a temporary file beside it, then renamed into place.

    Without ``force`` an existing file is never replaced, even one that appears
    while we write (a hard link fails if the name is taken).
    """
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists: use --force to replace it")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    try:
        _write_via_temporary(path, folder, text, force)
    except OSError as error:
        raise UsageError(f"{path}: cannot write it ({error.strerror})") from None


def _write_via_temporary(path: Path, folder: Path, text: str, force: bool) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise UsageError(f"{path} already exists: use --force to replace it") from None
            except OSError:  # a file system without hard links: the check above has to do
                os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def run(args: argparse.Namespace) -> int:
    pack_sha256 = args.pack_sha256.lower() if args.pack_sha256 else None
    if pack_sha256 is not None and not _SHA256.fullmatch(pack_sha256):
        raise UsageError("--pack-sha256 takes the 64 hexadecimal characters of a SHA-256")
    pack_name = None
    if args.pack:
        pack_sha256, pack_name = file_sha256(args.pack), Path(args.pack).name
    conversations = read_check(args.from_check) if args.from_check else ()
    chosen = situation(args, args.url, conversations)
    context = (context_from_check(conversations, chosen, pack_name=pack_name, pack_sha256=pack_sha256)
               if conversations else DraftContext(chosen, pack_name=pack_name, pack_sha256=pack_sha256))
    markdown = args.markdown or bool(args.out and args.out.lower().endswith(".md"))
    text = render_draft(args.kind, context, markdown=markdown)
    if args.out:
        write_new(Path(args.out), text, args.force)
        sys.stderr.write(f"takeback: wrote {safe(args.out)}. Read it and fill in the [square brackets].\n")
    else:
        sys.stdout.write(safe(text))
    return 0
