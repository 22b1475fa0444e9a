"""Show what to do, one step at a time, with the right services for your age and country.

The plan starts with safety (the emergency number if you are in danger, crisis
lines if you might hurt yourself), then: it is not your fault; stop contact; do
not pay; save the proof; get the images taken down; report it. Every phone number
and link comes from takeback's service list, with its sources. --from-check reads
what `takeback check --json` wrote and takes the stages, crisis and platform from it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from takeback.cli._output import dumps, safe
from takeback.guidance import (
    CheckedConversation,
    combined,
    first_platform,
    plan,
    plan_to_dict,
    read_check,
    render_text,
    situation_from,
)
from takeback.guidance.plan import Situation

HELP = "show what to do, step by step, with the right help for your age and country"
ORDER = 30


def add_situation_options(parser: argparse.ArgumentParser) -> None:
    """The options ``guide`` and ``draft`` share: who and where the person is."""
    parser.add_argument("--age", type=int, metavar="N", help="your age (if you are not sure, leave it out)")
    parser.add_argument("--country", metavar="CC",
                        help="where you live: GB (or UK), US, CA, AU, IE; "
                             "other codes get help that works anywhere")
    parser.add_argument("--region", metavar="R",
                        help="in the UK: england, wales, scotland or northern-ireland")
    parser.add_argument("--paid", action="store_true", help="you have already paid them")
    parser.add_argument("--platform", metavar="NAME", help="the app or site where they contacted you")
    parser.add_argument("--from-check", metavar="CHECK.json",
                        help="what 'takeback check --json' wrote about the chat")


def register(parser: argparse.ArgumentParser) -> None:
    add_situation_options(parser)
    parser.add_argument("--images-shared", nargs="+", action="extend", default=[], metavar="URL",
                        help="links to where your images were shared")
    parser.add_argument("--in-danger", action="store_true", help="you are in danger right now")
    parser.add_argument("--at-risk", action="store_true",
                        help="you feel you might hurt yourself: crisis lines come first")
    parser.add_argument("--nothing-sent", action="store_true",
                        help="you have not sent them any photos or videos")
    parser.add_argument("--json", action="store_true", help="write the plan as JSON")
    parser.set_defaults(run=run)


def situation(args: argparse.Namespace, links: list[str],
              conversations: Sequence[CheckedConversation] = ()) -> Situation:
    """The situation from the options and, with --from-check, from the check result."""
    assessment = combined(c.assessment for c in conversations if c.assessment)
    return situation_from(
        assessment, args.age, args.country, args.region, args.paid, links,
        args.platform or first_platform(conversations), getattr(args, "in_danger", False),
        at_risk=getattr(args, "at_risk", False), nothing_sent=getattr(args, "nothing_sent", False),
    )


def run(args: argparse.Namespace) -> int:
    conversations = read_check(args.from_check) if args.from_check else ()
    chosen = plan(situation(args, args.images_shared, conversations))
    if args.json:
        sys.stdout.write(dumps(plan_to_dict(chosen)) + "\n")
    else:
        sys.stdout.write(safe(render_text(chosen)))
    return 0
