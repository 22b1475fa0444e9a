"""report.pdf: the same report as report.html, for people who print or attach it.

The PDF engine is ReportLab (BSD licence), an optional extra: without it the
pack is still complete, and its manifest and report say why the PDF is missing.
The standard PDF fonts show Western European text only; any other character
appears as '?', and the PDF says so (report.html shows every message exactly).
The output is fixed ("invariant"): no creation date or random document id.
"""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape

from takeback.evidence.exports.report import Block, Code, Document, Paragraph, Quote, Steps, Table

ENGINE_MISSING = (
    "the PDF engine is not installed on this device (install it with: pip install 'takeback[pdf]', "
    "which adds ReportLab); report.html holds the same content"
)
_ENCODING = "cp1252"  # what the standard PDF fonts can show
_HIGHLIGHT = "#ffe066"


def unavailable() -> str | None:
    """Why no PDF can be made here, or None when it can."""
    try:
        importlib.import_module("reportlab")
    except ImportError:
        return ENGINE_MISSING
    return None


def _reportlab() -> SimpleNamespace:
    """The ReportLab modules used here (loaded by name: it is optional and ships no type hints)."""
    names = ("lib.colors", "lib.pagesizes", "lib.styles", "lib.units", "platypus")
    return SimpleNamespace(**{n.rsplit(".", 1)[-1]: importlib.import_module(f"reportlab.{n}") for n in names})


def _showable(text: str) -> str:
    return text.encode(_ENCODING, "replace").decode(_ENCODING)


def _markup(text: str) -> str:
    """Text for a ReportLab paragraph: escaped (it reads a markup), newlines kept."""
    return escape(_showable(text)).replace("\n", "<br/>")


def render(document: Document) -> bytes:
    rl = _reportlab()
    colors, mm, a4 = rl.colors, rl.units.mm, rl.pagesizes.A4
    ParagraphStyle, Para, Grid = rl.styles.ParagraphStyle, rl.platypus.Paragraph, rl.platypus.Table
    sheet = rl.styles.getSampleStyleSheet()
    body = sheet["BodyText"]
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.5)
    code_cell = ParagraphStyle("code", parent=cell, fontName="Courier", fontSize=6.5, leading=8.5)
    head_cell = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    notice = ParagraphStyle(
        "notice",
        parent=body,
        backColor=colors.HexColor("#fff4e5"),
        borderColor=colors.HexColor("#b35900"),
        borderWidth=1,
        borderPadding=6,
        spaceBefore=8,
        spaceAfter=10,
    )
    width = a4[0] - 30 * mm
    story: list[Any] = [
        Para(_markup(document.title), sheet["Title"]),
        Para(_markup(document.subtitle), body),
        Para(
            _markup(
                "Characters the standard PDF fonts cannot show appear as '?'; report.html "
                "shows every message exactly."
            ),
            cell,
        ),
    ]

    def grid(block: Table) -> Any:
        columns = len(block.headers)
        rows = [[Para(_markup(h), head_cell) for h in block.headers]]
        rows.extend(
            [Para(_markup(value), code_cell if n in block.code else cell) for n, value in enumerate(row)]
            for row in block.rows
        )
        table = rl.platypus.LongTable(rows, colWidths=[width / columns] * columns, repeatRows=1)
        table.setStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
        return table

    def quote(block: Quote) -> Any:
        text = block.text
        if block.mark is not None and 0 <= block.mark[0] < block.mark[1] <= len(text):
            start, end = block.mark
            marked = (
                _markup(text[:start])
                + f'<font backColor="{_HIGHLIGHT}"><b>'
                + _markup(text[start:end])
                + "</b></font>"
                + _markup(text[end:])
            )
        else:
            marked = _markup(text)
        inner = [
            Para(f"<b>{_markup(block.label)}</b>", body),
            Para(_markup(f"{block.who} · {block.when}"), cell),
            Para(marked, body),
        ]
        frame = Grid([[inner]], colWidths=[width])
        frame.setStyle(
            [
                ("LINEBEFORE", (0, 0), (0, 0), 3, colors.HexColor("#4a6fa5")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f4f7fb")),
            ]
        )
        return frame

    def flowable(block: Block) -> Any:
        if isinstance(block, Paragraph):
            return Para(_markup(block.text), notice if block.emphasis else body)
        if isinstance(block, Table):
            return grid(block)
        if isinstance(block, Quote):
            return quote(block)
        if isinstance(block, Steps):
            return Para("<br/>".join(f"{n}. {_markup(item)}" for n, item in enumerate(block.items, 1)), body)
        assert isinstance(block, Code)
        return rl.platypus.Preformatted(_showable(block.text), sheet["Code"])

    heading = ParagraphStyle("section", parent=sheet["Heading2"], keepWithNext=1)  # never alone at a foot
    for section in document.sections:
        story.append(Para(_markup(section.title), heading))
        for block in section.blocks:
            story.append(flowable(block))
            story.append(rl.platypus.Spacer(1, 4))
    buffer = io.BytesIO()
    template = rl.platypus.SimpleDocTemplate(
        buffer,
        pagesize=a4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_showable(document.title),
        author="takeback",
        subject=_showable(document.subtitle),
        creator="takeback",
        invariant=1,
    )
    template.build(story)
    return buffer.getvalue()
