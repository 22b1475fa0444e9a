"""Optional compiled build: TAKEBACK_COMPILE=1 compiles takeback.identifiers with mypyc.

pyproject.toml holds the metadata; without TAKEBACK_COMPILE=1 this is a plain,
pure-Python setuptools build (and ``pip install -e .`` needs no compiler).

    TAKEBACK_COMPILE=1 pip wheel --no-deps --wheel-dir dist .    (or: make compiled)

Every module of takeback.identifiers is compiled: all are on the path of each
message, and the kinds subclass ``Extractor``, which interpreted classes cannot do
once base.py is compiled. The wheel keeps the .py files beside the .so files (the
.so ones are imported). Only wheels are compiled: an editable install would put the
.so files in src/, where they would shadow the .py files being edited.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
COMPILED = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "src/takeback/identifiers").glob("*.py"))


def compile_needs() -> list[str]:
    """What mypy needs to type the code it compiles: the dependencies, mypy and the stubs of the dev extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def name(requirement: str) -> str:
        return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]

    dev = project["optional-dependencies"]["dev"]
    return [*project["dependencies"], *(r for r in dev if name(r) == "mypy" or r.startswith("types-"))]


class WheelOnlyBuildExt(build_ext):
    def run(self) -> None:
        if self.inplace or getattr(self, "editable_mode", False):
            sys.exit("TAKEBACK_COMPILE=1 builds wheels only: .so files in src/ would shadow the .py files")
        super().run()


def compiled() -> dict[str, Any]:
    if {"egg_info", "dist_info", "sdist"} & set(sys.argv[1:]):
        # Metadata and source only; this includes the first pass, in which the build
        # frontend asks what the build needs (setup_requires) before installing it.
        return {}
    try:
        from mypyc.build import mypycify
    except ImportError:
        sys.exit("TAKEBACK_COMPILE=1 needs mypy where it builds (pip installs it, with build isolation)")
    return {
        "ext_modules": mypycify(COMPILED, opt_level="3", group_name="takeback_identifiers"),
        "cmdclass": {"build_ext": WheelOnlyBuildExt},
    }


if os.environ.get("TAKEBACK_COMPILE") == "1":
    setup(setup_requires=compile_needs(), **compiled())
else:
    setup()
