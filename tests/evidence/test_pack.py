"""pack: the layout, the manifest, SHA256SUMS with the real sha256sum, and bad input."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from takeback.errors import UsageError
from takeback.evidence import PackOptions, pack, verify
from takeback.evidence.custody import check_chain
from takeback.evidence.exports import pdf
from takeback.ingest import ReadOptions

from .conftest import Case, manifest, read


def test_originals_are_byte_exact_and_hashed_first(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    result = pack([case.chat, case.export], out)
    files = read(out)
    assert files["originals/WhatsApp Chat with Alex.txt"] == case.chat.read_bytes()
    assert files["originals/WhatsApp Chat with Alex.zip.contents/_chat.txt"] == case.chat.read_bytes()
    assert result.path == str(out) and result.conversations == 2 and not result.unreadable
    custody = check_chain(files["custody.jsonl"])
    actions = [(e.action, e.object) for e in custody.entries]
    hashed = actions.index(("hashed", str(case.chat)))
    assert hashed < actions.index(("read", str(case.chat))) < actions.index(
        ("copied", "originals/WhatsApp Chat with Alex.txt"))


def test_the_manifest_names_inputs_files_and_every_pack_member(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    pack([case.chat, case.export], out, PackOptions(examiner="DC Example", note="reported by a parent"))
    document = manifest(out)
    files = read(out)
    assert document["schema"] == "takeback-evidence-pack/1"
    assert [i["kind"] for i in document["inputs"]] == ["file", "archive"]
    assert document["inputs"][0]["sha256"] == document["files"][0]["sha256"]
    listed = {p["path"] for p in document["pack"]}
    assert listed == set(files) - {"manifest.json", "SHA256SUMS"}
    members_of_zip = [f for f in document["files"] if f["member"]]
    assert {f["member"] for f in members_of_zip} == {"_chat.txt", "IMG-20240312-WA0001.jpg"}
    assert all(f["sha256"] and f["md5"] and f["size"] for f in members_of_zip)
    assert document["options"]["examiner"] == "DC Example"


def test_sha256sum_checks_an_unpacked_pack(packed: Path, tmp_path: Path) -> None:
    tool = shutil.which("sha256sum")
    if tool is None:
        pytest.skip("sha256sum is not installed")
    with zipfile.ZipFile(packed) as archive:
        archive.extractall(tmp_path)
    done = subprocess.run([tool, "-c", "--strict", "SHA256SUMS"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(zipfile.ZipFile(packed).namelist()) - 1


# --- bad input ----------------------------------------------------------------------------------


def test_unreadable_inputs_are_named_never_dropped(case: Case, tmp_path: Path) -> None:
    junk = tmp_path / "notes.bin"
    junk.write_bytes(b"\x00\x01binary that is not a chat")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04cut short")
    out = tmp_path / "case.zip"
    result = pack([case.chat, junk, broken, tmp_path / "missing.txt"], out)
    reasons = {u.path: u.reason for u in result.unreadable}
    assert set(reasons) == {str(junk), str(broken), str(tmp_path / "missing.txt")}
    assert "not a format takeback reads" in reasons[str(junk)]
    assert "not a readable zip" in reasons[str(broken)]
    assert reasons[str(tmp_path / "missing.txt")] == "no such file or folder"
    document = manifest(out)
    assert {u["path"] for u in document["could_not_be_read"]} == set(reasons)
    files = read(out)
    assert files["originals/notes.bin"] == junk.read_bytes()  # safe to keep: not media, not an archive
    assert not any(name.startswith("originals/broken") for name in files)  # may hold images: not copied
    report = files["report.html"].decode()
    assert "Files that could not be read" in report and "broken.zip" in report
    assert verify(out).intact


def test_an_existing_output_is_not_replaced_without_force(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    out.write_bytes(b"keep me")
    with pytest.raises(UsageError, match="already exists; use --force"):
        pack([case.chat], out)
    assert out.read_bytes() == b"keep me"
    pack([case.chat], out, PackOptions(force=True))
    assert verify(out).intact


def test_the_pack_being_written_is_not_read_as_input(case: Case) -> None:
    out = case.folder / "case.zip"
    pack([case.folder], out)
    pack([case.folder], out, PackOptions(force=True))  # the first pack is now in the folder
    names = read(out)
    assert not any(name.startswith("originals/export/case.zip") or ".partial" in name for name in names)
    assert "originals/export/WhatsApp Chat with Alex.txt" in names


def test_without_the_pdf_engine_the_pack_says_why(case: Case, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "unavailable", lambda: pdf.ENGINE_MISSING)
    out = tmp_path / "case.zip"
    result = pack([case.chat], out)
    files = read(out)
    assert "report.pdf" not in files and result.pdf_skipped == pdf.ENGINE_MISSING
    assert manifest(out)["report_pdf"] == {"written": False, "skipped_because": pdf.ENGINE_MISSING}
    assert "report.pdf was not made" in files["report.html"].decode()


@pytest.mark.skipif(importlib.util.find_spec("reportlab") is None, reason="reportlab is not installed")
def test_the_pdf_is_a_pdf(packed: Path) -> None:
    data = read(packed)["report.pdf"]
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_symbolic_links_in_a_folder_are_named_not_followed(case: Case, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not given")
    try:
        os.symlink(outside, case.folder / "link.txt")
    except OSError:
        pytest.skip("symbolic links are not available here")
    result = pack([case.folder], tmp_path / "case.zip")
    assert any(u.reason == "symbolic link, not followed" for u in result.unreadable)
    assert "originals/export/link.txt" not in read(tmp_path / "case.zip")


def test_a_wrong_format_is_a_usage_error_not_an_unreadable_file(case: Case, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown format"):
        pack([case.chat], tmp_path / "case.zip", PackOptions(read=ReadOptions(format="nope")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs"]


def test_drafts_are_written_under_drafts(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    pack([case.chat], out, PackOptions(drafts={"police statement.md": "# Statement\n", "../x.txt": "x"}))
    files = read(out)
    assert files["drafts/police statement.md"] == b"# Statement\n"
    assert files["drafts/_/x.txt"] == b"x"  # a name cannot leave drafts/
    assert verify(out).intact
