"""Evidence fixtures: a fictional case (a WhatsApp chat, its photo, its export zip, an
extortion email with the photo attached), packs made from it, and ways to tamper with them."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from takeback.evidence import PackOptions, pack

DATA = Path(__file__).resolve().parents[1] / "data" / "evidence"
CHAT = DATA / "WhatsApp Chat with Alex.txt"
PHOTO = "IMG-20240312-WA0001.jpg"
FIXED = "1710280800"  # 2024-03-12T22:00:00Z


def photo_bytes(seed: int = 7) -> bytes:
    """A noise JPEG (fictional 'intimate image'): no run of its bytes is common."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (96, 96), bytes(rng.randrange(256) for _ in range(96 * 96 * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def email_with(photo: bytes) -> bytes:
    body = base64.encodebytes(photo).decode("ascii")
    return (
        "From: Alex <alex.pays@example.com>\r\nTo: sam@example.org\r\nSubject: I have your photos\r\n"
        "Date: Tue, 12 Mar 2024 21:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\n'
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Pay 500 GBP in bitcoin to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq or I send your photos "
        "to everyone.\r\n--XX\r\nContent-Type: image/jpeg; name=\"proof.jpg\"\r\n"
        "Content-Disposition: attachment; filename=\"proof.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{body}--XX--\r\n"
    ).encode("ascii")


@dataclass(frozen=True)
class Case:
    folder: Path  # the chat and the photo beside it, as an unzipped export
    chat: Path
    photo: Path
    export: Path  # the same as a WhatsApp export zip with media
    email: Path  # an extortion email with the photo attached
    image: bytes


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return make_case(tmp_path / "inputs")


def make_case(root: Path) -> Case:
    folder = root / "export"
    folder.mkdir(parents=True)
    image = photo_bytes()
    chat = folder / CHAT.name
    shutil.copyfile(CHAT, chat)
    photo = folder / PHOTO
    photo.write_bytes(image)
    export = root / "WhatsApp Chat with Alex.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(CHAT, "_chat.txt")
        archive.writestr(PHOTO, image)
    email = root / "threat.eml"
    email.write_bytes(email_with(image))
    return Case(folder, chat, photo, export, email, image)


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pack of the whole case, made once for the tests that only read or copy it."""
    root = tmp_path_factory.mktemp("packed")
    made = make_case(root / "inputs")
    out = root / "case.zip"
    pack([made.chat, made.export, made.email], out, PackOptions(examiner="DC Example", victim_age=15))
    return out


Members = list[tuple[zipfile.ZipInfo, bytes]]


def members(path: Path) -> Members:
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def read(path: Path) -> dict[str, bytes]:
    return {info.filename: data for info, data in members(path)}


def manifest(path: Path) -> dict[str, Any]:
    return json.loads(read(path)["manifest.json"])  # type: ignore[no-any-return]


def rewrite(source: Path, target: Path, change: Callable[[Members], Members]) -> Path:
    """A copy of a pack with its members changed (the zip itself stays well formed)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in change(members(source)):
            archive.writestr(info, data)
    return target


def reseal(items: Members) -> Members:
    """Recomputes SHA256SUMS and the manifest's file list, as a careful forger would."""
    table = {info.filename: data for info, data in items}
    manifest = json.loads(table["manifest.json"])
    manifest["pack"] = [
        {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in table.items() if name not in ("manifest.json", "SHA256SUMS")
    ]
    table["manifest.json"] = json.dumps(manifest, sort_keys=True, indent=2).encode() + b"\n"
    table["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in table.items() if name != "SHA256SUMS"
    ).encode()
    return [(info, table[info.filename]) for info, _ in items]
