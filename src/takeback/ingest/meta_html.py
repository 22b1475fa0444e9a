"""The HTML pages of Meta's message exports (Instagram and Facebook Messenger), read by shape.

Meta has renamed the CSS classes of these pages more than once (``_2lej``,
``_2let``, ``_2lem`` until about 2022; ``_a6-g``, ``_a6-p``, ``_a6-o`` since;
the sender moved from a ``<div>`` to an ``<h2>``), so a message is found by its
shape, not its class: a block whose first child is a one-line sender name,
whose last child is the time and whose children in between are the content.
The two known time classes are used only to accept a time written in a
language whose month names are not known here.

This module turns a page into plain :class:`Page` and :class:`Block` records;
``meta.py`` turns those into messages. Pages are parsed with the standard
library's tolerant parser: nothing is fetched and no script runs. Each message
block is taken out of the tree as soon as it closes, so a long page is never
held as a whole tree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "footer", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "li", "main", "ol", "p", "pre", "section", "table", "tr", "ul",
    }
)
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
_MEDIA = frozenset({"img", "video", "audio", "source"})
_TIME_CLASSES = frozenset({"_a6-o", "_2lem"})
_PARTICIPANTS = "Participants:"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAX_SENDER = 200
_MAX_TIME = 64
_MAX_DEPTH = 256  # Meta's pages nest about 15 deep; deeper elements are flattened into their parent

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_CLOCK = (
    r"(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<half>[AaPp]\.?\s?[Mm]\.?)?"
)
_TIME_FORMATS = (
    # Jan 05, 2024 3:04 pm / Sep 22, 2017, 6:33 AM / January 5, 2024 at 15:04
    re.compile(r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4}),?\s+" + _CLOCK),
    # 05 Jan 2019, 15:04 (day first, as English outside the US writes it)
    re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4}),?\s+" + _CLOCK),
    # 2024-01-05 15:04:05
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[ T]" + _CLOCK),
)
_REACTION_TIME = re.compile(r"\s*\((?P<time>[^()]{6,64})\)\s*$")


def parse_time(text: str) -> datetime | None:
    """A time as Meta's pages write it, as a naive wall-clock datetime (or None)."""
    cleaned = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    for pattern in _TIME_FORMATS:
        found = pattern.fullmatch(cleaned)
        if found is None:
            continue
        raw_month = found["month"]
        month = int(raw_month) if raw_month.isdigit() else _MONTHS.get(raw_month.lower())
        if month is None:
            return None
        hour = int(found["hour"])
        half = (found["half"] or "").lower().replace(".", "").replace(" ", "")
        if half:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if half == "pm" else 0)
        try:
            return datetime(
                int(found["year"]), month, int(found["day"]), hour, int(found["minute"]),
                int(found["second"] or 0),
            )
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Reaction:
    """A reaction as the page shows it: ``❤️name`` and, in newer pages, ``(time)``."""

    emoji: str
    actor: str
    time_text: str | None


@dataclass(frozen=True, slots=True)
class Block:
    """One message as the page shows it. ``media`` holds (reference, element) pairs."""

    line: int
    sender: str
    time_text: str
    time: datetime | None  # naive wall-clock time; None when the text is not a known format
    text: str
    links: tuple[str, ...]
    media: tuple[tuple[str, str], ...]
    reactions: tuple[Reaction, ...]


@dataclass
class Page:
    """What one page holds, in the order it is written (Meta writes the newest message first)."""

    title: str | None = None
    participants: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # relative src/href values, to tell the app


@dataclass(eq=False)
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node | str] = field(default_factory=list)

    def elements(self) -> list[_Node]:
        return [child for child in self.children if isinstance(child, _Node) and child.tag != "br"]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def own_text(self) -> str:
        return "".join(child for child in self.children if isinstance(child, str)).strip()


def _clean_lines(parts: list[str]) -> str:
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _text(node: _Node) -> str:
    """The visible text of an element: blocks and <br> become line breaks."""
    parts: list[str] = []

    def walk(current: _Node) -> None:
        for child in current.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag == "br":
                parts.append("\n")
            elif child.tag not in _HIDDEN:
                block = child.tag in _BLOCK
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(node)
    return _clean_lines(parts)


def _short_text(node: _Node, limit: int) -> str | None:
    """The text of ``node`` if it is one short line, else None (stops reading early)."""
    parts: list[str] = []
    size = 0
    pending: list[_Node | str] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, str):
            if "\n" in current.strip():
                return None
            parts.append(current)
            size += len(current)
            if size > limit * 4:  # room for indentation around the line
                return None
        elif current.tag not in _HIDDEN:
            pending.extend(reversed(current.children))
    text = " ".join("".join(parts).split())
    return text if len(text) <= limit else None


def _is_link(reference: str) -> bool:
    return bool(_SCHEME.match(reference))


def split_reaction(text: str) -> Reaction:
    """``❤️Jane Doe (Apr 23, 2022 5:32 pm)`` as emoji, actor and time text."""
    time_text = None
    found = _REACTION_TIME.search(text)
    if found is not None and parse_time(found["time"]) is not None:
        time_text = found["time"].strip()
        text = text[: found.start()]
    text = text.strip()
    cut = 0
    while cut < len(text) and _emoji_part(text[cut]):
        cut += 1
    return Reaction(emoji=text[:cut].strip(), actor=text[cut:].strip(), time_text=time_text)


def _emoji_part(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("So", "Sk", "Mn", "Me", "Cf")
        or 0x1F000 <= code <= 0x1FAFF
        or char in "\u200d\ufe0f\u20e3"
    )


class _Content:
    """Walks a message's content: text, links, media and reactions, in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.links: list[str] = []
        self.media: list[tuple[str, str]] = []
        self.reactions: list[Reaction] = []

    def add_media(self, reference: str | None, element: str) -> None:
        reference = (reference or "").strip()
        if not reference or reference.startswith("#") or reference.startswith("data:"):
            return
        if _is_link(reference):
            if reference not in self.links:
                self.links.append(reference)
        elif all(reference != known for known, _ in self.media):
            self.media.append((reference, element))

    def media_inside(self, node: _Node) -> None:
        """Media and links inside a media element (its own text is only a fallback label)."""
        for child in node.children:
            if isinstance(child, _Node):
                if child.tag in _MEDIA:
                    self.add_media(child.attrs.get("src"), child.tag)
                elif child.tag == "a":
                    self.add_media(child.attrs.get("href"), "a")
                self.media_inside(child)

    def walk(self, node: _Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.parts.append(child)
                continue
            tag = child.tag
            if tag in _HIDDEN:
                continue
            if tag in ("ul", "ol"):
                # Meta's pages list a message's reactions under it: "❤️Name" items.
                for item in child.elements():
                    text = _text(item).replace("\n", " ")
                    reaction = split_reaction(text)
                    if reaction.emoji:
                        self.reactions.append(reaction)
                    else:
                        self.parts.extend(("\n", text, "\n"))
            elif tag == "br":
                self.parts.append("\n")
            elif tag in _MEDIA:
                self.add_media(child.attrs.get("src"), tag)
                self.media_inside(child)
            elif tag == "a":
                self.anchor(child)
            else:
                block = tag in _BLOCK
                if block:
                    self.parts.append("\n")
                self.walk(child)
                if block:
                    self.parts.append("\n")

    def anchor(self, node: _Node) -> None:
        href = (node.attrs.get("href") or "").strip()
        if href and not _is_link(href):
            # A link to a file of the export: the file is the content, its label is not.
            self.add_media(href, "a")
            self.media_inside(node)
            return
        label = _text(node)
        if href:
            self.add_media(href, "a")
        if label and label != href:
            self.parts.extend(("\n", label, "\n"))
        self.media_inside(node)


def _block(node: _Node) -> Block | None:
    """The message ``node`` holds, if it has a message's shape."""
    elements = node.elements()
    if len(elements) < 2:
        return None
    first, last = elements[0], elements[-1]
    time_text = _short_text(last, _MAX_TIME)
    if not time_text:
        return None
    time = parse_time(time_text)
    if time is None and not last.classes() & _TIME_CLASSES:
        return None
    sender = _short_text(first, _MAX_SENDER)
    if sender is None:
        return None
    content = _Content()
    content.walk(_Node("#content", {}, node.line, list(elements[1:-1])))
    return Block(
        line=node.line,
        sender=sender,
        time_text=time_text,
        time=time,
        text=_clean_lines(content.parts),
        links=tuple(content.links),
        media=tuple(content.media),
        reactions=tuple(content.reactions),
    )


def _participants(text: str) -> list[str]:
    names = text[len(_PARTICIPANTS):].strip()
    head, _, last = names.rpartition(" and ")
    listed = [*head.split(","), last] if head else names.split(",")
    return [name.strip() for name in listed if name.strip()]


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document", {}, 0)
        self.stack = [self.root]
        self.page = Page()

    def _node(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Node:
        node = _Node(tag, {name: value or "" for name, value in attrs}, self.getpos()[0])
        if tag in _MEDIA or tag == "a":
            for name in ("src", "href"):
                reference = node.attrs.get(name, "").strip()
                if reference and not _is_link(reference) and not reference.startswith("#"):
                    self.page.references.append(reference)
        self.stack[-1].children.append(node)
        return node

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = self._node(tag, attrs)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._node(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        # Close the nearest open element of this name and anything left open inside it;
        # an end tag with no open element is ignored, as browsers do.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                while len(self.stack) > depth:
                    self._close(self.stack.pop())
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close(self, node: _Node) -> None:
        parent = self.stack[-1]
        if node.tag == "title":
            self.page.title = self.page.title or _text(node) or None
            return
        block = _block(node)
        if block is not None:
            self.page.blocks.append(block)
            if parent.children and parent.children[-1] is node:
                parent.children.pop()  # done with it: keeps memory flat on long pages
            return
        if not self.page.participants and (own := node.own_text()).startswith(_PARTICIPANTS):
            self.page.participants = _participants(own)

    def finish(self) -> Page:
        self.close()
        while len(self.stack) > 1:
            self._close(self.stack.pop())
        return self.page


def read_page(text: str) -> Page:
    """Every message block, the title and the participants of one export page."""
    parser = _PageParser()
    parser.feed(text)
    return parser.finish()
