"""Email addresses, including the obfuscated ones scammers write to dodge filters.

``name@gmail.com``, ``name [at] gmail [dot] com``, ``name(at)proton.me`` and
``name at gmail dot com`` are all read; a bare " at " with ordinary dots
("meet at home.com") counts only for the common mail hosts in context.yaml.
The value is lower-cased, with the domain in its ASCII (punycode) form; a
domain that mixes scripts (Latin and Cyrillic look-alikes) is flagged. No
checksum exists for an address: ``valid`` is None, or False when the address
cannot exist (a label or part too long, a domain IDNA cannot encode).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import ClassVar

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Scope,
    Words,
    ascii_host,
    compile_pattern,
    context_group,
    load_data,
    lookalike,
    with_note,
)

_LETTER = r"\p{Latin}\p{Cyrillic}\p{Greek}\p{N}"
_LOCAL = rf"[{_LETTER}_%+\-]+(?:\.[{_LETTER}_%+\-]+)*"
_AT = r"(?:@|[ \t]*[\[({<][ \t]*(?i:at)[ \t]*[\])}>][ \t]*|[ \t]+(?i:at)[ \t]+)"
_LABEL = rf"[{_LETTER}](?:[{_LETTER}\-]*[{_LETTER}])?"
_DOT = r"(?:\.|[ \t]*[\[({<][ \t]*(?i:dot)[ \t]*[\])}>][ \t]*|[ \t]+(?i:dot)[ \t]+)"
ADDRESS = rf"{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})+"
AT_SIGN = _AT  # every address has one: the short trigger of the pattern

_AT_TOKEN = compile_pattern(_AT)
_NOT_PLAIN = frozenset(" \t[](){}<>")  # what only an obfuscated address has
_DOT_TOKEN = compile_pattern(_DOT)
PROVIDERS = frozenset(context_group("email_providers"))


@cache
def known_tlds() -> frozenset[str]:
    data = load_data("tlds.yaml")
    return frozenset(data["bare"]) | frozenset(data["generic"])


@dataclass(frozen=True, slots=True)
class Address:
    """An address split as written: the local part, the "at", the domain labels and the dots."""

    local: str
    at: str
    labels: tuple[str, ...]
    dots: tuple[str, ...]

    @property
    def obfuscated(self) -> bool:
        return self.at != "@" or any(dot != "." for dot in self.dots)

    @property
    def domain(self) -> str:
        return ".".join(self.labels)


@lru_cache(maxsize=4096)
def split_address(raw: str) -> Address | None:
    """An address taken apart as written (cached: each sighting is read several times)."""
    if raw.count("@") == 1 and _NOT_PLAIN.isdisjoint(raw):
        local, domain = raw.split("@")
        parts = tuple(domain.split("."))
        if not local or not all(parts):
            return None
        return Address(local, "@", parts, (".",) * (len(parts) - 1))
    at = _AT_TOKEN.search(raw)
    if at is None or at.start() == 0:
        return None
    domain = raw[at.end() :]
    labels, dots, position = [], [], 0
    for dot in _DOT_TOKEN.finditer(domain):
        labels.append(domain[position : dot.start()])
        dots.append(dot.group())
        position = dot.end()
    labels.append(domain[position:])
    if any(not label for label in labels):
        return None
    return Address(raw[: at.start()], at.group(), tuple(labels), tuple(dots))


def normal_address(address: Address) -> tuple[str, str | None]:
    """The address lower-cased with its domain in ASCII form, and the ASCII domain (None if impossible)."""
    host = ascii_host(address.domain)
    return f"{address.local.lower()}@{host or address.domain.lower()}", host


class EmailExtractor(Extractor):
    NAME = "email"
    PATTERNS: ClassVar[Mapping[str, str]] = {"email address": ADDRESS}
    CONTEXT: ClassVar[Mapping[str, Words]] = {"email address": Words(context_group("email"))}
    CONTEXT_AFTER_ACCEPT: ClassVar[frozenset[str]] = frozenset(["email address"])
    TRIGGERS: ClassVar[Mapping[str, str]] = {"email address": AT_SIGN}

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        address = split_address(candidate.raw)
        if address is None:
            return None
        tld = address.labels[-1]
        if not any(map(str.isalpha, tld)) or len(tld) < 2:
            return None
        if not (tld.islower() or address.domain.isupper()) and tld.lower() not in known_tlds():
            return None  # "ticket@kiosk.Valid": a missing space after a full stop, not a domain
        bare_at = address.at.strip().lower() == "at"
        plain_dots = all(dot == "." for dot in address.dots)
        if bare_at and plain_dots and address.domain.lower() not in PROVIDERS:
            return None
        if address.obfuscated:
            tokens = dict.fromkeys([address.at.strip(), *(d.strip() for d in address.dots if d != ".")])
            candidate = with_note(candidate, "written obfuscated: " + ", ".join(repr(t) for t in tokens))
        host = ascii_host(address.domain)
        if host and host != address.domain.lower():
            candidate = with_note(candidate, f"domain in punycode: {host}")
        return with_note(candidate, lookalike(address.domain))

    def normalise(self, candidate: Candidate) -> str:
        address = split_address(candidate.raw)
        return normal_address(address)[0] if address else candidate.raw.lower()

    def validate(self, candidate: Candidate) -> bool | None:
        address = split_address(candidate.raw)
        if address is None or len(address.local) > 64 or ascii_host(address.domain) is None:
            return False
        return None

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        if valid is False:
            return "cannot exist: a part is too long or the domain cannot be encoded"
        return "no checksum exists for an address"


EMAIL = EXTRACTORS.register(EmailExtractor())
