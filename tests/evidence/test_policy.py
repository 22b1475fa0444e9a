"""The intimate media policy: a child's images never enter a pack; an adult's only when asked,
and only into an encrypted pack."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from takeback.errors import PolicyRefused, UsageError
from takeback.evidence import PackOptions, pack

from .conftest import Case, manifest, members


def _everything(path: Path) -> list[bytes]:
    """Every member's bytes and the pack file's own bytes."""
    return [data for _, data in members(path)] + [path.read_bytes()]


@pytest.mark.parametrize("inputs", [
    "folder", "chat-beside-photo", "export-zip", "email", "photo-itself", "everything",
])
def test_a_childs_image_never_appears_in_the_pack(case: Case, tmp_path: Path, inputs: str) -> None:
    chosen = {
        "folder": [case.folder], "chat-beside-photo": [case.chat], "export-zip": [case.export],
        "email": [case.email], "photo-itself": [case.photo],
        "everything": [case.folder, case.export, case.email, case.photo],
    }[inputs]
    out = tmp_path / "case.zip"
    result = pack(chosen, out, PackOptions(victim_age=15))
    assert result.media >= 1 and result.media_copied == 0
    middle = len(case.image) // 2
    forms = [case.image, case.image[middle:middle + 1024], base64.b64encode(case.image[960:1984])[:1024]]
    for data in _everything(out):
        for form in forms:
            assert form not in data
    media = [f for f in manifest(out)["files"] if f["media"]]
    assert media and all(f["packed_as"] is None and f["not_copied"] for f in media)
    assert any(f["pdq"] for f in media) or inputs == "email"


@pytest.mark.parametrize(("age", "include", "encrypt", "refusal"), [
    (15, True, True, "under 18"),
    (17, True, False, "under 18"),
    (None, True, True, "needs the person's age"),
    (30, True, False, "only does it into an encrypted pack"),
])
def test_the_media_policy_refuses_before_reading_anything(case: Case, tmp_path: Path, age: int | None,
                                                         include: bool, encrypt: bool, refusal: str) -> None:
    secret = "correct horse" if encrypt else None
    options = PackOptions(victim_age=age, include_media=include, passphrase=secret)
    with pytest.raises(PolicyRefused, match=refusal):
        pack([case.folder], tmp_path / "case.zip", options)
    assert list(tmp_path.iterdir()) == [tmp_path / "inputs"]


@pytest.mark.parametrize("age", [-1, 131])
def test_an_impossible_age_is_a_usage_error(case: Case, tmp_path: Path, age: int) -> None:
    with pytest.raises(UsageError, match="is not an age"):
        pack([case.chat], tmp_path / "case.zip", PackOptions(victim_age=age))


