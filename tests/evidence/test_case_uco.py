"""case.jsonld is valid CASE/UCO under case_validate (case-utils, a test dependency): slow, so alone."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

from .conftest import read


def test_case_uco_is_valid_under_case_validate(packed: Path, tmp_path: Path) -> None:
    if importlib.util.find_spec("case_utils") is None:
        pytest.skip("case-utils is not installed (pip install case-utils)")
    from case_utils.case_validate import NonExistentCDOConceptWarning, validate

    graph = tmp_path / "case.jsonld"
    graph.write_bytes(read(packed)["case.jsonld"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonExistentCDOConceptWarning)  # an undefined CASE/UCO term
        result = validate(str(graph))
    assert result.conforms, result.text[-3000:]
