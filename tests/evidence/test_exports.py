"""The exports: STIX valid under its real validator, CASE/UCO complete, CSV safe in spreadsheets,
the report self-contained and escaped."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

from takeback.evidence.exports.csv import neutralise

from .conftest import read


def test_case_uco_describes_files_messages_accounts_and_provenance(packed: Path) -> None:
    nodes = json.loads(read(packed)["case.jsonld"])["@graph"]
    types = {node["@type"] for node in nodes}
    assert {"observable:File", "observable:Message", "observable:ApplicationAccount",
            "investigation:ProvenanceRecord", "investigation:InvestigativeAction", "tool:Tool",
            "identity:Person", "observable:EmailAddress", "observable:PhoneAccount"} <= types
    hashes = [n for n in nodes if n["@type"] == "observable:File" for f in n["core:hasFacet"]
              for h in f.get("observable:hash", []) if h["types:hashMethod"] == "MD5"]
    assert hashes
    ids = [node["@id"] for node in nodes]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"kb:[A-Za-z]+-[0-9a-f-]{36}", i) for i in ids)


def test_stix_is_valid_under_the_stix2_validator(packed: Path) -> None:
    if importlib.util.find_spec("stix2validator") is None:
        pytest.skip("stix2-validator is not installed (pip install stix2-validator)")
    from stix2validator import ValidationOptions, validate_string

    result = validate_string(read(packed)["indicators.stix.json"].decode(), ValidationOptions(strict=False))
    assert result.is_valid, [str(e) for e in result.errors]


def test_stix_holds_only_the_offenders_identifiers(packed: Path) -> None:
    bundle = json.loads(read(packed)["indicators.stix.json"])
    by_type: dict[str, list[dict[str, str]]] = {}
    for item in bundle["objects"]:
        by_type.setdefault(item["type"], []).append(item)
    assert [o["value"] for o in by_type["email-addr"]] == ["alex.pays@example.com"]
    assert [o["value"] for o in by_type["x-takeback-phone-number"]] == ["+447700900123"]
    assert [o["address"] for o in by_type["x-takeback-cryptocurrency-wallet"]] == [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]
    assert {o["value"] for o in by_type["domain-name"]} == {"paypal.me"}
    assert {o["account_login"] for o in by_type["user-account"]} == {"alexpays99"}
    assert "sam@example.org" not in json.dumps(bundle)  # the victim's own address stays out
    assert all(i["pattern"].startswith("[") for i in by_type["indicator"])


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"),
    ("+447700900123", "'+447700900123"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("alex.pays@example.com", "alex.pays@example.com"),
    ("a=b", "a=b"),
    ("", ""),
])
def test_csv_cells_are_neutralised_against_formulas(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_the_identifiers_csv_has_no_cell_a_spreadsheet_would_run(packed: Path) -> None:
    text = read(packed)["identifiers.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["conversation", "kind", "value"]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert ["'+447700900123"] == [row[2] for row in rows if row[1] == "phone"][:1]


def test_the_report_is_self_contained_and_escaped(packed: Path) -> None:
    html = read(packed)["report.html"].decode()
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for loader in ("src=", "href=", "@import", "url(", "<link", "<img", "<iframe"):
        assert loader not in html
    assert "default-src 'none'" in html
    for heading in ("Summary", "What happened, step by step", "The offender&#x27;s identifiers",
                    "Images and videos (fingerprints only)", "Evidence index", "How to check this pack"):
        assert f"<h2>{heading}</h2>" in html
    assert "The person in this case is under 18" in html
    assert "sha256sum -c SHA256SUMS" in html
    assert "<mark>" in html  # the words that show each stage are highlighted


def test_the_report_lists_media_fingerprints_not_media(packed: Path) -> None:
    document = json.loads(read(packed)["manifest.json"])
    html = read(packed)["report.html"].decode()
    for entry in (f for f in document["files"] if f["media"]):
        assert entry["sha256"] in html and (entry["md5"] or "") in html
        if entry["pdq"]:
            assert entry["pdq"] in html
