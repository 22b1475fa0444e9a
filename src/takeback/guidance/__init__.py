"""Guidance: the plan for this person's age, country and situation, and the drafts to act on it.

    situation_from(assessment, age, country, region, paid, images_shared, platform, in_danger)
                                      the situation, from the person's answers and a check
    plan(situation)                   the ordered steps, each with its services
    first_steps(plan, n=3)            what ``check`` shows at its end
    render_text(plan, limit=None)     the plan for a terminal (short lines, numbered)
    plan_to_dict(plan)                the stable JSON form
    render_draft(kind, context)       a police statement, takedown request, bank note or
                                      trusted-adult note (plain text or Markdown)
    draft_files(context)              every draft that fits, for ``pack``
    read_check(path)                  what ``takeback check --json`` wrote

Every phone number and link comes from ``data/services.yaml`` and
``data/platforms.yaml``, each entry with its sources and the date it was checked.
See docs/guidance.md.
"""

from __future__ import annotations

from takeback.guidance.checkfile import CheckedConversation, combined, first_platform, read_check
from takeback.guidance.directory import Service
from takeback.guidance.drafts import (
    DRAFT_KINDS,
    DraftContext,
    Event,
    context_from_check,
    draft_files,
    events_from,
    render_draft,
)
from takeback.guidance.plan import (
    Group,
    Plan,
    Situation,
    Step,
    first_steps,
    plan,
    plan_to_dict,
    render_text,
    situation_from,
)

__all__ = [
    "DRAFT_KINDS",
    "CheckedConversation",
    "DraftContext",
    "Event",
    "Group",
    "Plan",
    "Service",
    "Situation",
    "Step",
    "combined",
    "context_from_check",
    "draft_files",
    "events_from",
    "first_platform",
    "first_steps",
    "plan",
    "plan_to_dict",
    "read_check",
    "render_draft",
    "render_text",
    "situation_from",
]
