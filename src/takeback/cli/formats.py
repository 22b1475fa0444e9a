"""List the formats takeback reads, and how to export each one from its app."""

from __future__ import annotations

import argparse
import sys

from takeback.ingest import parsers

HELP = "list the formats takeback reads and how to export each one"
ORDER = 90


def register(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for parser in parsers():
        sys.stdout.write(f"{parser.NAME:<18} {parser.LABEL}\n")
        sys.stdout.write(f"{'':<18} How: {parser.HOW_TO_EXPORT}\n\n")
    return 0
