"""The service and platform directory, read from this package's data files.

``data/services.yaml`` holds the services (each with its sources and the date it
was checked) and, per country, which services each part of the plan uses.
``data/platforms.yaml`` holds how to report to each platform. ``data/steps.yaml``
holds the words of the plan. Nothing here reaches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from takeback.errors import UsageError

INTERNATIONAL = "international"
SHOWN_FIELDS = ("name", "for", "how", "phone", "textphone", "sms", "url", "hours")
ROLES = ("emergency", "crisis", "support", "police", "child_police", "removal", "fraud", "bank")
# People type regions many ways; these are the spellings we accept for each.
_REGION_SPELLINGS = {
    "england": "england",
    "wales": "wales",
    "scotland": "scotland",
    "northern-ireland": "northern-ireland",
    "ni": "northern-ireland",
    "n-ireland": "northern-ireland",
}


@dataclass(frozen=True, slots=True)
class Service:
    """A service a person can contact. Every field shown to them comes from sourced data."""

    id: str
    name: str
    kind: str
    for_whom: str | None
    how: str | None
    phone: str | None
    textphone: str | None
    sms: str | None
    url: str | None
    hours: str | None
    sources: tuple[str, ...]
    checked: str


@dataclass(frozen=True, slots=True)
class Route:
    """One service a country uses for one part of the plan, and who it is for."""

    service: Service
    min_age: int = 0
    max_age: int | None = None
    regions: tuple[str, ...] = ()  # empty: the whole country; "unknown": also when the region is not known
    heading: str | None = None
    how: str | None = None

    def fits(self, age: int) -> bool:
        return self.min_age <= age and (self.max_age is None or age <= self.max_age)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str
    name: str
    regions: dict[str, str]  # id -> name people know it by
    routes: dict[str, tuple[Route, ...]]


@dataclass(frozen=True, slots=True)
class PlatformRoute:
    label: str
    url: str
    countries: tuple[str, ...] = ()  # empty: everywhere


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]
    in_app: str | None
    routes: tuple[PlatformRoute, ...]
    stopncii_partner: bool | None
    take_it_down_participant: bool | None
    private_chats: bool
    search_only: bool
    sources: tuple[str, ...]
    checked: str

    def routes_for(self, country: str) -> tuple[PlatformRoute, ...]:
        return tuple(r for r in self.routes if not r.countries or country in r.countries)


def _load(name: str) -> dict[str, Any]:
    text = resources.files("takeback.guidance").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"guidance/data/{name} must hold a mapping")
    return data


@cache
def raw_services() -> dict[str, Any]:
    """services.yaml as written, for checks over the data itself."""
    return _load("services.yaml")


@cache
def raw_platforms() -> dict[str, Any]:
    """platforms.yaml as written, for checks over the data itself."""
    return _load("platforms.yaml")


@cache
def words() -> dict[str, Any]:
    """steps.yaml: every sentence of the plan."""
    return _load("steps.yaml")


def _text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else str(value).strip()


@cache
def services() -> dict[str, Service]:
    found: dict[str, Service] = {}
    for entry in raw_services()["services"]:
        service = Service(
            id=entry["id"],
            name=str(entry["name"]),
            kind=str(entry["kind"]),
            for_whom=_text(entry, "for"),
            how=_text(entry, "how"),
            phone=_text(entry, "phone"),
            textphone=_text(entry, "textphone"),
            sms=_text(entry, "sms"),
            url=_text(entry, "url"),
            hours=_text(entry, "hours"),
            sources=tuple(entry["sources"]),
            checked=str(entry["checked"]),
        )
        if service.id in found:
            raise ValueError(f"guidance/data/services.yaml: {service.id} is listed twice")
        found[service.id] = service
    return found


@cache
def jurisdictions() -> dict[str, Jurisdiction]:
    by_id = services()
    found: dict[str, Jurisdiction] = {}
    for code, entry in raw_services()["jurisdictions"].items():
        routes: dict[str, tuple[Route, ...]] = {}
        for role in ROLES:
            listed = []
            for item in entry["routes"].get(role) or ():
                if item["service"] not in by_id:
                    raise ValueError(f"guidance/data/services.yaml: {code} {role} names "
                                     f"unknown service {item['service']!r}")
                listed.append(Route(
                    service=by_id[item["service"]],
                    min_age=int(item.get("min_age", 0)),
                    max_age=item.get("max_age"),
                    regions=tuple(item.get("regions") or ()),
                    heading=_text(item, "heading"),
                    how=_text(item, "how"),
                ))
            routes[role] = tuple(listed)
        found[code] = Jurisdiction(
            code=code, name=str(entry["name"]), regions=dict(entry.get("regions") or {}), routes=routes,
        )
    return found


def jurisdiction(code: str) -> Jurisdiction:
    """The country's services; any country without its own list gets the international one."""
    return jurisdictions().get(code) or jurisdictions()[INTERNATIONAL]


def country_code(given: str | None) -> tuple[str, str | None]:
    """The jurisdiction for what a person typed, and the code itself when it has no list of its own.

    "UK" and "GB" are the United Kingdom. Any other two-letter code without a list
    of its own gets the international plan.
    """
    if given is None or not given.strip():
        return INTERNATIONAL, None
    code = given.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise UsageError(f"--country takes a two-letter country code such as GB, US, CA, AU or IE, "
                         f"not {given!r}")
    code = "GB" if code == "UK" else code
    return (code, None) if code in jurisdictions() else (INTERNATIONAL, code)


def region_code(country: str, given: str | None) -> str | None:
    """The region id for what a person typed (only the UK has regions in the plan)."""
    if given is None or not given.strip():
        return None
    regions = jurisdiction(country).regions
    if not regions:
        raise UsageError("--region is only used with --country GB "
                         "(england, wales, scotland or northern-ireland)")
    spelled = re.sub(r"[\s_]+", "-", given.strip().lower())
    region = _REGION_SPELLINGS.get(spelled)
    if region not in regions:
        raise UsageError(f"unknown region {given!r}: use one of {', '.join(regions)}")
    return region


@cache
def platforms() -> tuple[Platform, ...]:
    found = []
    for entry in raw_platforms()["platforms"]:
        found.append(Platform(
            id=entry["id"],
            name=str(entry["name"]),
            domains=tuple(str(d).lower() for d in entry["domains"]),
            aliases=tuple(str(a).lower() for a in entry.get("aliases") or ()),
            in_app=_text(entry, "in_app"),
            routes=tuple(
                PlatformRoute(label=str(r["label"]), url=str(r["url"]),
                              countries=tuple(r.get("countries") or ()))
                for r in entry.get("routes") or ()
            ),
            stopncii_partner=entry.get("stopncii_partner"),
            take_it_down_participant=entry.get("take_it_down_participant"),
            private_chats=bool(entry.get("private_chats", False)),
            search_only=bool(entry.get("search_only", False)),
            sources=tuple(entry["sources"]),
            checked=str(entry["checked"]),
        ))
    return tuple(found)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def platform_named(name: str | None) -> Platform | None:
    """The platform a person or an export names ("insta", "Instagram", "x.com", "whatsapp")."""
    if not name or not name.strip():
        return None
    wanted = _squash(name)
    for platform in platforms():
        names = (platform.id, platform.name, *platform.aliases, *platform.domains)
        if any(_squash(n) == wanted for n in names):
            return platform
    return platform_for_url(name) if "." in name else None


def host_of(url: str) -> str | None:
    """The host of a link, also when it was written with no scheme in front."""
    text = url.strip()
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def platform_for_url(url: str) -> Platform | None:
    """The platform whose domain (or a subdomain of it) the link points to."""
    host = host_of(url)
    if not host:
        return None
    for platform in platforms():
        if any(host == domain or host.endswith("." + domain) for domain in platform.domains):
            return platform
    return None
