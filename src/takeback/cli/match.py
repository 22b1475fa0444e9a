"""Check photos and videos against a list of known hashes (a bank), on this device.

The bank is a file of hashes: what 'takeback hash --json' or '--csv' writes,
a hash-exchange CSV (signal_type and signal columns), or one hash per line.
Images match by PDQ distance (31 or less by default; both hashes need quality
50 or more); videos and other files match exactly by MD5 or SHA-256. Nothing
is copied, uploaded or shown.
"""

from __future__ import annotations

import argparse
import sys

from takeback.cli._output import dumps, safe
from takeback.media import hash_paths
from takeback.media.match import DEFAULT_THRESHOLD, load_bank, match

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
    parser.add_argument("--json", action="store_true", help="write JSON lines, one per match")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    bank = load_bank(args.bank)
    negative = load_bank(args.negative_bank) if args.negative_bank else None
    out = sys.stdout
    count = 0
    for found in match(hash_paths(args.paths, dihedral=args.rotations), bank, args.threshold, negative):
        count += 1
        entry = found.entry
        if args.json:
            out.write(dumps({
                "path": found.path, "distance": found.distance, "transform": found.transform,
                "signal_type": entry.signal_type, "signal": entry.value,
                "bank_line": entry.line, "metadata": dict(entry.metadata or {}),
            }) + "\n")
        else:
            how = "exact" if entry.signal_type != "pdq" else f"PDQ distance {found.distance}"
            turned = "" if found.transform == "original" else f", {found.transform}"
            out.write(f"{safe(found.path)}: matches bank line {entry.line} ({how}{turned})\n")
    if not args.json:
        out.write(f"{count} match{'es' if count != 1 else ''} against {len(bank)} banked hashes.\n")
    return 0
