"""Video PDQ (vPDQ): frame sampling, re-encoded copies, damaged files, the exchange formats
and matching by vPDQ's rule. Videos are made here with PyAV; tests that decode skip without it."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from takeback.cli import main
from takeback.errors import CorruptInput, UnsafeInput
from takeback.media import hash_file, video
from takeback.media import match as matching
from takeback.media.match import Bank, BankEntry, load_bank, match, read_bank
from takeback.media.video import VideoFrame, hash_video, parse_vpdq, to_signal, to_vpdq_file

from .writes import watch_writes

SIZE = 128


def picture(t: float, pattern: int) -> Image.Image:
    """Large dark and bright shapes drifting over grey, softened: strong low-frequency
    structure, so PDQ sees the same picture whatever the codec and size."""
    rng = random.Random(pattern)
    image = Image.new("RGB", (SIZE, SIZE), (110, 120, 130))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x0, y0, vx, vy = rng.random(), rng.random(), rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)
        x, y = ((x0 + vx * t) % 1.2 - 0.3) * SIZE, ((y0 + vy * t) % 1.2 - 0.3) * SIZE
        w, h = rng.uniform(0.25, 0.5) * SIZE, rng.uniform(0.25, 0.5) * SIZE
        level = 230 if i % 2 else 20
        fill = (level, max(0, level - rng.randrange(60)), min(255, level + rng.randrange(25)))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=fill)
    return image.filter(ImageFilter.GaussianBlur(1.5))


def make_clip(path: Path, *, pattern: int = 0, seconds: float = 4, fps: int = 10, size: int = SIZE,
              codec: str = "libx264", bit_rate: int | None = None) -> Path:
    av = pytest.importorskip("av", reason="the video extra is not installed")
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        if bit_rate:
            stream.bit_rate = bit_rate
        for index in range(round(seconds * fps)):
            image = picture(index / fps, pattern)
            if size != SIZE:
                image = image.resize((size, size), Image.Resampling.BILINEAR)
            frame = av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    return {
        "original": make_clip(folder / "original.mp4"),
        "vp9": make_clip(folder / "smaller.webm", size=96, codec="libvpx-vp9", bit_rate=100_000),
        "mpeg4": make_clip(folder / "other-rate.avi", size=96, codec="mpeg4", fps=15, bit_rate=100_000),
        "low": make_clip(folder / "low-bitrate.mp4", bit_rate=20_000),
        "tiny": make_clip(folder / "tiny.mp4", size=64, bit_rate=60_000),
        "different": make_clip(folder / "different.mp4", pattern=7),
        "webm": make_clip(folder / "whole.webm", codec="libvpx-vp9"),
    }


def distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


@pytest.mark.parametrize(
    ("fps", "seconds", "per_hash", "numbers"),
    [
        (10, 4, 1.0, [0, 10, 20, 30]),
        (15, 3, 1.0, [0, 15, 30]),
        (10, 2, 0.5, [0, 5, 10, 15]),
        (4, 2, 0.1, list(range(8))),  # less than one frame per step: every frame
        (10, 4, 2.5, [0, 25]),
    ],
)
def test_frames_are_sampled_as_vpdq_does(tmp_path: Path, fps: int, seconds: float, per_hash: float,
                                         numbers: list[int]) -> None:
    clip = make_clip(tmp_path / "clip.mp4", fps=fps, seconds=seconds)
    found = hash_video(clip, seconds_per_hash=per_hash)
    assert [f.frame for f in found.frames] == numbers
    assert [f.timestamp for f in found.frames] == [round(n / fps, 3) for n in numbers]
    assert found.note is None and all(f.quality >= 50 for f in found.frames)


@pytest.mark.parametrize("copy", ["vp9", "mpeg4", "low", "tiny"])
def test_reencoded_copy_matches(tmp_path: Path, clips: dict[str, Path], copy: str) -> None:
    bank = tmp_path / "bank.jsonl"
    bank.write_text(json.dumps({"vpdq": [_frame_record(f) for f in hash_video(clips["original"]).frames],
                                "case": "C-7"}) + "\n", encoding="utf-8")
    [found] = match([hash_file(clips[copy], vpdq=True)], load_bank(bank))
    assert found.entry.signal_type == "vpdq" and found.entry.metadata == {"case": "C-7"}
    assert found.query_percent == found.bank_percent == 100.0
    assert found.distance <= 31


def _frame_record(frame: VideoFrame) -> dict[str, Any]:
    return {"frame": frame.frame, "pdq": frame.pdq, "quality": frame.quality, "timestamp": frame.timestamp}


def test_different_video_does_not_match(clips: dict[str, Path]) -> None:
    original, other = hash_video(clips["original"]).frames, hash_video(clips["different"]).frames
    assert min(f.quality for f in other) >= 50  # not excluded by quality: far apart
    assert min(distance(a.pdq, b.pdq) for a in original for b in other) > 31
    bank = Bank([BankEntry("vpdq", to_signal(original), line=1)])
    assert bank.videos_near(other, 31, 0.0, 0.0) == []


def test_hashing_writes_nothing(tmp_path: Path, clips: dict[str, Path],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # FFmpeg writes through C, not open(): nothing may appear here
    written = watch_writes(monkeypatch)
    before = {p.name for p in clips["original"].parent.iterdir()}
    result = hash_file(clips["original"], vpdq=True)
    assert len(result.vpdq) == 4 and written == []
    assert {p.name for p in clips["original"].parent.iterdir()} == before and not any(workdir.iterdir())


def test_cut_off_stream_keeps_what_could_be_hashed(tmp_path: Path, clips: dict[str, Path]) -> None:
    data = clips["webm"].read_bytes()
    cut = tmp_path / "cut.webm"
    cut.write_bytes(data[: len(data) // 2])
    result = hash_file(cut, vpdq=True)
    assert 0 < len(result.vpdq) < 4 and result.note and "cut short" in result.note
    assert result.md5 and result.sha256


def test_cut_mp4_is_a_note_then_a_clear_error(tmp_path: Path, clips: dict[str, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = clips["original"].read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])  # PyAV writes the index last: it is lost
    result = hash_file(cut, vpdq=True)
    assert result.vpdq == () and result.note and result.note.startswith("video cannot be decoded")
    with pytest.raises(CorruptInput, match=r"cut\.mp4: video cannot be decoded"):
        hash_video(cut)
    assert main(["hash", str(cut)]) == 0
    assert "note: video cannot be decoded" in capsys.readouterr().out
    assert main(["hash", str(cut), "--vpdq"]) == 1
    assert "cut.mp4: no video PDQ hash" in capsys.readouterr().err


def test_huge_pictures_are_refused(clips: dict[str, Path]) -> None:
    with pytest.raises(UnsafeInput, match=r"original\.mp4: video is 128x128 pixels, too large"):
        hash_video(clips["original"], max_pixels=128 * 127)
    assert len(hash_video(clips["original"], max_pixels=128 * 128).frames) == 4


def test_absurd_frame_rate_is_refused(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "fast.mp4", fps=5000, seconds=0.002, size=32)
    result = hash_file(clip, vpdq=True)
    assert result.vpdq == () and result.note and "5000 frames per second" in result.note


def test_frames_beyond_the_limit_are_left_out_with_a_note(clips: dict[str, Path]) -> None:
    found = hash_video(clips["original"], max_frames=2)
    assert [f.frame for f in found.frames] == [0, 10]
    assert found.note and "only the first 2 sampled frames" in found.note


def test_not_a_video_is_a_note(tmp_path: Path) -> None:
    pytest.importorskip("av", reason="the video extra is not installed")
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20)
    result = hash_file(path, vpdq=True)
    assert result.vpdq == () and result.note and "cannot be decoded" in result.note


# The exchange formats: vpdq's file lines and HMA's signal, read back exactly.

FRAMES = (VideoFrame(0, "ab" * 32, 100, 0.0), VideoFrame(30, "cd" * 32, 45, 1.0),
          VideoFrame(60, "0f" * 32, 87, 2.002))


def test_vpdq_file_format() -> None:
    text = to_vpdq_file(FRAMES)
    assert text.splitlines()[1] == f"30,45,{'cd' * 32},1.000"
    assert parse_vpdq(text) == FRAMES


def test_hma_signal_format() -> None:
    signal = to_signal(FRAMES)
    assert json.loads(signal)[2] == f"{'0f' * 32},87,2.002"
    assert [(f.pdq, f.quality, f.timestamp) for f in parse_vpdq(signal)] == [
        (f.pdq, f.quality, f.timestamp) for f in FRAMES]


@pytest.mark.parametrize(
    "value",
    ["", "[]", "0,100,abc,0.0", f"0,100,{'ab' * 32}", f'["{"ab" * 32},101,0.0"]',
     f'["{"ab" * 32},100,-1"]', f'["{"ab" * 32},100,nan"]', "[1, 2]", '{"a": 1}',
     [{"pdq": "ab" * 32, "quality": 90}]],
)
def test_malformed_vpdq_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"video PDQ|vpdq"):
        parse_vpdq(value)


def csv_text(*rows: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("vpdq.txt", to_vpdq_file(FRAMES)),
        ("hma.csv", csv_text(["signal_type", "signal", "case"], ["vpdq", to_signal(FRAMES), "C-3"])),
        ("old.csv", csv_text(["signal_type", "signal"], ["video_vpdq", to_signal(FRAMES)])),
        ("takeback.jsonl", json.dumps({"vpdq": [_frame_record(f) for f in FRAMES]}) + "\n"),
    ],
)
def test_vpdq_banks(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [entry] = read_bank(path)
    assert entry.signal_type == "vpdq" and entry.value == to_signal(FRAMES)


@pytest.mark.parametrize(
    "text",
    ["signal_type,signal\nvpdq,not-a-hash\n", '{"vpdq": "0,100,zz,0"}\n', '{"vpdq": [{"pdq": "ab"}]}\n'],
)
def test_bad_vpdq_bank_lines_are_named(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorruptInput, match=r"bad\.csv: bank has lines that are not hashes \(line [12]\)"):
        read_bank(path)


# Matching by vPDQ's rule, checked against the rule written out plainly (vpdq's README).

def near(value: str, bits: int, rng: random.Random) -> str:
    number = int(value, 16)
    for bit in rng.sample(range(256), bits):
        number ^= 1 << bit
    return f"{number:064x}"


def reference(query: list[VideoFrame], target: list[VideoFrame], threshold: int) -> tuple[float, float]:
    def unique(frames: list[VideoFrame]) -> list[str]:
        return list(dict.fromkeys(f.pdq for f in frames if f.quality >= 50))

    q, t = unique(query), unique(target)
    q_hits = sum(any(distance(a, b) <= threshold for b in t) for a in q)
    t_hits = sum(any(distance(a, b) <= threshold for a in q) for b in t)
    return q_hits * 100 / len(q), t_hits * 100 / len(t)


def videos(seed: int) -> tuple[list[VideoFrame], list[list[VideoFrame]]]:
    """A query video and banked videos sharing some of its frames (some nearly, some not)."""
    rng = random.Random(seed)
    shots = ["".join(rng.choice("0123456789abcdef") for _ in range(64)) for _ in range(12)]
    query = [VideoFrame(i, shots[i % 8], rng.choice([100, 90, 40]), float(i)) for i in range(10)]
    banked = []
    for _ in range(6):
        frames = [VideoFrame(i, near(rng.choice(shots), rng.choice([0, 10, 31, 32, 60]), rng),
                             rng.choice([100, 80, 49]), float(i)) for i in range(rng.randint(1, 9))]
        banked.append(frames)
    return query, banked


@pytest.mark.parametrize("indexed", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_bank_matches_the_reference_rule(monkeypatch: pytest.MonkeyPatch, seed: int, indexed: bool) -> None:
    monkeypatch.setattr(matching, "INDEX_FROM", 1 if indexed else 10**9)
    query, banked = videos(seed)
    bank = Bank([BankEntry("vpdq", to_signal(frames), line=n) for n, frames in enumerate(banked, 1)])
    assert (bank._frames.index is not None) is indexed
    found = {entry.line: (mine, theirs) for entry, mine, theirs, _ in bank.videos_near(query, 31, 0.0, 0.0)}
    for line, frames in enumerate(banked, 1):
        usable = [f for f in frames if f.quality >= 50]
        expected = reference(query, usable, 31) if usable else (0.0, 0.0)
        assert found.get(line, (0.0, 0.0)) == pytest.approx(expected), line


@pytest.mark.parametrize(
    ("query_percent", "bank_percent", "matches"),
    [(80, 0, True), (81, 0, False), (80, 40, True), (80, 41, False), (0, 0, True)],
)
def test_both_percentages_must_be_reached(query_percent: float, bank_percent: float, matches: bool) -> None:
    rng = random.Random(3)
    shots = ["".join(rng.choice("0123456789abcdef") for _ in range(64)) for _ in range(15)]
    query = [VideoFrame(i, shots[i], 90, float(i)) for i in range(5)]  # 4 of 5 banked: 80%
    banked = [VideoFrame(i, near(shots[i], 5, rng) if i < 4 else shots[i + 5], 90, float(i))
              for i in range(10)]  # 4 of 10 reached: 40%
    bank = Bank([BankEntry("vpdq", to_signal(banked), line=1)])
    found = bank.videos_near(query, 31, query_percent, bank_percent)
    assert bool(found) is matches
    if found:
        assert found[0][1:3] == (80.0, 40.0) and found[0][3] == 5


def test_repeated_and_plain_frames_count_once_or_not_at_all() -> None:
    good, plain = "ab" * 32, "cd" * 32
    query = [VideoFrame(i, good, 100, float(i)) for i in range(9)] + [VideoFrame(9, plain, 10, 9.0)]
    bank = Bank([BankEntry("vpdq", to_signal([VideoFrame(0, good, 100, 0.0)]), line=1)])
    [(_, mine, theirs, closest)] = bank.videos_near(query, 31)
    assert (mine, theirs, closest) == (100.0, 100.0, 0)


def test_negative_bank_suppresses_a_video(tmp_path: Path, clips: dict[str, Path]) -> None:
    item = hash_file(clips["low"], vpdq=True)
    banked = Bank([BankEntry("vpdq", to_signal(hash_video(clips["original"]).frames), line=1)])
    assert len(list(match([item], banked))) == 1
    assert list(match([item], banked, negative=banked)) == []


# The command line.

def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_hash_csv_carries_vpdq_and_round_trips(tmp_path: Path, clips: dict[str, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "hash", str(clips["original"]), "--csv")
    assert code == 0
    bank = tmp_path / "bank.csv"
    bank.write_text(out, encoding="utf-8")
    assert sorted(e.signal_type for e in read_bank(bank)) == ["video_md5", "vpdq"]
    code, out, _ = run(capsys, "match", "--bank", str(bank), str(clips["vp9"]), str(clips["different"]),
                       "--json")
    [line] = out.splitlines()
    record = json.loads(line)
    assert record["path"].endswith("smaller.webm") and record["signal_type"] == "vpdq"
    assert record["query_percent"] == 100.0 and record["bank_percent"] == 100.0


def test_hash_json_bank_reports_each_line_once(tmp_path: Path, clips: dict[str, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "hash", str(clips["original"]), "--json")
    assert code == 0 and json.loads(out)["vpdq"][1] == _frame_record(hash_video(clips["original"]).frames[1])
    bank = tmp_path / "bank.jsonl"
    bank.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "match", "--bank", str(bank), str(clips["original"]), str(clips["mpeg4"]))
    assert out.splitlines() == [
        f"{clips['original']}: matches bank line 1 (exact)",
        f"{clips['mpeg4']}: matches bank line 1 (video PDQ: 100% of its frames, 100% of the banked video's)",
        "2 matches against 3 banked hashes.",
    ]


def test_vpdq_output_is_vpdqs_file_format(clips: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "hash", str(clips["original"]), "--vpdq")
    assert code == 0 and out == to_vpdq_file(hash_video(clips["original"]).frames)
    code, _, err = run(capsys, "hash", str(clips["original"]), str(clips["vp9"]), "--vpdq")
    assert code == 2 and "give one video file" in err


def test_without_the_extra_md5_only_and_one_calm_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(video, "available", lambda: False)
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("a.mp4", "b.webm"):
        (folder / name).write_bytes(b"\x1a\x45\xdf\xa3" if name.endswith("webm") else
                                    b"\x00\x00\x00\x18ftypmp42" + name.encode())
    assert hash_file(folder / "a.mp4", vpdq=True).vpdq == ()
    code, out, err = run(capsys, "hash", str(folder), "--csv")
    assert code == 0 and [line.split(",")[0] for line in out.splitlines()[1:]] == ["video_md5"] * 2
    assert err == ("takeback: videos got SHA-256 and MD5 only; "
                   "for video PDQ too: pip install 'takeback[video]'\n")
    bank = tmp_path / "bank.txt"
    bank.write_text(to_vpdq_file(FRAMES), encoding="utf-8")
    code, out, err = run(capsys, "match", "--bank", str(bank), str(folder))
    assert code == 0 and err.count("pip install 'takeback[video]'") == 1
