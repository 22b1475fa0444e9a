"""Links: with a scheme, defanged (``hxxps://``, ``[.]``), or written bare (``t.me/x``).

The value is refanged and normalised: scheme and host lower-cased, the host in
its ASCII (punycode) form, a default port and an empty path dropped; a link
written without a scheme gets ``https://``. Punctuation that ends the sentence
is not part of the link, and a closing bracket only when it opens inside it.
A host that mixes scripts (a Cyrillic "а" in "pаypal.com") is flagged.

Links to a known platform (platforms.yaml) carry the platform and, when the link
names an account (``instagram.com/name``, ``wa.me/447...``, ``paypal.me/name``),
that account as an identifier of its own: a handle, a phone number or a payment
account. No checksum exists for a link: ``valid`` is None, or False when the
link cannot work (a host IDNA cannot encode, a port out of range).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import ClassVar
from urllib.parse import unquote

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Found,
    Scope,
    ascii_host,
    char_after,
    char_before,
    compile_pattern,
    load_data,
    lookalike,
    with_note,
)
from takeback.identifiers.phone import parse_phone
from takeback.identifiers.platforms import Platform, by_domain

_REST = r"[^\s<>\"'`]+"
_LETTER = r"\p{L}\p{N}"
_LABEL = rf"[{_LETTER}](?:[{_LETTER}\-]*[{_LETTER}])?"
_TOP = rf"\p{{L}}(?:[{_LETTER}\-]*[{_LETTER}])?"  # a top-level domain starts with a letter
_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"

LINK_PATTERNS = {
    "link": r"(?i:h(?:tt|xx|\*\*)ps?|fxp|ftp)(?::?//|\[:\]//|\[://\])" + _REST,
    "www link": r"(?i:www)(?:\.|\[\.\]|\(\.\))" + _REST,
    "link without a scheme": rf"{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TOP}(?:[/?#]{_REST})?",
}

# Short necessary parts of the patterns, for the quick pre-check (see Extractor.triggers).
LINK_TRIGGERS = {
    "link": r"(?i)(?:h(?:tt|xx|\*\*)ps?|fxp|ftp)(?::?//|\[:\]//|\[://\])",
    "www link": r"(?i)www(?:\.|\[\.\]|\(\.\))",
    "link without a scheme": rf"[{_LETTER}]{_DOT}\p{{L}}",
}

_DEFANGS = (("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."), ("[:]", ":"))
_FANG_OPENERS = frozenset("[({")  # every defang starts with one of these
_SCHEMES = {"hxxp": "http", "hxxps": "https", "h**p": "http", "h**ps": "https", "fxp": "ftp"}
_TRAILING = ".,;:!?'\"*…"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
MAX_PORT_DIGITS = 5
_NO_COLON = compile_pattern(r"(?i)(?:h(?:tt|xx|\*\*)ps?|fxp|ftp)//")
MAX_HOST = 253  # the longest a DNS name can be


@cache
def _tlds() -> tuple[frozenset[str], frozenset[str]]:
    data = load_data("tlds.yaml")
    return frozenset(data["bare"]), frozenset(data["generic"]) | frozenset(data["bare"])


def trim(raw: str) -> str:
    """The link without the punctuation that ends the sentence around it."""
    while raw:
        last = raw[-1]
        if last in _TRAILING or (last in _CLOSERS and raw.count(last) > raw.count(_CLOSERS[last])):
            raw = raw[:-1]
        else:
            break
    return raw


@dataclass(frozen=True, slots=True)
class Link:
    """A link taken apart, refanged."""

    scheme: str
    userinfo: str
    host: str  # as written (Unicode), lower-cased
    port: str
    path: str
    query: str
    fragment: str
    defanged: tuple[str, ...]
    schemeless: bool


@lru_cache(maxsize=4096)
def parse_link(raw: str) -> Link | None:
    """A link taken apart (the same link is read several times per sighting: cached)."""
    text, defanged = raw, []
    if not _FANG_OPENERS.isdisjoint(raw):
        for fang, plain in _DEFANGS:
            if fang in text.lower():
                defanged.append(fang)
                text = _replace_folded(text, fang, plain)
    if _NO_COLON.opens(text):
        text = text.replace("//", "://", 1)
    scheme, separator, rest = text.partition("://")
    schemeless = not separator
    if schemeless:
        scheme, rest = "https", text
    else:
        scheme = scheme.lower()
        if scheme in _SCHEMES:
            defanged.insert(0, scheme)
            scheme = _SCHEMES[scheme]
    authority_end = _authority_end(rest)
    authority, remainder = rest[:authority_end], rest[authority_end:]
    userinfo, _, hostport = authority.rpartition("@")
    host, colon, port = hostport.rpartition(":")
    if not (colon and 1 <= len(port) <= MAX_PORT_DIGITS and port.isascii() and port.isdigit()):
        host, port = hostport, ""  # no port: a colon and up to five digits end the authority
    if not host:
        return None
    remainder, _, fragment = remainder.partition("#")
    path, _, query = remainder.partition("?")
    return Link(
        scheme, userinfo, host.lower().rstrip("."), port, path, query, fragment, tuple(defanged), schemeless
    )


def _replace_folded(text: str, old: str, new: str) -> str:
    """``str.replace`` ignoring case (for "[DOT]")."""
    lowered, out, position = text.lower(), [], 0
    while (index := lowered.find(old, position)) >= 0:
        out.append(text[position:index] + new)
        position = index + len(old)
    out.append(text[position:])
    return "".join(out)


@lru_cache(maxsize=4096)
def normal_link(link: Link) -> str:
    host = ascii_host(link.host) or link.host
    default = {"http": "80", "https": "443", "ftp": "21"}.get(link.scheme)
    port = f":{link.port}" if link.port and link.port != default else ""
    path = "" if link.path == "/" else link.path
    query = f"?{link.query}" if link.query else ""
    fragment = f"#{link.fragment}" if link.fragment else ""
    return f"{link.scheme}://{host}{port}{path}{query}{fragment}"


def _tld_ok(written: str, host_in_capitals: bool, bare: bool) -> bool:
    """Whether a top-level domain, as written, makes a link of a name written without a scheme.

    ``bare``: nothing follows the host, so only the short list of TLDs that are rarely
    words counts.
    """
    if not (written.islower() or host_in_capitals) or not written.isalpha():
        return False
    bare_tlds, generic = _tlds()
    tld = written.lower()
    if bare:
        return tld in bare_tlds
    return tld in generic or (len(tld) == 2 and tld.isascii())


def _glued(label: str) -> int:
    """The length of a known TLD at the start of a label glued to the next word ("com1win")."""
    digit = next((i for i, char in enumerate(label) if char.isdigit()), 0)
    return digit if digit and label[:digit].lower() in _tlds()[1] else 0


def _authority_end(raw: str) -> int:
    """Where the authority (host and port) at the start of ``raw`` ends: at its first '/', '?' or '#'."""
    cut = len(raw)
    for char in "/?#":
        index = raw.find(char, 0, cut)
        if index >= 0:
            cut = index
    return cut


def _host_label(label: str) -> bool:
    """Whether a label can be part of a host name: letters, digits and '-'."""
    letters = label.replace("-", "")
    return bool(label) and (not letters or letters.isalnum())


@lru_cache(maxsize=4096)
def host_end(raw: str, pattern: str) -> int | None:
    """Where the link in ``raw`` (written without a scheme, or from www.) really ends; None if no link.

    Spam glues words to links ("www.site.com1win150ppm", "site.com.subs16"): the link is
    the longest run of host labels that ends in a real top-level domain.
    """
    cut = _authority_end(raw)
    host = raw[:cut]
    if not _FANG_OPENERS.isdisjoint(host) and any(fang in host.lower() for fang, _ in _DEFANGS):
        return len(raw) if parse_link(raw) is not None else None
    if len(host) > MAX_HOST:
        return None
    labels = host.split(".")
    # Labels after the first one that cannot be part of a host name are glued text.
    usable = next((i for i, label in enumerate(labels) if not _host_label(label)), len(labels))
    has_path = cut < len(raw) and bool(raw[cut:].strip("/"))
    capitals = host.isupper()
    any_path = pattern == "www link"
    for count in range(min(usable, len(labels)), 1, -1):
        kept = labels[:count]
        whole = count == len(labels)
        if _tld_ok(kept[-1], capitals, bare=not (any_path or (whole and has_path))):
            return len(raw) if whole else len(".".join(kept))
        glued = _glued(kept[-1]) if whole and (any_path or not has_path) else 0
        if glued:
            return len(".".join(kept[:-1])) + 1 + glued
    return None


class UrlExtractor(Extractor):
    NAME = "url"
    PATTERNS: ClassVar[Mapping[str, str]] = LINK_PATTERNS
    TRIGGERS: ClassVar[Mapping[str, str]] = LINK_TRIGGERS

    def candidates(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterator[Candidate]:
        # The patterns overlap (the host of "https://x.com" is also a link without a scheme):
        # keep the longest candidate and drop the ones inside it.
        found = sorted(super().candidates(text, scope, names), key=lambda c: (c.start, -c.end))
        end = -1
        for candidate in found:
            if candidate.start >= end:
                end = candidate.end
                yield candidate

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        before = char_before(candidate.text, candidate.start)
        if before in "@._-/\\$" or (before.isalnum() and candidate.pattern != "link"):
            return None  # inside a word, an email address, a path or a longer name
        raw = trim(candidate.raw)
        if candidate.pattern != "link":
            end = host_end(raw, candidate.pattern)
            if end is None:
                return None
            raw = raw[:end]
        candidate = candidate.replace(end=candidate.start + len(raw))
        if candidate.pattern != "link" and char_after(candidate.text, candidate.end) == "@":
            return None  # the local part of an email address
        link = parse_link(raw)
        if link is None or ("." not in link.host and not link.host.startswith("[")):
            return None
        return self._notes(candidate, link)

    def _notes(self, candidate: Candidate, link: Link) -> Candidate:
        notes = []
        if link.defanged:
            notes.append("defanged: " + ", ".join(repr(fang) for fang in link.defanged))
        if link.schemeless:
            notes.append("written without a scheme")
        if _NO_COLON.opens(candidate.raw):
            notes.append("written without ':' after the scheme")
        if link.userinfo:
            notes.append(f"text before '@' ({link.userinfo!r}) hides the real host, {link.host}")
        host = ascii_host(link.host)
        if host and host != link.host:
            notes.append(f"host in punycode: {host}")
        notes.append(lookalike(link.host))
        matched = by_domain(host or link.host)
        platform = matched[0].name if matched else None
        return with_note(candidate, "; ".join(n for n in notes if n)).on(platform)

    def normalise(self, candidate: Candidate) -> str:
        link = parse_link(candidate.raw)
        return normal_link(link) if link else candidate.raw

    def validate(self, candidate: Candidate) -> bool | None:
        link = parse_link(candidate.raw)
        if link is None or ascii_host(link.host) is None or (link.port and int(link.port) > 65535):
            return False
        return None

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        if valid is False:
            return "cannot work: the host cannot be encoded or the port is out of range"
        return ""

    def related(self, candidate: Candidate, value: str, scope: Scope) -> Iterator[Found]:
        link = parse_link(candidate.raw)
        matched = by_domain(ascii_host(link.host) or link.host) if link else None
        if link is None or matched is None:
            return
        platform, domain = matched
        account = platform.account(domain, link.path, link.query)
        if account:
            found = account_found(platform, unquote(account), candidate, scope.region, "profile link")
            if found:
                yield found


def account_found(
    platform: Platform, account: str, candidate: Candidate, region: str, how: str
) -> Found | None:
    """An account on a platform, as the identifier of the platform's kind (handle, payment, phone)."""
    where = f"the account a {how} on {platform.name} names"
    if platform.kind == "phone":
        parsed = parse_phone("+" + account.lstrip("+"), region)
        if parsed is None:
            return None
        value, valid = parsed
        verdict = "libphonenumber: a valid number" if valid else "libphonenumber: not a valid number"
        return Found(
            "phone", value, valid, candidate.start, candidate.end, candidate.raw, None,
            f"{where}; {verdict}", value, from_link=True,
        )  # fmt: skip
    name = account.lstrip("@").lower()
    if platform.name == "Cash App":
        name = name.lstrip("$")
    follows = platform.follows_rule(name)
    if follows is False and how == "profile link":
        return None  # a site page the reserved list does not know (facebook.com/email_open_log_pic.php)
    checked: bool | None = False if follows is False else None
    verdict = (
        f"breaks {platform.name}'s username rule" if follows is False else "no checksum exists for a name"
    )
    value = f"${name}" if platform.name == "Cash App" else name
    explanation = "; ".join(part for part in (where, verdict, lookalike(name)) if part)
    return Found(
        platform.kind, value, checked, candidate.start, candidate.end, candidate.raw, platform.name,
        explanation, value, from_link=True,
    )  # fmt: skip


EXTRACTORS.register(UrlExtractor())
