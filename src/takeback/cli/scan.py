"""Assess every item of a large JSON Lines, CSV or Parquet file, for trust-and-safety analysts.

Each item is one text: a message, an email body or a chat segment. The output
has one JSON line per item, in input order: id, sextortion, risk, stages,
crisis and the number of findings (--findings lists them). Input is streamed
and memory stays constant whatever its size. The output is written to a
temporary file beside OUTPUT and renamed when complete, so a stopped scan
never leaves a partial file. A line that is not JSON is reported (by line
number, never by content) and skipped; the rest is scanned.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import importlib
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from takeback.cli._output import err
from takeback.detect import assess_text, engine, finding_to_dict
from takeback.errors import UsageError
from takeback.identifiers import extract_text

HELP = "assess every text in a large JSON Lines, CSV or Parquet file (bulk mode)"
ORDER = 20

BATCH = 4096  # items read ahead per batch when --workers is used: bounds memory
CHUNK = 256  # items handed to a worker at a time
_JSONL = (".jsonl", ".ndjson", ".json", ".jl")
_CSV = (".csv", ".tsv")
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", help="a .jsonl, .csv (or .tsv) or .parquet file")
    parser.add_argument("--out", required=True, metavar="OUTPUT.jsonl", help="where to write the results")
    parser.add_argument(
        "--text-field",
        default="text",
        metavar="NAME",
        help="the field or column holding the text (default: text)",
    )
    parser.add_argument(
        "--id-field",
        default="id",
        metavar="NAME",
        help="the field or column holding the item id (default: id; the line or row number when absent)",
    )
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="processes to use (default: 1)")
    parser.add_argument("--country", default="GB", metavar="CC",
                        help="read phone numbers without +code as this country's (default: GB)")
    parser.add_argument(
        "--findings",
        action="store_true",
        help="list each finding (rule, stage, quote, span) instead of counting them",
    )
    parser.set_defaults(run=run)


@dataclass
class Tally:
    items: int = 0
    sextortion: int = 0
    warnings: list[str] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------


def _jsonl(
    stream: BinaryIO, name: str, text_field: str, id_field: str, tally: Tally
) -> Iterator[tuple[str, str]]:
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            item = json.loads(raw)
        except UnicodeDecodeError:  # invalid UTF-8: read with replacement characters
            try:
                item = json.loads(raw.decode("utf-8", "replace"))
            except json.JSONDecodeError:
                tally.warnings.append(f"{name}: line {number}: not valid JSON, skipped")
                continue
        except json.JSONDecodeError:
            if raw.strip():
                tally.warnings.append(f"{name}: line {number}: not valid JSON, skipped")
            continue
        if not isinstance(item, dict) or item.get(text_field) is None:
            tally.warnings.append(f"{name}: line {number}: no '{text_field}' field, skipped")
            continue
        text = item[text_field]
        key = item.get(id_field)
        yield (str(key) if key is not None else str(number)), (text if isinstance(text, str) else str(text))


def _csv(
    stream: BinaryIO, name: str, text_field: str, id_field: str, delimiter: str, tally: Tally
) -> Iterator[tuple[str, str]]:
    # Megabyte-long cells are allowed; csv's default limit is 128 KiB.
    csv.field_size_limit(1 << 30)
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return
    header = [column.strip().lstrip("\ufeff") for column in header]
    if text_field not in header:
        raise UsageError(
            f"{name}: no column '{text_field}' (columns: {', '.join(header) or 'none'}); "
            "choose one with --text-field"
        )
    text_at = header.index(text_field)
    id_at = header.index(id_field) if id_field in header else None
    for number, row in enumerate(reader, start=1):
        if not row:
            continue
        if text_at >= len(row):
            tally.warnings.append(f"{name}: row {number}: no '{text_field}' value, skipped")
            continue
        key = row[id_at] if id_at is not None and id_at < len(row) else str(number)
        yield key, row[text_at]


def _parquet(path: Path, text_field: str, id_field: str) -> Iterator[tuple[str, str]]:
    try:
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise UsageError("reading Parquet needs pyarrow: pip install pyarrow") from None
    table = parquet.ParquetFile(path)
    names = table.schema_arrow.names
    if text_field not in names:
        raise UsageError(
            f"{path}: no column '{text_field}' (columns: {', '.join(names)}); choose one with --text-field"
        )
    columns = [text_field] + ([id_field] if id_field in names else [])
    number = 0
    for batch in table.iter_batches(columns=columns, batch_size=BATCH):
        data = batch.to_pydict()
        ids = data.get(id_field)
        for index, text in enumerate(data[text_field]):
            number += 1
            key = ids[index] if ids is not None and ids[index] is not None else number
            yield str(key), "" if text is None else str(text)


def items(path: Path, text_field: str, id_field: str, tally: Tally) -> Iterator[tuple[str, str]]:
    """(id, text) for every item of the input, streamed."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        yield from _parquet(path, text_field, id_field)
        return
    try:
        with path.open("rb") as stream:
            if name.endswith(_CSV):
                yield from _csv(
                    stream, str(path), text_field, id_field, "\t" if name.endswith(".tsv") else ",", tally
                )
            elif name.endswith(_JSONL) or stream.peek(64)[:64].lstrip()[:1] == b"{":
                yield from _jsonl(stream, str(path), text_field, id_field, tally)
            else:
                yield from _csv(stream, str(path), text_field, id_field, ",", tally)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; scan reads one file") from None


# --- assessing ----------------------------------------------------------------------------------


_REGION = ["GB"]  # phone numbers without +code; set once per run, before any worker starts


def _identifiers(text: str) -> list[dict[str, Any]]:
    return [
        {"kind": i.kind, "value": i.value, "valid": i.valid, "platform": i.platform}
        for i in extract_text(text, _REGION[0])
    ]


def result(item: tuple[str, str], findings: bool = False) -> dict[str, Any]:
    """One output line for one item."""
    key, text = item
    assessment = assess_text(text)
    return {
        "id": key,
        "sextortion": assessment.sextortion,
        "risk": assessment.risk,
        "stages": list(assessment.stages),
        "crisis": assessment.crisis,
        "findings": (
            [
                {k: v for k, v in finding_to_dict(f).items() if k not in ("message_id", "sender")}
                for f in assessment.findings
            ]
            if findings
            else len(assessment.findings)
        ),
        "identifiers": _identifiers(text),
    }


def _result_with_findings(item: tuple[str, str]) -> dict[str, Any]:
    return result(item, findings=True)


def results(source: Iterator[tuple[str, str]], workers: int, findings: bool) -> Iterator[dict[str, Any]]:
    """Results in input order; with several workers, read and assessed a batch at a time."""
    work = _result_with_findings if findings else result
    if workers <= 1:
        yield from map(work, source)
        return
    engine()  # built before the workers start, so forked workers share it
    with multiprocessing.Pool(workers) as pool:
        while batch := list(islice(source, BATCH)):
            yield from pool.imap(work, batch, chunksize=CHUNK)


# --- command ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    source, out = Path(args.input), Path(args.out)
    if args.workers < 1:
        raise UsageError("--workers must be 1 or more")
    if out.resolve() == source.resolve():
        raise UsageError("--out must not be the input file")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: no such folder for --out")
    _REGION[0] = "GB" if args.country.strip().upper() == "UK" else args.country.strip().upper()
    tally = Tally()
    started = time.perf_counter()
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as written:
            for line in results(
                items(source, args.text_field, args.id_field, tally), args.workers, args.findings
            ):
                tally.items += 1
                tally.sextortion += line["sextortion"]
                written.write(_ENCODE(line) + "\n")
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for warning in tally.warnings:
        err(warning)
    seconds = time.perf_counter() - started
    print(
        f"takeback: scanned {tally.items} item{'s' if tally.items != 1 else ''} in {seconds:.1f} s: "
        f"{tally.sextortion} look like sextortion; {len(tally.warnings)} warning"
        f"{'s' if len(tally.warnings) != 1 else ''}; results in {out}",
        file=sys.stderr,
    )
    return 0
