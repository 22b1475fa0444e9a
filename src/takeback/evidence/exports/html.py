"""report.html: the report as one self-contained page.

No scripts, fonts, images or links to anything outside the file, and a content
security policy that forbids loading any; every piece of text from the
evidence is HTML-escaped, so a message cannot change the page.
"""

from __future__ import annotations

from html import escape

from takeback.evidence.exports.report import (
    Block,
    Document,
    Paragraph,
    Quote,
    Steps,
    Table,
)

_STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1b1b1b;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0; }
h2 { margin-top: 2em; border-bottom: 2px solid #ccc; padding-bottom: .2em; }
.subtitle { color: #555; margin-top: .2em; }
.notice { border-left: 6px solid #b35900; background: #fff4e5; padding: .6em 1em; }
blockquote { border-left: 4px solid #4a6fa5; margin: 1em 0; padding: .4em 1em; background: #f4f7fb; }
blockquote .label { font-weight: bold; }
blockquote .meta { color: #555; font-size: .9em; }
blockquote p { white-space: pre-wrap; margin: .3em 0 0; }
mark { background: #ffe066; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
.code, pre { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: .85em; }
pre { background: #f2f2f2; padding: .6em 1em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def render(document: Document) -> bytes:
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n",
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{escape(document.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n",
        f'<h1>{escape(document.title)}</h1>\n<p class="subtitle">{escape(document.subtitle)}</p>\n',
    ]
    for section in document.sections:
        parts.append(f"<h2>{escape(section.title)}</h2>\n")
        parts.extend(_block(block) for block in section.blocks)
    parts.append("</body>\n</html>\n")
    return "".join(parts).encode("utf-8")


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        css = ' class="notice"' if block.emphasis else ""
        return f"<p{css}>{escape(block.text)}</p>\n"
    if isinstance(block, Quote):
        return (
            f'<blockquote><div class="label">{escape(block.label)}</div>'
            f'<div class="meta">{escape(block.who)} · {escape(block.when)}</div>'
            f"<p>{_marked(block.text, block.mark)}</p></blockquote>\n"
        )
    if isinstance(block, Table):
        head = "".join(f"<th>{escape(h)}</th>" for h in block.headers)
        rows = "".join(
            "<tr>"
            + "".join(
                f'<td class="code">{escape(cell)}</td>' if n in block.code else f"<td>{escape(cell)}</td>"
                for n, cell in enumerate(row)
            )
            + "</tr>\n"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}</tbody></table>\n"
    if isinstance(block, Steps):
        return "<ol>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ol>\n"
    return f"<pre>{escape(block.text)}</pre>\n"


def _marked(text: str, mark: tuple[int, int] | None) -> str:
    if mark is None or not 0 <= mark[0] < mark[1] <= len(text):
        return escape(text)
    start, end = mark
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"
