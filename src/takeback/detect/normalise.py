"""Fold text into the one plain form the rules are written for, and map matches back.

Offenders and victims write "n00dz", "ѕеnd" with Cyrillic letters, "pleeease",
full-width or mathematical letters, zero-width spaces inside words, and emoji
in place of words. Rules see one form instead:

1. characters: casefolded and compatibility-normalised; accents and
   look-alike letters from other scripts folded to Latin; zero-width and
   formatting characters removed; apostrophes removed ("don't" -> "dont");
   the emoji a rule file names replaced by words; every other character that
   is not a letter, digit or one of ``$ £ € ₹ ₦ ¥ @ # % & / _`` becomes a space
   (one for one, so "pay, or else!!" reads "pay  or else  "; rule patterns
   treat a space as "one or more spaces");
2. spelled out and leet: a word spelled out letter by letter to dodge filters
   is joined ("n.u.d.e.s", "P a y P a l" -> "nudes", "paypal");
   digits and ``@ $`` inside a word read as letters ("n00dz" -> "noodz",
   "s3x" -> "sex") while "48 hours", "$500" and "24hrs" keep their digits;
3. repeats: a letter written three or more times in a row is squeezed to two
   ("pleeease" -> "pleease").

Step 1 costs one C-level pass for ASCII text (:meth:`Normaliser.quick`); steps 2
and 3 are Python regular expressions, so the engine runs them only when RE2
says a text needs them (:data:`NEEDS_LEET`, :data:`NEEDS_SQUEEZE`).

Every finding quotes the message exactly, so :meth:`Normaliser.fold_mapped`
also returns an :class:`OffsetMap` from folded positions back to the original
characters. It is built only for texts that matched something.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping

# Formatting characters that can be slipped inside a word to break it:
# zero-width spaces and joiners, soft hyphen, word joiner, bidi marks and
# isolates, variation selectors, the BOM, Mongolian vowel separator, CGJ,
# Hangul fillers, tag characters, and emoji skin-tone modifiers.
_DROPPED = frozenset(
    (
        0x00AD,
        0x034F,
        0x061C,
        0x115F,
        0x1160,
        0x17B4,
        0x17B5,
        0x180E,
        0x3164,
        0xFEFF,
        0xFFA0,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
        *range(0xFE00, 0xFE10),
        *range(0x1F3FB, 0x1F400),
        *range(0xE0000, 0xE0080),
    )
)

# Letters from other scripts that look like Latin ones (after casefolding),
# letters NFKD does not take apart, and apostrophe-like marks (dropped).
_CONFUSABLES = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "г": "r",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "x",
    "з": "3",
    "и": "u",
    "й": "u",
    "к": "k",
    "л": "n",
    "м": "m",
    "н": "h",
    "о": "o",
    "п": "n",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ц": "u",
    "ч": "4",
    "ш": "w",
    "щ": "w",
    "ь": "b",
    "ы": "bi",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    "ү": "y",
    "ұ": "y",
    "ғ": "f",
    "ҫ": "c",
    "ѵ": "v",
    "ѡ": "w",
    "ɡ": "g",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "θ": "o",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "u",
    "ν": "v",
    "ξ": "e",
    "ο": "o",
    "π": "n",
    "ρ": "p",
    "σ": "o",
    "ς": "c",
    "τ": "t",
    "υ": "u",
    "φ": "o",
    "χ": "x",
    "ψ": "w",
    "ω": "w",
    # Latin letters NFKD keeps whole, and small capitals
    "ı": "i",
    "ȷ": "j",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ŧ": "t",
    "ƀ": "b",
    "ƶ": "z",
    "ɑ": "a",
    "ɩ": "i",
    "ɪ": "i",
    "ʀ": "r",
    "ʏ": "y",
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ɢ": "g",
    "ʜ": "h",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ᴢ": "z",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    # apostrophes
    "‘": "",
    "’": "",
    "‚": "",
    "‛": "",
    "ʼ": "",
    "´": "",
    "′": "",
    "ʻ": "",
}
_KEPT_SYMBOLS = frozenset("$£€₹₦¥@#%&/_")

# ASCII in one C-level pass: letters lowered, apostrophes deleted, separators to spaces.
_ASCII = bytes(
    byte + 32 if 65 <= byte <= 90 else byte if chr(byte).isalnum() or chr(byte) in _KEPT_SYMBOLS else 32
    for byte in range(256)
)
_ASCII_DELETE = b"'`"

# Leet characters read as letters only inside a word.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_INSIDE = re.compile(r"(?<=[a-z])[013457@$]+(?=[a-z])")  # "n00dz", "s3x", "pu$$y"
_LEET_END = re.compile(r"(?<=[a-z]{3})[0135](?![\w$@])")  # "nud3", "pic5"
_LEET_START = re.compile(r"(?<![\w$@])\$(?=[a-z]{2})")  # "$ex"
# A word that starts with a leet digit and has letters ("0r", "3v3ry0n3", "c4sh 4pp"), unless it
# is a number with its unit or ending ("5pm", "1st", "4k", "70s", "4u").
_LEET_WORD = re.compile(r"(?<![\w$@])[013457][a-z013457@$]*[a-z][a-z013457@$]*(?![\w$@])")
_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|am|pm|k|m|h|hr|hrs|min|mins|sec|secs|s|x|d|w|g|kg|lb|lbs|kb|mb|gb|p|yo|yr|yrs|"
    r"ft|cm|mm|km|ml|l|v|u|ish|ever|rs|inr|usd|eur|gbp|php|ngn|cfa|fcfa|lakh|lac|hazar|ghanta|ghante|baje|din|oras)"
)
_REPEAT = re.compile(r"([a-z])\1\1+")
_SPECIAL = re.compile(r"[^\x00-\x26\x28-\x5f\x61-\x7f]")  # not ASCII, or an apostrophe
# A word spelled out letter by letter to dodge filters: four or more single letters or digits
# with the same separator between each ("n.u.d.3.s", "n u d e s", "c_a_s_h", "n. u. d. e. s"), at
# least three of them letters ("5 4 3 2 1" is a countdown). Read in the original text, where
# "n.u.d.e.s r" still shows that the "r" is a word of its own. (Three are common words: "u r a".)
_SPELLED = re.compile(r"(?<![^\W_])[a-zA-Z0-9](\. |[ .\-*_~+|])[a-zA-Z0-9](?:\1[a-zA-Z0-9]){2,}(?![^\W_])")

# RE2 patterns (for the engine's Set) that match whenever steps 2 and 3 could
# change the text: supersets of the Python patterns above.
NEEDS_LEET = (
    r"[a-z][013457@$]+[a-z]|[a-z]{3}[0135]|\$[a-z]{2}|\b[013457][a-z013457@$]*[a-z]"
    r"|[a-z0-9](?:(?: {1,2}|_)[a-z0-9]){3}"
)
NEEDS_SQUEEZE = "|".join(letter * 3 for letter in "abcdefghijklmnopqrstuvwxyz")


def _leet_run(match: re.Match[str]) -> str:
    return match.group().translate(_LEET)


def _leet_word(match: re.Match[str]) -> str:
    word = match.group()
    return word if _UNIT.fullmatch(word) else word.translate(_LEET)


def _joined(run: re.Match[str]) -> str:
    word = run.group()
    return word.replace(run.group(1), "") if sum(char.isalpha() for char in word) >= 3 else word


def unspell(text: str) -> str:
    """Step 2, first, on the original text: words spelled out letter by letter joined
    ("n.u.d.e.s" -> "nudes")."""
    return _SPELLED.sub(_joined, text)


def leet(text: str) -> str:
    """Step 2: leet inside words read as letters (one for one: the length does not change)."""
    text = _LEET_INSIDE.sub(_leet_run, text)
    text = _LEET_END.sub(_leet_run, text)
    text = _LEET_WORD.sub(_leet_word, text)
    return _LEET_START.sub("s", text)


def squeeze(text: str) -> str:
    """Step 3: letters repeated three or more times squeezed to two."""
    return _REPEAT.sub(r"\1\1", text)


class OffsetMap:
    """Folded positions back to original positions.

    Step 1 is stored as breakpoints between which folded characters map one to
    one onto original characters ("linear"), or all onto one original
    character (an emoji that became a word, "ß" that became "ss"). Step 3 is
    stored as where each squeeze ends in the squeezed text and how many
    letters were removed up to there; the separators step 2 first removes
    from words spelled out in the original text, the same way.
    """

    __slots__ = ("_folded", "_joined", "_linear", "_original", "_squeezed")

    def __init__(
        self,
        folded: list[int],
        original: list[int],
        linear: list[bool],
        squeezed: list[tuple[int, int]],
        joined: list[tuple[int, int]],
    ) -> None:
        self._folded = folded
        self._original = original
        self._linear = linear
        self._squeezed = squeezed
        self._joined = joined

    def _original_of(self, position: int) -> int:
        index = bisect_right(self._squeezed, (position, 1 << 62)) - 1
        if index >= 0:
            position += self._squeezed[index][1]
        index = bisect_right(self._folded, position) - 1
        if index >= 0:
            base = self._original[index]
            position = base + (position - self._folded[index]) if self._linear[index] else base
        index = bisect_right(self._joined, (position, 1 << 62)) - 1
        return position + self._joined[index][1] if index >= 0 else position

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering folded characters ``start`` to ``end``."""
        first = self._original_of(start)
        if end <= start:
            return first, first
        return first, self._original_of(end - 1) + 1


class Normaliser:
    """Folds text for matching. ``emoji`` maps an emoji to the word rules use for it."""

    def __init__(self, emoji: Mapping[str, str] | None = None) -> None:
        self._table = _FoldTable({key: f" {word} " for key, word in (emoji or {}).items()})
        # The last text folded with its map, and its folding: a text's rule hits and then its
        # second opinion fold the same text one after the other. One tuple, read at once.
        self._last: tuple[str, str] = ("", "")

    def quick(self, text: str) -> bytes:
        """Step 1 only, as UTF-8: all a text needs unless NEEDS_LEET or NEEDS_SQUEEZE match it."""
        if text.isascii():
            return text.encode("ascii").translate(_ASCII, _ASCII_DELETE)
        return text.translate(self._table).encode("utf-8")

    def fold(self, text: str) -> str:
        """All three steps."""
        last = self._last
        if last[0] is text:
            return last[1]
        return squeeze(leet(unspell(text).translate(self._table)))

    def fold_mapped(self, text: str, plain: bool = False) -> tuple[str, OffsetMap]:
        """The folded text (the same as :meth:`fold`) and the map back to ``text``.

        ``plain``: the caller knows steps 2 and 3 leave this text as step 1 folds it (neither
        NEEDS_LEET nor NEEDS_SQUEEZE matched :meth:`quick`'s folding), so they are skipped.
        """
        original = text
        joined: list[tuple[int, int]] = []  # where spelled-out words lost their separators
        if not plain:
            removed = 0
            for run in _SPELLED.finditer(text):
                if _joined(run) != run.group():
                    width = len(run.group(1))
                    for gap in range(run.start() + 1, run.end() - 1, 1 + width):
                        removed += width
                        joined.append((gap + width - removed, removed))
            if joined:
                text = unspell(text)
        folded_points: list[int] = []
        original_points: list[int] = []
        linear: list[bool] = []
        table = self._table
        shift = 0  # folded position minus original position, so far
        # Only characters that do not fold to exactly one character move the map.
        for match in _SPECIAL.finditer(text):
            index = match.start()
            piece = table[ord(text[index])]
            if len(piece) == 1:
                continue
            folded_points.append(index + shift)
            original_points.append(index)
            linear.append(False)
            shift += len(piece) - 1
            folded_points.append(index + 1 + shift)
            original_points.append(index + 1)
            linear.append(True)
        folded = text.translate(table)
        squeezed: list[tuple[int, int]] = []
        if not plain:
            folded = leet(folded)
            removed = 0
            for match in _REPEAT.finditer(folded):
                removed += match.end() - match.start() - 2
                squeezed.append((match.end() - removed, removed))
            if squeezed:
                folded = squeeze(folded)
        self._last = (original, folded)
        return folded, OffsetMap(folded_points, original_points, linear, squeezed, joined)


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character once and remembers it."""

    def __init__(self, emoji: Mapping[str, str]) -> None:
        super().__init__({code: chr(_ASCII[code]) for code in range(128)})
        for code in _ASCII_DELETE:
            self[code] = ""
        self._emoji = emoji

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code), self._emoji)
        return folded


def _fold_char(char: str, emoji: Mapping[str, str]) -> str:
    if char in emoji:
        return emoji[char]
    if ord(char) in _DROPPED or 0xD800 <= ord(char) <= 0xDFFF:
        return ""
    if char in _CONFUSABLES:
        return _CONFUSABLES[char]
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold())
    letters = "".join(
        _CONFUSABLES.get(part, part)
        for part in decomposed
        if unicodedata.category(part) not in ("Mn", "Me", "Cf")
    )
    return "".join(
        chr(_ASCII[ord(part)]) if part.isascii() else part if part.isalnum() or part in _KEPT_SYMBOLS else " "
        for part in letters
        if part not in "'`"
    )
