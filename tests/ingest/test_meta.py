"""Instagram and Facebook Messenger exports (JSON and HTML): tables, goldens, corpora, bad input."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest import ReadOptions, read
from takeback.ingest.inputs import disk_input
from takeback.ingest.meta import InstagramParser, MessengerParser, platform_of, repair
from takeback.ingest.meta_html import Reaction, parse_time, read_page, split_reaction
from takeback.model import Conversation

from .golden import portable

DATA = Path(__file__).parents[1] / "data" / "meta"
CASES = DATA / "cases"
EXPECTED = DATA / "expected"
LONDON = ReadOptions(timezone=ZoneInfo("Europe/London"))
IG_THREAD = "your_instagram_activity/messages/inbox/alexr_17841400000000001"


def conversations(*paths: Path, options: ReadOptions = LONDON) -> list[Conversation]:
    reading = read(paths, options)
    assert not reading.errors, reading.errors
    return sorted(reading.conversations, key=lambda c: (c.source.path, c.source.member or ""))


def only(path: Path, options: ReadOptions = LONDON) -> Conversation:
    [conversation] = conversations(path, options=options)
    return conversation


def golden(found: list[Conversation], root: Path) -> list[dict[str, Any]]:
    """The stable JSON form, with paths relative to the case folder."""
    return portable(found, root)


# --- mojibake ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Caf\u00c3\u00a9", "Café"),  # UTF-8 bytes escaped one by one
        ("\u00f0\u009f\u0098\u0080", "😀"),
        ("J\u00e2\u009d\u00a4\u00ef\u00b8\u008fhn Doe", "J❤️hn Doe"),
        ("Pay now \u00f0\u009f\u0098\u0088 or else", "Pay now 😈 or else"),  # ASCII mixed with escapes
        ("\u00e6\u0097\u00a5\u00e6\u009c\u00ac", "日本"),
        ("plain ascii", "plain ascii"),
        ("", ""),
        ("Café", "Café"),  # written correctly: é alone is not valid UTF-8, kept
        ("naïve über", "naïve über"),
        ("😀 real emoji", "😀 real emoji"),  # not Latin-1: kept
        ("Caf\u00c3\u00a9 😀", "Caf\u00c3\u00a9 😀"),  # escapes beside a real emoji: kept as is
        ("100\u00b0 \u00c2", "100\u00b0 \u00c2"),  # Latin-1 but not UTF-8 bytes: kept
        ("\u00c3\u00a9", "é"),  # "Ã©" typed on purpose is indistinguishable; Meta never writes it
    ],
)
def test_repair(written: str, expected: str) -> None:
    assert repair(written) == expected


# --- sniffing and the app ------------------------------------------------------------------

IG_JSON = b'{\n  "participants": [{"name": "A"}],\n  "messages": [{"sender_name": "A", "timestamp_ms": 1,'
IG_MEDIA = (
    b'{"messages": [{"sender_name": "A", "timestamp_ms": 1, "photos": [{"uri": '
    b'"your_instagram_activity/messages/inbox/a_1/photos/1.jpg"'
)
IG_HTML = b'<!DOCTYPE html><html><head><title>x</title><style>.uiBoxWhite{}</style>'


@pytest.mark.parametrize(
    ("head", "name", "claimed_by"),
    [
        (IG_JSON, "message_1.json", "messenger"),  # Meta, no sign of which app: Messenger reads it
        (IG_MEDIA, "message_1.json", "instagram"),
        (IG_JSON.replace(b'"A", "timestamp_ms"', b'"A",\n "timestamp_ms"'), "x.json", "messenger"),
        (b'{"participants": [\n {"name": "Group member"}, {"name": "B"}', "message_1.json", "messenger"),
        (b'{"title": "t", "thread_path": "inbox/t_1", "messages": []}', "message_1.json", "messenger"),
        (b"\xef\xbb\xbf" + IG_JSON, "message_1.json", "messenger"),  # BOM
        (IG_HTML, "message_1.html", "messenger"),
        (IG_HTML.replace(b"<!DOCTYPE html>", b""), "message_12.html", "messenger"),
        (IG_HTML, "followers_1.html", None),  # other pages of the same export
        (b"<html><body><p>hello</p>", "message_1.html", None),
        (b'{"name": "Chat", "type": "personal_chat", "messages": [{"from": "A", "date": "x"', "t.json", None),
        (b'{"guild": {"id": "1"}, "channel": {}, "messages": [{"author": {}, "timestamp": "', "d.json", None),
        (b'[{"participants": ["a", "b"], "conversation": [', "messages.json", None),  # pre-2020 Instagram
        (b"sender_name timestamp_ms", "notes.txt", None),
        (b"", "message_1.json", None),
    ],
)
def test_sniff(head: bytes, name: str, claimed_by: str | None) -> None:
    claims = {p.NAME for p in (InstagramParser(), MessengerParser()) if p.sniff(head, name)}
    # Instagram sniffs first, so a file both claim is Instagram's.
    winner = "instagram" if "instagram" in claims else next(iter(claims), None)
    assert winner == claimed_by


@pytest.mark.parametrize(
    ("path", "references", "links", "platform"),
    [
        ("export/your_instagram_activity/messages/inbox/a_1/message_1.json", [], [], "instagram"),
        ("x/your_activity_across_facebook/messages/inbox/a_1/message_1.json", [], [], "messenger"),
        ("x/your_facebook_activity/messages/inbox/a_1/message_1.json", [], [], "messenger"),
        ("facebook-me.zip/your_instagram_activity/messages/inbox/a/m.json", [], [], "instagram"),
        ("inbox/a_1/message_1.json", ["your_instagram_activity/messages/inbox/a_1/p.jpg"], [], "instagram"),
        ("inbox/a_1/message_1.json", ["your_facebook_activity/messages/x.png"], [], "messenger"),
        ("inbox/a_1/message_1.json", ["messages/inbox/a_1/photos/1.jpg"], [], None),
        ("inbox/a_1/message_1.json", [], ["https://ig.me/j/Abc/"], "instagram"),
        ("inbox/a_1/message_1.json", [], ["https://m.me/j/Abc/"], "messenger"),
        ("instagram-kim-20240101.zip/messages/inbox/a/message_1.json", [], [], "instagram"),
        ("facebook-kim-20240101.zip/messages/inbox/a/message_1.json", [], [], "messenger"),
        ("Instagram export/message_1.json", ["your_facebook_activity/x.jpg"], [], "messenger"),
        ("instagram and facebook/message_1.json", [], [], None),
        ("downloads/message_1.json", [], [], None),
    ],
)
def test_platform_of(path: str, references: list[str], links: list[str], platform: str | None) -> None:
    assert platform_of(path, references, links) == platform


# --- the HTML pieces -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan 05, 2024 3:04 pm", datetime(2024, 1, 5, 15, 4)),  # since 2023
        ("Sep 22, 2017, 6:33 AM", datetime(2017, 9, 22, 6, 33)),  # before 2023
        ("Jan 5, 2024, 12:04 AM", datetime(2024, 1, 5, 0, 4)),
        ("Jan 5, 2024, 12:04 PM", datetime(2024, 1, 5, 12, 4)),
        ("Jun 14, 2024 9:15\u202fpm", datetime(2024, 6, 14, 21, 15)),  # narrow no-break space
        ("September 3, 2021 at 18:07", datetime(2021, 9, 3, 18, 7)),
        ("05 Jan 2019, 15:04", datetime(2019, 1, 5, 15, 4)),  # English outside the US
        ("5 Sept 2019 15:04:09", datetime(2019, 9, 5, 15, 4, 9)),
        ("2024-01-05 15:04:05", datetime(2024, 1, 5, 15, 4, 5)),
        ("Feb 30, 2024 3:04 pm", None),
        ("Jan 05, 2024 13:04 pm", None),
        ("5 janv. 2019 à 15:20", None),  # French: kept as text by the caller
        ("Foo 05, 2024 3:04 pm", None),
        ("Jan 05, 2024", None),
        ("", None),
    ],
)
def test_parse_time(text: str, expected: datetime | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "emoji", "actor", "time_text"),
    [
        ("❤️sam.taylor (Jun 14, 2024 9:02 pm)", "❤️", "sam.taylor", "Jun 14, 2024 9:02 pm"),
        ("👍Kim Lee", "👍", "Kim Lee", None),
        ("👍🏽 Mia Köhler", "👍🏽", "Mia Köhler", None),
        ("😂Sam (not a time)", "😂", "Sam (not a time)", None),
        ("Kim", "", "Kim", None),
    ],
)
def test_split_reaction(text: str, emoji: str, actor: str, time_text: str | None) -> None:
    reaction = split_reaction(text)
    assert (reaction.emoji, reaction.actor, reaction.time_text) == (emoji, actor, time_text)


def test_html_blocks_are_found_by_shape_whatever_the_classes() -> None:
    page = read_page(
        "<html><head><title>Chat</title></head><body><main>"
        "<section><p>Participants: Ana, Bo and Cy</p></section>"
        "<article><h3>Ana</h3><div><span>first</span><br>line two<a href='https://x.example/'>site</a>"
        "</div><div>Mar 1, 2024 10:00 am</div></article>"
        "<article><b>Bo</b><i>Mar 1, 2024 10:05 am</i></article>"
        "<article><b>Bo</b><ul><li>👍Ana</li><li>not a reaction</li></ul><i>Mar 1, 2024 10:07</i></article>"
        "<article><b>Cy</b><div>no time here</div></article>"
        "</main></body></html>"
    )
    assert page.title == "Chat"
    assert page.participants == ["Ana", "Bo", "Cy"]
    assert [(b.sender, b.text, b.links, b.time) for b in page.blocks] == [
        ("Ana", "first\nline two\nsite", ("https://x.example/",), datetime(2024, 3, 1, 10, 0)),
        ("Bo", "", (), datetime(2024, 3, 1, 10, 5)),
        ("Bo", "not a reaction", (), datetime(2024, 3, 1, 10, 7)),
    ]
    assert page.blocks[2].reactions == (Reaction("👍", "Ana", None),)


def test_html_time_in_an_unknown_language_is_kept_as_written(tmp_path: Path) -> None:
    page = tmp_path / "message_1.html"
    page.write_text(
        '<html><head><style>.uiBoxWhite{}</style></head><body>'
        '<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><h2>Ana</h2><div><div>salut</div></div>'
        '<div class="_3-94 _a6-o">5 janv. 2019 à 15:20</div></div></body></html>',
        encoding="utf-8",
    )
    conversation = only(page)
    [message] = conversation.messages
    assert (message.sender, message.text, message.timestamp) == ("Ana", "salut", None)
    assert message.time_text == "5 janv. 2019 à 15:20"
    assert any("1 message times are in a format" in w for w in conversation.warnings)


# --- goldens -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_golden(case: str) -> None:
    expected = json.loads((EXPECTED / f"{case}.json").read_text(encoding="utf-8"))
    assert golden(conversations(CASES / case), CASES / case) == expected


def test_every_case_has_a_golden() -> None:
    assert sorted(p.stem for p in EXPECTED.glob("*.json")) == sorted(p.name for p in CASES.iterdir())


def _zip_case(case: str, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted((CASES / case).rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(CASES / case).as_posix())
    return target


@pytest.mark.parametrize("case", ["instagram_dm", "messenger_group", "instagram_html"])
def test_zip_reads_like_the_folder(case: str, tmp_path: Path) -> None:
    """An export read in its .zip: same messages, media found and hashed inside the archive."""
    zipped = conversations(_zip_case(case, tmp_path / "export.zip"))
    folder = conversations(CASES / case)
    assert [c.messages for c in zipped] == [c.messages for c in folder]
    assert [c.platform for c in zipped] == [c.platform for c in folder]
    assert any(a.present for c in zipped for m in c.messages for a in m.attachments)
    assert all(c.source.member and c.source.member.startswith("your_") for c in zipped)


def test_photo_in_zip_is_hashed_not_copied(tmp_path: Path) -> None:
    [newer, _] = conversations(_zip_case("instagram_dm", tmp_path / "export.zip"))
    [photo] = next(m for m in newer.messages if m.id == "m5").attachments
    data = (CASES / "instagram_dm" / IG_THREAD / "photos/17841400000000001_1.jpg").read_bytes()
    assert photo.present and photo.size == len(data)
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.media_type == "image/jpeg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]


@pytest.mark.parametrize(
    ("zip_name", "platform"),
    [("instagram-sam-20221001.zip", "instagram"), ("facebook-sam-20221001.zip", "messenger")],
)
def test_the_zip_name_tells_the_app_of_an_old_export(tmp_path: Path, zip_name: str, platform: str) -> None:
    """Old exports have no your_instagram_activity folder: the name Meta gives the .zip tells."""
    [conversation] = conversations(_zip_case("instagram-sam-20221001", tmp_path / zip_name))
    assert conversation.platform == platform
    assert conversation.source.member == "messages/inbox/alexrivera_5678/message_1.html"


def test_single_file_finds_media_beside_it() -> None:
    """A message file named on its own: media paths from the export root are found from its folder."""
    conversation = only(CASES / "instagram_dm" / IG_THREAD / "message_1.json")
    found = {a.name.rsplit("/", 1)[-1]: a.present for m in conversation.messages for a in m.attachments}
    assert found == {
        "17841400000000001_1.jpg": True,
        "audioclip17841400000000001.mp4": True,
        "17841400000000001_2.mp4": False,
    }


def test_json_ids_locations_and_order() -> None:
    conversation = only(CASES / "instagram_dm" / IG_THREAD / "message_1.json")
    messages = conversation.messages
    assert [m.id for m in messages] == ["m6", "m5", "m5.r0", "m4", "m3", "m2", "m1", "m0"]
    assert messages[-1].location == "$.messages[0]"
    assert messages[2].location == "$.messages[5].reactions[0]"
    times = [m.timestamp for m in messages if m.timestamp]
    assert times == sorted(times)
    assert messages[-1].timestamp == datetime(2024, 3, 10, 12, 10, tzinfo=UTC)
    assert messages[-1].time_text == "1710072600000"
    assert conversation.timezone is None  # epoch times: no zone assumed


def test_both_files_of_a_thread_share_a_title() -> None:
    titles = {c.title for c in conversations(CASES / "instagram_dm")}
    assert titles == {"Alex Rivera 🌟"}


@pytest.mark.parametrize("forced", ["instagram", "messenger"])
def test_format_option_decides_the_app(forced: str) -> None:
    conversation = only(CASES / "loose" / "message_1.json", ReadOptions(format=forced))
    assert conversation.platform == forced and conversation.source.format == forced
    assert conversation.warnings == ()


# --- the shared corpora --------------------------------------------------------------------


def test_corpus_matches_chat_miner_target(shared: Path) -> None:
    folder = shared / "corpora/formats/instagram"
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    conversation = only(folder / "test_export.json")
    by_id = {m.id: m for m in conversation.messages}
    assert len(by_id) == len(target)
    for index, row in enumerate(target):
        message = by_id[f"m{index}"]
        assert message.sender == row["author"]
        assert message.text == row["message"]
        assert message.timestamp == datetime.fromisoformat(row["timestamp"]).replace(tzinfo=UTC)


@pytest.mark.parametrize("folder", ["more/instagram", "more/facebook_messenger"])
def test_corpus_smoke(shared: Path, folder: str) -> None:
    files = sorted((shared / "corpora/formats" / folder).glob("*.json"))
    assert files
    for file in files:
        conversation = only(file)
        raw = json.loads(file.read_text(encoding="utf-8"))["messages"]
        assert len([m for m in conversation.messages if ".r" not in m.id]) == len(raw)
        assert not any(m.corrupt for m in conversation.messages)
        assert all(m.timestamp for m in conversation.messages if ".r" not in m.id)
        assert not any("\u00c3" in m.text or "\u00e2\u009d" in m.text for m in conversation.messages)


def test_corpus_instagram_details(shared: Path) -> None:
    conversation = only(shared / "corpora/formats/more/instagram/chatminer_message_1.json")
    assert conversation.title == "Test Log"
    assert "J❤️hn Doe" in {p.name for p in conversation.participants}
    texts = "\n".join(m.text for m in conversation.messages)
    assert "[shared link: https://www.instagram.com/p/CmUv48DLvxd/?feed_type=reshare_chaining]" in texts
    reactions = [m for m in conversation.messages if m.reply_to == "m8"]
    assert [(m.sender, m.text, m.system) for m in reactions] == [
        ("J❤️hn Doe", "❤️", True), ("Jane Doe", "💖", True)
    ]


# --- bad input -----------------------------------------------------------------------------

SECRET = "do not log this sentence"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    folder = tmp_path / "case"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _thread(messages: list[Any]) -> str:
    return json.dumps({"participants": [{"name": "Ana"}], "messages": messages, "title": "T"}, indent=1)


def _record(index: int) -> dict[str, Any]:
    timestamp = 1_700_000_000_000 - index * 1000
    return {"sender_name": "Ana", "timestamp_ms": timestamp, "content": f"{SECRET} {index}"}


def test_truncated_json_keeps_what_was_written(tmp_path: Path) -> None:
    text = _thread([_record(i) for i in range(5)])
    cut = text.index('"content": "do not log this sentence 3"') + 5
    conversation = only(_write(tmp_path, "message_1.json", text[:cut]))
    messages = conversation.messages
    assert [m.id for m in messages] == ["m3", "m2", "m1", "m0"]
    assert messages[0].corrupt and messages[0].sender == "Ana" and messages[0].text == ""
    assert messages[0].timestamp == datetime(2023, 11, 14, 22, 13, 17, tzinfo=UTC)
    assert not any(m.corrupt for m in messages[1:])
    assert any("cut short" in w for w in conversation.warnings)
    assert conversation.title is None  # the title comes after the messages, and was cut off


def test_damage_in_the_middle_loses_one_record_only(tmp_path: Path) -> None:
    text = _thread([_record(i) for i in range(4)])
    damaged = text.replace('"content": "do not log this sentence 1"', '"content": "do not log \x01 ::')
    conversation = only(_write(tmp_path, "message_1.json", damaged))
    assert [(m.id, m.corrupt) for m in conversation.messages] == [
        ("m3", False), ("m2", False), ("m1", True), ("m0", False)
    ]
    broken = conversation.messages[2]
    assert (broken.sender, broken.text, broken.time_text) == ("Ana", "", "1699999999000")
    assert conversation.title == "T"
    assert all(SECRET not in w for w in conversation.warnings)


@pytest.mark.parametrize(
    "content",
    [
        '{"participants": [{"name": "Ana"}], "messages": [',
        "{ this is not json",
        '{"messages": {"sender_name": "x", "timestamp_ms": 1}}',
        '{"participants": [], "messages": [{"from": "x", "date": "y"}]}',
        '[{"sender_name": "x", "timestamp_ms": 1}]',
        "",
    ],
)
def test_nothing_readable_is_one_clear_error(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "message_1.json", content)
    parser = MessengerParser()
    with pytest.raises(CorruptInput) as error:
        next(parser.stream(disk_input(path), ReadOptions()))
    assert str(error.value).startswith(str(path) + ": ")
    assert "\n" not in str(error.value)


def test_html_with_no_messages_is_one_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "message_1.html", "<html><style>.uiBoxWhite{}</style><p>nothing</p></html>")
    with pytest.raises(CorruptInput, match="no messages found"):
        next(MessengerParser().stream(disk_input(path), ReadOptions()))


def test_truncated_html_keeps_the_messages_before_the_cut(tmp_path: Path) -> None:
    page = (CASES / "facebook-kim-2019/messages/inbox/robinpark_ab12cd34ef/message_1.html").read_text()
    cut = page.index("dinner at 7?")
    conversation = only(_write(tmp_path, "message_1.html", page[:cut]))
    assert [(m.sender, m.text) for m in conversation.messages if m.reply_to is None] == [
        ("Kim Lee", ""), ("Robin Park", "see you at 7 then")  # the cut one is lost, not garbled
    ]


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"sender_name": 7, "timestamp_ms": 1700000000000, "content": SECRET}, "sender_name"),
        ({"sender_name": "Ana", "timestamp_ms": "soon", "content": SECRET}, "timestamp_ms"),
        ({"sender_name": "Ana", "timestamp_ms": 10**20, "content": SECRET}, "timestamp_ms"),
        ({"sender_name": "Ana", "timestamp_ms": True, "content": SECRET}, "timestamp_ms"),
        ({"sender_name": "Ana", "content": SECRET}, "timestamp_ms"),
        ({"sender_name": "Ana", "timestamp_ms": 1700000000000, "content": ["x"]}, "content"),
        ({"sender_name": "Ana", "timestamp_ms": 1700000000000, "photos": "p.jpg"}, "photos"),
        ({"sender_name": "Ana", "timestamp_ms": 1700000000000, "photos": [{"uri": 5}]}, "photos[0].uri"),
        ({"sender_name": "Ana", "timestamp_ms": 1700000000000, "share": {"link": 1}}, "share.link"),
        ({"sender_name": "Ana", "timestamp_ms": 1700000000000, "is_unsent": "yes"}, "is_unsent"),
        ({"sender_name": "Ana", "timestamp_ms": 1700000000000, "reactions": 3}, "reactions"),
        ("just a string", "not a message object"),
    ],
)
def test_wrong_types_make_a_corrupt_message_and_a_warning(
    tmp_path: Path, record: Any, problem: str
) -> None:
    good = {"sender_name": "Bo", "timestamp_ms": 1700000001000, "content": "fine"}
    conversation = only(_write(tmp_path, "message_1.json", _thread([good, record])))
    bad = next(m for m in conversation.messages if m.id == "m1")
    assert bad.corrupt and bad.location == "$.messages[1]"
    assert next(m for m in conversation.messages if m.id == "m0").text == "fine"
    [warning] = [w for w in conversation.warnings if "$.messages[1]" in w]
    assert problem in warning
    assert SECRET not in warning and "fine" not in warning


def test_a_bad_reaction_marks_only_the_reaction(tmp_path: Path) -> None:
    reactions = [{"reaction": "x", "actor": 5}, {"reaction": "y", "actor": "Bo"}, "z"]
    conversation = only(_write(tmp_path, "message_1.json", _thread([{**_record(0), "reactions": reactions}])))
    assert [(m.id, m.corrupt, m.sender) for m in conversation.messages] == [
        ("m0", False, "Ana"), ("m0.r0", True, None), ("m0.r1", False, "Bo"), ("m0.r2", True, None)
    ]
    assert [w.split(": ", 1)[1] for w in conversation.warnings if "$." in w] == [
        "$.messages[0].reactions[0]: unexpected actor; kept what could be read",
        "$.messages[0].reactions[2]: not a reaction object",
    ]


def test_warnings_are_capped(tmp_path: Path) -> None:
    records = [{"sender_name": 1, "timestamp_ms": 1} for _ in range(30)]
    conversation = only(_write(tmp_path, "message_1.json", _thread(records)))
    assert len(conversation.messages) == 30 and all(m.corrupt for m in conversation.messages)
    assert len([w for w in conversation.warnings if "$.messages[" in w]) == 20
    assert any("10 more records" in w for w in conversation.warnings)


@pytest.mark.parametrize("name", ["message_1.json", "message_1.html"])
def test_document_above_the_limit_is_refused(tmp_path: Path, name: str) -> None:
    source = CASES / "facebook-kim-2019/messages/inbox/robinpark_ab12cd34ef/message_1.html"
    if name.endswith(".json"):
        source = CASES / "loose/message_1.json"
    path = _write(tmp_path, name, source.read_bytes())
    options = ReadOptions(max_document_bytes=100)
    with pytest.raises(UnsafeInput, match="limit of 100 bytes"):
        next(MessengerParser().stream(disk_input(path), options))
    reading = read([path], options)
    assert [type(e) for e in reading.errors] == [UnsafeInput]
