"""Media benchmarks: PDQ hashing throughput and bank matching at scale.

    python benchmarks/media.py [--photos 20] [--video-seconds 10] [--bank-sizes 1000000,10000000]
                               [--queries 200]

1. Hashing: 12-megapixel JPEGs through takeback's decode path (JPEG draft
   decode, then the reference 512 px bicubic shrink) next to the naive path
   (full decode, then PDQ on the full image), in the same run. Medians.
2. Video PDQ: a 720p, 30 fps clip made in the run (the `video` extra), hashed
   at one frame per second, next to decoding it alone with PyAV (the floor).
3. Matching: build time, memory of the index, and query latency at radius 31
   for banks of random PDQ hashes, next to a direct (brute-force numpy) scan
   and faiss's IndexBinaryMultiHash (benchmark-only: pip install faiss-cpu).
   Each query is a banked hash with 31 bits flipped, so recall is checked too.

The machine is shared and noisy: read the medians and the ratios.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from takeback.media import hash_file, hash_video
from takeback.media.match import Bank, BankEntry


def photo(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (4000, 3000), tuple(int(x) for x in rng.integers(0, 255, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = int(rng.integers(0, 4000)), int(rng.integers(0, 3000))
        r = int(rng.integers(50, 800))
        draw.ellipse((x, y, x + r, y + r), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def naive_pdq(path: Path) -> str:
    import pdqhash

    pixels = np.asarray(Image.open(path).convert("RGB"))
    bits, _ = pdqhash.compute(pixels)
    return bytes(np.packbits(bits.astype(np.uint8))).hex()


def medians(
    ours: Callable[[Path], object], other: Callable[[Path], object], paths: list[Path]
) -> tuple[float, float]:
    """Median seconds of each function over ``paths``, the two taking turns on each path."""
    first, second = [], []
    for path in paths:
        start = time.perf_counter()
        ours(path)
        first.append(time.perf_counter() - start)
        start = time.perf_counter()
        other(path)
        second.append(time.perf_counter() - start)
    return statistics.median(first), statistics.median(second)


def bench_hashing(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for seed in range(count):
            path = Path(folder) / f"p{seed}.jpg"
            path.write_bytes(photo(seed))
            paths.append(path)
        a, b = medians(hash_file, naive_pdq, paths)
        print(f"hashing 12 MP JPEGs ({count}): takeback {1 / a:6.1f} images/s (median {a * 1000:.0f} ms, "
              f"incl. SHA-256+MD5) | naive full decode {1 / b:6.1f} images/s ({b * 1000:.0f} ms) | "
              f"speed-up x{b / a:.1f}")


def clip(path: Path, seconds: int, fps: int = 30) -> int:
    """A 1280x720 clip of a picture panning sideways; returns its frame count."""
    import av

    rng = np.random.default_rng(7)
    base = Image.new("RGB", (2560, 720), (90, 100, 110))
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y, r = int(rng.integers(0, 2560)), int(rng.integers(0, 720)), int(rng.integers(40, 300))
        draw.ellipse((x, y, x + r, y + r), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    pixels = np.asarray(base)
    frames = seconds * fps
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "veryfast"})
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        for index in range(frames):
            left = index * 4
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels[:, left : left + 1280]), "rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return frames


def decode_only(path: Path) -> None:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            pass


def bench_video(seconds: int, runs: int = 3) -> None:
    try:
        import av  # noqa: F401
    except ImportError:
        print("video PDQ: PyAV not installed (pip install 'takeback[video]'): skipped")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        frames = clip(path, seconds)
        hashed = len(hash_video(path).frames)
        a, b = medians(hash_video, decode_only, [path] * runs)
        print(f"video PDQ, 720p {seconds} s clip ({frames} frames, {hashed} hashed): takeback "
              f"{1 / a:5.2f} videos/s, {frames / a:6.0f} frames/s decoded (median {a:.2f} s) | "
              f"decode alone {frames / b:6.0f} frames/s ({b:.2f} s) | overhead x{a / b:.2f}")


def flipped(row: np.ndarray, bits: int, rng: np.random.Generator) -> np.ndarray:
    out = row.copy()
    for bit in rng.choice(256, bits, replace=False):
        out[bit // 8] ^= np.uint8(1 << (7 - bit % 8))
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_matching(size: int, queries: int) -> None:
    rng = np.random.default_rng(size)
    matrix = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    values = [bytes(row).hex() for row in matrix]
    entries = [BankEntry("pdq", v) for v in values]
    del values
    before = rss_mb()
    start = time.perf_counter()
    bank = Bank(entries)
    build = time.perf_counter() - start
    grown = rss_mb() - before
    targets = rng.integers(0, size, queries)
    probes = [bytes(flipped(matrix[t], 31, rng)).hex() for t in targets]
    latencies, recalled = [], 0
    for target, probe in zip(targets, probes, strict=True):
        start = time.perf_counter()
        found = bank.near(probe, 31)
        latencies.append(time.perf_counter() - start)
        recalled += any(entry is entries[target] for entry, _ in found)
    direct = []
    for probe in probes[: max(3, queries // 20)]:
        query = np.frombuffer(bytes.fromhex(probe), dtype=np.uint8)
        start = time.perf_counter()
        distances = np.bitwise_count(np.bitwise_xor(matrix, query)).sum(axis=1)
        np.nonzero(distances <= 31)
        direct.append(time.perf_counter() - start)
    q, d = statistics.median(latencies), statistics.median(direct)
    print(f"bank of {size:>10,} PDQ hashes: takeback build {build:5.1f} s, index +{grown:,.0f} MB, "
          f"query {q * 1000:.2f} ms median at radius 31, recall {recalled}/{queries} | "
          f"direct scan {d * 1000:.1f} ms/query (x{d / q:.0f})")
    del bank
    bench_faiss(matrix, targets, probes)


def bench_faiss(matrix: np.ndarray, targets: np.ndarray, probes: list[str]) -> None:
    """The obvious alternative: faiss's IndexBinaryMultiHash with the same 16x16-bit layout."""
    try:
        import faiss
    except ImportError:
        print("  faiss not installed (pip install faiss-cpu): no faiss baseline")
        return
    before = rss_mb()
    start = time.perf_counter()
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    index.add(matrix)
    build = time.perf_counter() - start
    latencies, recalled = [], 0
    for target, probe in zip(targets, probes, strict=True):
        query = np.frombuffer(bytes.fromhex(probe), dtype=np.uint8).reshape(1, 32)
        start = time.perf_counter()
        limits, _, labels = index.range_search(query, 32)
        latencies.append(time.perf_counter() - start)
        recalled += int(target) in labels[limits[0] : limits[1]]
    q = statistics.median(latencies)
    grown = rss_mb() - before
    print(f"  faiss IndexBinaryMultiHash: build {build:5.1f} s, index +{grown:,.0f} MB (peak-based), "
          f"query {q * 1000:.2f} ms median, recall {recalled}/{len(probes)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--video-seconds", type=int, default=10)
    parser.add_argument("--bank-sizes", default="1000000,10000000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    bench_hashing(args.photos)
    if args.video_seconds:
        bench_video(args.video_seconds)
    for size in (int(s) for s in args.bank_sizes.split(",") if s):
        bench_matching(size, args.queries)


if __name__ == "__main__":
    main()
