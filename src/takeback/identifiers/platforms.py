"""The platforms identifiers point to, read from platforms.yaml: domains, profile links, names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import parse_qs

from takeback.identifiers.base import Pattern, Words, compile_pattern, load_data

KINDS = ("handle", "payment", "phone")


@dataclass(frozen=True, slots=True)
class Profile:
    """One shape of profile link: ``domain`` ("" for all the platform's domains), literal path
    parts, then the part that holds the account (``prefix`` + account), or a query parameter."""

    domain: str
    parts: tuple[str, ...]
    prefix: str = ""
    parameter: str = ""

    def account(self, domain: str, path: str, query: str) -> str | None:
        if self.domain and self.domain != domain:
            return None
        segments = [segment for segment in path.split("/") if segment]
        if self.parameter:
            if segments != list(self.parts):
                return None
            values = parse_qs(query).get(self.parameter)
            return values[0] if values else None
        count = len(self.parts)
        if len(segments) <= count or segments[:count] != list(self.parts):
            return None
        last = segments[count]
        if not last.startswith(self.prefix) or len(last) == len(self.prefix):
            return None
        return last[len(self.prefix) :]


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    kind: str
    domains: tuple[str, ...]
    profiles: tuple[Profile, ...]
    reserved: frozenset[str]
    rule: str  # RE2 pattern of the platform's username rule, "" when it publishes none
    words: tuple[str, ...]
    exports: tuple[str, ...]
    emails: bool  # accounts on it are email addresses too (PayPal, Zelle)
    phones: bool  # ... or phone numbers (Zelle)
    region: str | None  # where the service works, for reading phone numbers given for it

    def account(self, domain: str, path: str, query: str) -> str | None:
        """The account a link on ``domain`` names, or None when it is not a profile link."""
        for profile in self.profiles:
            account = profile.account(domain, path, query)
            if account and account.lower() not in self.reserved:
                return account
        return None

    def follows_rule(self, account: str) -> bool | None:
        """Whether a (lower-cased) account name keeps the platform's rule; None when there is none."""
        if not self.rule:
            return None
        return _keeps(self.rule, account)


@cache
def _rule(pattern: str) -> Pattern:
    return compile_pattern(pattern)


@lru_cache(maxsize=4096)
def _keeps(rule: str, account: str) -> bool:
    """Whether ``account`` keeps ``rule`` (cached: a name is checked as it is read and as it is reported)."""
    return _rule(rule).fits(account)


def _profile(template: str) -> Profile:
    domain, _, path = template.partition("/") if not template.startswith("/") else ("", "", template[1:])
    path, _, query = path.partition("?")
    segments = [segment for segment in path.split("/") if segment]
    if query:
        parameter = query.split("=", 1)[0]
        return Profile(domain, tuple(segments), parameter=parameter)
    *parts, last = segments
    prefix = last.split("{account}", 1)[0]
    return Profile(domain, tuple(parts), prefix=prefix)


@cache
def platforms() -> tuple[Platform, ...]:
    found = []
    for entry in load_data("platforms.yaml")["platforms"]:
        kind = entry["kind"]
        if kind not in KINDS:
            raise ValueError(f"platforms.yaml: {entry['name']} has unknown kind {kind!r}")
        found.append(
            Platform(
                name=entry["name"],
                kind=kind,
                domains=tuple(entry.get("domains") or ()),
                profiles=tuple(_profile(template) for template in entry.get("profiles") or ()),
                reserved=frozenset(str(word).lower() for word in entry.get("reserved") or ()),
                rule=entry.get("account", ""),
                words=tuple(str(word) for word in entry.get("words") or ()),
                exports=tuple(entry.get("exports") or ()),
                emails=bool(entry.get("emails")),
                phones=bool(entry.get("phones")),
                region=entry.get("region"),
            )
        )
    return tuple(found)


@cache
def _domains() -> dict[str, Platform]:
    return {domain: platform for platform in platforms() for domain in platform.domains}


@lru_cache(maxsize=4096)
def by_domain(host: str) -> tuple[Platform, str] | None:
    """The platform a host belongs to, and which of its domains matched (subdomains such as www. fold in)."""
    table = _domains()
    # No platform domain has more than four labels: looking at the last four keeps this
    # short for a host of thousands of labels.
    labels = host.lower().rstrip(".").split(".")[-4:]
    for index in range(len(labels) - 1):
        domain = ".".join(labels[index:])
        if domain in table:
            return table[domain], domain
    return None


@cache
def _words() -> dict[str, Platform]:
    return {" ".join(word.lower().split()): platform for platform in platforms() for word in platform.words}


def by_word(word: str) -> Platform | None:
    """The platform a word in chat names ("insta" -> Instagram)."""
    return _words().get(" ".join(word.lower().split()))


def by_export(name: str | None) -> Platform | None:
    """The platform of a conversation whose parser called it ``name`` ("telegram" -> Telegram)."""
    if not name:
        return None
    lowered = name.lower()
    return next((p for p in platforms() if lowered in p.exports or lowered == p.name.lower()), None)


@cache
def service_words(emails: bool = False, phones: bool = False) -> Words:
    """The words for platforms whose accounts are email addresses (or phone numbers)."""
    return Words(
        word
        for platform in platforms()
        if (emails and platform.emails) or (phones and platform.phones)
        for word in platform.words
    )
