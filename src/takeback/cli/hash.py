"""Make fingerprints (hashes) of photos and videos, on this device.

Nothing is uploaded, copied or shown: each file is read once to compute its
SHA-256 and MD5 and, for images, its PDQ hash. These are the fingerprints
StopNCII (adults) and Take It Down (under 18) use to find and block copies of
an image, without anyone seeing it. --csv writes them in the signal types
hash-sharing systems exchange: `pdq` for images, `video_md5` for videos.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import asdict

from takeback.cli._output import dumps, safe
from takeback.media import MediaHash, hash_paths

HELP = "make fingerprints (hashes) of photos and videos for removal services, on this device"
ORDER = 40
CSV_FIELDS = ("signal_type", "signal", "pdq_quality", "media_type", "sha256", "md5", "size", "path")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="photos, videos or folders")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="write JSON lines, one per file")
    output.add_argument("--csv", action="store_true",
                        help="write CSV with signal types pdq / video_md5 / md5")
    parser.set_defaults(run=run)


def signal(item: MediaHash) -> tuple[str, str]:
    """The hash a removal service takes for this file, and its signal-type name."""
    if item.pdq is not None:
        return "pdq", item.pdq
    if item.media_type and item.media_type.startswith("video/"):
        return "video_md5", item.md5
    return "md5", item.md5


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n") if args.csv else None
    if writer:
        writer.writerow(CSV_FIELDS)
    count = 0
    for item in hash_paths(args.paths):
        count += 1
        kind, value = signal(item)
        if writer:
            writer.writerow((kind, value, item.pdq_quality if item.pdq_quality is not None else "",
                             item.media_type or "", item.sha256, item.md5, item.size, item.path))
        elif args.json:
            out.write(dumps({**asdict(item), "signal_type": kind, "signal": value}) + "\n")
        else:
            out.write(f"{safe(item.path)}\n  {kind}: {value}\n  sha256: {item.sha256}\n")
            if item.note:
                out.write(f"  note: {safe(item.note)}\n")
    if not (args.csv or args.json):
        out.write(f"\n{count} file{'s' if count != 1 else ''} hashed. Nothing was copied or uploaded.\n")
    return 0
