"""Write an evidence pack: originals byte-exact, hashed first, with custody, reports and exports.

The order of work is the order of trust: every input is hashed before anything
else reads it; then the chats are read (with those hashes); then the files are
copied into the pack, each copy checked against its first hash; then come the
findings, the reports and the exports, the custody log, the manifest and
SHA256SUMS. The zip is written to a temporary file beside the output, synced
and renamed, so an interrupted run never leaves something that looks like a pack.

Intimate media (images and videos) is fingerprinted, never copied, unless an
adult asks for it with ``include_media`` and the pack is encrypted; for anyone
under 18 copying is refused outright.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import posixpath
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from takeback import __version__
from takeback.errors import CorruptInput, PolicyRefused, TakebackError, UnsafeInput, UsageError
from takeback.evidence import manifest as layout
from takeback.evidence.case import (
    Case,
    CaseConversation,
    FileEntry,
    PackedFile,
    Unreadable,
    assessment_to_dict,
    conversation_summary,
    file_entry_to_dict,
)
from takeback.evidence.custody import CustodyLog, utc_text
from takeback.evidence.exports import case_uco, csv, html, pdf, report, stix
from takeback.ingest import ReadOptions, parse, parsers
from takeback.ingest.archive import ArchiveLimits, is_zip, zip_inputs
from takeback.ingest.inputs import Input, Skipped, disk_input, guess_media_type
from takeback.media.hashing import hash_file, pdq_of_image_bytes, sniff_media_type
from takeback.model import Assessment, Attachment, Conversation, Identifier, Source, message_to_dict

_CHUNK = 1 << 20
_LEVEL = 3  # deflate level: near level 6's size on chat text, at three times the speed
_PDQ_IN_MEMORY = 64 << 20  # images inside archives are decoded in memory up to this size

CHILD_REFUSAL = (
    "takeback will not copy images or videos when the person is under 18. UK guidance is "
    "never to view, copy, share or store images of a child, even to give them to the police: "
    "doing so can itself be an offence. The pack records their fingerprints (hashes) instead, "
    "which the police and Take It Down can use without anyone seeing the images. "
    "Run the command again without --include-media."
)
NEEDS_ENCRYPTION = (
    "--include-media copies intimate images, so takeback only does it into an encrypted pack: "
    "add --encrypt-passphrase-file FILE or --encrypt-to AGE_RECIPIENT."
)
NEEDS_AGE = (
    "--include-media needs the person's age: add --victim-age (images are never copied for anyone under 18)."
)
_MEDIA_KEPT_OUT = "image or video: fingerprinted, not copied (intimate media policy)"
_CHILD_MEDIA_KEPT_OUT = "image or video of someone under 18: fingerprinted, never copied"
_HOLDS_MEDIA = "holds images or videos inside it: fingerprinted, not copied (intimate media policy)"
_NOT_GIVEN = "a message refers to it but it was not among the files given: fingerprinted only"
_NESTED = "an archive inside an archive: not opened, and not copied as it may hold images or videos"
_UNOPENED = "could not be opened; not copied as it may hold images or videos"


@dataclass(frozen=True)
class PackOptions:
    """What the person asked for. ``drafts`` (file name -> text) are written under drafts/."""

    victim_age: int | None = None
    country: str = "GB"
    examiner: str | None = None
    note: str | None = None
    include_media: bool = False
    passphrase: str | None = None  # an empty one means no encryption
    recipients: tuple[str, ...] = ()  # age X25519 public keys (age1...)
    force: bool = False
    read: ReadOptions = field(default_factory=ReadOptions)
    drafts: Mapping[str, str] = field(default_factory=dict)
    created: datetime | None = None  # a fixed clock; else SOURCE_DATE_EPOCH, else now

    @property
    def encrypted(self) -> bool:
        return bool(self.passphrase or self.recipients)


@dataclass(frozen=True)
class PackResult:
    path: str  # the file written (``.age`` when encrypted)
    sha256: str  # of that file
    size: int
    zip_sha256: str  # of the zip itself (inside the encryption, when encrypted)
    members: int
    conversations: int
    messages: int
    media: int  # images and videos fingerprinted
    media_copied: int
    unreadable: tuple[Unreadable, ...]
    pdf_skipped: str | None
    encrypted: bool


def pack(
    paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], options: PackOptions | None = None
) -> PackResult:
    """Packs the evidence in ``paths`` into one zip at ``out`` (``out.age`` when encrypted)."""
    options = options or PackOptions()
    check_policy(options)
    recipients = _recipients(options)
    if not paths:
        raise UsageError("nothing to pack: name the files, folders or exports")
    final = Path(out)
    if options.encrypted and final.suffix != ".age":
        final = final.with_name(final.name + ".age")
    if not final.parent.is_dir():
        raise UsageError(f"the folder {final.parent} does not exist")
    if final.exists() and not options.force:
        raise UsageError(f"{final} already exists; use --force to replace it")
    created = _creation_time(options)
    handle, temp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as raw:
            with _encrypting(raw, options, recipients) as target:
                sink = Sink(target)
                packer = _Packer(options, created, sink, avoid={temp.resolve(), final.resolve()})
                try:
                    result = packer.run(paths)
                except BaseException:
                    packer.writer.abandon()
                    raise
            raw.flush()
            os.fsync(raw.fileno())
        _publish(temp, final, options.force)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    zip_sha256 = sink.sha256.hexdigest()
    digest, size = _hash_file(final) if options.encrypted else (zip_sha256, sink.size)
    return replace(result, path=str(final), sha256=digest, size=size, zip_sha256=zip_sha256)


def check_policy(options: PackOptions) -> None:
    """Refuses, before anything is read, what the intimate media policy does not allow."""
    if options.victim_age is not None and not 0 <= options.victim_age <= 130:
        raise UsageError(f"--victim-age {options.victim_age} is not an age")
    if not options.include_media:
        return
    if options.victim_age is not None and options.victim_age < 18:
        raise PolicyRefused(CHILD_REFUSAL)
    if options.victim_age is None:
        raise PolicyRefused(NEEDS_AGE)
    if not options.encrypted:
        raise PolicyRefused(NEEDS_ENCRYPTION)


def _recipients(options: PackOptions) -> list[Any]:
    if not options.encrypted:
        return []
    if options.passphrase is not None and options.recipients:
        raise UsageError(
            "use a passphrase or recipients' keys, not both: an age file opens with one or the other"
        )
    try:
        import pyrage
    except ImportError:
        raise UsageError(
            "encryption needs the age library: pip install 'takeback[encrypt]' (which adds pyrage)"
        ) from None
    if options.passphrase is not None:
        return []
    found = []
    for key in options.recipients:
        try:
            found.append(pyrage.x25519.Recipient.from_str(key.strip()))
        except Exception:  # pyrage raises its own RecipientError, a bare Exception subclass
            raise UsageError(f"{key.strip()[:20]}... is not an age recipient (age1...)") from None
    return found


def _creation_time(options: PackOptions) -> datetime | None:
    """The fixed clock, if any: options first, then SOURCE_DATE_EPOCH (reproducible builds)."""
    if options.created is not None:
        return options.created.astimezone(UTC).replace(microsecond=0)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(max(int(epoch), layout.ZIP_EPOCH), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None


def _publish(temp: Path, final: Path, force: bool) -> None:
    """Renames the finished pack into place; without force, never over an existing file."""
    if force:
        os.replace(temp, final)
    else:
        try:
            os.link(temp, final)  # fails if ``final`` appeared meanwhile: nothing is clobbered
        except FileExistsError:
            raise UsageError(f"{final} already exists; use --force to replace it") from None
        except OSError:  # file systems without hard links
            if final.exists():
                raise UsageError(f"{final} already exists; use --force to replace it") from None
            os.replace(temp, final)
        else:
            temp.unlink()
    with contextlib.suppress(OSError):  # make the rename itself durable
        folder = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# --- writing ---------------------------------------------------------------------------------


class Sink:
    """Where the zip's bytes go, hashed on the way. It cannot seek, so the zip is written
    front to back in one stream (and can be encrypted as it is written)."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.discarding = False

    def write(self, data: bytes) -> int:
        if self.discarding:
            return len(data)
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.target.flush()

    def close(self) -> None:
        """The zip closes its sink; the target belongs to the caller, which closes it."""


@contextlib.contextmanager
def _encrypting(raw: IO[bytes], options: PackOptions, recipients: list[Any]) -> Iterator[IO[bytes]]:
    """A stream whose bytes reach ``raw`` encrypted to the age format (or as they are)."""
    if not options.encrypted:
        yield raw
        return
    import pyrage

    if options.passphrase is not None:
        # The age library takes a passphrase only for data in memory.
        buffer = io.BytesIO()
        yield buffer
        raw.write(pyrage.passphrase.encrypt(buffer.getvalue(), options.passphrase))
        return
    read_end, write_end = os.pipe()
    failure: list[BaseException] = []

    def encrypt() -> None:
        try:
            with open(read_end, "rb") as reader:
                pyrage.encrypt_io(reader, raw, recipients)
        except BaseException as error:  # handed to the writing thread below
            failure.append(error)

    worker = threading.Thread(target=encrypt, name="takeback-age", daemon=True)
    worker.start()
    writer = open(write_end, "wb")
    try:
        yield writer
    except BrokenPipeError:  # the encrypting thread stopped reading: its error says why
        if not failure:
            raise
    finally:
        with contextlib.suppress(BrokenPipeError):
            writer.close()
        worker.join()
    if failure:
        raise OSError(f"encryption failed ({failure[0]})")


class _ZipWriter:
    """Members in a fixed form: one timestamp, fixed permissions, written in the order given."""

    def __init__(self, sink: Sink, created: datetime) -> None:
        self.sink = sink
        self.zip = zipfile.ZipFile(sink, "w", allowZip64=True)
        self.date_time = layout.zip_time(created)
        self.packed: list[PackedFile] = []
        self.names: set[str] = set()

    def _info(self, name: str, compress: bool, size: int) -> zipfile.ZipInfo:
        if name in self.names:
            raise AssertionError(f"pack member {name} written twice")
        self.names.add(name)
        info = zipfile.ZipInfo(name, self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        setattr(info, "_compresslevel", _LEVEL)  # noqa: B010 - no public way for one member (3.11)
        info.create_system = layout.UNIX
        info.external_attr = layout.FILE_MODE
        info.file_size = size
        return info

    def add_bytes(self, name: str, data: bytes) -> PackedFile:
        with self.zip.open(self._info(name, True, len(data)), "w") as member:
            member.write(data)
        packed = PackedFile(name, hashlib.sha256(data).hexdigest(), len(data))
        self.packed.append(packed)
        return packed

    @contextlib.contextmanager
    def stream(self, name: str, compress: bool = True, size: int = -1) -> Iterator[_Hashing]:
        info = self._info(name, compress, max(size, 0))
        with self.zip.open(info, "w", force_zip64=size < 0) as member:
            hashing = _Hashing(member)
            yield hashing
        self.packed.append(PackedFile(name, hashing.sha256.hexdigest(), hashing.size))

    def close(self) -> None:
        self.zip.close()

    def abandon(self) -> None:
        """After a failure: the temporary file is deleted, so nothing more is written to it, not
        even by the zip module tidying up half-written members when they are collected."""
        self.sink.discarding = True
        with contextlib.suppress(Exception):
            self.zip.close()
        self.zip.fp = None


class _Hashing:
    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)


# --- finding and fingerprinting the inputs ---------------------------------------------------


@dataclass(eq=False)
class _Item:
    """One file or archive member found among the inputs, on its way into the pack."""

    input: Input
    path: str
    member: str | None
    target: str  # where its copy goes in the pack
    explicit: bool
    archive: _Archive | None = None  # the archive it is a member of
    opened: _Archive | None = None  # set when this file is itself an archive
    entry: FileEntry | None = None
    parse: bool = False
    embeds_media: bool = False


@dataclass
class _Archive:
    item: _Item
    members: list[_Item] = field(default_factory=list)
    refused: list[Skipped] = field(default_factory=list)  # unsafe, encrypted, bomb-like members
    error: str | None = None

    def holds_media(self) -> bool:
        return bool(self.error or self.refused) or any(
            m.opened is not None or m.embeds_media or (m.entry is not None and m.entry.media)
            for m in self.members
        )


def _key(path: str, member: str | None) -> tuple[str, str | None]:
    return os.path.realpath(path), member


def _media_kind(head: bytes, name: str) -> tuple[str | None, bool]:
    """The media type and whether it is an image or video, by content or by name."""
    sniffed, guessed = sniff_media_type(head), guess_media_type(name)
    media = any(t is not None and t.split("/")[0] in ("image", "video") for t in (sniffed, guessed))
    return sniffed or guessed, media


def _fingerprint(source: Input, path: str, member: str | None, md5_too: bool = True) -> FileEntry:
    """SHA-256 and MD5 of any file, PDQ of images; read once, decoded in memory, never stored.

    An archive's own MD5 is left out (``md5_too``): its members each get one, and MD5 is the
    slowest hash here."""
    head = source.head()
    name = posixpath.basename(member) if member else os.path.basename(path)
    media_type, media = _media_kind(head, name)
    if member is None and media:
        found = hash_file(path)
        return FileEntry(
            path,
            None,
            found.size,
            found.sha256,
            found.md5,
            found.media_type or media_type,
            True,
            found.pdq,
            found.pdq_quality,
            found.note,
        )
    keep = media and (sniff_media_type(head) or "").startswith("image/") and source.size <= _PDQ_IN_MEMORY
    sha256, md5, size = hashlib.sha256(), hashlib.md5() if md5_too else None, 0
    kept: list[bytes] = []
    with source.open() as stream:
        while chunk := stream.read(_CHUNK):
            sha256.update(chunk)
            if md5 is not None:
                md5.update(chunk)
            size += len(chunk)
            if keep:
                kept.append(chunk)
    entry = FileEntry(
        path, member, size, sha256.hexdigest(), md5.hexdigest() if md5 else None, media_type, media
    )
    if not keep:
        too_large = media and source.size > _PDQ_IN_MEMORY
        return replace(entry, note="too large to decode in memory for a PDQ hash") if too_large else entry
    try:
        pdq, quality, _ = pdq_of_image_bytes(b"".join(kept), f"{path}!{member}")
    except UnsafeInput as error:
        return replace(entry, note=error.message)
    note = None if quality >= 50 else "low-quality PDQ hash (too plain or too small to match reliably)"
    return replace(entry, pdq=pdq, pdq_quality=quality, note=note)


class _Tracked(Input):
    """An input whose hashes are already known: parsers get them without reading the file again,
    and the media a message refers to is fingerprinted once, wherever it lies."""

    def __init__(self, inner: Input, packer: _Packer) -> None:
        def finder(reference: str) -> Input | None:
            found = inner.find(reference)
            return _Tracked(found, packer) if found is not None else None

        super().__init__(inner.path, inner.size, inner.open, inner.member, finder)
        self._packer = packer

    def source(self, format_name: str) -> Source:
        entry = self._packer.known(self.path, self.member)
        if entry is None:
            return super().source(format_name)
        return Source(self.path, entry.sha256, entry.size, format_name, self.member)

    def attachment(self, reference: str, media_type: str | None = None) -> Attachment:
        name = reference.strip()
        media_type = media_type or guess_media_type(name)
        found = self.find(name)
        self._packer.looked_up.add((self.display, name))
        if found is None:
            return Attachment(name=name, media_type=media_type, present=False)
        entry = self._packer.referenced(found, (self.display, name))
        if entry is None and (self.display, name) in self._packer.pending:
            # Still being fingerprinted among the inputs: its hashes are filled in when ready.
            return Attachment(name=name, media_type=media_type, present=True, size=found.size)
        if entry is None:  # it could not be read
            return Attachment(name=name, media_type=media_type, present=False)
        return Attachment(
            name=name, media_type=media_type, present=True, size=entry.size, sha256=entry.sha256
        )


# --- the packer ------------------------------------------------------------------------------


class _Packer:
    def __init__(self, options: PackOptions, created: datetime | None, sink: Sink, avoid: set[Path]) -> None:
        self.options = options
        self.fixed = created
        self.created = created or datetime.now(UTC).replace(microsecond=0)
        self.custody = CustodyLog(options.examiner or "not named", self.clock)
        self.writer = _ZipWriter(sink, self.created)
        self.avoid = avoid
        self.items: list[_Item] = []
        self.by_key: dict[tuple[str, str | None], _Item] = {}
        self.extra: dict[tuple[str, str | None], FileEntry] = {}
        self.looked_up: set[tuple[str, str]] = set()  # (chat file, attachment name) found as files
        self.pending: dict[tuple[str, str], _Item] = {}  # the same, still being fingerprinted
        self.fingerprints: dict[_Item, Future[FileEntry | Exception]] = {}
        self.logged: set[_Item] = set()
        self.unreadable: list[Unreadable] = []
        self.targets: set[str] = set()
        self.folders: set[str] = set()
        self.given: list[tuple[str, str, list[_Item]]] = []  # path as given, kind, its files
        self.limits = ArchiveLimits()

    def clock(self) -> datetime:
        return self.fixed or datetime.now(UTC)

    # The steps, in the order of trust. Every file is hashed before anything else reads it; the
    # chats are read (and assessed) while the media are still being fingerprinted.
    def run(self, paths: Sequence[str | os.PathLike[str]]) -> PackResult:
        self.custody.append("started", f"takeback {__version__}", detail=self._policy_text())
        for raw in paths:
            self._find(str(raw))
        pool = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2))
        try:
            self._start_fingerprints(pool)
            parsed = self._read_all()
            understood = self._understand(parsed)
            for item in self._all_items():
                self._log_fingerprint(item)
        finally:  # on failure, hashes not yet started are dropped rather than waited for
            pool.shutdown(wait=True, cancel_futures=True)
        conversations = self._fill_attachments(understood)
        self._mark_embedded([(i, c.conversation) for (i, _), c in zip(parsed, conversations, strict=True)])
        self.writer.add_bytes(layout.README, _readme(self.created))
        self._copy_all()
        case = self._case(conversations)
        self._write_exports(case)
        self._seal(case)
        return self._result(case)

    def _policy_text(self) -> str:
        if self.options.victim_age is not None and self.options.victim_age < 18:
            return "victim under 18: images and videos are never copied"
        if self.options.include_media:
            return "adult victim: images and videos copied into an encrypted pack"
        return "images and videos fingerprinted, not copied"

    def _target(self, wanted: str) -> str:
        """A pack name under originals/ not used yet: ``name``, ``name (2)`` ..."""
        name = layout.ORIGINALS + layout.safe_path(wanted)
        folder, base = posixpath.split(name)
        stem, ext = posixpath.splitext(base)
        candidate, number = name, 1
        while self._taken(candidate):
            number += 1
            candidate = f"{folder}/{stem} ({number}){ext}"
        self.targets.add(candidate)
        parts = candidate.split("/")
        self.folders.update("/".join(parts[:n]) for n in range(1, len(parts)))
        return candidate

    def _taken(self, candidate: str) -> bool:
        """Used already as a file or a folder, or a folder of it is a file."""
        parts = candidate.split("/")
        return (
            candidate in self.targets
            or candidate in self.folders
            or any("/".join(parts[:n]) in self.targets for n in range(1, len(parts)))
        )

    def _find(self, raw: str) -> None:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            self.unreadable.append(Unreadable(raw, "no such file or folder"))
            self.given.append((raw, "missing", []))
        elif path.is_dir():
            top = self._target(path.resolve().name or "input")
            self.targets.discard(top)
            self.folders.add(top)
            before = len(self.items)
            root = path.resolve()
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files) + [d for d in dirs if (Path(folder) / d).is_symlink()]:
                    child = Path(folder) / name
                    rel = child.relative_to(path).as_posix()
                    if child.is_symlink():
                        self.unreadable.append(Unreadable(str(child), "symbolic link, not followed"))
                    elif child.resolve() in self.avoid:
                        continue
                    elif not child.is_file():
                        self.unreadable.append(Unreadable(str(child), "not a regular file"))
                    else:
                        self._file(child, self._target(f"{top[len(layout.ORIGINALS) :]}/{rel}"), False, root)
            self.given.append((raw, "folder", self.items[before:]))
            if not any(item.parse or item.opened for item in self.items[before:]):
                self.unreadable.append(Unreadable(raw, "no chat or email files found in this folder"))
        elif not path.is_file():
            self.unreadable.append(Unreadable(raw, "not a regular file"))
            self.given.append((raw, "not a regular file", []))
        elif path.resolve() in self.avoid:
            raise UsageError(f"{raw} is the pack being written")
        else:
            before = len(self.items)
            self._file(path, self._target(path.name), True, None)
            kind = "archive" if self.items[before:] and self.items[before].opened else "file"
            self.given.append((raw, kind, self.items[before:]))

    def _file(self, path: Path, target: str, explicit: bool, root: Path | None) -> None:
        try:
            source = disk_input(path, root)
            head = source.head()
        except OSError as error:
            self.unreadable.append(Unreadable(str(path), f"cannot be read ({error.strerror or error})"))
            return
        item = _Item(source, str(path), None, target, explicit)
        self.items.append(item)
        self.by_key[_key(item.path, None)] = item
        if is_zip(head):
            self._open_archive(item)
            return
        _, media = _media_kind(head, source.name)
        sniffed = any(p.sniff(head, source.name) for p in parsers())
        item.parse = sniffed or (explicit and not media)

    def _open_archive(self, item: _Item) -> None:
        archive = _Archive(item)
        item.opened = archive
        try:
            found = list(zip_inputs(item.path, self.limits))
        except (CorruptInput, UnsafeInput) as error:
            archive.error = error.message
            self.unreadable.append(Unreadable(item.path, error.message))
            return
        for member in found:
            if isinstance(member, Skipped):
                archive.refused.append(member)
                self.unreadable.append(Unreadable(member.path, member.reason))
                continue
            try:
                head = member.head()
            except (TakebackError, OSError) as error:
                archive.refused.append(Skipped(member.display, str(error)))
                self.unreadable.append(Unreadable(member.display, f"cannot be read ({error})"))
                continue
            assert member.member is not None
            target = self._target(f"{item.target[len(layout.ORIGINALS) :]}.contents/{member.member}")
            inner = _Item(member, item.path, member.member, target, False, archive)
            archive.members.append(inner)
            self.by_key[_key(item.path, member.member)] = inner
            if is_zip(head):
                inner.opened = _Archive(inner, error=_NESTED)
            else:
                inner.parse = any(p.sniff(head, member.name) for p in parsers())
        if not any(m.parse for m in archive.members):
            self.unreadable.append(Unreadable(item.path, "no chat or email files found in this archive"))

    def _all_items(self) -> Iterator[_Item]:
        for item in self.items:
            yield item
            if item.opened is not None:
                yield from item.opened.members

    def _start_fingerprints(self, pool: ThreadPoolExecutor) -> None:
        """Hashes every file, several at once (hashing releases the GIL): chat files first,
        as they are read while the rest is hashed."""
        items = list(self._all_items())

        def work(item: _Item) -> FileEntry | Exception:
            try:
                return _fingerprint(item.input, item.path, item.member, md5_too=item.opened is None)
            except (TakebackError, OSError) as error:
                return error

        for item in [i for i in items if i.parse] + [i for i in items if not i.parse]:
            self.fingerprints[item] = pool.submit(work, item)

    def _log_fingerprint(self, item: _Item) -> FileEntry | None:
        """Waits for a file's fingerprints and records them, once (always in the same order)."""
        result = self.fingerprints[item].result()
        if item in self.logged:
            return item.entry
        self.logged.add(item)
        display = f"{item.path}!{item.member}" if item.member else item.path
        if isinstance(result, Exception):
            reason = result.message if isinstance(result, TakebackError) else str(result)
            self.unreadable.append(Unreadable(display, f"cannot be read ({reason})"))
            item.parse = False
            if item.archive is not None:
                item.archive.refused.append(Skipped(display, reason))
            return None
        item.entry = result
        self.custody.append("hashed", display, result.sha256,
                            detail="fingerprinted where it lies" if result.media else "")
        return result

    def known(self, path: str, member: str | None) -> FileEntry | None:
        key = _key(path, member)
        item = self.by_key.get(key)
        if item is not None:
            return item.entry
        return self.extra.get(key)

    def referenced(self, found: Input, where: tuple[str, str]) -> FileEntry | None:
        """The fingerprints of a file a message refers to. A file among the inputs is hashed
        by the pool (None while it still is: ``where`` is noted to fill them in later); any
        other is hashed here, once."""
        key = _key(found.path, found.member)
        item = self.by_key.get(key)
        if item is not None:
            future = self.fingerprints.get(item)
            result = future.result() if future is not None and future.done() else None
            if isinstance(result, FileEntry):
                return result
            if future is not None and not future.done():
                self.pending[where] = item
            return None
        entry = self.extra.get(key)
        if entry is not None:
            return entry
        try:
            entry = _fingerprint(found, found.path, found.member)
        except (TakebackError, OSError):
            return None
        entry = replace(entry, given=False, not_copied=_NOT_GIVEN)
        self.extra[key] = entry
        self.custody.append("hashed", entry.display, entry.sha256, detail="referenced by a message")
        return entry

    def _fill_attachments(self, understood: list[CaseConversation]) -> list[CaseConversation]:
        """The hashes of attachments that were still being fingerprinted while their chat was read."""
        filled = []
        for item in understood:
            conversation = item.conversation
            display = conversation.source.display
            if not any((display, name) in self.pending for name in self._names(conversation)):
                filled.append(item)
                continue
            messages = tuple(
                replace(m, attachments=tuple(self._filled(display, a) for a in m.attachments))
                if m.attachments else m
                for m in conversation.messages
            )
            filled.append(replace(item, conversation=replace(conversation, messages=messages)))
        return filled

    @staticmethod
    def _names(conversation: Conversation) -> Iterator[str]:
        for message in conversation.messages:
            for attachment in message.attachments:
                yield attachment.name

    def _filled(self, display: str, attachment: Attachment) -> Attachment:
        item = self.pending.get((display, attachment.name))
        if item is None or attachment.sha256 is not None:
            return attachment
        if item.entry is None:
            return replace(attachment, present=False, size=None)
        return replace(attachment, size=item.entry.size, sha256=item.entry.sha256)

    def _read_all(self) -> list[tuple[_Item, Conversation]]:
        parsed: list[tuple[_Item, Conversation]] = []
        for item in self._all_items():
            if not item.parse or self._log_fingerprint(item) is None:
                continue
            display = f"{item.path}!{item.member}" if item.member else item.path
            count = 0
            try:
                for stream in parse(_Tracked(item.input, self), self.options.read):
                    parsed.append((item, stream.collect()))
                    count += 1
            except UsageError:
                raise  # a wrong --format is the person's to fix, not a file that could not be read
            except TakebackError as error:
                self.unreadable.append(Unreadable(display, error.message))
                self.custody.append(
                    "could not read", display, item.entry.sha256 if item.entry else None, detail=error.message
                )
                continue
            except OSError as error:
                self.unreadable.append(Unreadable(display, f"cannot be read ({error.strerror or error})"))
                continue
            messages = sum(len(c.messages) for i, c in parsed[len(parsed) - count :])
            self.custody.append(
                "read",
                display,
                item.entry.sha256 if item.entry else None,
                detail=f"{count} conversation(s), {messages} message(s)",
            )
        return parsed

    def _mark_embedded(self, parsed: list[tuple[_Item, Conversation]]) -> None:
        """Media carried inside a chat file (email attachments) makes that file media too."""
        seen: set[tuple[str, str]] = set()
        for item, conversation in parsed:
            for message in conversation.messages:
                for attachment in message.attachments:
                    media_type, media = _media_kind(b"", attachment.name)
                    media = media or (attachment.media_type or "").split("/")[0] in ("image", "video")
                    if (
                        not (attachment.present and media and attachment.sha256)
                        or (conversation.source.display, attachment.name) in self.looked_up
                    ):
                        continue
                    item.embeds_media = True
                    key = (conversation.source.display, attachment.sha256)
                    if key in seen:
                        continue
                    seen.add(key)
                    self.extra[(conversation.source.display, attachment.sha256)] = FileEntry(
                        path=item.path,
                        member=attachment.name,
                        size=attachment.size or 0,
                        sha256=attachment.sha256,
                        md5=None,
                        media_type=attachment.media_type or media_type,
                        media=True,
                        note="inside a chat or email file; MD5 and PDQ not computed",
                        not_copied=_HOLDS_MEDIA if not self.options.include_media else None,
                        packed_as=None,
                        inside=conversation.source.display,
                        given=True,
                    )

    # --- copying ---

    def _copy_reason(self, item: _Item) -> str | None:
        """Why this file is not copied, or None to copy it."""
        assert item.entry is not None
        include = self.options.include_media
        if item.opened is not None and item.opened.error:
            if item.archive is not None:
                return item.opened.error
            return None if include else _UNOPENED
        if item.entry.media and not include:
            child = self.options.victim_age is not None and self.options.victim_age < 18
            return _CHILD_MEDIA_KEPT_OUT if child else _MEDIA_KEPT_OUT
        if item.embeds_media and not include:
            return _HOLDS_MEDIA
        return None

    def _copy_all(self) -> None:
        for item in self.items:
            if item.entry is None:
                continue
            archive = item.opened
            if archive is None or archive.error:
                self._copy_one(item, self._copy_reason(item))
                continue
            whole = self.options.include_media or not archive.holds_media()
            self._copy_one(
                item,
                None
                if whole
                else "holds images or videos: its other files are copied "
                "one by one into " + item.target + ".contents/",
            )
            for member in archive.members:
                if member.entry is None:
                    continue
                if whole:
                    member.entry = replace(member.entry, packed_as=f"{item.target}!{member.member}")
                else:
                    self._copy_one(member, self._copy_reason(member))
        copied = {
            f"{i.path}!{i.member}" if i.member else i.path: i.entry.packed_as
            for i in self._all_items()
            if i.entry is not None and i.entry.packed_as
        }
        for key, entry in self.extra.items():
            holder = copied.get(entry.inside or "")
            if holder:  # an adult's media inside a copied email is in the pack, inside that copy
                self.extra[key] = replace(entry, packed_as=f"{holder}!{entry.member}")

    def _copy_one(self, item: _Item, reason: str | None) -> None:
        assert item.entry is not None
        display = f"{item.path}!{item.member}" if item.member else item.path
        if reason is not None:
            item.entry = replace(item.entry, not_copied=reason)
            self.custody.append("not copied", display, item.entry.sha256, detail=reason)
            return
        compress = not item.entry.media and item.opened is None
        with self.writer.stream(item.target, compress, item.entry.size) as copy, item.input.open() as stream:
            while chunk := stream.read(_CHUNK):
                copy.write(chunk)
        if copy.sha256.hexdigest() != item.entry.sha256:
            raise CorruptInput(
                "changed while it was being packed; nothing was written. Close any "
                "app using it and run the command again",
                display,
            )
        item.entry = replace(item.entry, packed_as=item.target)
        self.custody.append("copied", item.target, item.entry.sha256, detail=f"byte-exact copy of {display}")

    # --- understanding ---

    def _understand(self, parsed: list[tuple[_Item, Conversation]]) -> list[CaseConversation]:
        assess, extract = _analysers()
        understood = []
        for number, (_, conversation) in enumerate(parsed, start=1):
            assessment = assess(conversation)
            identifiers = tuple(extract(conversation, assessment, self.options.country))
            understood.append(CaseConversation(f"c{number}", conversation, assessment, identifiers))
        return understood

    def _case(self, conversations: list[CaseConversation]) -> Case:
        references: dict[str, list[str]] = {}
        for item in conversations:
            for message in item.conversation.messages:
                for attachment in message.attachments:
                    if attachment.present and attachment.sha256:
                        references.setdefault(attachment.sha256, []).append(f"{item.id}/{message.id}")
        entries = [i.entry for i in self._all_items() if i.entry is not None] + list(self.extra.values())
        files = tuple(
            replace(e, referenced_by=tuple(dict.fromkeys(references.get(e.sha256, ())))) for e in entries
        )
        return Case(
            created=self.created,
            version=__version__,
            examiner=self.options.examiner,
            note=self.options.note,
            country=self.options.country,
            victim_age=self.options.victim_age,
            include_media=self.options.include_media,
            encrypted=self.options.encrypted,
            inputs=tuple(raw for raw, _, _ in self.given),
            files=files,
            unreadable=tuple(self.unreadable),
            conversations=tuple(conversations),
            packed=(),
            pdf_skipped=pdf.unavailable(),
        )

    # --- exports and seal ---

    def _write_exports(self, case: Case) -> None:
        from takeback.identifiers import identifier_to_dict

        with self.writer.stream(layout.MESSAGES) as out:
            lines: list[bytes] = []
            for item in case.conversations:
                for message in item.conversation.messages:
                    lines.append(layout.canonical({"conversation": item.id, **message_to_dict(message)}))
                    if len(lines) == 4096:  # one write per batch: the zip compresses each write
                        out.write(b"\n".join(lines) + b"\n")
                        lines.clear()
            if lines:
                out.write(b"\n".join(lines) + b"\n")
        self._note_written(layout.MESSAGES)
        self._add(
            layout.ASSESSMENT,
            layout.pretty(
                {
                    "conversations": [
                        {**conversation_summary(c), "assessment": assessment_to_dict(c.assessment)}
                        for c in case.conversations
                    ],
                }
            ),
        )
        self._add(
            layout.IDENTIFIERS_JSON,
            layout.pretty(
                {
                    "identifiers": [
                        {"conversation": c.id, **identifier_to_dict(i)}
                        for c in case.conversations
                        for i in c.identifiers
                    ],
                }
            ),
        )
        self._add(layout.IDENTIFIERS_CSV, csv.identifiers_csv(case))
        self._add(layout.STIX, stix.bundle(case))
        drafts = dict(self.options.drafts) or _drafts(case)
        for name, text in sorted(drafts.items()):
            self._add(layout.DRAFTS + layout.safe_path(name), text.encode("utf-8"))
        case = replace(case, packed=tuple(self.writer.packed))
        self._add(layout.CASE_JSONLD, case_uco.graph(case))
        case = replace(case, packed=tuple(self.writer.packed))
        document = report.report_document(case)
        self._add(layout.REPORT_HTML, html.render(document))
        if case.pdf_skipped is None:
            self._add(layout.REPORT_PDF, pdf.render(document))

    def _add(self, name: str, data: bytes) -> None:
        self.writer.add_bytes(name, data)
        self._note_written(name)

    def _note_written(self, name: str) -> None:
        packed = self.writer.packed[-1]
        self.custody.append("wrote", name, packed.sha256)

    def _seal(self, case: Case) -> None:
        custody = self.custody.data()
        self.writer.add_bytes(layout.CUSTODY, custody)
        document = {
            "schema": layout.SCHEMA,
            "takeback_version": __version__,
            "created": utc_text(self.created),
            "options": {
                "victim_age": self.options.victim_age,
                "country": self.options.country,
                "examiner": self.options.examiner,
                "note": self.options.note,
                "include_media": self.options.include_media,
                "encrypted": self.options.encrypted,
                "recipients": list(self.options.recipients),
                "timezone": self.options.read.timezone.key,
                "format": self.options.read.format,
                "day_first": self.options.read.day_first,
            },
            "inputs": [self._input_record(raw, kind, items) for raw, kind, items in self.given],
            "files": [file_entry_to_dict(e) for e in case.files],
            "could_not_be_read": [{"path": u.path, "reason": u.reason} for u in case.unreadable],
            "conversations": [conversation_summary(c) for c in case.conversations],
            "report_pdf": {"written": case.pdf_skipped is None, "skipped_because": case.pdf_skipped},
            "custody": {"entries": len(self.custody.entries), "head": self.custody.head},
            "pack": [{"path": p.path, "sha256": p.sha256, "size": p.size} for p in self.writer.packed],
        }
        self.writer.add_bytes(layout.MANIFEST, layout.pretty(document))
        sums = [(p.path, p.sha256) for p in self.writer.packed]
        self.writer.add_bytes(layout.SUMS, layout.sums_text(sums))
        self.writer.close()

    @staticmethod
    def _input_record(raw: str, kind: str, items: list[_Item]) -> dict[str, Any]:
        record: dict[str, Any] = {"path": raw, "kind": kind}
        if kind in ("file", "archive") and items and items[0].entry is not None:
            record.update(sha256=items[0].entry.sha256, size=items[0].entry.size)
        if kind in ("folder", "archive"):
            record["files"] = sum(1 + len(i.opened.members if i.opened else ()) for i in items) - (
                1 if kind == "archive" else 0
            )
        return record

    def _result(self, case: Case) -> PackResult:
        media = case.media
        return PackResult(
            path="",
            sha256="",
            size=0,
            zip_sha256="",
            members=len(self.writer.packed),
            conversations=len(case.conversations),
            messages=sum(len(c.conversation.messages) for c in case.conversations),
            media=len(media),
            media_copied=sum(1 for m in media if m.packed_as),
            unreadable=case.unreadable,
            pdf_skipped=case.pdf_skipped,
            encrypted=self.options.encrypted,
        )


def _analysers() -> tuple[
    Callable[[Conversation], Assessment], Callable[[Conversation, Assessment | None, str], list[Identifier]]
]:
    """detect and identifiers, imported only when a pack is made (they load rule data)."""
    from takeback.detect import assess
    from takeback.identifiers import extract

    return assess, extract


def _readme(created: datetime) -> bytes:
    return (
        "Evidence pack made by takeback on " + utc_text(created) + " (UTC).\n\n"
        "report.html (or report.pdf) explains the case in plain words: start there.\n"
        "originals/ holds the files as they were given, byte for byte. Images and videos are\n"
        "not copied: their fingerprints (SHA-256, MD5, PDQ) are listed in the report and in\n"
        "manifest.json instead.\n\n"
        "To check that nothing has changed since the pack was made, unzip it and run, in the\n"
        "unzipped folder:\n\n"
        "    sha256sum -c SHA256SUMS\n\n"
        "Every line must end in OK. Or, with takeback: takeback verify CASE.zip\n"
        "custody.jsonl records who did what, when; each line carries the SHA-256 of the line\n"
        "before it. The format is described in docs/evidence-pack.md of the takeback project.\n"
    ).encode("utf-8")


def _drafts(case: Case) -> dict[str, str]:
    """The drafts (police statement, trusted-adult note ...) for what the pack shows."""
    from takeback.guidance import DraftContext, Event, combined, draft_files, events_from, situation_from
    from takeback.guidance.checkfile import MessageTime

    shown = [c for c in case.conversations if c.assessment.sextortion or c.assessment.stages]
    if not shown:
        return {}
    situation = situation_from(
        combined(c.assessment for c in shown), case.victim_age, case.country, None, False, [],
        shown[0].conversation.platform, False,
    )
    events: list[Event] = []
    for item in shown:
        times = {m.id: MessageTime(m.timestamp, m.time_text, m.sender) for m in item.conversation.messages}
        events.extend(events_from(item.assessment, times))
    context = DraftContext(
        situation=situation,
        events=tuple(events),
        identifiers=tuple(i for c in shown for i in c.identifiers if i.role == "offender"),
        platforms=tuple(dict.fromkeys(c.conversation.platform for c in shown)),
        today=case.created.date(),
    )
    return dict(draft_files(context))
