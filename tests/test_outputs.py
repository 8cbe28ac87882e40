"""Outputs never overwrite the store, never land in a missing folder, and CSV/terminal text stays intact.

* ``--out`` (and ``export OUT``) naming the store, one of its side files (``.wal``,
  ``.lock``, ``.shadow``, ``.wal.checkpoint`` …), the store named by ``$GRAPHGOV_STORE`` or
  ``./graphgov.lbdb``, or any LadybugDB file, is refused with exit 2 before anything runs,
  for every command that writes a file; the store's bytes are unchanged.
* A missing folder, ``--format xlsx`` with another ending, ``export`` onto a file: exit 2,
  one message, no traceback.
* A carriage return inside a value is quoted in CSV, so the store's own export loads
  back; terminal tables show CR and bidi overrides escaped.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.cli import cli
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store
from graphgov.views.tables import format_text_table, write_table

from conftest import write_dataset

ROOT = Path(__file__).resolve().parent.parent
GOOD = Path(__file__).resolve().parent / "data" / "good"


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def store_args(cmd, store) -> list:
    """``--store`` for the commands that take it; 'query list' has none (it protects $GRAPHGOV_STORE's)."""
    return [] if cmd[:2] == ["query", "list"] else ["--store", store]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("out") / "g.lbdb"
    with open_store(path) as s:
        s.load(read_and_check(GOOD))
    for side in (".wal", ".shadow", ".wal.checkpoint"):  # pretend a write was interrupted: files to protect
        path.with_name(path.name + side).write_bytes(b"")
    return path


# every command that writes a file, with the arguments it needs
WRITERS = [
    ["info", "--format", "csv", "--out"],
    ["central", "--format", "json", "--out"],
    ["gaps", "--format", "csv", "--out"],
    ["match", "--all", "--format", "csv", "--out"],
    ["match", "N1", "--out"],
    ["query", "run", "unmet_needs", "--format", "json", "--out"],
    ["query", "list", "--out"],
    ["history", "N1", "--out"],
    ["dispatch", "N1", "R1", "--on", "2024-03-01", "--out"],
    ["close", "N2", "--out"],
    ["doctor", "--out"],
    ["map", "--out"],
    ["report", "--out"],
    ["export"],
]
TARGETS = ["{s}", "{s}.wal", "{s}.lock", "{s}.shadow", "{s}.wal.checkpoint", "{s}.checkpoint.intent.lock",
           "{d}/./sub/../{n}", "{d}/.{n}.new-123"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("cmd", WRITERS, ids=[" ".join(c[:2]) for c in WRITERS])
def test_out_never_overwrites_the_store(store, cmd, target):
    before = digest(store.parent)
    out = target.format(s=store, d=store.parent, n=store.name)
    result = invoke(*cmd, out, *store_args(cmd, store), env={"GRAPHGOV_STORE": str(store)})
    assert result.exit_code == 2, (cmd, out, result.output)
    assert "would overwrite the store" in result.output and "Traceback" not in result.output
    assert digest(store.parent) == before


@pytest.mark.parametrize("cmd", [["info", "--out"], ["export"], ["gaps", "--format", "csv", "--out"]],
                         ids=["info", "export", "gaps"])
def test_out_never_overwrites_the_environment_or_default_store(store, tmp_path, monkeypatch, cmd):
    monkeypatch.chdir(tmp_path)
    default = tmp_path / "graphgov.lbdb"
    default.write_bytes(b"LBUG1 pretend")
    other = tmp_path / "other.lbdb"
    other.write_bytes(b"LBUG1 another database")
    for out in ("graphgov.lbdb", "graphgov.lbdb.wal", str(store), "other.lbdb"):
        # the store in use comes from $GRAPHGOV_STORE here
        result = invoke(*cmd, out, env={"GRAPHGOV_STORE": str(store)})
        assert result.exit_code == 2, (out, result.output)
        assert "overwrite the store" in result.output or "is a LadybugDB database" in result.output
    assert default.read_bytes() == b"LBUG1 pretend" and other.read_bytes() == b"LBUG1 another database"


@pytest.mark.parametrize("cmd", [c for c in WRITERS if c[0] != "export"], ids=[" ".join(c[:2]) for c in WRITERS
                                                                              if c[0] != "export"])
def test_out_into_a_missing_folder_is_refused_before_anything_runs(store, tmp_path, cmd):
    before = digest(store.parent)
    out = tmp_path / "no" / "such" / "folder" / "x.csv"
    result = invoke(*cmd, out, *store_args(cmd, store))
    assert result.exit_code == 2, result.output
    assert "does not exist; create it first" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "no").exists()
    assert digest(store.parent) == before  # dispatch and close wrote nothing


@pytest.mark.parametrize("args,message", [
    (["info", "--format", "xlsx", "--out", "{t}/counts.csv"], "name ending in .xlsx"),
    (["gaps", "--format", "xlsx", "--out", "{t}/gaps"], "name ending in .xlsx"),
    (["export", "{t}/book.txt", "--format", "xlsx"], "name ending in .xlsx"),
    (["export", "{t}/existing.csv"], "is a file, and this writes a folder"),
    (["export", "{t}/folder.xlsx"], "is a folder"),
    (["export", "{t}/missing/deeper/backup"], "does not exist"),
    (["info", "--out", "{t}/folder.xlsx"], "is a directory"),
    (["info", "--out", "{t}/existing.csv/x.csv"], "is a file, not a folder"),
])
def test_bad_output_names_are_one_message(store, tmp_path, args, message):
    (tmp_path / "existing.csv").write_text("a,b\n")
    (tmp_path / "folder.xlsx").mkdir()
    result = invoke(*[a.format(t=tmp_path) for a in args], "--store", store)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert (tmp_path / "existing.csv").read_text() == "a,b\n"


def test_map_and_report_make_their_default_folder_and_say_so(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("map", "--store", store)
    assert result.exit_code == 0, result.output
    assert "creating the folder visualizations" in result.stderr
    assert (tmp_path / "visualizations" / "map.html").is_file()


# ---- carriage returns and bidi controls ------------------------------------------------------------

HOSTILE_TEXT = ["站区\r名称", "first\r\nsecond", "plain", "\u202egnp.exe", "a\u2066b\u2069c", "=1+1\rx"]


def test_csv_quotes_a_carriage_return_so_every_reader_gets_the_value_back(tmp_path):
    import csv

    df = pd.DataFrame({"name": HOSTILE_TEXT, "n": range(len(HOSTILE_TEXT))})
    text = write_table(df, "csv")
    rows = list(csv.reader(text.splitlines(keepends=True)))
    assert len(rows) == len(HOSTILE_TEXT) + 1
    assert [r[0] for r in rows[1:]] == ["站区\r名称", "first\r\nsecond", "plain", "\u202egnp.exe", "a\u2066b\u2069c",
                                         "'=1+1\rx"]
    out = tmp_path / "t.csv"
    write_table(df, "csv", out)
    back = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert back["name"].tolist()[:5] == HOSTILE_TEXT[:5] and len(back) == len(HOSTILE_TEXT)


def write_quoted(folder: Path, tables: dict) -> Path:
    """write_dataset, then each file again as the csv module writes it (CR LF, values with CR quoted)."""
    write_dataset(folder, tables)
    for f in folder.glob("*.csv"):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        for name, rows in tables.items():
            if f.stem == name:
                df = pd.DataFrame(rows, columns=list(df.columns)).fillna("")
        df.to_csv(f, index=False, lineterminator="\r\n")
    return folder


def test_the_stores_own_export_loads_back_with_carriage_returns(tmp_path):
    import csv

    folder = write_quoted(tmp_path / "data", {
        "areas": [{"id": "A1", "name": "区\r一", "level": "district"}],
        "committees": [{"id": "C1", "name": "委员会\r\n甲", "level": "district", "area_id": "A1"}],
        "units": [{"id": "U1", "name": "单位\r乙", "type": "government", "area_id": "A1"},
                  {"id": "U2", "name": "单位\u202e丙", "type": "railway", "area_id": "A1"}],
        "needs": [{"id": "N1", "title": "需求\r标题", "category": "parking", "unit_id": "U1",
                   "description": "第一行\r第二行\r第三行"}],
    })
    # the written files hold a lone CR inside quoted values: read them as the csv module does
    with (folder / "units.csv").open(newline="", encoding="utf-8") as fh:
        assert [r[1] for r in csv.reader(fh)][1:] == ["单位\r乙", "单位\u202e丙"]
    store = tmp_path / "g.lbdb"
    assert invoke("load", folder, "--store", store).exit_code == 0
    out = tmp_path / "export"
    result = invoke("export", out, "--store", store)
    assert result.exit_code == 0, result.output
    again = read_and_check(out)
    assert sorted(again["units"]["name"]) == ["单位\r乙", "单位\u202e丙"]
    assert again["needs"]["description"].tolist() == ["第一行\r第二行\r第三行"]
    assert again["committees"]["name"].tolist() == ["委员会\r\n甲"]
    store2 = tmp_path / "g2.lbdb"
    assert invoke("load", out, "--store", store2).exit_code == 0


def test_terminal_tables_show_carriage_returns_and_bidi_overrides_escaped():
    df = pd.DataFrame({"name\u202e": HOSTILE_TEXT})
    text = format_text_table(df, title="标题\u202e")
    assert "\r" not in text
    assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "站区\\r名称" in text and "<U+202E>gnp.exe" in text and "a<U+2066>b<U+2069>c" in text
    assert "name<U+202E>" in text and "标题<U+202E>" in text


def test_terminal_output_of_a_command_has_no_raw_control_characters(tmp_path):
    folder = write_quoted(tmp_path / "data", {
        "areas": [{"id": "A1", "name": "区", "level": "district"}],
        "committees": [{"id": "C1", "name": "委员会", "level": "district", "area_id": "A1"}],
        "units": [{"id": "U1", "name": "单位\r\u202eevil", "type": "government", "area_id": "A1"}],
        "memberships": [{"unit_id": "U1", "committee_id": "C1"}],
    })
    store = tmp_path / "g.lbdb"
    assert invoke("load", folder, "--store", store).exit_code == 0
    result = invoke("query", "run", "paper_members", "--store", store)
    assert result.exit_code == 0, result.output
    assert "单位\\r<U+202E>evil" in result.stdout
    assert "\r" not in result.stdout and "\u202e" not in result.stdout
