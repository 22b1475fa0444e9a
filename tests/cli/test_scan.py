"""`takeback scan`: bulk assessment that streams, keeps order, and copes with bad input."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from takeback.cli import main

THREAT = "I have your nudes. Pay $300 or I send them to your family"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def results(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_scan_jsonl_writes_one_line_per_item_in_order(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"m{n}", "text": text}) for n, text in
                                enumerate([THREAT, "see you at 5", "", "i want to die"])) + "\n",
                      encoding="utf-8")
    code, _, err = run(capsys, "scan", str(source), "--out", str(out))
    lines = results(out)
    assert code == 0 and "scanned 4 items" in err
    assert [line["id"] for line in lines] == ["m0", "m1", "m2", "m3"]
    assert set(lines[0]) == {"id", "sextortion", "risk", "stages", "crisis", "findings", "identifiers"}
    assert (lines[0]["sextortion"], lines[1]["risk"], lines[2]["findings"]) == (True, "none", 0)
    assert lines[3]["crisis"] is True
    assert leftovers(tmp_path) == []


def test_a_line_that_is_not_json_is_reported_by_number_and_the_rest_scanned(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(f'{{"text": "{THREAT}"}}\nsecret words {{not json\n{{"text": "hi"}}\n{{"id": 4}}\n',
                      encoding="utf-8")
    code, _, err = run(capsys, "scan", str(source), "--out", str(out))
    assert code == 0
    assert "line 2: not valid JSON" in err and "line 4: no 'text' field" in err
    assert "secret words" not in err  # warnings never carry message text
    assert [line["id"] for line in results(out)] == ["1", "3"]  # line numbers when there is no id


def test_csv_with_a_megabyte_cell_and_invalid_utf8(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.jsonl"
    long_text = "ordinary words " * 70_000 + THREAT
    source.write_bytes(b"id,text\n" + b'a,"' + long_text.encode() + b'"\n' + b"b,caf\xe9 \xff ok\n")
    code, _, _ = run(capsys, "scan", str(source), "--out", str(out), "--id-field", "id")
    lines = results(out)
    assert code == 0 and [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["sextortion"] is True and lines[1]["risk"] == "none"


def test_csv_without_the_text_column_is_one_clear_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text("id,body\n1,hello\n", encoding="utf-8")
    out.write_text("earlier results\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", str(source), "--out", str(out))
    assert code == 2
    assert err.count("\n") == 1 and "no column 'text'" in err and "in.csv" in err
    assert out.read_text(encoding="utf-8") == "earlier results\n"  # never replaced by a partial file
    assert leftovers(tmp_path) == []


def test_text_field_option_and_findings_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"ref": 7, "body": THREAT}) + "\n", encoding="utf-8")
    run(capsys, "scan", str(source), "--out", str(out), "--text-field", "body", "--id-field", "ref",
        "--findings")
    [line] = results(out)
    assert line["id"] == "7"
    assert isinstance(line["findings"], list) and line["findings"]
    for finding in line["findings"]:
        start, end = finding["span"]
        assert THREAT[start:end] == finding["quote"]


def test_workers_keep_the_input_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    texts = [THREAT if n % 7 == 0 else f"ordinary message {n}" for n in range(600)]
    source.write_text("\n".join(json.dumps({"id": n, "text": t}) for n, t in enumerate(texts)) + "\n",
                      encoding="utf-8")
    code, _, _ = run(capsys, "scan", str(source), "--out", str(out), "--workers", "2")
    lines = results(out)
    assert code == 0 and [line["id"] for line in lines] == [str(n) for n in range(600)]
    assert [line["sextortion"] for line in lines] == [n % 7 == 0 for n in range(600)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "0"], "--workers"),
        (["--out", "{source}"], "must not be the input"),
        (["--out", "{folder}/missing/out.jsonl"], "no such folder"),
    ],
)
def test_wrong_options_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        argv: list[str], message: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "hi"}\n', encoding="utf-8")
    filled = [a.format(source=source, folder=tmp_path) for a in argv]
    if "--out" not in filled:
        filled += ["--out", str(tmp_path / "out.jsonl")]
    code, _, err = run(capsys, "scan", str(source), *filled)
    assert code == 2 and message in err


def test_a_missing_input_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl"))
    assert code == 2 and "nope.jsonl" in err and leftovers(tmp_path) == []


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is not None, reason="pyarrow is installed")
def test_parquet_without_pyarrow_says_what_to_install(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.parquet"
    source.write_bytes(b"PAR1")
    code, _, err = run(capsys, "scan", str(source), "--out", str(tmp_path / "out.jsonl"))
    assert code == 2 and "pyarrow" in err


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow is not installed")
def test_parquet_is_read_in_batches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyarrow = importlib.import_module("pyarrow")
    parquet = importlib.import_module("pyarrow.parquet")
    source, out = tmp_path / "in.parquet", tmp_path / "out.jsonl"
    parquet.write_table(pyarrow.table({"id": ["a", "b", None], "text": [THREAT, "hello", None]}), source)
    code, _, _ = run(capsys, "scan", str(source), "--out", str(out))
    lines = results(out)
    assert code == 0 and [line["id"] for line in lines] == ["a", "b", "3"]
    assert [line["sextortion"] for line in lines] == [True, False, False]


def test_jsonl_with_invalid_utf8_a_bom_and_blank_lines(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"text": "hello"}\n\n'
                       + b'{"text": "caf\xe9 \xff ' + THREAT.encode() + b'"}\n')
    code, _, err = run(capsys, "scan", str(source), "--out", str(out))
    lines = results(out)
    assert code == 0 and "0 warnings" in err
    assert [line["sextortion"] for line in lines] == [False, True]


def test_scan_lines_carry_identifiers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    text = "I have your pics. Pay to paypal.me/jessmoney22 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    source.write_text(json.dumps({"id": "x", "text": text}) + "\n", encoding="utf-8")
    assert run(capsys, "scan", str(source), "--out", str(out))[0] == 0
    [line] = results(out)
    found = {(i["kind"], i["value"], i["valid"]) for i in line["identifiers"]}
    assert ("crypto", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", True) in found
    assert any(kind == "payment" and value == "jessmoney22" for kind, value, _ in found)
