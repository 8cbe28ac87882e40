"""Custom reports cannot reach files, extensions or plugins, and bad parameters are messages.

A report file is refused when it is parsed, with file:line:column in the file's own
numbering, so the refusal is the same on every store and nothing is sent to one.
"""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from graphgov.cli import cli
from graphgov.queries.library import QueryFileError, load_report, parse_report, parse_value
from graphgov.queries.safety import file_access
from graphgov.errors import OptionError

from conftest import SAMPLE

HEAD = "// name: {name}\n// description: d\n// 说明: 说明\n"


def invoke(*args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)


REFUSED = [
    # (body, line within the body (1 = first), column, words in the message)
    ("COPY (MATCH (u:Unit) RETURN u.name, u.phone) TO '/tmp/leak.csv'", 1, 1, "COPY"),
    ("MATCH (u:Unit)\n  WITH u COPY (MATCH (u:Unit) RETURN u.phone) TO 'x.csv'", 2, 10, "COPY"),
    ("LOAD FROM '/etc/hostname' (header=false) RETURN *", 1, 1, "LOAD"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", 1, 1, "LOAD"),
    ("load   from '/etc/hostname' RETURN *", 1, 1, "LOAD"),
    ("INSTALL httpfs", 1, 1, "INSTALL"),
    ("ATTACH '/tmp/other.lbdb' AS other (dbtype lbug)", 1, 1, "ATTACH"),
    ("EXPORT DATABASE '/tmp/dump'", 1, 1, "EXPORT"),
    ("IMPORT DATABASE '/tmp/dump'", 1, 1, "IMPORT"),
    ("CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", 1, 1, "procedure apoc.load.json"),
    ("MATCH (u:Unit)\nCALL apoc.export.csv.all('x.csv', {}) YIELD file RETURN file", 2, 1, "apoc.export.csv.all"),
    ("CALL `apoc`.`load`.`json`('x') YIELD value RETURN value", 1, 1, "procedures"),
    ("CALL gds.graph.export('g', {dbName: 'x'}) YIELD dbName RETURN dbName", 1, 1, "gds.graph.export"),
    ("CALL threads = 4", 1, 1, "procedure threads"),
    ("CALL file_search_path = '/etc'", 1, 1, "procedures"),
    ("RETURN apoc.util.md5(['x']) AS h", 1, 8, "apoc.util.md5"),
    ("MATCH (u:Unit) RETURN u.id AS id\nUNION\nLOAD FROM 'x.csv' RETURN *", 3, 1, "LOAD"),
]


@pytest.mark.parametrize("body,line,column,words", REFUSED, ids=[b.split()[0] + str(i) for i, (b, *_ ) in enumerate(REFUSED)])
def test_file_access_is_refused_when_a_report_is_parsed(tmp_path, body, line, column, words):
    path = tmp_path / "leak.cypher"
    path.write_text(HEAD.format(name="leak") + "\n" + body + "\n", encoding="utf-8")
    with pytest.raises(QueryFileError, match=re.escape(words)) as err:
        load_report(path)
    # the header is 3 lines and a blank line follows it: the body starts on line 5
    assert str(err.value).startswith(f"{path}:{4 + line}:{column}: "), str(err.value)
    assert (err.value.line, err.value.column) == (4 + line, column)


ALLOWED = [
    "MATCH (u:Unit) RETURN u.name AS name // COPY and LOAD FROM in a comment",
    "MATCH (u:Unit) WHERE u.name CONTAINS 'COPY (x) TO' RETURN u.id AS id",
    "MATCH (u:Unit) /* LOAD FROM '/etc/passwd' */ RETURN u.id AS id",
    "MATCH (copy:Unit) RETURN copy.id AS id",
    "MATCH (n:Need) RETURN n.id AS id, {load: 1, export: 2} AS m",
    "MATCH (n:Need) RETURN n.id AS `load`",
    "MATCH (u:Unit) CALL { WITH u MATCH (u)-[:MEMBER_OF]->(c) RETURN count(c) AS k } RETURN u.id AS id, k",
    "MATCH (n:Need) RETURN duration.between(n.raised, date('2025-01-01')) AS age, date.truncate('month', n.raised) AS m",
    "CALL show_tables() RETURN *",
]


@pytest.mark.parametrize("body", ALLOWED)
def test_plain_reads_are_not_refused(body):
    assert file_access(body) == []
    parse_report(HEAD.format(name="ok") + body + "\n")


def test_bundled_reports_touch_no_files():
    from graphgov.queries.library import load_reports

    for report in load_reports(()).values():
        assert file_access(report.text) == [], report.name


@pytest.fixture(scope="module")
def sample_store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("safety") / "s.lbdb"
    assert invoke("load", SAMPLE, "--store", path).exit_code == 0
    return path


@pytest.mark.parametrize("body", [
    "COPY (MATCH (u:Unit) RETURN u.name, u.contact, u.phone) TO '{out}'",
    "LOAD FROM '{src}' (header=false) RETURN *",
])
def test_cli_refuses_a_leaking_report_and_writes_nothing(sample_store_path, tmp_path, body):
    mine = tmp_path / "mine"
    mine.mkdir()
    leak = tmp_path / "leak.csv"
    src = tmp_path / "secret.txt"
    src.write_text("the-secret-line\n", encoding="utf-8")
    (mine / "leak.cypher").write_text(HEAD.format(name="leak") + body.format(out=leak, src=src) + "\n",
                                      encoding="utf-8")
    for store in (str(sample_store_path), "neo4j://127.0.0.1:9"):
        result = invoke("query", "run", "leak", "--queries", mine, "--store", store,
                        env={"NEO4J_PASSWORD": "x"})
        assert result.exit_code == 1, result.output
        assert f"{mine / 'leak.cypher'}:4:1: " in result.output
        assert "may only read the graph" in result.output and "Traceback" not in result.output
        assert "the-secret-line" not in result.output and "cannot reach" not in result.output
    assert not leak.exists()


@pytest.mark.parametrize("kind,text,message", [
    ("int", str(10**30), "too large"),
    ("int", str(-10**30), "too large"),
    ("int", "9" * 5000, "not a whole number"),
    ("float", "1e999", "not a number"),
    ("float", "nan", "not a number"),
    ("duration", "100000000000 days", "too large"),
])
def test_out_of_range_parameters_are_option_errors(kind, text, message):
    with pytest.raises(OptionError, match=message):
        parse_value(text, kind, "p")


def test_huge_integer_param_on_the_command_line_is_a_message(sample_store_path):
    for value in (str(10**30), str(2**63)):
        result = invoke("query", "run", "multi_committee_units", "--param", f"min_committees={value}",
                        "--store", sample_store_path)
        assert result.exit_code == 2, result.output
        assert "too large" in result.output and "Traceback" not in result.output
    result = invoke("query", "run", "multi_committee_units", "--param", f"min_committees={2**63 - 1}",
                    "--store", sample_store_path)
    assert result.exit_code == 0, result.output


def test_huge_integer_default_in_a_header_is_a_file_error():
    with pytest.raises(QueryFileError, match="too large"):
        parse_report(HEAD.format(name="big") + f"// param: k = {10**30}\nRETURN $k AS k\n")
