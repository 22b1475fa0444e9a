"""Make fingerprints (hashes) of photos and videos, on this device.

Nothing is uploaded, copied or shown: each file is read once to compute its
SHA-256 and MD5 and, for images, its PDQ hash. These are the fingerprints
StopNCII (adults) and Take It Down (under 18) use to find and block copies of
an image, without anyone seeing it. Videos also get video PDQ (one PDQ hash
per second of video) when the `video` extra is installed. --csv writes them
in the signal types hash-sharing systems exchange: `pdq` for images,
`video_md5` and `vpdq` for videos; --vpdq writes one video's hash in vpdq's
own file format.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import asdict
from pathlib import Path

from takeback.cli._output import dumps, err, safe
from takeback.errors import CorruptInput, UnsupportedFormat, UsageError
from takeback.media import MediaHash, hash_paths, video

HELP = "make fingerprints (hashes) of photos and videos for removal services, on this device"
ORDER = 40
CSV_FIELDS = ("signal_type", "signal", "pdq_quality", "media_type", "sha256", "md5", "size", "path")
NO_VIDEO_PDQ = f"videos got SHA-256 and MD5 only; for video PDQ too: {video.INSTALL_HINT}"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="photos, videos or folders")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="write JSON lines, one per file")
    output.add_argument("--csv", action="store_true",
                        help="write CSV with signal types pdq / video_md5 / vpdq / md5")
    output.add_argument("--vpdq", action="store_true",
                        help="write one video's video PDQ hash in vpdq's file format "
                             "(frame,quality,hash,timestamp lines)")
    parser.set_defaults(run=run)


def signal(item: MediaHash) -> tuple[str, str]:
    """The hash a removal service takes for this file, and its signal-type name."""
    if item.pdq is not None:
        return "pdq", item.pdq
    if is_video(item):
        return "video_md5", item.md5
    return "md5", item.md5


def is_video(item: MediaHash) -> bool:
    return bool(item.media_type and item.media_type.startswith("video/"))


def run(args: argparse.Namespace) -> int:
    if args.vpdq:
        return write_vpdq(args.paths)
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n") if args.csv else None
    if writer:
        writer.writerow(CSV_FIELDS)
    count, videos = 0, 0
    for item in hash_paths(args.paths, vpdq=True):
        count += 1
        videos += is_video(item)
        kind, value = signal(item)
        if writer:
            quality = item.pdq_quality if item.pdq_quality is not None else ""
            rest = (item.media_type or "", item.sha256, item.md5, item.size, item.path)
            writer.writerow((kind, value, quality, *rest))
            if item.vpdq:
                writer.writerow(("vpdq", video.to_signal(item.vpdq), "", *rest))
        elif args.json:
            out.write(dumps({**asdict(item), "signal_type": kind, "signal": value}) + "\n")
        else:
            out.write(f"{safe(item.path)}\n  {kind}: {value}\n  sha256: {item.sha256}\n")
            if item.vpdq:
                out.write(f"  vpdq: {len(item.vpdq)} frames, one per second\n")
            if item.note:
                out.write(f"  note: {safe(item.note)}\n")
    if not (args.csv or args.json):
        out.write(f"\n{count} file{'s' if count != 1 else ''} hashed. Nothing was copied or uploaded.\n")
    if videos and not video.available():
        err(NO_VIDEO_PDQ)
    return 0


def write_vpdq(paths: list[str]) -> int:
    """One video's frames in vpdq's file format, so vpdq's own tools can match it."""
    if len(paths) != 1 or Path(paths[0]).is_dir():
        raise UsageError("--vpdq writes one video's hash: give one video file")
    if not video.available():
        raise UsageError(f"video PDQ needs the video extra: {video.INSTALL_HINT}")
    [item] = hash_paths(paths, vpdq=True)
    if not is_video(item):
        raise UnsupportedFormat("not a video takeback can decode", item.path)
    if not item.vpdq:
        raise CorruptInput(f"no video PDQ hash: {item.note}", item.path)
    sys.stdout.write(video.to_vpdq_file(item.vpdq))
    if item.note:
        err(f"{item.path}: {item.note}")
    return 0
