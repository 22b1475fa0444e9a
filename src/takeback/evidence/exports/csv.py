"""identifiers.csv: the identifiers as a spreadsheet, safe to open in Excel or LibreOffice.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
could run as a formula when the file is opened; such cells get a leading
apostrophe, which spreadsheets show as text (so ``+447700900123`` reads
``'+447700900123``). identifiers.json keeps every value exactly.
"""

from __future__ import annotations

import csv
import io

from takeback.evidence.case import Case

HEADERS = (
    "conversation",
    "kind",
    "value",
    "as_written",
    "valid",
    "role",
    "platform",
    "sightings",
    "first_message",
    "explanation",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def identifiers_csv(case: Case) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for item in case.conversations:
        for identifier in item.identifiers:
            first = identifier.sightings[0] if identifier.sightings else None
            valid = {True: "true", False: "false", None: ""}[identifier.valid]
            row = (
                item.id,
                identifier.kind,
                identifier.value,
                first.raw if first else "",
                valid,
                identifier.role,
                identifier.platform or "",
                str(len(identifier.sightings)),
                first.message_id if first else "",
                identifier.explanation,
            )
            writer.writerow([neutralise(cell) for cell in row])
    # A byte-order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
