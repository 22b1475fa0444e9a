"""Screenshots of chats, read with OCR on this device (optional extra ``takeback[ocr]``).

Most people's evidence is screenshots. The OCR model ships inside the
``rapidocr-onnxruntime`` package, so nothing is downloaded. Text lines are
grouped into message bubbles: a line starts a new bubble when it is far below
the one before or on the other side of the screen. The bubble's side gives the
sender: right is the phone's owner ("me"), left is the other person (named
from the chat header when one is read). A time written in a bubble ("21:42",
"9:41 PM") is kept as ``time_text``; screenshots rarely show the date, so
``timestamp`` stays empty. Every message records its pixel box on the image.

Only files whose names say they are screenshots are read when a folder is
walked (photos are never OCR'd by accident); any image can be read as a
screenshot with ``--format screenshot``. The image is decoded in memory only.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from takeback.errors import UnsafeInput, UsageError
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.inputs import Input
from takeback.media.hashing import MAX_IMAGE_PIXELS, sniff_media_type
from takeback.model import ConversationStream, Message, Participant

_SCREENSHOT_NAME = re.compile(r"screen[\s_-]?shot|screen[\s_-]?capture|bildschirmfoto|captura|capture d",
                              re.IGNORECASE)
_TIME = re.compile(r"^\s*\d{1,2}[:.]\d{2}(\s?[AaPp]\.?\s?[Mm]\.?)?\s*[✓✔√/Vv]*\s*$")
_MIN_SCORE = 0.5
ME, THEM = "me (right side)", "them (left side)"


@dataclass
class _Line:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class _Bubble:
    lines: list[_Line] = field(default_factory=list)
    times: list[_Line] = field(default_factory=list)

    def box(self) -> tuple[int, int, int, int]:
        every = self.lines + self.times
        return (int(min(x.left for x in every)), int(min(x.top for x in every)),
                int(max(x.right for x in every)), int(max(x.bottom for x in every)))


_ENGINE: Any = None


def _ocr_engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise UsageError(
                "reading screenshots needs the optional OCR extra: pip install 'takeback[ocr]'"
            ) from None
        _ENGINE = RapidOCR()
    return _ENGINE


def _pixels(data: bytes, where: str) -> Any:
    import numpy as np
    from PIL import Image, ImageOps

    try:
        opened = Image.open(io.BytesIO(data))
        if opened.width * opened.height > MAX_IMAGE_PIXELS:
            raise UnsafeInput(f"image is {opened.width}x{opened.height} pixels, too large to read", where)
        image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnsafeInput(f"image cannot be decoded ({error})", where) from None
    return np.asarray(image)[:, :, ::-1].copy()  # the OCR model takes BGR


def _lines(result: Any) -> list[_Line]:
    lines = []
    for box, text, score in result or []:
        if float(score) < _MIN_SCORE or not str(text).strip():
            continue
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        lines.append(_Line(str(text).strip(), min(xs), min(ys), max(xs), max(ys)))
    return sorted(lines, key=lambda line: (line.top, line.left))


def _side(left: float, right: float, width: float) -> str:
    left_margin, right_margin = left, width - right
    if abs(left_margin - right_margin) < 0.06 * width:
        return "centre"
    return "left" if left_margin < right_margin else "right"


def _bubbles(lines: list[_Line], width: float) -> list[_Bubble]:
    if not lines:
        return []
    typical = statistics.median(line.height for line in lines)
    bubbles: list[_Bubble] = []
    for line in lines:
        current = bubbles[-1] if bubbles else None
        if current is not None:
            last = (current.lines + current.times)[-1]
            close = line.top - last.bottom < 0.9 * typical
            if _TIME.match(line.text) and line.top - last.bottom < 1.5 * typical:
                current.times.append(line)
                continue
            if close and _side(line.left, line.right, width) == _side(*_span(current), width):
                current.lines.append(line)
                continue
        bubbles.append(_Bubble([line]))
    return bubbles


def _span(bubble: _Bubble) -> tuple[float, float]:
    return min(x.left for x in bubble.lines), max(x.right for x in bubble.lines)


def _platform(pixels: Any, right_boxes: list[tuple[int, int, int, int]]) -> str:
    """WhatsApp's own bubbles are green; other apps cannot be told apart reliably."""
    greens = 0
    for left, top, _right, bottom in right_boxes:
        y = min((top + bottom) // 2, pixels.shape[0] - 1)
        x = max(left - 6, 0)
        blue, green, red = (int(v) for v in pixels[y, x])
        greens += green > red + 15 and green > blue + 15
    return "whatsapp" if right_boxes and greens * 2 > len(right_boxes) else "unknown"


class ScreenshotParser(Parser):
    NAME = "screenshot"
    PLATFORM = "unknown"
    LABEL = "Screenshots of a chat (.png, .jpg; needs the OCR extra)"
    HOW_TO_EXPORT = (
        "Take screenshots of the whole chat, including the other person's profile page. "
        "Give takeback the image files or their folder. Any image can be read with --format screenshot."
    )
    PRIORITY = 90

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        media_type = sniff_media_type(head)
        return media_type in ("image/png", "image/jpeg", "image/webp") and bool(_SCREENSHOT_NAME.search(name))

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        engine = _ocr_engine()
        conversation = ConversationStream(source=source.source(self.NAME), platform=self.PLATFORM)
        with source.open() as stream:
            pixels = _pixels(stream.read(), source.display)
        height, width = pixels.shape[:2]
        result, _ = engine(pixels)
        lines = _lines(result)
        header = [line for line in lines if line.bottom < 0.12 * height and line.top > 0.03 * height
                  and not _TIME.match(line.text)]
        body = [line for line in lines if line.top >= 0.12 * height or line.bottom >= 0.12 * height]
        if header:
            conversation.title = header[0].text
        other = header[0].text if header else THEM
        messages: list[Message] = []
        right_boxes = []
        for number, bubble in enumerate(_bubbles(body, width), start=1):
            left, top, right, bottom = bubble.box()
            side = _side(*_span(bubble), width)
            sender = {"left": other, "right": ME}.get(side)
            if side == "right":
                right_boxes.append(bubble.box())
            if sender:
                conversation.add_participant(Participant(name=sender))
            messages.append(Message(
                id=f"b{number}",
                sender=sender,
                timestamp=None,
                time_text=bubble.times[0].text if bubble.times else None,
                text=" ".join(line.text for line in bubble.lines),
                system=side == "centre",
                location=f"pixels {left},{top}-{right},{bottom}",
            ))
        conversation.platform = _platform(pixels, right_boxes)
        if not messages:
            conversation.warnings.append(f"{source.display}: no text was found in the image")
        conversation.messages = iter(messages)
        yield conversation


PARSERS.register(ScreenshotParser())
