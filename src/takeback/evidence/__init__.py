"""Preserve the evidence: a verifiable, court-ready evidence pack, and its check.

Public surface:

- :func:`pack` reads the files a person has, fingerprints them before anything
  else touches them, and writes one zip: the originals byte-exact (images and
  videos fingerprinted, never copied by default), the conversations, the
  assessment, the identifiers, a report (HTML and PDF), CASE/UCO and STIX
  exports, a hash-chained custody log, a manifest and SHA256SUMS.
- :func:`verify` checks a pack without extracting it and names exactly what
  changed.

See docs/evidence-pack.md for the format.
"""

from __future__ import annotations

from takeback.evidence.pack import PackOptions, PackResult, pack
from takeback.evidence.verify import Problem, VerifyReport, report_to_dict, verify

__all__ = ["PackOptions", "PackResult", "Problem", "VerifyReport", "pack", "report_to_dict", "verify"]
