"""The plan: the right steps, in the right order, with the right services for each situation."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from takeback.errors import UsageError
from takeback.guidance import (
    Plan,
    first_steps,
    plan,
    plan_to_dict,
    render_text,
    situation_from,
)
from takeback.guidance.directory import platform_for_url, platform_named, raw_platforms, raw_services
from takeback.model import Assessment, StageReached

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "guidance"


def make(age: int | None = None, country: str | None = "GB", region: str | None = None, *,
         paid: bool = False, links: tuple[str, ...] = (), platform: str | None = None,
         danger: bool = False, risk: bool = False, nothing_sent: bool = False,
         assessment: Assessment | None = None) -> Plan:
    return plan(situation_from(assessment, age, country, region, paid, links, platform, danger,
                               at_risk=risk, nothing_sent=nothing_sent))


def assessment(*stages: str, crisis: bool = False) -> Assessment:
    when = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    return Assessment(sextortion="threat" in stages, risk="high", stages=stages,
                      timeline=tuple(StageReached(s, str(i), when) for i, s in enumerate(stages)),
                      crisis=crisis, findings=())


def flat(value: Plan) -> str:
    """The rendered plan on one line: wrapped values read whole again."""
    return " ".join(render_text(value).split())


def ids(value: Plan, step: str | None = None) -> list[str]:
    return [s.id for st in value.steps if step in (None, st.id) for s in st.services]


def step_ids(value: Plan) -> list[str]:
    return [s.id for s in value.steps]


# (situation, what must be named, what must not be)
CASES: list[tuple[str, dict[str, Any], list[str], list[str]]] = [
    ("16 GB", {"age": 16}, ["CEOP", "Report Remove", "Childline", "0800 1111", "Phone: 101",
                            "18001 101", "999", "Do not pay"], ["StopNCII", "Revenge Porn Helpline"]),
    ("25 GB", {"age": 25}, ["StopNCII", "Revenge Porn Helpline", "0345 6000 459", "Phone: 101",
                            "18001 101"], ["Report Remove", "CEOP", "Childline"]),
    ("paid GB", {"age": 30, "paid": True}, ["Tell your bank", "Phone: 159", "Report Fraud",
                                            "0300 123 2040", "Do not pay any more"], []),
    ("15 US", {"age": 15, "country": "US"}, ["NCMEC CyberTipline", "1-800-843-5678", "Take It Down",
                                             "988"], ["StopNCII", "CEOP", "101"]),
    ("30 US paid", {"age": 30, "country": "US", "paid": True}, ["StopNCII", "IC3", "FBI"],
     ["NCMEC CyberTipline"]),
    ("19 AU", {"age": 19, "country": "AU"}, ["eSafety", "Phone: 000", "Kids Helpline"],
     ["ACCCE", "Report Remove"]),
    ("14 AU", {"age": 14, "country": "AU"}, ["ACCCE", "eSafety", "Take It Down"], ["StopNCII"]),
    ("16 CA", {"age": 16, "country": "CA"}, ["Cybertip.ca", "NeedHelpNow.ca", "Kids Help Phone", "911",
                                             "Report it to your local police."], ["StopNCII"]),
    ("16 IE", {"age": 16, "country": "IE"}, ["Hotline.ie", "Childline (ISPCC)", "1800 66 66 66",
                                             "Garda", "112 or 999"], ["StopNCII"]),
    ("Scotland paid", {"age": 30, "region": "scotland", "paid": True},
     ["Police Scotland", "report the money you paid to Police Scotland"], ["Report Fraud", "www.police.uk"]),
    ("Northern Ireland paid", {"age": 30, "region": "Northern Ireland", "paid": True},
     ["PSNI", "Report Fraud"], ["Police Scotland", "18001"]),
    ("England", {"age": 30, "region": "england"}, ["www.police.uk", "Phone: 101", "18001 101"],
     ["PSNI", "Police Scotland"]),
    ("elsewhere", {"age": 20, "country": "FR"}, ["StopNCII", "works in any country",
                                                 "Report it to your local police."],
     ["Phone:", "CEOP", "911"]),
]


@pytest.mark.parametrize(("name", "options", "named", "absent"), CASES, ids=[c[0] for c in CASES])
def test_situation_names_the_right_services(name: str, options: dict[str, Any], named: list[str],
                                            absent: list[str]) -> None:
    text = flat(make(**options))
    for expected in named:
        assert expected in text, f"{name}: {expected!r} missing"
    for unwanted in absent:
        assert unwanted not in text, f"{name}: {unwanted!r} shown"


@pytest.mark.parametrize("country", ["GB", "US", "CA", "AU", "IE", "FR"])
@pytest.mark.parametrize("age", [10, 16, 17])
def test_a_childs_images_never_go_to_stopncii(country: str, age: int) -> None:
    value = make(age, country, paid=True, links=("https://instagram.com/p/x",))
    assert "stopncii" not in ids(value)
    assert "StopNCII" not in flat(value)
    assert "take-it-down" in ids(value, "remove_images")


@pytest.mark.parametrize(("options", "first"), [
    ({"nothing_sent": True}, "nothing_sent"),
    ({"assessment": assessment("approach", "sexualisation", "image_request")}, "nothing_sent"),
    ({"assessment": assessment("approach", "image_request", "threat")}, "not_your_fault"),
    ({"assessment": assessment()}, "not_your_fault"),
    ({"risk": True}, "crisis"),
    ({"assessment": assessment("threat", crisis=True)}, "crisis"),
    ({"danger": True, "risk": True, "nothing_sent": True}, "emergency"),
    ({"danger": True}, "emergency"),
])
def test_what_comes_first(options: dict[str, Any], first: str) -> None:
    assert step_ids(make(16, **options))[0] == first


def test_safety_comes_before_nothing_sent() -> None:
    assert step_ids(make(16, danger=True, risk=True, nothing_sent=True))[:3] == [
        "emergency", "crisis", "nothing_sent"]


@pytest.mark.parametrize(("age", "country", "expected"), [
    (15, "GB", ["uk-childline", "uk-samaritans", "uk-shout"]),
    (30, "GB", ["uk-samaritans", "uk-shout"]),
    (15, "US", ["us-988", "us-crisis-text-line"]),
    (15, "CA", ["ca-988", "ca-kids-help-phone"]),
    (20, "AU", ["au-lifeline", "au-kids-helpline"]),
    (40, "AU", ["au-lifeline"]),
])
def test_crisis_lines_come_first_chosen_by_country_and_age(age: int, country: str,
                                                           expected: list[str]) -> None:
    value = make(age, country, risk=True)
    crisis = value.steps[0]
    assert crisis.id == "crisis"
    assert [s.id for s in crisis.groups[0].services] == expected
    assert crisis.groups[-1].heading == "If you are in danger now"


def test_the_order_of_the_steps() -> None:
    assert step_ids(make(16, paid=True)) == [
        "not_your_fault", "stop_contact", "dont_pay", "tell_bank", "save_evidence",
        "remove_images", "report"]


@pytest.mark.parametrize("country", ["GB", "US", "FR"])
def test_age_unknown_shows_both_routes_under_their_headings(country: str) -> None:
    step = next(s for s in make(None, country).steps if s.id == "remove_images")
    groups = {g.heading: [s.id for s in g.services] for g in step.groups}
    assert "take-it-down" in groups["If you are under 18"]
    assert "stopncii" in groups["If you are 18 or over"]
    assert "stopncii" not in groups["If you are under 18"]


def test_region_unknown_shows_each_regions_routes_under_a_heading() -> None:
    report = next(s for s in make(30, paid=True).steps if s.id == "report")
    groups = {g.heading: [s.id for s in g.services] for g in report.groups}
    assert groups[None] == ["uk-101"]
    assert groups["If you live in Scotland"] == ["uk-police-scotland"]
    assert groups["If you paid money and you live in Scotland"] == ["uk-police-scotland"]
    assert groups["If you paid money and you live in England, Wales or Northern Ireland"] == [
        "uk-report-fraud"]


@pytest.mark.parametrize(("link", "platform"), [
    ("https://www.instagram.com/p/abc", "instagram"),
    ("instagram.com/p/abc", "instagram"),
    ("https://m.facebook.com/story.php?id=1", "facebook"),
    ("HTTPS://X.COM/someone/status/1", "x"),
    ("https://t.me/somechannel/5", "telegram"),
    ("https://instagram.com.evil.example/p/abc", None),
    ("https://notinstagram.com/p/abc", None),
    ("not a link at all", None),
])
def test_links_are_matched_to_platforms_by_domain(link: str, platform: str | None) -> None:
    found = platform_for_url(link)
    assert (found.id if found else None) == platform


@pytest.mark.parametrize(("name", "platform"), [
    ("insta", "instagram"), ("Instagram", "instagram"), ("twitter", "x"), ("x.com", "x"),
    ("Messenger", "facebook"), ("whatsapp", "whatsapp"), ("Snap", "snapchat"), ("myspace", None),
])
def test_platform_names_are_matched(name: str, platform: str | None) -> None:
    found = platform_named(name)
    assert (found.id if found else None) == platform


def test_each_link_gets_its_platforms_routes() -> None:
    value = make(30, links=("https://www.instagram.com/p/abc", "https://example.org/photo"))
    step = next(s for s in value.steps if s.id == "remove_images")
    by_link = {g.link: g for g in step.groups if g.link}
    instagram = by_link["https://www.instagram.com/p/abc"]
    assert instagram.heading == "For the link on Instagram"
    assert [s.url for s in instagram.services] == [
        r["url"] for p in raw_platforms()["platforms"] if p["id"] == "instagram" for r in p["routes"]]
    assert "Instagram works with StopNCII." in instagram.text
    other = by_link["https://example.org/photo"]
    assert other.heading == "For the link on another website" and not other.services


def test_a_us_only_route_is_shown_only_in_the_us() -> None:
    def urls(country: str) -> list[str]:
        step = next(s for s in make(30, country, links=("https://x.com/a/status/1",)).steps
                    if s.id == "remove_images")
        return [s.url or "" for g in step.groups if g.link for s in g.services]
    assert any("take-it-down" in url for url in urls("US"))
    assert not any("take-it-down" in url for url in urls("GB"))


def test_the_named_platform_gets_its_report_steps() -> None:
    step = next(s for s in make(16, platform="whatsapp").steps if s.id == "stop_contact")
    assert step.groups[0].heading == "On WhatsApp"
    assert "Report contact" in step.groups[0].text[0]


@pytest.mark.parametrize(("age", "country", "region", "message"), [
    (0, "GB", None, "--age"),
    (200, "GB", None, "--age"),
    (16, "GBR", None, "--country"),
    (16, "US", "england", "--region"),
    (16, "GB", "cornwall", "unknown region"),
])
def test_bad_options_are_usage_errors(age: int, country: str, region: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        situation_from(None, age, country, region, False, (), None, False)


@pytest.mark.parametrize(("given", "country", "note"), [
    ("uk", "GB", False), ("gb", "GB", False), ("IE", "IE", False), ("FR", "international", True),
    (None, "international", True),
])
def test_country_codes(given: str | None, country: str, note: bool) -> None:
    value = make(16, given)
    assert value.situation.country == country
    assert bool(value.notes) == note


def test_first_steps_and_the_short_form_for_check() -> None:
    value = make(16, paid=True)
    assert [s.id for s in first_steps(value)] == ["not_your_fault", "stop_contact", "dont_pay"]
    assert len(first_steps(value, 5)) == 5
    short = render_text(value, limit=3)
    assert "3. Do not pay" in short and "4." not in short


def _situations() -> list[dict[str, Any]]:
    places = [("GB", None), ("GB", "scotland"), ("GB", "northern-ireland"), ("GB", "wales"),
              ("US", None), ("CA", None), ("AU", None), ("IE", None), ("BR", None)]
    found = []
    for (country, region), age, (paid, danger, risk) in itertools.product(
            places, (None, 13, 17, 18, 40), [(False, False, False), (True, True, True), (True, False, True)]):
        found.append({"age": age, "country": country, "region": region, "paid": paid,
                      "danger": danger, "risk": risk, "platform": "instagram",
                      "links": ("https://instagram.com/p/a", "https://example.org/b")})
    return found


SITUATIONS = _situations()


def _data_values() -> list[str]:
    """Every value the data lets a plan show, whitespace made single."""
    values = []
    for entry in raw_services()["services"]:
        values += [str(entry[k]) for k in ("name", "for", "how", "phone", "textphone", "sms", "url", "hours")
                   if entry.get(k)]
    for entry in raw_services()["jurisdictions"].values():
        for routes in entry["routes"].values():
            values += [str(r[k]) for r in routes or () for k in ("how", "heading") if r.get(k)]
    for entry in raw_platforms()["platforms"]:
        values += [str(r[k]) for r in entry["routes"] for k in ("label", "url")]
    return sorted({" ".join(v.split()) for v in values}, key=len, reverse=True)


DATA_VALUES = _data_values()


def _name(options: dict[str, Any]) -> str:
    return f"{options['country']}-{options['region']}-{options['age']}-{options['paid']}"


@pytest.mark.parametrize("options", SITUATIONS, ids=_name)
def test_every_number_and_link_shown_comes_from_sourced_data(options: dict[str, Any]) -> None:
    value = make(**options)
    for step in value.steps:
        for service in step.services:
            assert service.sources and service.checked
    text = flat(value)
    for link in options["links"]:
        text = text.replace(link, "")
    for data in DATA_VALUES:
        text = text.replace(data, "")
    assert not re.search(r"https?://|www\.", text), text
    assert not re.search(r"\d{3,}", text.replace(value.checked, "")), text


@pytest.mark.parametrize("options", SITUATIONS[::7], ids=lambda o: f"{o['country']}-{o['age']}")
def test_lines_are_short_and_steps_numbered(options: dict[str, Any]) -> None:
    value = make(**options)
    lines = render_text(value).splitlines()
    assert lines[0].startswith("You are not in trouble. This is not your fault.")
    for line in lines:
        assert len(line) <= 72 or " " not in line.strip(), line  # only an unbreakable link may be longer
    numbers = [int(m.group(1)) for line in lines if (m := re.match(r"(\d+)\. ", line))]
    assert numbers == list(range(1, len(value.steps) + 1))


def test_json_form_is_stable() -> None:
    data = json.loads(json.dumps(plan_to_dict(make(16, paid=True))))
    assert set(data) == {"situation", "jurisdiction", "jurisdiction_name", "intro", "notes", "steps",
                         "closing", "checked"}
    step = data["steps"][0]
    assert set(step) == {"id", "title", "text", "groups"}
    service = step["groups"][0]["services"][0]
    assert set(service) == {"id", "name", "for", "how", "phone", "textphone", "sms", "url", "hours",
                            "sources", "checked"}
    assert service["sources"] and service["checked"] == "2026-11-29"


@pytest.mark.parametrize(("name", "options"), [
    ("plan-gb-16", {"age": 16}),
    ("plan-us-unknown-age-paid", {"country": "US", "paid": True,
                                  "links": ("https://www.instagram.com/p/abc",)}),
])
def test_golden_plans(name: str, options: dict[str, Any]) -> None:
    expected = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert render_text(make(**options)) == expected
