"""The plan: what to do, in order, for this person's age, country and situation.

The order follows police advice. Safety comes first: the emergency number when
someone is in danger, crisis lines when they may hurt themselves. Before anything
was sent, "do not send anything" leads. Then: it is not your fault; stop contact;
do not pay (and tell the bank if you did); save the proof; get the images taken
down; report it. Which services each step names comes from the data files, by
country, region and age; when the age is not known, both the under-18 and the
adult routes are shown, each under its own heading.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from takeback.errors import UsageError
from takeback.guidance.directory import (
    INTERNATIONAL,
    Jurisdiction,
    Platform,
    Route,
    Service,
    country_code,
    jurisdiction,
    platform_for_url,
    platform_named,
    raw_services,
    region_code,
    words,
)
from takeback.model import Assessment

# Stages that come before anything is sent: an assessment that shows only these means
# the best outcome is still possible.
EARLY_STAGES = frozenset({"approach", "sexualisation", "image_request"})
WIDTH = 72
_UNDER, _ADULT = "under-18", "adult"


@dataclass(frozen=True, slots=True)
class Situation:
    """What the plan is chosen from. Build it with :func:`situation_from`."""

    country: str  # a jurisdiction code: GB, US, CA, AU, IE or "international"
    region: str | None = None  # GB only: england, wales, scotland, northern-ireland
    age: int | None = None
    paid: bool = False
    images_shared: tuple[str, ...] = ()  # links to where images were shared
    platform: str | None = None  # where the contact happened, as named by the person or the export
    in_danger: bool = False
    at_risk: bool = False  # may hurt themselves: crisis lines first
    nothing_sent: bool = False
    country_given: str | None = None  # the code typed, when that country has no list of its own

    @property
    def under_18(self) -> bool | None:
        return None if self.age is None else self.age < 18


@dataclass(frozen=True, slots=True)
class Group:
    """Services (and words) within a step for one kind of person: "If you are under 18"."""

    heading: str | None
    text: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    link: str | None = None  # the link this group is about, as the person gave it


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    text: tuple[str, ...]
    groups: tuple[Group, ...] = ()

    @property
    def services(self) -> tuple[Service, ...]:
        return tuple(s for g in self.groups for s in g.services)


@dataclass(frozen=True, slots=True)
class Plan:
    situation: Situation
    jurisdiction: str
    jurisdiction_name: str
    intro: str
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()  # said after the intro: e.g. no list for this country yet
    closing: tuple[str, ...] = ()
    checked: str = ""


def situation_from(assessment: Assessment | None, age: int | None, country: str | None,
                   region: str | None, paid: bool, images_shared: Iterable[str],
                   platform: str | None, in_danger: bool, *, at_risk: bool = False,
                   nothing_sent: bool = False) -> Situation:
    """The situation from what the person says and (when given) what a conversation shows.

    The assessment adds crisis (it asks for crisis lines first) and "nothing sent
    yet" when it shows only the early stages. Payment is what the person says:
    a demand for money in the chat does not mean it was paid.
    """
    if age is not None and not 0 < age < 130:
        raise UsageError(f"--age must be a number of years, not {age}")
    code, given = country_code(country)
    early = bool(assessment and assessment.stages and set(assessment.stages) <= EARLY_STAGES)
    links = tuple(dict.fromkeys(link.strip() for link in images_shared if link.strip()))
    return Situation(
        country=code,
        region=region_code(code, region),
        age=age,
        paid=paid,
        images_shared=links,
        platform=platform.strip() if platform and platform.strip() else None,
        in_danger=in_danger,
        at_risk=at_risk or bool(assessment and assessment.crisis),
        nothing_sent=nothing_sent or early,
        country_given=given,
    )


# --- choosing the services ---------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """A group while it is being built; ``rank`` orders groups within a step."""

    heading: str | None
    rank: tuple[int, int, int]  # kind of group, which role, which route
    text: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    link: str | None = None


def _phrase(key: str, **values: str) -> str:
    return str(words()["conditions"][key]).format(**values)


def _heading(conditions: Sequence[str]) -> str | None:
    return f"If {' and '.join(conditions)}" if conditions else None


def _places(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


class _Builder:
    """Chooses and groups services for one situation in one jurisdiction."""

    def __init__(self, situation: Situation, place: Jurisdiction) -> None:
        self.situation = situation
        self.place = place

    def _age_condition(self, route: Route) -> tuple[bool, str | None]:
        """Whether the route applies, and the age heading it needs when the age is not known."""
        age = self.situation.age
        if age is not None:
            return route.fits(age), None
        child, adult = route.fits(17), route.fits(18)
        if child and adult:
            return True, None
        if child or adult:
            return True, _UNDER if child else _ADULT
        return False, None

    def _region_condition(self, route: Route) -> tuple[bool, str | None]:
        if not route.regions or not self.place.regions:
            return True, None
        region = self.situation.region
        if region is not None:
            return region in route.regions, None
        if "unknown" in route.regions:
            return True, None
        names = [self.place.regions[r] for r in route.regions if r in self.place.regions]
        return True, _phrase("regions", places=_places(names))

    def groups(self, role: str, order: int, drafts: dict[str | None, _Draft], shown: set[str],
               extra: Sequence[str] = ()) -> int:
        """Adds the role's services to ``drafts``; returns how many were added."""
        added = 0
        for index, route in enumerate(self.place.routes[role]):
            age_ok, age_cond = self._age_condition(route)
            region_ok, region_phrase = self._region_condition(route)
            if not (age_ok and region_ok):
                continue
            service = replace(route.service, how=route.how) if route.how else route.service
            # Said once per step, unless this route has something of its own to say. When
            # the age is not known, a service already shown under an age heading says
            # who it is for itself.
            if service.id in shown and not route.how and (
                    not route.heading or self.situation.age is None):
                continue
            conditions = [_phrase(c) for c in extra]
            heading: str | None = route.heading
            if route.heading:
                rank = 30
            else:
                if age_cond:
                    conditions.append(_phrase(age_cond))
                if region_phrase:
                    conditions.append(region_phrase)
                heading = _heading(conditions)
                rank = _rank(bool(extra), age_cond, bool(region_phrase))
            draft = drafts.setdefault(heading, _Draft(heading, (rank, order, index)))
            draft.services.append(service)
            shown.add(service.id)
            added += 1
        return added


def _rank(extra: bool, age: str | None, region: bool) -> int:
    """Everyone's services first, then by age, then by region, then special cases."""
    if extra:
        return 40
    if region:
        return 20
    return {None: 0, _UNDER: 10, _ADULT: 11}[age]


def _finish(drafts: dict[str | None, _Draft]) -> tuple[Group, ...]:
    ordered = sorted(drafts.values(), key=lambda d: d.rank)
    return tuple(Group(d.heading, tuple(d.text), tuple(d.services), d.link)
                 for d in ordered if d.text or d.services)


# --- the steps ---------------------------------------------------------------------------


class _Planner:
    def __init__(self, situation: Situation) -> None:
        self.situation = situation
        self.place = jurisdiction(situation.country)
        self.builder = _Builder(situation, self.place)
        self.words: dict[str, Any] = words()

    def _words(self, step: str) -> tuple[str, list[str]]:
        """The title and sentences for a step, with the variant this situation needs."""
        entry = self.words["steps"][step]
        title, text = str(entry["title"]), list(entry["text"])
        for variant, applies in (("nothing_sent", self.situation.nothing_sent),
                                 ("paid", self.situation.paid)):
            if applies and variant in entry:
                title = str(entry[variant].get("title", title))
                text = list(entry[variant].get("text", text))
        return title, text

    def _age_words(self, step: str, text: list[str], drafts: dict[str | None, _Draft]) -> None:
        """Sentences for one age: in the step when the age is known, else under age headings."""
        entry = self.words["steps"][step]
        under = self.situation.under_18
        for band in (_UNDER, _ADULT):
            sentences = [str(s) for s in entry.get(band) or ()]
            if not sentences:
                continue
            if under is None:
                heading = _heading([_phrase(band)])
                rank = (_rank(False, band, False), -1, 0)
                drafts.setdefault(heading, _Draft(heading, rank)).text[:0] = sentences
            elif under == (band == _UNDER):
                text.extend(sentences)

    def step(self, step: str, roles: Sequence[tuple[str, Sequence[str]]] = (),
             main: str | None = None, extra: Sequence[_Draft] = ()) -> Step:
        """A step from its words and the services of ``roles`` (role, heading conditions).

        When the ``main`` role has no service in this country, the step's ``none``
        sentence (after the first) tells the person what to do instead.
        """
        title, text = self._words(step)
        drafts: dict[str | None, _Draft] = {}
        shown: set[str] = set()
        self._age_words(step, text, drafts)
        counts = {role: self.builder.groups(role, order, drafts, shown, conditions)
                  for order, (role, conditions) in enumerate(roles)}
        if main is not None and counts.get(main) == 0:
            text[1:1] = [str(s) for s in self.words["steps"][step].get("none") or ()]
        for draft in extra:
            drafts[f"{draft.heading}\x00{draft.link}"] = draft
        return Step(step, title, tuple(text), _finish(drafts))

    # Platform groups: how to report on the platform the person named, and per link.

    def _platform_words(self, key: str, platform: Platform | None = None) -> str:
        name = platform.name if platform else ""
        return str(self.words["platform"][key]).format(platform=name)

    def _platform_services(self, platform: Platform) -> list[Service]:
        return [
            Service(id=f"{platform.id}#{number}", name=route.label, kind="platform", for_whom=None,
                    how=None, phone=None, textphone=None, sms=None, url=route.url, hours=None,
                    sources=platform.sources, checked=platform.checked)
            for number, route in enumerate(platform.routes_for(self.situation.country), 1)
        ]

    def account_group(self) -> list[_Draft]:
        platform = platform_named(self.situation.platform)
        if platform is None:
            return []
        heading = self._platform_words("account", platform)
        text = [platform.in_app or self._platform_words("in_app_missing")]
        return [_Draft(heading, (50, 0, 0), text, self._platform_services(platform))]

    def link_groups(self) -> list[_Draft]:
        drafts = []
        under = self.situation.under_18
        for number, link in enumerate(self.situation.images_shared):
            platform = platform_for_url(link)
            if platform is None:
                text = [self._platform_words("in_app_missing"), self._platform_words("takedown")]
                drafts.append(_Draft(self._platform_words("other_link"), (50, number, 0), text, [], link))
                continue
            text = [platform.in_app or self._platform_words("in_app_missing")]
            if platform.stopncii_partner and under is not True:
                text.append(self._platform_words("stopncii", platform))
            if platform.take_it_down_participant and under is not False:
                text.append(self._platform_words("take_it_down", platform))
            if platform.private_chats:
                text.append(self._platform_words("private_chats", platform))
            if platform.search_only:
                text.append(self._platform_words("search_only", platform))
            text.append(self._platform_words("takedown"))
            drafts.append(_Draft(self._platform_words("link", platform), (50, number, 0), text,
                                 self._platform_services(platform), link))
        return drafts

    def steps(self) -> tuple[Step, ...]:
        s = self.situation
        steps = []
        if s.in_danger:
            steps.append(self.step("emergency", [("emergency", ())], main="emergency"))
        if s.at_risk:
            danger = [] if s.in_danger else [("emergency", ("danger",))]
            steps.append(self.step("crisis", [("crisis", ()), *danger], main="crisis"))
        if s.nothing_sent:
            steps.append(self.step("nothing_sent"))
        cope = [] if s.at_risk else [("crisis", ("cope",))]
        steps.append(self.step("not_your_fault", [("support", ()), *cope]))
        steps.append(self.step("stop_contact", extra=self.account_group()))
        steps.append(self.step("dont_pay"))
        if s.paid:
            steps.append(self.step("tell_bank", [("bank", ())], main="bank"))
        steps.append(self.step("save_evidence"))
        steps.append(self.step("remove_images", [("removal", ())], extra=self.link_groups()))
        report: list[tuple[str, Sequence[str]]] = [("police", ()), ("child_police", ())]
        if s.paid:
            report.append(("fraud", ("paid",)))
        if not s.in_danger:
            report.append(("emergency", ("danger",)))
        steps.append(self.step("report", report, main="police"))
        return tuple(steps)


def plan(situation: Situation) -> Plan:
    """The ordered steps for this situation, each with its services."""
    planner = _Planner(situation)
    checked = str(raw_services()["meta"]["checked"])
    notes: tuple[str, ...] = ()
    if situation.country_given is not None:
        notes = (str(planner.words["no_country"]),)
    elif situation.country == INTERNATIONAL:
        notes = (str(planner.words["choose_country"]),)
    return Plan(
        situation=situation,
        jurisdiction=planner.place.code,
        jurisdiction_name=planner.place.name,
        intro=str(planner.words["intro"]),
        steps=planner.steps(),
        notes=notes,
        closing=(str(planner.words["closing"]), str(planner.words["checked"]).format(date=checked)),
        checked=checked,
    )


def services_for(situation: Situation, *roles: str) -> tuple[Group, ...]:
    """The services of some parts of the plan (e.g. "police"), grouped as the plan groups them."""
    builder = _Builder(situation, jurisdiction(situation.country))
    drafts: dict[str | None, _Draft] = {}
    shown: set[str] = set()
    for order, role in enumerate(roles):
        builder.groups(role, order, drafts, shown)
    return _finish(drafts)


def first_steps(plan: Plan, n: int = 3) -> tuple[Step, ...]:
    """The first ``n`` steps: what ``check`` shows at its end."""
    return plan.steps[:n]


# --- output ------------------------------------------------------------------------------


def _wrap(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad,
                         break_long_words=False, break_on_hyphens=False) or [pad.rstrip()]


def _service_lines(service: Service, indent: int) -> list[str]:
    lines = _wrap(f"- {service.name}", indent)
    inner = indent + 2
    if service.for_whom:
        lines += _wrap(f"For: {service.for_whom}", inner)
    if service.how:
        lines += _wrap(service.how, inner)
    for label, value in (("Phone", service.phone), ("Textphone", service.textphone),
                         ("Text", service.sms), ("Website", service.url), ("Open", service.hours)):
        if value:
            lines += _wrap(f"{label}: {value}", inner)
    return lines


def step_lines(number: int, step: Step) -> list[str]:
    """One numbered step as short terminal lines."""
    lines = _wrap(f"{number}. {step.title}", 0)
    for sentence in step.text:
        lines += _wrap(sentence, 3)
    for group in step.groups:
        lines.append("")
        indent = 3
        if group.heading:
            lines += _wrap(f"{group.heading}:", 3)
            indent = 5
        if group.link:
            lines += _wrap(f"Link: {group.link}", indent)
        for sentence in group.text:
            lines += _wrap(sentence, indent)
        for service in group.services:
            lines += _service_lines(service, indent)
    return lines


def render_text(plan: Plan, limit: int | None = None) -> str:
    """The plan for a terminal: a calm first line, numbered steps, lines of at most 72 columns.

    With ``limit``, only the first steps are shown (``check`` shows three).
    """
    lines = _wrap(plan.intro, 0)
    for note in plan.notes:
        lines += ["", *_wrap(note, 0)]
    steps = plan.steps if limit is None else first_steps(plan, limit)
    for number, step in enumerate(steps, 1):
        lines.append("")
        lines += step_lines(number, step)
    lines.append("")
    for sentence in plan.closing:
        lines += _wrap(sentence, 0)
    return "\n".join(lines) + "\n"


def service_to_dict(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "for": service.for_whom,
        "how": service.how,
        "phone": service.phone,
        "textphone": service.textphone,
        "sms": service.sms,
        "url": service.url,
        "hours": service.hours,
        "sources": list(service.sources),
        "checked": service.checked,
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The stable JSON form of a plan (key names are a public contract)."""
    s = plan.situation
    return {
        "situation": {
            "country": s.country, "country_given": s.country_given, "region": s.region, "age": s.age,
            "paid": s.paid, "images_shared": list(s.images_shared), "platform": s.platform,
            "in_danger": s.in_danger, "at_risk": s.at_risk, "nothing_sent": s.nothing_sent,
        },
        "jurisdiction": plan.jurisdiction,
        "jurisdiction_name": plan.jurisdiction_name,
        "intro": plan.intro,
        "notes": list(plan.notes),
        "steps": [
            {
                "id": step.id,
                "title": step.title,
                "text": list(step.text),
                "groups": [
                    {"heading": g.heading, "link": g.link, "text": list(g.text),
                     "services": [service_to_dict(x) for x in g.services]}
                    for g in step.groups
                ],
            }
            for step in plan.steps
        ],
        "closing": list(plan.closing),
        "checked": plan.checked,
    }
