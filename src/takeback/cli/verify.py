"""Check that an evidence pack has not changed since it was made.

Reads the pack without unzipping it and checks every file against its SHA-256
in SHA256SUMS and the manifest, and every link of the chain-of-custody log.
Prints one line, "intact", when everything holds; otherwise names exactly what
changed (a file altered, missing, added or renamed; a custody entry broken)
and exits with status 1. An encrypted pack (.age) must be decrypted first.
"""

from __future__ import annotations

import argparse
import sys

from takeback.cli._output import dumps, safe
from takeback.evidence import report_to_dict, verify

HELP = "check that an evidence pack has not changed since it was made"
ORDER = 55


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="CASE.zip", help="the pack to check")
    parser.add_argument("--json", action="store_true", help="write the result as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = verify(args.path)
    if args.json:
        sys.stdout.write(dumps(report_to_dict(report)) + "\n")
    else:
        sys.stdout.write(safe(report.summary()) + "\n")
        for problem in report.problems:
            sys.stdout.write(f"  {safe(problem.message)}\n")
    return 0 if report.intact else 1
