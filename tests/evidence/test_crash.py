"""Crash safety (an interrupted pack leaves nothing that looks like a pack) and determinism."""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path

import pytest

from takeback.errors import UsageError
from takeback.evidence import PackOptions, pack

from .conftest import FIXED, PHOTO, Case, manifest

# The module, not the function of the same name that the package exports.
packing = importlib.import_module("takeback.evidence.pack")


_COUNTED: list[int] = []


def _writes(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many writes a whole pack of the case makes (counted once: the same case gives
    nearly the same number, and the fractions tested stay clear of the end)."""
    if _COUNTED:
        return _COUNTED[0]
    count = 0
    original = packing.Sink.write

    def counting(self: packing.Sink, data: bytes) -> int:
        nonlocal count
        count += 1
        return original(self, data)

    with monkeypatch.context() as patch:
        patch.setattr(packing.Sink, "write", counting)
        pack([case.chat, case.export], tmp_path / "count.zip")
    (tmp_path / "count.zip").unlink()
    _COUNTED.append(count)
    return count


@pytest.mark.parametrize("error", [OSError, KeyboardInterrupt])
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.37, 0.5, 0.83, 0.95])
def test_an_interrupted_pack_leaves_nothing_behind(case: Case, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, fraction: float,
                                                   error: type[BaseException]) -> None:
    total = _writes(case, tmp_path, monkeypatch)
    stop = max(1, round(total * fraction))
    calls = 0
    original = packing.Sink.write

    def failing(self: packing.Sink, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == stop:
            raise error("interrupted")
        return original(self, data)

    monkeypatch.setattr(packing.Sink, "write", failing)
    with pytest.raises(error):
        pack([case.chat, case.export], tmp_path / "case.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs"]


def test_an_interrupted_encrypted_pack_leaves_nothing_behind(case: Case, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    pyrage = pytest.importorskip("pyrage")
    recipient = str(pyrage.x25519.Identity.generate().to_public())
    calls = 0
    original = packing.Sink.write

    def failing(self: packing.Sink, data: bytes) -> int:
        nonlocal calls
        calls += 1
        if calls == 20:
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(packing.Sink, "write", failing)
    with pytest.raises(OSError, match="disk full"):
        pack([case.chat], tmp_path / "case.zip", PackOptions(recipients=(recipient,)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs"]


def test_a_file_changed_while_packing_stops_the_pack(case: Case, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    original = packing._Packer._read_all

    def read_then_change(self: packing._Packer):  # type: ignore[no-untyped-def]
        parsed = original(self)
        case.chat.write_bytes(case.chat.read_bytes() + b"edited afterwards\n")
        return parsed

    monkeypatch.setattr(packing._Packer, "_read_all", read_then_change)
    with pytest.raises(Exception, match="changed while it was being packed"):
        pack([case.chat], tmp_path / "case.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs"]


def test_the_same_inputs_and_clock_give_the_same_bytes(case: Case, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED)
    options = PackOptions(examiner="DC Example", victim_age=16, note="same every time")
    inputs = [case.folder, case.export, case.email]
    first = pack(inputs, tmp_path / "one.zip", options)
    second = pack(inputs, tmp_path / "two.zip", options)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert first.sha256 == second.sha256
    document = manifest(tmp_path / "one.zip")
    assert document["created"] == "2024-03-12T22:00:00Z"
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 3, 12, 22, 0, 0)}


def test_a_bad_source_date_epoch_is_a_usage_error(case: Case, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        pack([case.chat], tmp_path / "case.zip")




def test_media_still_being_hashed_while_a_chat_is_read_changes_nothing(
        case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat is read while the media are hashed; whether a photo's hash is ready when the chat
    names it (or is filled in afterwards) must not change a byte of the pack."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED)
    inputs = [case.folder, case.export]
    pack(inputs, tmp_path / "ready.zip")
    with monkeypatch.context() as patch:
        patch.setattr(packing.Future, "done", lambda self: False)
        pack(inputs, tmp_path / "pending.zip")
    assert (tmp_path / "ready.zip").read_bytes() == (tmp_path / "pending.zip").read_bytes()
    photo = next(f for f in manifest(tmp_path / "pending.zip")["files"] if f["member"] == PHOTO)
    assert photo["referenced_by"] == ["c1/L4", "c2/L4"]  # the same photo in the folder and the zip
