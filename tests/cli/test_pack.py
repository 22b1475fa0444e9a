"""`takeback pack` and `takeback verify` as a person runs them."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from takeback.cli import main

CHAT = Path(__file__).resolve().parents[1] / "data" / "evidence" / "WhatsApp Chat with Alex.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    path = tmp_path / CHAT.name
    shutil.copyfile(CHAT, path)
    return path


def test_pack_then_verify_says_intact(chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "case.zip"
    code, text, err = run(capsys, "pack", str(chat), "--out", str(out), "--examiner", "DC Example",
                          "--note", "reported by a parent", "--victim-age", "16")
    assert code == 0, err
    assert f"Evidence pack written: {out}" in text and "SHA-256 of the pack:" in text
    code, text, _ = run(capsys, "verify", str(out))
    assert code == 0
    assert text.count("\n") == 1 and text.startswith(f"intact: {out}")


def test_verify_names_what_changed(chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "case.zip"
    assert run(capsys, "pack", str(chat), "--out", str(out))[0] == 0
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("originals/"):
                data = data.replace(b"Pay", b"Pat")
            target.writestr(info, data)
    code, text, _ = run(capsys, "verify", str(changed))
    assert code == 1
    assert text.startswith(f"NOT intact: {changed}")
    assert f"  altered: originals/{CHAT.name}\n" in text
    code, text, _ = run(capsys, "verify", str(changed), "--json")
    report = json.loads(text)
    assert code == 1 and report["intact"] is False
    name = f"originals/{CHAT.name}"
    assert {"kind": "altered", "path": name, "message": f"altered: {name}"} in report["problems"]


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["--victim-age", "15", "--include-media"], 1, "will not copy images or videos when the person is under"),
    (["--victim-age", "30", "--include-media"], 1, "only does it into an encrypted pack"),
    (["--encrypt-to", "not-a-key"], 2, "neither an age public key"),
])
def test_pack_refusals_are_one_plain_line(chat: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          argv: list[str], code: int, message: str) -> None:
    result, _, err = run(capsys, "pack", str(chat), "--out", str(tmp_path / "case.zip"), *argv)
    assert result == code
    assert err.startswith("takeback: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "case.zip").exists()


def test_pack_will_not_replace_a_file_without_force(chat: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "case.zip"
    out.write_text("an earlier pack")
    code, _, err = run(capsys, "pack", str(chat), "--out", str(out))
    assert code == 2 and "already exists; use --force" in err
    assert out.read_text() == "an earlier pack"
    assert run(capsys, "pack", str(chat), "--out", str(out), "--force")[0] == 0


def test_pack_names_files_it_could_not_read(chat: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "missing.txt")
    code, _, err = run(capsys, "pack", str(chat), missing, "--out", str(tmp_path / "c.zip"))
    assert code == 0
    assert f"could not be read: {tmp_path / 'missing.txt'} (no such file or folder)" in err


def test_an_encrypted_pack_is_opened_then_verified(chat: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pyrage = pytest.importorskip("pyrage")
    secret = tmp_path / "passphrase.txt"
    secret.write_text("correct horse battery staple\n")
    code, text, _ = run(capsys, "pack", str(chat), "--out", str(tmp_path / "case.zip"),
                        "--encrypt-passphrase-file", str(secret))
    assert code == 0 and "age -d -o case.zip case.zip.age" in text
    code, _, err = run(capsys, "verify", str(tmp_path / "case.zip.age"))
    assert code == 2 and "decrypt it first" in err
    sealed = (tmp_path / "case.zip.age").read_bytes()
    plain = pyrage.passphrase.decrypt(sealed, "correct horse battery staple")
    (tmp_path / "case.zip").write_bytes(plain)
    assert run(capsys, "verify", str(tmp_path / "case.zip"))[0] == 0
