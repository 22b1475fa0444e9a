"""Check photos and videos against a list of known hashes (a bank), on this device.

The bank is a file of hashes: what 'takeback hash --json' or '--csv' writes,
a hash-exchange CSV (signal_type and signal columns), or one hash per line.
Images match by PDQ distance (31 or less by default; both hashes need quality
50 or more); videos and other files match exactly by MD5 or SHA-256. Videos
also match banked video PDQ (vpdq) hashes when enough of their frames are
within that distance (the `video` extra decodes them). Nothing is copied,
uploaded or shown.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from takeback.cli._output import dumps, err, safe
from takeback.cli.hash import NO_VIDEO_PDQ, is_video
from takeback.media import MediaHash, hash_paths, video
from takeback.media.match import (
    DEFAULT_THRESHOLD,
    VIDEO_BANK_PERCENT,
    VIDEO_QUERY_PERCENT,
    Match,
    load_bank,
    match,
)

HELP = "check photos and videos against a list of known hashes, on this device"
ORDER = 45


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="photos, videos or folders")
    parser.add_argument("--bank", required=True, metavar="FILE", help="the hashes to match against")
    parser.add_argument("--negative-bank", metavar="FILE",
                        help="hashes of known false positives, never reported")
    parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, metavar="N",
                        help=f"largest PDQ distance that counts as a match (default {DEFAULT_THRESHOLD})")
    parser.add_argument("--rotations", action="store_true",
                        help="also match rotated and flipped copies of images")
    parser.add_argument("--video-percent", type=float, default=VIDEO_QUERY_PERCENT, metavar="P",
                        help="share of a video's frames that must match a banked video "
                             f"(default {VIDEO_QUERY_PERCENT:g})")
    parser.add_argument("--video-bank-percent", type=float, default=VIDEO_BANK_PERCENT, metavar="P",
                        help="share of the banked video's frames that must be matched "
                             f"(default {VIDEO_BANK_PERCENT:g})")
    parser.add_argument("--json", action="store_true", help="write JSON lines, one per match")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    bank = load_bank(args.bank)
    negative = load_bank(args.negative_bank) if args.negative_bank else None
    out = sys.stdout
    count, videos = 0, 0

    def counted(items: Iterator[MediaHash]) -> Iterator[MediaHash]:
        nonlocal videos
        for item in items:
            videos += is_video(item)
            yield item

    # Videos are decoded only when the bank holds video PDQ hashes to match them with.
    items = counted(hash_paths(args.paths, dihedral=args.rotations, vpdq=bank.has_videos))
    for found in match(items, bank, args.threshold, negative, args.video_percent, args.video_bank_percent):
        count += 1
        entry = found.entry
        if args.json:
            record = {
                "path": found.path, "distance": found.distance, "transform": found.transform,
                "signal_type": entry.signal_type, "signal": entry.value,
                "bank_line": entry.line, "metadata": dict(entry.metadata or {}),
            }
            if found.query_percent is not None:
                record |= {"query_percent": found.query_percent, "bank_percent": found.bank_percent}
            out.write(dumps(record) + "\n")
        else:
            out.write(f"{safe(found.path)}: matches bank line {entry.line} ({how(found)})\n")
    if not args.json:
        out.write(f"{count} match{'es' if count != 1 else ''} against {len(bank)} banked hashes.\n")
    if videos and bank.has_videos and not video.available():
        err(NO_VIDEO_PDQ)
    return 0


def how(found: Match) -> str:
    """How a file matched, in a few words."""
    if found.query_percent is not None:
        return (f"video PDQ: {found.query_percent:.0f}% of its frames, "
                f"{found.bank_percent:.0f}% of the banked video's")
    if found.entry.signal_type != "pdq":
        return "exact"
    turned = "" if found.transform == "original" else f", {found.transform}"
    return f"PDQ distance {found.distance}{turned}"
