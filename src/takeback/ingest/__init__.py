"""Read the files a person has into conversations.

Public surface:

- :func:`discover` turns paths (files, folders, zips) into inputs to read and
  files it passed over, with the reason.
- :func:`parse` picks the parser for one input (by sniffing, or ``--format``)
  and streams its conversations.
- :func:`read` does both and collects everything, for callers that want
  whole conversations (check, pack).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from takeback.errors import TakebackError, UnsupportedFormat, UsageError
from takeback.ingest.archive import ArchiveLimits, is_zip, zip_inputs
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.inputs import Input, Skipped, disk_input
from takeback.model import Conversation, ConversationStream

__all__ = [
    "PARSERS",
    "Input",
    "Parser",
    "ReadOptions",
    "Reading",
    "Skipped",
    "discover",
    "parse",
    "parsers",
    "read",
]

_NOT_PARSERS = {"base", "inputs", "archive", "encoding", "jsonstream"}


def _load_parsers() -> None:
    """Import every parser module in this package (each registers its parsers)."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name not in _NOT_PARSERS and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_load_parsers()


def parsers() -> list[Parser]:
    """Every registered parser, in sniffing order."""
    return sorted(PARSERS, key=lambda p: (p.PRIORITY, p.NAME))


def _expand(path: Path, explicit: bool, root: Path | None, limits: ArchiveLimits,
            ) -> Iterator[Input | Skipped]:
    source = disk_input(path, root)
    if is_zip(source.head()):
        for item in zip_inputs(str(path), limits):
            if isinstance(item, Skipped) or any(p.sniff(item.head(), item.name) for p in parsers()):
                yield item
            else:
                yield Skipped(item.display, "not a chat or email file")
    elif explicit or any(p.sniff(source.head(), source.name) for p in parsers()):
        yield source
    else:
        yield Skipped(str(path), "not a chat or email file")


def discover(paths: Iterable[str | os.PathLike[str]],
             limits: ArchiveLimits | None = None) -> Iterator[Input | Skipped]:
    """Inputs to read from files, folders and zip archives, and what was passed over.

    Folders are walked in name order without following symbolic links; zip
    archives are opened in place and never extracted.
    """
    limits = limits or ArchiveLimits()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            yield Skipped(str(path), "no such file or folder", explicit=True)
        elif path.is_dir():
            root = path.resolve()
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    child = Path(folder) / name
                    if child.is_symlink():
                        yield Skipped(str(child), "symbolic link, not followed")
                    elif not child.is_file():
                        yield Skipped(str(child), "not a regular file")
                    else:
                        yield from _guarded(child, False, root, limits)
                for name in dirs:
                    if (Path(folder) / name).is_symlink():
                        yield Skipped(str(Path(folder) / name), "symbolic link, not followed")
        elif not path.is_file():
            yield Skipped(str(path), "not a regular file", explicit=True)
        else:
            yield from _guarded(path, True, None, limits)


def _guarded(path: Path, explicit: bool, root: Path | None,
             limits: ArchiveLimits) -> Iterator[Input | Skipped]:
    try:
        yield from _expand(path, explicit, root, limits)
    except TakebackError as error:
        yield Skipped(str(path), error.message, explicit=explicit)
    except OSError as error:
        yield Skipped(str(path), f"cannot be read ({error.strerror or error})", explicit=explicit)


def choose_parser(source: Input, options: ReadOptions) -> Parser:
    if options.format:
        try:
            return PARSERS.get(options.format)
        except KeyError:
            raise UsageError(
                f"unknown format {options.format!r}; known formats: {', '.join(PARSERS.names())}"
            ) from None
    head, name = source.head(), source.name
    for parser in parsers():
        if parser.sniff(head, name):
            return parser
    raise UnsupportedFormat(
        "not a format takeback reads (run 'takeback formats' to see them: "
        + ", ".join(p.NAME for p in parsers())
        + ")",
        source.display,
    )


def parse(source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
    """The conversations in one input, streamed. Raises TakebackError subclasses."""
    return choose_parser(source, options).stream(source, options)


@dataclass
class Reading:
    """Everything read from some paths: conversations, files passed over, files that failed."""

    conversations: list[Conversation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[TakebackError] = field(default_factory=list)


def read(paths: Iterable[str | os.PathLike[str]], options: ReadOptions | None = None) -> Reading:
    """Read every path into whole conversations. Errors are collected, not raised."""
    options = options or ReadOptions()
    reading = Reading()
    for item in discover(paths):
        if isinstance(item, Skipped):
            reading.skipped.append(item)
            continue
        try:
            for stream in parse(item, options):
                reading.conversations.append(stream.collect())
        except UnsupportedFormat as error:
            reading.skipped.append(Skipped(item.display, error.message, explicit=True))
        except TakebackError as error:
            reading.errors.append(error)
    return reading
