"""Reading `takeback check --json` results: whatever is missing or malformed is left out, not trusted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from takeback.errors import CorruptInput, UsageError
from takeback.guidance import combined, first_platform, read_check
from takeback.guidance.checkfile import assessment_from_dict, check_from_dict, identifier_from_dict
from takeback.model import Assessment, StageReached

CHECK = Path(__file__).resolve().parents[1] / "data" / "guidance" / "check.json"


def test_reads_assessments_identifiers_and_message_times() -> None:
    first, second = read_check(CHECK)
    assert first.platform == "instagram" and first.source_sha256 == "1" * 64
    assert first.assessment is not None and first.assessment.stages[:2] == ("approach", "image_request")
    assert len(first.assessment.findings) == 5  # the malformed sixth is left out
    assert [i.kind for i in first.identifiers] == ["handle", "payment", "card", "email"]
    assert first.identifiers[0].role == "offender" and first.identifiers[0].sightings[0].message_id == "m1"
    assert first.messages["m4"].timestamp == datetime(2026, 3, 1, 21, 4, tzinfo=UTC)
    assert second.assessment is None and second.identifiers == () and second.messages == {}
    assert first_platform((second, first)) == "instagram"


@pytest.mark.parametrize(("content", "error", "message"), [
    (b"not json {", CorruptInput, "not JSON"),
    (b"\xff\xfe\x00garbage", CorruptInput, "not JSON"),
    (b'{"messages": []}', CorruptInput, "no conversations list"),
    (b"[1, 2]", CorruptInput, "no conversations list"),
])
def test_a_file_that_is_not_a_check_result_is_one_error(tmp_path: Path, content: bytes,
                                                        error: type[Exception], message: str) -> None:
    path = tmp_path / "check.json"
    path.write_bytes(content)
    with pytest.raises(error, match=message) as raised:
        read_check(path)
    assert "\n" not in str(raised.value) and "check.json" in str(raised.value)


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_check(tmp_path / "nowhere.json")


@pytest.mark.parametrize(("data", "expected"), [
    (None, None),
    ("high", None),
    ({}, {"sextortion": False, "risk": "none", "stages": (), "crisis": False}),
    ({"sextortion": "yes", "risk": "extreme", "stages": "threat", "crisis": 1, "findings": "x"},
     {"sextortion": False, "risk": "none", "stages": (), "crisis": False}),
    ({"sextortion": True, "risk": "high", "stages": ["threat", 3], "crisis": True,
      "timeline": [{"stage": "threat", "message_id": 7, "timestamp": "not a time"}]},
     {"sextortion": True, "risk": "high", "stages": ("threat",), "crisis": True}),
])
def test_assessments_are_read_leniently(data: Any, expected: dict[str, Any] | None) -> None:
    found = assessment_from_dict(data)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert {k: getattr(found, k) for k in expected} == expected


@pytest.mark.parametrize(("data", "kind"), [
    ({"kind": "phone", "value": "+447700900123"}, "phone"),
    ({"kind": "phone"}, None),
    ({"value": "x"}, None),
    ({"kind": "email", "value": "", "valid": "true"}, None),
])
def test_identifiers_need_a_kind_and_a_value(data: dict[str, Any], kind: str | None) -> None:
    found = identifier_from_dict(data)
    assert (found.kind if found else None) == kind
    if found:
        assert found.valid is None and found.role == "unknown"


def test_conversations_that_are_not_objects_are_skipped() -> None:
    found = check_from_dict({"conversations": [1, "x", {"platform": "telegram"}]}, "check.json")
    assert [c.platform for c in found] == ["telegram"]


def _assessment(stages: tuple[str, ...], hour: int, risk: str, crisis: bool = False) -> Assessment:
    when = datetime(2026, 1, 1, hour, tzinfo=UTC)
    return Assessment(sextortion=bool(stages), risk=risk, stages=stages, crisis=crisis, findings=(),
                      timeline=tuple(StageReached(s, f"{hour}{s}", when) for s in stages))


def test_combined_assessment_keeps_every_stage_in_the_order_reached() -> None:
    merged = combined([_assessment(("threat",), 12, "high"), _assessment(("approach",), 9, "low", True)])
    assert merged is not None
    assert merged.stages == ("approach", "threat")
    assert merged.risk == "high" and merged.crisis and merged.sextortion
    assert combined([]) is None

