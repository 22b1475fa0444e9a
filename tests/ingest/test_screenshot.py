"""Screenshots read by OCR into messages (needs the OCR extra; skips without it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from takeback.errors import UnsupportedFormat
from takeback.ingest import ReadOptions, discover, parse, read
from takeback.ingest.inputs import Skipped

FONT = Path(__file__).resolve().parents[1] / "data" / "fonts" / "DejaVuSans.ttf"
CHAT = [
    ("left", "heyy saw u on insta", "21:02"),
    ("right", "who is this?", "21:03"),
    ("left", "I have your pics now.", "21:41"),
    ("left", "Pay me at paypal.me/jessmoney22", "21:42"),
    ("right", "please dont", "21:44"),
]


def render(path: Path, green: bool = True) -> Path:
    """A phone-sized chat screenshot: a header with the contact's name, bubbles on two sides."""
    font, small, big = (ImageFont.truetype(str(FONT), size) for size in (34, 24, 40))
    width = 1080
    image = Image.new("RGB", (width, 1400), (236, 229, 221))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 130), fill=(0, 128, 105))
    draw.text((140, 45), "Jess", font=big, fill="white")
    top = 180
    for side, text, time in CHAT:
        box_width = draw.textlength(text, font=font) + 140
        left = 30 if side == "left" else width - 30 - box_width
        mine = (220, 248, 198) if green else (200, 220, 255)
        draw.rounded_rectangle((left, top, left + box_width, top + 100), radius=18,
                               fill=(255, 255, 255) if side == "left" else mine)
        draw.text((left + 25, top + 15), text, font=font, fill="black")
        draw.text((left + box_width - 95, top + 62), time, font=small, fill=(100, 100, 100))
        top += 140
    image.save(path)
    return path


@pytest.fixture(scope="module")
def ocr() -> None:
    pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra is not installed")


def test_screenshot_becomes_messages_with_senders(tmp_path: Path, ocr: None) -> None:
    [conversation] = read([render(tmp_path / "Screenshot_20260314-214500.png")]).conversations
    assert conversation.title == "Jess" and conversation.platform == "whatsapp"
    got = [(m.sender, m.text, m.time_text) for m in conversation.messages]
    expected = [("Jess" if side == "left" else "me (right side)", text, time) for side, text, time in CHAT]
    assert got == expected
    assert all(m.location.startswith("pixels ") for m in conversation.messages)
    assert conversation.source.format == "screenshot"


def test_other_apps_are_not_guessed(tmp_path: Path, ocr: None) -> None:
    [conversation] = read([render(tmp_path / "screenshot.png", green=False)]).conversations
    assert conversation.platform == "unknown"


def test_photos_are_not_read_as_screenshots_unless_asked(tmp_path: Path, ocr: None) -> None:
    path = render(tmp_path / "IMG_0001.png")
    [item] = discover([path])
    assert not isinstance(item, Skipped)
    with pytest.raises(UnsupportedFormat):
        list(parse(item, ReadOptions()))
    [conversation] = [c.collect() for c in parse(item, ReadOptions(format="screenshot"))]
    assert len(conversation.messages) == len(CHAT)
    folder_reading = read([tmp_path])
    assert not folder_reading.conversations
