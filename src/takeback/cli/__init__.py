"""The ``takeback`` command: a thin shell over the library.

This is the only place where errors become messages and exit codes. Each
command is a module here with ``HELP`` (one line), ``ORDER`` and
``register(parser)``, which sets ``run`` as the parser's default; commands are
found by listing this package, so adding one touches no other file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from takeback import __version__
from takeback.errors import TakebackError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 70


def commands() -> list[ModuleType]:
    """Every command module, in the order `takeback --help` lists them."""
    found = [
        importlib.import_module(f"{__name__}.{m.name}")
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_")
    ]
    return sorted(found, key=lambda module: (module.ORDER, module.__name__))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="takeback",
        description=(
            "Help for people facing sextortion: read the messages you have, see what is "
            "happening, save the evidence, and find the right help. Everything stays on "
            "this device."
        ),
    )
    parser.add_argument("--version", action="version", version=f"takeback {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in commands():
        name = module.__name__.rsplit(".", 1)[1]
        command = sub.add_parser(name, help=module.HELP, description=module.__doc__)
        module.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return run(args)
    except UsageError as error:
        print(f"takeback: {error}", file=sys.stderr)
        return EXIT_USAGE
    except TakebackError as error:
        print(f"takeback: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("takeback: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: one line, not a traceback, and how to report it
        print(
            f"takeback: internal error ({type(error).__name__}: {error}); nothing was changed. "
            "Please report this with the command you ran (not your files).",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
