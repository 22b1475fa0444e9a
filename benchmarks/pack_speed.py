"""Evidence pack speed: `takeback pack` next to `sha256sum` over the same files, in the same run.

    python benchmarks/pack_speed.py [--size-mb 1024] [--chat-mb 4] [--photos 200] [--repeats 3] [--keep DIR]

Generates, in a temporary folder, about ``--size-mb`` of inputs shaped like what
a person hands over: a large WhatsApp text export (``--chat-mb``, a fictional
chat with a sextortion thread in it) and a WhatsApp export zip whose chat refers
to its media: ``--photos`` photos (real JPEGs of about 300 KB, as WhatsApp sends
them, so PDQ decodes them) and videos for the rest (MP4 headers over random
bytes), stored as phones store them.

Then, in the same run and on the same warm files, it times:

- ``sha256sum`` over the input files: the hashing floor (one pass, one hash);
- ``md5sum`` over the same files, for reference;
- ``takeback pack`` of those files, in a fresh process each time (interpreter
  start and imports included, as a person would run it).

Medians of ``--repeats``. The target is a pack within 1.5x of the sha256sum
floor. The pack does more than one hash: SHA-256 and MD5 of every file and
archive member, PDQ of every photo, reading and assessing the chats, copying
the chat files, and writing the reports and exports; images and videos are
fingerprinted, not copied, as the policy asks. CPU seconds are shown too,
because the machine may be shared.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
WORDS = (
    "hey ok yes no maybe later tonight tomorrow see you soon send that photo please thanks where are "
    "you what time is it coming home now running late lol haha sure why not call me when you can"
).split()
THREAT = [
    "you seem cool where are you from",
    "send me a pic of you, something sexy",
    "I have your pictures. Pay 500 or I send them to all your followers",
    "pay to paypal.me/alexpays99 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "you have 24 hours. call me on +44 7700 900123",
]


def _chat_lines(rng: random.Random, megabytes: float, media: list[str]) -> bytes:
    """A WhatsApp Android export: dd/mm/yyyy, 24h; the media named where they were sent."""
    pool = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 16))) for _ in range(2048)]
    when = datetime(2024, 1, 1, 9, 0)
    out = io.StringIO()
    target = int(megabytes * (1 << 20))
    line = 0
    attached = list(media)
    while out.tell() < target or attached:
        when += timedelta(seconds=rng.randint(5, 600))
        sender = "Alex" if line % 3 else "Sam"
        if attached and line % 50 == 7:
            text = f"{attached.pop()} (file attached)"
        elif line % 5000 == 4000:
            text = THREAT[(line // 5000) % len(THREAT)]
        else:
            text = rng.choice(pool)
        out.write(f"{when:%d/%m/%Y, %H:%M} - {sender}: {text}\n")
        line += 1
    return out.getvalue().encode("utf-8")


def _photos(count: int, seed: int) -> list[bytes]:
    """Photos as WhatsApp sends them: 1600x1200 JPEGs of about 300 KB (a smooth scene with grain)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:1200, 0:1600]
    scene = np.stack([x / 1600 * 255, y / 1200 * 255, (x + y) / 2800 * 255], -1)
    found = []
    for _ in range(count):
        pixels = np.clip(scene + rng.normal(0, 12, scene.shape), 0, 255).astype(np.uint8)
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, "JPEG", quality=75)
        found.append(out.getvalue())
    return found


def make_inputs(folder: Path, size_mb: int, chat_mb: int, photos: int, seed: int = 5) -> list[Path]:
    rng = random.Random(seed)
    big_chat = folder / "WhatsApp Chat with Alex.txt"
    big_chat.write_bytes(_chat_lines(rng, chat_mb, []))
    images = _photos(photos, seed)
    media_bytes = (max(size_mb - chat_mb - 1, 1) << 20) - sum(map(len, images))
    videos = max(1, media_bytes // (64 << 20))
    video_size = (media_bytes // videos) & ~0xFFF
    names = [f"IMG-20240101-WA{n:04d}.jpg" for n in range(photos)]
    names += [f"VID-20240101-WA{n:04d}.mp4" for n in range(videos)]
    export = folder / "WhatsApp Chat with Sam.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr(zipfile.ZipInfo("_chat.txt", (2024, 1, 2, 0, 0, 0)), _chat_lines(rng, 0.2, names),
                         zipfile.ZIP_DEFLATED)
        for n, name in enumerate(names):
            info = zipfile.ZipInfo(name, (2024, 1, 2, 0, 0, 0))
            if name.endswith(".jpg"):
                archive.writestr(info, images[n])
                continue
            with archive.open(info, "w", force_zip64=True) as member:
                member.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
                left = video_size - 24
                while left > 0:
                    chunk = rng.randbytes(min(left, 8 << 20))
                    member.write(chunk)
                    left -= len(chunk)
    return [big_chat, export]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="inputs to generate, in MiB")
    parser.add_argument("--chat-mb", type=int, default=4, help="of which the big chat text, in MiB")
    parser.add_argument("--photos", type=int, default=200, help="photos among the media (PDQ is computed "
                        "for each: about 25 ms of CPU a photo, which sha256sum does not do)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    sha256sum, md5sum = shutil.which("sha256sum"), shutil.which("md5sum")
    if sha256sum is None or md5sum is None:
        sys.exit("needs sha256sum and md5sum (coreutils)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="takeback-pack-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        (folder / "inputs").mkdir(exist_ok=True)
        inputs = make_inputs(folder / "inputs", args.size_mb, args.chat_mb, args.photos)
        total = sum(p.stat().st_size for p in inputs)
        print(f"inputs: {total / (1 << 20):.0f} MiB in {len(inputs)} files "
              f"(generated in {time.perf_counter() - started:.0f} s)")
        out = folder / "case.zip"
        env = {**os.environ, "PYTHONPATH": str(SRC), "SOURCE_DATE_EPOCH": "1704067200"}
        run = "import sys; from takeback.cli import main; sys.exit(main(sys.argv[1:]))"
        pack = [sys.executable, "-c", run, "pack", *map(str, inputs), "--out", str(out), "--force",
                "--victim-age", "16"]
        floor = [sha256sum, *map(str, inputs)]
        md5 = [md5sum, *map(str, inputs)]
        timed(floor)  # warm the page cache for everyone
        results: dict[str, list[tuple[float, float]]] = {"sha256sum": [], "md5sum": [], "takeback pack": []}
        for _ in range(args.repeats):
            results["sha256sum"].append(timed(floor))
            results["md5sum"].append(timed(md5))
            results["takeback pack"].append(timed(pack, env))
        base = statistics.median(w for w, _ in results["sha256sum"])
        print(f"{'':14} {'wall s':>8} {'cpu s':>8} {'MiB/s':>8} {'x floor':>8}   (medians of {args.repeats})")
        for name, runs in results.items():
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"{name:14} {wall:8.2f} {cpu:8.2f} {total / (1 << 20) / wall:8.0f} {wall / base:8.2f}")
        print(f"pack written: {out.stat().st_size / (1 << 20):.1f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
