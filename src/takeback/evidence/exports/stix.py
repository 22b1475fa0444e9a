"""indicators.stix.json: the offender's identifiers as a STIX 2.1 bundle, for threat-intelligence tools.

Only identifiers tied to the offender go in (never the victim's own). STIX has
objects for email addresses, links, domain names and accounts; phone numbers,
crypto wallets, bank accounts and cards have none, so they are new observable
types declared by one extension definition in the bundle (the STIX 2.1 way to
extend it). Each standard identifier also gets an ``indicator`` with a STIX
pattern, which is what most tools import.

The JSON is written here rather than with the ``stix2`` library: the bundle is
small, and writing it directly keeps the ids and times fixed (ids derived from
content with UUIDv5, times from the pack's clock), so the same case always gives
the same bytes, with no extra dependency.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from takeback.evidence.case import Case
from takeback.evidence.manifest import canonical, pretty
from takeback.model import Identifier

# The namespace STIX 2.1 fixes for observable ids (section 2.9 of the specification).
STIX_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
# takeback's own namespace, hashed into the ids of the other objects it writes.
TAKEBACK_NAMESPACE = uuid.UUID("714c107b-ef73-5daa-8ebe-def2a17897a5")

_CUSTOM = {
    "phone": ("x-takeback-phone-number", "value"),
    "crypto": ("x-takeback-cryptocurrency-wallet", "address"),
    "bank": ("x-takeback-bank-account", "account_number"),
    "card": ("x-takeback-payment-card", "number"),
}


def _time(case: Case) -> str:
    return case.created.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _sco_id(kind: str, contributing: dict[str, Any]) -> str:
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, canonical(contributing).decode('utf-8'))}"


def _sdo_id(kind: str, *parts: str) -> str:
    """A UUIDv4-form id (as STIX asks for objects other than standard observables) whose
    random bits come from a hash of the content, so that it is the same every time."""
    digest = uuid.uuid5(TAKEBACK_NAMESPACE, "|".join((kind, *parts))).bytes
    return f"{kind}--{uuid.UUID(bytes=digest, version=4)}"


def _quote(value: str) -> str:
    """A string literal in a STIX pattern."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _account_type(platform: str | None) -> str:
    return (platform or "unknown").lower().replace(" ", "-")


def _observables(identifier: Identifier, extension_id: str) -> list[tuple[dict[str, Any], str | None]]:
    """The observables for one identifier, each with a STIX pattern when it is a standard type."""
    value = identifier.value
    if identifier.kind == "email":
        return [
            (
                {"type": "email-addr", "id": _sco_id("email-addr", {"value": value}), "value": value},
                f"[email-addr:value = {_quote(value)}]",
            )
        ]
    if identifier.kind == "url":
        found: list[tuple[dict[str, Any], str | None]] = [
            (
                {"type": "url", "id": _sco_id("url", {"value": value}), "value": value},
                f"[url:value = {_quote(value)}]",
            ),
        ]
        host = (urlsplit(value).hostname or "").lower()
        if host:
            domain = {"type": "domain-name", "id": _sco_id("domain-name", {"value": host}), "value": host}
            found.append((domain, None))
        return found
    if identifier.kind in ("handle", "payment"):
        account_type = _account_type(identifier.platform)
        sco: dict[str, Any] = {"type": "user-account", "account_login": value, "account_type": account_type}
        sco["id"] = _sco_id("user-account", {"account_login": value, "account_type": account_type})
        return [
            (
                sco,
                f"[user-account:account_login = {_quote(value)} AND "
                f"user-account:account_type = {_quote(account_type)}]",
            )
        ]
    if identifier.kind in _CUSTOM:
        kind, field = _CUSTOM[identifier.kind]
        custom: dict[str, Any] = {
            "type": kind,
            "id": _sdo_id(kind, value),
            field: value,
            "extensions": {extension_id: {"extension_type": "new-sco"}},
        }
        if identifier.platform:
            custom["network"] = identifier.platform
        return [(custom, None)]
    return []


def bundle(case: Case) -> bytes:
    created = _time(case)
    identity_id = _sdo_id("identity", "takeback")
    extension_id = _sdo_id("extension-definition", "takeback-identifiers-1")
    identity = {
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id,
        "created": created,
        "modified": created,
        "name": "takeback",
        "identity_class": "system",
        "description": "Evidence pack made on the victim's own device with takeback.",
    }
    extension = {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": extension_id,
        "created_by_ref": identity_id,
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "takeback identifiers",
        "description": "Identifiers STIX 2.1 has no observable for, found in extortion messages.",
        "schema": (
            "x-takeback-phone-number: value (E.164) and network; x-takeback-cryptocurrency-wallet: "
            "address and network (the currency); x-takeback-bank-account: account_number (IBAN or "
            "national form); x-takeback-payment-card: number. Every property is a string."
        ),
        "version": "1.0.0",
        "extension_types": ["new-sco"],
    }
    observables: dict[str, dict[str, Any]] = {}
    indicators: dict[str, dict[str, Any]] = {}
    for item, identifier in case.offender_identifiers():
        for sco, pattern in _observables(identifier, extension_id):
            observables.setdefault(sco["id"], sco)
            if pattern is None:
                continue
            indicator_id = _sdo_id("indicator", pattern)
            indicators.setdefault(
                indicator_id,
                {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": indicator_id,
                    "created_by_ref": identity_id,
                    "created": created,
                    "modified": created,
                    "name": f"{identifier.kind} used by the offender: {identifier.value}",
                    "description": f"Seen in conversation {item.id}; {identifier.explanation}".strip(),
                    "indicator_types": ["malicious-activity"],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "valid_from": created,
                },
            )
    referenced = sorted(observables) + sorted(indicators)
    objects: list[dict[str, Any]] = [identity, extension]
    if case.conversations:
        summary = " ".join(c.assessment.summary for c in case.conversations if c.assessment.summary)
        report = {
            "type": "report",
            "spec_version": "2.1",
            "id": _sdo_id("report", created, *referenced),
            "created_by_ref": identity_id,
            "created": created,
            "modified": created,
            "name": "Sextortion case: the offender's identifiers",
            "report_types": ["threat-report"],
            "published": created,
            "object_refs": referenced or [identity_id],
        }
        if summary:
            report["description"] = summary
        objects.append(report)
    objects.extend(observables[k] for k in sorted(observables))
    objects.extend(indicators[k] for k in sorted(indicators))
    bundle_id = _sdo_id("bundle", created, *(o["id"] for o in objects))
    return pretty({"type": "bundle", "id": bundle_id, "objects": objects})
