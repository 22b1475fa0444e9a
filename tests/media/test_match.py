"""Matching hashes against banks: PDQ distance, exact MD5, rotations, negative banks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from takeback.cli import main
from takeback.errors import CorruptInput
from takeback.media import hash_file
from takeback.media.match import Bank, BankEntry, load_bank, match, read_bank

from .test_hashing import scene


@pytest.fixture
def photos(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "photos"
    folder.mkdir()
    paths = {
        "original": folder / "original.png",
        "edited": folder / "edited.jpg",
        "rotated": folder / "rotated.png",
        "other": folder / "other.png",
        "video": folder / "clip.mp4",
    }
    scene().save(paths["original"])
    scene().resize((320, 240)).filter(ImageFilter.GaussianBlur(1)).save(paths["edited"], quality=50)
    scene().transpose(Image.Transpose.ROTATE_90).save(paths["rotated"])
    scene(seed=2).rotate(90, expand=True).save(paths["other"])
    paths["video"].write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000))
    return paths


def bank_of(tmp_path: Path, *paths: Path, name: str = "bank.jsonl") -> Path:
    out = tmp_path / name
    out.write_text("".join(json.dumps({"pdq": h.pdq, "pdq_quality": h.pdq_quality, "md5": h.md5,
                                       "media_type": h.media_type, "case": "C-1"}) + "\n"
                           for h in map(hash_file, paths)), encoding="utf-8")
    return out


def matched(bank: Path, *paths: Path, rotations: bool = False, negative: Path | None = None) -> set[str]:
    found = match((hash_file(p, dihedral=rotations) for p in paths), load_bank(bank),
                  negative=load_bank(negative) if negative else None)
    return {Path(m.path).name for m in found}


def test_edited_copy_matches_unrelated_does_not(tmp_path: Path, photos: dict[str, Path]) -> None:
    bank = bank_of(tmp_path, photos["original"])
    assert matched(bank, photos["edited"], photos["other"]) == {"edited.jpg"}


def test_rotation_matches_only_with_the_option(tmp_path: Path, photos: dict[str, Path]) -> None:
    bank = bank_of(tmp_path, photos["original"])
    assert matched(bank, photos["rotated"]) == set()
    assert matched(bank, photos["rotated"], rotations=True) == {"rotated.png"}


def test_video_matches_by_md5(tmp_path: Path, photos: dict[str, Path]) -> None:
    bank = bank_of(tmp_path, photos["video"])
    [found] = match([hash_file(photos["video"])], load_bank(bank))
    assert found.distance == 0 and found.entry.signal_type == "video_md5"
    assert found.entry.metadata["case"] == "C-1"


def test_negative_bank_suppresses(tmp_path: Path, photos: dict[str, Path]) -> None:
    bank = bank_of(tmp_path, photos["original"], photos["video"])
    negative = bank_of(tmp_path, photos["original"], photos["video"], name="negative.jsonl")
    assert matched(bank, photos["edited"], photos["video"], negative=negative) == set()


def test_hash_csv_round_trips_as_a_bank(tmp_path: Path, photos: dict[str, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hash", str(photos["original"]), str(photos["video"]), "--csv"]) == 0
    csv_bank = tmp_path / "bank.csv"
    csv_bank.write_text(capsys.readouterr().out, encoding="utf-8")
    kinds = sorted(e.signal_type for e in read_bank(csv_bank))
    assert kinds == ["pdq", "video_md5"]
    assert main(["match", "--bank", str(csv_bank), str(photos["edited"]), "--json"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["path"].endswith("edited.jpg")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("signal_type,signal,note\npdq," + "ab" * 32 + ",x\nvideo_md5," + "cd" * 16 + ",y\n",
         ["pdq", "video_md5"]),
        ("# one per line\n" + "ab" * 32 + "\n" + "cd" * 16 + "\n", ["md5", "pdq"]),
    ],
)
def test_bank_formats(tmp_path: Path, text: str, kinds: list[str]) -> None:
    path = tmp_path / "bank.txt"
    path.write_text(text, encoding="utf-8")
    assert sorted(e.signal_type for e in read_bank(path)) == kinds


@pytest.mark.parametrize("text", ["signal_type,signal\npdq,nothex\n", "zzzz\n", '{"pdq": "12"}\n',
                                  "name,size\na,1\n"])
def test_bad_banks_are_named(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorruptInput, match=r"bad\.csv"):
        read_bank(path)


def test_indexed_and_direct_search_agree() -> None:
    import random

    rng = random.Random(7)
    values = ["".join(rng.choice("0123456789abcdef") for _ in range(64)) for _ in range(25_000)]
    entries = [BankEntry("pdq", v) for v in values]
    indexed, direct = Bank(entries), Bank(entries[:19_999])
    assert indexed._pdq_hashes.index is not None and direct._pdq_hashes.index is None
    query = list(bytes.fromhex(values[5]))
    for bit in rng.sample(range(256), 31):  # exactly at the threshold
        query[bit // 8] ^= 1 << (7 - bit % 8)
    near = bytes(query).hex()
    assert [e.value for e, _ in indexed.near(near, 31)] == [values[5]]
    assert [e.value for e, _ in direct.near(near, 31)] == [values[5]]
    assert indexed.near(near, 30) == []
