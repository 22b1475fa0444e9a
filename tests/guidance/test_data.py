"""The service and platform data: every fact sourced, nothing unconfirmed shown, no numbers in code."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from takeback.guidance.directory import (
    ROLES,
    SHOWN_FIELDS,
    jurisdictions,
    platforms,
    raw_platforms,
    raw_services,
    services,
)

GUIDANCE = Path(__file__).resolve().parents[2] / "src" / "takeback" / "guidance"
CODE = [
    *sorted(GUIDANCE.glob("*.py")),
    *sorted(GUIDANCE.glob("templates/*.j2")),
    GUIDANCE.parents[0] / "cli" / "guide.py",
    GUIDANCE.parents[0] / "cli" / "draft.py",
]
SERVICES = raw_services()["services"]
PLATFORMS = raw_platforms()["platforms"]
TODAY = date(2026, 11, 29)


def _checked(entry: dict[str, Any]) -> date:
    return date.fromisoformat(str(entry["checked"]))


@pytest.mark.parametrize("entry", SERVICES + PLATFORMS, ids=lambda e: e["id"])
def test_every_entry_has_sources_and_a_checked_date(entry: dict[str, Any]) -> None:
    sources = entry.get("sources")
    assert isinstance(sources, list) and sources, f"{entry['id']} has no sources"
    assert all(isinstance(s, str) and s.strip() for s in sources)
    assert _checked(entry) <= TODAY


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e["id"])
def test_no_shown_service_field_is_unconfirmed(entry: dict[str, Any]) -> None:
    for item in entry.get("unconfirmed") or ():
        assert set(item) <= {"field", "note"} and item["note"], entry["id"]
        field = item.get("field")
        if field is not None:
            assert field in SHOWN_FIELDS, f"{entry['id']}: unknown field {field!r}"
            assert entry.get(field) is None, f"{entry['id']}: {field} is shown but marked unconfirmed"


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e["id"])
def test_shown_values_do_not_say_unconfirmed(entry: dict[str, Any]) -> None:
    for field in SHOWN_FIELDS:
        value = entry.get(field)
        assert value is None or "unconfirmed" not in str(value).lower(), f"{entry['id']}.{field}"


@pytest.mark.parametrize("entry", PLATFORMS, ids=lambda e: e["id"])
def test_no_unconfirmed_platform_route_or_partnership_is_shown(entry: dict[str, Any]) -> None:
    urls = [r["url"] for r in entry["routes"]]
    for item in entry.get("unconfirmed") or ():
        field = item.get("field")
        if field in {"stopncii_partner", "take_it_down_participant", "in_app"}:
            assert entry.get(field) is None, f"{entry['id']}: {field} is shown but marked unconfirmed"
        # An address named as unconfirmed must not be among the routes shown.
        for token in re.findall(r"[\w.-]+\.[a-z]{2,}/[\w./-]*", item["note"]):
            assert not any(token.rstrip("./") in url for url in urls), f"{entry['id']}: {token}"
    for partner in ("stopncii_partner", "take_it_down_participant"):
        assert entry[partner] in (True, None), "false is never asserted by a source"


@pytest.mark.parametrize("code", sorted(jurisdictions()))
def test_every_country_names_known_services_for_every_part_of_the_plan(code: str) -> None:
    raw = raw_services()["jurisdictions"][code]
    assert set(raw["routes"]) == set(ROLES)
    place = jurisdictions()[code]
    for role, routes in place.routes.items():
        for route in routes:
            assert route.service.id in services()
            assert set(route.regions) <= {*place.regions, "unknown"}, f"{code} {role}"


def test_under_18s_are_never_sent_to_stopncii() -> None:
    for place in jurisdictions().values():
        for route in place.routes["removal"]:
            if route.service.id == "stopncii":
                assert route.min_age >= 18


def test_scotland_reports_fraud_to_police_scotland_not_report_fraud() -> None:
    fraud = jurisdictions()["GB"].routes["fraud"]
    report_fraud = next(r for r in fraud if r.service.id == "uk-report-fraud")
    assert "scotland" not in report_fraud.regions
    scotland = [r.service.id for r in fraud if "scotland" in r.regions]
    assert scotland == ["uk-police-scotland"]


def _shown(value: Any) -> Any:
    """The data without its ``sources`` (which are links by nature, and never shown)."""
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items() if k != "sources"}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def _numbers(value: str) -> set[str]:
    return set(re.findall(r"\d{3,}", value))


def test_code_and_templates_hold_no_phone_number_or_link() -> None:
    numbers: set[str] = set()
    for entry in SERVICES:
        for field in ("phone", "textphone", "sms"):
            numbers |= _numbers(str(entry.get(field) or ""))
    assert {"999", "101", "0800", "1111", "159"} <= numbers  # the check below is not empty
    steps = GUIDANCE / "data" / "steps.yaml"
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in CODE]
    texts.append((steps.name, yaml.safe_dump(_shown(yaml.safe_load(steps.read_text(encoding="utf-8"))))))
    for name, text in texts:
        assert not re.search(r"https?://|www\.", text), f"{name} holds a link"
        found = {n for n in numbers if re.search(rf"(?<!\d){n}(?!\d)", text)}
        assert not found, f"{name} holds service numbers {sorted(found)}"


def test_every_platform_domain_belongs_to_one_platform() -> None:
    seen: dict[str, str] = {}
    for platform in platforms():
        for domain in platform.domains:
            assert domain not in seen, f"{domain}: {seen.get(domain)} and {platform.id}"
            seen[domain] = platform.id


def test_sources_of_the_shared_reference_are_all_kept(shared: Path) -> None:
    """Each service says which reference entries it was built from, and keeps all their sources."""
    reference = yaml.safe_load((shared / "reference" / "services.yaml").read_text(encoding="utf-8"))
    by_id = {e["id"]: e for section, entries in reference.items() if section != "meta" for e in entries}
    for entry in SERVICES:
        for ref in entry["reference"]:
            missing = [s for s in by_id[ref]["sources"] if s not in entry["sources"]]
            assert not missing, f"{entry['id']} lost sources of {ref}: {missing}"
    platform_ref = yaml.safe_load((shared / "reference" / "platforms.yaml").read_text(encoding="utf-8"))
    by_platform = {e["id"]: e for e in platform_ref["platforms"]}
    for entry in PLATFORMS:
        ref = by_platform[entry["reference"]]
        assert set(ref["sources"]) <= set(entry["sources"]), entry["id"]
        assert set(ref["domains"]) >= set(entry["domains"]), f"{entry['id']}: a domain without a source"
