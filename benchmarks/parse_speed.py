"""Parsing speed and memory: takeback next to chat-miner, in the same run.

    python benchmarks/parse_speed.py [--messages 1000000] [--baseline-messages 200000]
                                     [--telegram-messages 300000] [--repeats 3]

Generates, in a temporary folder, a WhatsApp (Android, dd/mm/yyyy 24h) export
with a realistic mix (bursts of messages a few seconds apart, multi-line
messages, media left out, links, deletions, edits, system lines) and a Telegram
Desktop ``result.json``, then reads each through takeback's public streaming
API (``discover``/``parse``, consuming ``conversation.messages``) and through
chat-miner (``pip install chat-miner``: MIT, used here only) in the same run.

Every measurement runs in a fresh Python process, so one never warms or
bloats another. Speed is messages in the file / wall-clock seconds of the
parse inside that process (interpreter start and imports excluded); CPU
seconds are shown too, because the machine is shared. Memory is that
process's peak resident set (``resource.getrusage(RUSAGE_SELF).ru_maxrss``
read by the process itself at the end), next to the peak of a process that
only imported the same library. Medians of ``--repeats`` runs.

takeback's figure includes what it does for evidence before parsing: hashing
the whole file (SHA-256) and a first pass that settles dd/mm against mm/dd.
chat-miner drops system lines and reads the whole file into memory; it parses
WhatsApp at about a tenth of takeback's speed, so the side-by-side WhatsApp
figures use a smaller export (``--baseline-messages``: the first messages of
the big one) to keep the whole run near five minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

WORDS = (
    "hey ok yes no maybe later tonight tomorrow see you soon send that photo please thanks "
    "where are you what time is it coming home now running late lol haha sure why not the "
    "meeting got moved call me when you can did you get my message love it great idea"
).split()
SENDERS = ["Amara Okafor", "Ben Walsh", "+44 7700 900123", "Chloé 🌸", "Dev Patel", "Grace", "Hugo", "Iris"]


# --- the files ----------------------------------------------------------------------------


def _sentences(rng: random.Random, low: int = 3, high: int = 18) -> list[str]:
    """A pool of texts to draw from: building each message word by word would make
    writing the file slower than reading it."""
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))) for _ in range(4096)]


def _gap(rng: random.Random) -> timedelta:
    """Conversations come in bursts: mostly seconds apart, sometimes minutes or hours."""
    roll = rng.random()
    if roll < 0.70:
        return timedelta(seconds=rng.randint(2, 40))
    if roll < 0.95:
        return timedelta(seconds=rng.randint(60, 1200))
    return timedelta(seconds=rng.randint(3600, 36000))


def write_whatsapp(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    texts = _sentences(rng)
    when = datetime(2021, 3, 14, 9, 0)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"{when:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. No one "
                  "outside of this chat, not even WhatsApp, can read or listen to them.\n")
        for _ in range(count - 1):
            when += _gap(rng)
            head = f"{when:%d/%m/%Y, %H:%M} - "
            sender = rng.choice(SENDERS)
            roll = rng.random()
            if roll < 0.02:
                out.write(f"{head}{sender} added {rng.choice(SENDERS)}\n")
            elif roll < 0.025:
                out.write(f'{head}{sender} changed the subject from "Plans: old" to "Plans: new"\n')
            elif roll < 0.08:
                out.write(f"{head}{sender}: <Media omitted>\n")
            elif roll < 0.09:
                out.write(f"{head}{sender}: This message was deleted\n")
            elif roll < 0.10:
                out.write(f"{head}{sender}: {rng.choice(texts)} <This message was edited>\n")
            elif roll < 0.13:
                out.write(f"{head}{sender}: https://example.org/{rng.randint(1, 10**6)}\n")
            elif roll < 0.21:
                lines = "\n".join(rng.choices(texts, k=rng.randint(2, 4)))
                out.write(f"{head}{sender}: {lines}\n")
            else:
                out.write(f"{head}{sender}: {rng.choice(texts)}\n")


def write_telegram(path: Path, count: int, seed: int = 11) -> None:
    """A Telegram Desktop one-chat ``result.json``, written as it streams out."""
    rng = random.Random(seed)
    texts, short = _sentences(rng), _sentences(rng, 2, 6)
    when = datetime(2021, 3, 14, 9, 0)
    people = [(name, f"user{1000 + i}") for i, name in enumerate(SENDERS)]
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "name": "Benchmark Group",\n "type": "private_group",\n "id": 4242,\n "messages": [\n')
        for number in range(1, count + 1):
            when += _gap(rng)
            name, user = rng.choice(people)
            plain = rng.choice(texts)
            text: object = plain
            entities = [{"type": "plain", "text": plain}]
            if rng.random() < 0.1:
                link = f"https://example.org/{number}"
                plain = f"{rng.choice(short)} "
                text = [plain, {"type": "link", "text": link}]
                entities = [{"type": "plain", "text": plain}, {"type": "link", "text": link}]
            message = {
                "id": number, "type": "message", "date": when.isoformat(),
                "date_unixtime": str(int(when.timestamp())), "from": name, "from_id": user,
                "text": text, "text_entities": entities,
            }
            if rng.random() < 0.05:
                message["reply_to_message_id"] = max(1, number - rng.randint(1, 20))
            out.write("  " + json.dumps(message, ensure_ascii=False) + ("," if number < count else "") + "\n")
        out.write(" ]\n}\n")


# --- one measurement, in its own process ----------------------------------------------------


def worker(tool: str, fmt: str, path: str) -> None:
    """Runs in a fresh process: import, parse, print one JSON line with the figures."""
    import resource

    if tool == "takeback":
        sys.path.insert(0, str(SRC))
        from zoneinfo import ZoneInfo

        from takeback.errors import UnsupportedFormat
        from takeback.ingest import ReadOptions, Skipped, discover, parse
    else:
        import logging

        os.environ["TQDM_DISABLE"] = "1"
        from chatminer.chatparsers import TelegramJsonParser, WhatsAppParser

        logging.disable(logging.INFO)  # it logs every system line it drops
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count = 0
    available = True
    wall, cpu = time.perf_counter(), time.process_time()
    if path == "-":
        pass  # only the import is measured
    elif tool == "takeback":
        options = ReadOptions(timezone=ZoneInfo("UTC"))
        inputs = [item for item in discover([path]) if not isinstance(item, Skipped)]
        available = bool(inputs)
        try:
            for item in inputs:
                for conversation in parse(item, options):
                    for _ in conversation.messages:
                        count += 1
        except UnsupportedFormat:
            available = False
    else:
        parser = WhatsAppParser(path) if fmt == "whatsapp" else TelegramJsonParser(path)
        parser.parse_file()
        count = len(parser.parsed_messages._parsed_messages)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"available": available, "count": count, "wall": wall, "cpu": cpu,
                      "peak_kb": peak, "import_kb": imported}))


def measure(tool: str, fmt: str, path: str) -> dict[str, float] | None:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", tool, fmt, path],
        capture_output=True, text=True, check=False,
        env={**os.environ, "TQDM_DISABLE": "1"},
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"  {tool} {fmt}: failed ({last})", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result if result["available"] else None


def baseline_available() -> bool:
    done = subprocess.run([sys.executable, "-c", "import chatminer.chatparsers"],
                          capture_output=True, check=False)
    return done.returncode == 0


# --- the table ------------------------------------------------------------------------------


def run(fmt: str, files: list[tuple[Path, int, tuple[str, ...]]], repeats: int) -> None:
    """Each file with the tools to measure on it; the ratio is taken on a file both read."""
    print(f"\n{fmt}")
    print(f"  {'tool':<11}{'messages':>11}{'MB':>6}{'msgs/s (wall)':>15}{'msgs/s (cpu)':>14}"
          f"{'peak RSS':>10}{'import only':>13}{'returned':>10}")
    for path, messages, tools in files:
        rates: dict[str, float] = {}
        cpu_rates: dict[str, float] = {}
        for tool in tools:
            good = [r for r in (measure(tool, fmt, str(path)) for _ in range(repeats)) if r is not None]
            if not good:
                print(f"  {tool:<11}{messages:>11,}  {fmt} parser not available")
                continue
            idle = measure(tool, fmt, "-")
            wall = statistics.median(r["wall"] for r in good)
            cpu = statistics.median(r["cpu"] for r in good)
            peak = statistics.median(r["peak_kb"] for r in good) / 1024
            rates[tool], cpu_rates[tool] = messages / wall, messages / cpu
            print(f"  {tool:<11}{messages:>11,}{path.stat().st_size / 1e6:>6.0f}"
                  f"{messages / wall:>15,.0f}{messages / cpu:>14,.0f}{peak:>8.0f}MB"
                  f"{(idle['peak_kb'] / 1024 if idle else float('nan')):>11.0f}MB"
                  f"{int(good[0]['count']):>10,}")
        if len(rates) == 2:
            print(f"  {'':<11}{messages:>11,}  takeback / chat-miner speed: "
                  f"{rates['takeback'] / rates['chat-miner']:.1f}x (wall), "
                  f"{cpu_rates['takeback'] / cpu_rates['chat-miner']:.1f}x (cpu)")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:])
        return
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--messages", type=int, default=1_000_000, help="WhatsApp messages")
    options.add_argument("--baseline-messages", type=int, default=200_000,
                         help="WhatsApp messages for the side-by-side run (chat-miner is slow)")
    options.add_argument("--telegram-messages", type=int, default=300_000, help="Telegram messages")
    options.add_argument("--repeats", type=int, default=3)
    args = options.parse_args()
    both: tuple[str, ...] = ("takeback", "chat-miner") if baseline_available() else ("takeback",)
    if len(both) == 1:
        print("chat-miner is not installed (pip install chat-miner): takeback only, no ratio")
    side_by_side = min(args.baseline_messages, args.messages)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        whatsapp = Path(folder) / "WhatsApp Chat with Benchmark Group.txt"
        write_whatsapp(whatsapp, args.messages)
        whatsapp_files = [(whatsapp, args.messages, ("takeback",) if side_by_side < args.messages else both)]
        if side_by_side < args.messages:
            smaller = Path(folder) / "WhatsApp Chat with Smaller Group.txt"
            write_whatsapp(smaller, side_by_side)  # the same seed: the first messages of the big one
            whatsapp_files.append((smaller, side_by_side, both))
        telegram = Path(folder) / "result.json"
        write_telegram(telegram, args.telegram_messages)
        print(f"generated the files in {time.perf_counter() - started:.0f} s; "
              f"medians of {args.repeats} runs, each in a fresh process")
        run("whatsapp", whatsapp_files, args.repeats)
        run("telegram", [(telegram, args.telegram_messages, both)], args.repeats)
        print(f"\nwhole benchmark: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
