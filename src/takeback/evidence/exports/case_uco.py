"""case.jsonld: the pack described in the CASE/UCO ontology (JSON-LD), for forensic tools.

It holds the files found (with SHA-256 and MD5), their byte-exact copies in the
pack and how each relates to its original, the archives they came from, the
messages (text, time, sender, application), the accounts and identifiers in
them, and the provenance: one investigative action by the examiner with
takeback as its instrument, and a provenance record of what was collected.

Node ids are derived from content (UUIDv5 over hashes and names), so the same
case always gives the same graph. PDQ hashes are not in UCO's hash vocabulary;
they are written into the file's description. The graph is checked with
``case_validate`` (case-utils) in the tests.
"""

from __future__ import annotations

import posixpath
import uuid
from typing import Any

from takeback.evidence.case import Case, CaseConversation, FileEntry, PackedFile
from takeback.evidence.manifest import pretty
from takeback.model import Identifier, Participant

MESSAGE_LIMIT = 20_000  # messages per conversation in the graph; all are in messages.jsonl
_NAMESPACE = uuid.UUID("714c107b-ef73-5daa-8ebe-def2a17897a5")
_ONTOLOGY = "https://ontology.unifiedcyberontology.org/uco/"

CONTEXT = {
    "kb": "urn:takeback:kb:",
    "core": _ONTOLOGY + "core/",
    "observable": _ONTOLOGY + "observable/",
    "types": _ONTOLOGY + "types/",
    "action": _ONTOLOGY + "action/",
    "identity": _ONTOLOGY + "identity/",
    "tool": _ONTOLOGY + "tool/",
    "investigation": "https://ontology.caseontology.org/case/investigation/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _id(kind: str, *parts: str) -> str:
    return f"kb:{kind}-{uuid.uuid5(_NAMESPACE, chr(31).join((kind, *parts)))}"


def _ref(node_id: str) -> dict[str, str]:
    return {"@id": node_id}


def _typed(value: object, datatype: str) -> dict[str, str]:
    return {"@type": datatype, "@value": str(value).lower() if isinstance(value, bool) else str(value)}


def _time(value: Any) -> dict[str, str]:
    return _typed(value.isoformat().replace("+00:00", "Z"), "xsd:dateTime")


class _Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}

    def add(self, node: dict[str, Any]) -> str:
        self.nodes.setdefault(node["@id"], node)
        return str(node["@id"])

    def facet(self, owner: str, kind: str, **values: Any) -> dict[str, Any]:
        """A facet of ``owner``: its id is the owner's UUID under the facet's own name."""
        return {"@id": f"kb:{kind}-{owner.split('-', 1)[1]}", "@type": f"observable:{kind}", **values}

    def file(
        self,
        key: tuple[str, ...],
        name: str,
        path: str,
        size: int,
        sha256: str,
        md5: str | None,
        media_type: str | None,
        description: str | None = None,
    ) -> str:
        node_id = _id("File", *key)
        hashes = [self._hash(node_id, "SHA256", sha256)]
        if md5:
            hashes.append(self._hash(node_id, "MD5", md5))
        content: dict[str, Any] = {
            "observable:sizeInBytes": _typed(size, "xsd:integer"),
            "observable:hash": hashes,
        }
        if media_type:
            content["observable:mimeType"] = media_type
        node: dict[str, Any] = {
            "@id": node_id,
            "@type": "observable:File",
            "core:hasFacet": [
                self.facet(
                    node_id,
                    "FileFacet",
                    **{
                        "observable:fileName": name,
                        "observable:filePath": path,
                        "observable:sizeInBytes": _typed(size, "xsd:integer"),
                    },
                ),
                self.facet(node_id, "ContentDataFacet", **content),
            ],
        }
        if description:
            node["core:description"] = description
        return self.add(node)

    @staticmethod
    def _hash(owner: str, method: str, value: str) -> dict[str, Any]:
        return {
            "@id": _id("Hash", owner, method),
            "@type": "types:Hash",
            "types:hashMethod": method,
            "types:hashValue": _typed(value, "xsd:hexBinary"),
        }

    def relate(self, source: str, target: str, kind: str) -> None:
        self.add(
            {
                "@id": _id("Relationship", source, target, kind),
                "@type": "observable:ObservableRelationship",
                "core:source": [_ref(source)],
                "core:target": _ref(target),
                "core:kindOfRelationship": kind,
                "core:isDirectional": _typed(True, "xsd:boolean"),
            }
        )


def _entry_description(entry: FileEntry) -> str | None:
    parts = []
    if entry.pdq:
        parts.append(f"PDQ perceptual hash {entry.pdq} (quality {entry.pdq_quality})")
    if entry.not_copied:
        parts.append(f"Not copied into the pack: {entry.not_copied}")
    if entry.note and not entry.pdq:
        parts.append(entry.note)
    return "; ".join(parts) or None


def _account(
    graph: _Graph, conversation: CaseConversation, participant: Participant, application: str
) -> str:
    key = participant.account_id or participant.handle or participant.phone or participant.name
    node_id = _id("ApplicationAccount", conversation.conversation.platform, key)
    account: dict[str, Any] = {"observable:accountIdentifier": key}
    digital: dict[str, Any] = {"observable:displayName": participant.name}
    if participant.handle:
        digital["observable:accountLogin"] = participant.handle
    return graph.add(
        {
            "@id": node_id,
            "@type": "observable:ApplicationAccount",
            "core:hasFacet": [
                graph.facet(node_id, "AccountFacet", **account),
                graph.facet(node_id, "DigitalAccountFacet", **digital),
                graph.facet(
                    node_id, "ApplicationAccountFacet", **{"observable:application": _ref(application)}
                ),
            ],
        }
    )


def _identifier(graph: _Graph, identifier: Identifier) -> str:
    value, kind = identifier.value, identifier.kind
    description = f"{kind} ({identifier.role}); {identifier.explanation}".strip("; ")
    if kind == "email":
        node_id = _id("EmailAddress", value)
        facets = [graph.facet(node_id, "EmailAddressFacet", **{"observable:addressValue": value})]
        node_type = "observable:EmailAddress"
    elif kind == "url":
        node_id = _id("URL", value)
        facets = [graph.facet(node_id, "URLFacet", **{"observable:fullValue": value})]
        node_type = "observable:URL"
    elif kind == "phone":
        node_id = _id("PhoneAccount", value)
        facets = [graph.facet(node_id, "PhoneAccountFacet", **{"observable:phoneNumber": value})]
        node_type = "observable:PhoneAccount"
    else:  # handles, payment accounts, bank accounts, cards, crypto addresses
        node_id = _id("Account", kind, identifier.platform or "", value)
        facets = [graph.facet(node_id, "AccountFacet", **{"observable:accountIdentifier": value})]
        node_type = "observable:Account"
    node: dict[str, Any] = {
        "@id": node_id,
        "@type": node_type,
        "core:hasFacet": facets,
        "core:description": description,
    }
    if identifier.platform:
        node["core:tag"] = identifier.platform
    return graph.add(node)


def graph(case: Case) -> bytes:
    g = _Graph()
    tool = g.add(
        {
            "@id": _id("Tool", "takeback", case.version),
            "@type": "tool:Tool",
            "core:name": "takeback",
            "tool:version": case.version,
            "tool:toolType": "evidence preservation",
        }
    )
    performer = None
    if case.examiner:
        performer = g.add(
            {"@id": _id("Person", case.examiner), "@type": "identity:Person", "core:name": case.examiner}
        )
    originals: list[str] = []
    archives: dict[str, str] = {}
    for entry in case.files:
        name = (
            posixpath.basename(entry.member)
            if entry.member
            else posixpath.basename(entry.path.replace("\\", "/"))
        )
        node_id = g.file(
            ("original", entry.path, entry.member or "", entry.inside or "", entry.sha256),
            name,
            entry.display,
            entry.size,
            entry.sha256,
            entry.md5,
            entry.media_type,
            _entry_description(entry),
        )
        originals.append(node_id)
        if entry.member is None and entry.inside is None:
            archives[entry.path] = node_id
    for entry, node_id in zip(case.files, originals, strict=True):
        container = archives.get(entry.path)
        if (entry.member is not None or entry.inside) and container is not None and container != node_id:
            g.relate(node_id, container, "Contained_Within")
    packed: dict[str, str] = {}
    for item in case.packed:
        packed[item.path] = _packed_file(g, item)
    for entry, node_id in zip(case.files, originals, strict=True):
        copy = packed.get(entry.packed_as or "")
        if copy is not None:
            g.relate(copy, node_id, "Copied_From")
    message_ids: list[str] = []
    for conversation in case.conversations:
        message_ids.extend(_conversation(g, conversation))
    results = [_ref(n) for n in sorted(packed.values())] + [_ref(n) for n in message_ids]
    record = g.add(
        {
            "@id": _id("ProvenanceRecord", case.created.isoformat(), *sorted(originals)),
            "@type": "investigation:ProvenanceRecord",
            "investigation:exhibitNumber": "1",
            "core:description": "The files given to takeback, fingerprinted before anything else read them.",
            "core:object": [_ref(n) for n in sorted(set(originals))],
        }
    )
    action: dict[str, Any] = {
        "@id": _id("InvestigativeAction", case.created.isoformat(), record),
        "@type": "investigation:InvestigativeAction",
        "core:name": "preserved",
        "core:description": "Evidence pack made with takeback on the victim's own device.",
        "action:startTime": _time(case.created),
        "action:endTime": _time(case.created),
        "action:instrument": [_ref(tool)],
        "action:object": [_ref(n) for n in sorted(set(originals))],
        "action:result": [_ref(record), *results],
    }
    if performer:
        action["action:performer"] = _ref(performer)
    g.add(action)
    nodes = [g.nodes[k] for k in sorted(g.nodes)]
    return pretty({"@context": CONTEXT, "@graph": nodes})


def _packed_file(g: _Graph, item: PackedFile) -> str:
    return g.file(
        ("packed", item.path, item.sha256),
        posixpath.basename(item.path),
        item.path,
        item.size,
        item.sha256,
        None,
        None,
        "In the evidence pack",
    )


def _conversation(g: _Graph, item: CaseConversation) -> list[str]:
    conversation = item.conversation
    application = g.add(
        {
            "@id": _id("Application", conversation.platform),
            "@type": "observable:Application",
            "core:name": conversation.platform,
        }
    )
    accounts = {p.name: _account(g, item, p, application) for p in conversation.participants}
    for identifier in item.identifiers:
        _identifier(g, identifier)
    made: list[str] = []
    source = conversation.source
    for message in conversation.messages[:MESSAGE_LIMIT]:
        node_id = _id("Message", source.sha256, source.member or "", item.id, message.id)
        facet: dict[str, Any] = {
            "observable:messageID": message.id,
            "observable:application": _ref(application),
        }
        if message.text:
            facet["observable:messageText"] = message.text
        if message.timestamp is not None:
            facet["observable:sentTime"] = _time(message.timestamp)
        sender = accounts.get(message.sender or "")
        if sender is not None:
            facet["observable:from"] = _ref(sender)
        g.add(
            {
                "@id": node_id,
                "@type": "observable:Message",
                "core:hasFacet": [g.facet(node_id, "MessageFacet", **facet)],
            }
        )
        made.append(node_id)
    return made
