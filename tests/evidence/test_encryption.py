"""Encrypted packs open with the standard age tool (or the age library) and verify inside."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from takeback.errors import UsageError
from takeback.evidence import PackOptions, pack, verify

from .conftest import Case, manifest, read


def test_an_adult_can_include_media_in_an_encrypted_pack(case: Case, tmp_path: Path) -> None:
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    options = PackOptions(victim_age=30, include_media=True, recipients=(str(identity.to_public()),))
    result = pack([case.folder, case.export, case.email], tmp_path / "case.zip", options)
    assert result.path == str(tmp_path / "case.zip.age") and result.encrypted
    assert not (tmp_path / "case.zip").exists()
    plain = tmp_path / "plain.zip"
    plain.write_bytes(pyrage.decrypt((tmp_path / "case.zip.age").read_bytes(), [identity]))
    assert verify(plain).intact
    files = read(plain)
    assert files["originals/export/IMG-20240312-WA0001.jpg"] == case.image
    assert files["originals/WhatsApp Chat with Alex.zip"] == case.export.read_bytes()
    assert files["originals/threat.eml"] == case.email.read_bytes()
    inside = [f for f in manifest(plain)["files"] if f["inside"]]
    assert [f["packed_as"] for f in inside] == ["originals/threat.eml!proof.jpg"]


def test_a_passphrase_pack_opens_with_the_passphrase(case: Case, tmp_path: Path) -> None:
    pyrage = pytest.importorskip("pyrage")
    result = pack([case.chat], tmp_path / "case.zip", PackOptions(passphrase="correct horse battery"))
    plain = tmp_path / "plain.zip"
    plain.write_bytes(pyrage.passphrase.decrypt(Path(result.path).read_bytes(), "correct horse battery"))
    assert verify(plain).intact
    assert result.zip_sha256 != result.sha256


def test_the_age_tool_opens_a_pack_encrypted_to_a_recipient(case: Case, tmp_path: Path) -> None:
    pytest.importorskip("pyrage")
    age, keygen = shutil.which("age"), shutil.which("age-keygen")
    if age is None or keygen is None:
        pytest.skip("the age tool is not installed")
    key = tmp_path / "key.txt"
    subprocess.run([keygen, "-o", str(key)], check=True, capture_output=True)
    recipient = next(line.split(": ")[1] for line in key.read_text().splitlines() if "public key" in line)
    result = pack([case.chat], tmp_path / "case.zip", PackOptions(recipients=(recipient,)))
    subprocess.run([age, "-d", "-i", str(key), "-o", str(tmp_path / "case.zip"), result.path], check=True)
    assert verify(tmp_path / "case.zip").intact


@pytest.mark.parametrize(("options", "message"), [
    (PackOptions(passphrase="x", recipients=("age1zz",)), "not both"),
    (PackOptions(recipients=("age1notakey",)), "is not an age recipient"),
    (PackOptions(passphrase=""), None),  # empty: not encrypted at all
])
def test_bad_encryption_options(case: Case, tmp_path: Path, options: PackOptions,
                                message: str | None) -> None:
    pytest.importorskip("pyrage")
    if message is None:
        assert not pack([case.chat], tmp_path / "case.zip", options).encrypted
        return
    with pytest.raises(UsageError, match=message):
        pack([case.chat], tmp_path / "case.zip", options)


