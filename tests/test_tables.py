"""Terminal tables: they fit 100 columns, wrap long texts instead of cutting them, show ✓ for true,
and read in one language (Chinese, or English with --lang en)."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.cli import cli
from graphgov.views.tables import display_width, format_text_table, wrap_text

LONG = "朝阳站东广场接站私家车高峰时段排队进场，现有车位远不能满足，车辆在姚家园北街临时停靠。" * 3


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_wrap_text_keeps_every_character_and_respects_the_width():
    lines = wrap_text(LONG + " and some English words at the end", 30)
    assert all(display_width(ln) <= 30 for ln in lines)
    assert "".join(lines).replace(" ", "") == (LONG + " and some English words at the end").replace(" ", "")


def test_a_wide_table_fits_and_wraps_instead_of_cutting():
    df = pd.DataFrame({"编号": ["N1", "N2"], "数量": [12, 3456], "说明": [LONG, "短"], "备注": [LONG[:40], ""],
                       "关键节点": [True, False]})
    text = format_text_table(df, width=100)
    assert max(display_width(ln) for ln in lines_of(text)) <= 100
    assert "…" not in text
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", LONG) in flat.replace("短", "") or LONG[:20] in flat
    assert "3456" in text and "True" not in text and "False" not in text
    first = next(ln for ln in lines_of(text) if ln.startswith("N1"))
    assert first.rstrip().endswith("✓") or "✓" in first


def test_numbers_never_wrap():
    df = pd.DataFrame({"n": [1234567], "text": ["x " * 200]})
    text = format_text_table(df, width=40)
    assert "1234567" in text


@pytest.fixture(scope="module")
def store_args(sample_store):
    return ["--store", str(sample_store.path)]


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("args", [
    ["central", "--top", "20"],
    ["match", "N0012", "--on", "2025-12-31"],
    ["match", "--all", "--assign", "--on", "2025-12-31", "--top", "10"],
    ["info"],
    ["query", "list"],
    ["query", "run", "stale_needs", "--param", "as_of=2025-12-31"],
    ["gaps", "--as-of", "2025-12-31", "--top", "10"],
    ["central", "--top", "5", "--lang", "en"],
])
def test_terminal_output_fits_100_columns(store_args, args):
    out = run(*args, *([] if args[:2] == ["query", "list"] else store_args))
    too_wide = [ln for ln in lines_of(out) if display_width(ln) > 100]
    assert too_wide == []


def test_central_picks_the_columns_a_reader_needs(store_args):
    out = run("central", "--top", "20", *store_args)
    assert "中介中心度" in out and "加权联系度" not in out and "True" not in out and "False" not in out
    assert "✓" in out  # articulation points are marked
    def columns(text):
        rule = next(ln for ln in lines_of(text) if ln.startswith("--"))
        return len(rule.split())

    assert columns(out) == 10
    assert columns(run("central", "--top", "3", "--all-columns", *store_args)) == 28


def test_match_reasons_are_wrapped_not_cut(store_args):
    out = run("match", "N0012", "--on", "2025-12-31", *store_args)
    flat = re.sub(r"\s+", "", out)
    assert "直接联系：委员会火车站片区薪火党建联盟（八闽第一站）(C21)" in flat
    assert "…" not in out


def test_info_shows_labels_whole(store_args):
    out = run("info", *store_args)
    assert "University(UnitwithtypeUniversity/research_institute)".lower() in re.sub(r"\s+", "", out).lower()


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_match_reads_in_one_language(store_args):
    import json

    zh = json.loads(run("match", "N0012", "--on", "2025-12-31", "--format", "json", *store_args))
    en = json.loads(run("match", "N0012", "--on", "2025-12-31", "--format", "json", "--lang", "en", *store_args))
    assert set(zh[0]) == set(en[0])  # English keys either way
    english_words = re.compile(r"\b(same|category|capacity|similar|tie|steps|broker|left|asked)\b")
    for row in zh:
        for reason in row["reasons"]:
            assert not english_words.search(reason), reason
    for row in en:
        for reason in row["reasons"]:
            head = reason.split(":")[0]
            assert not CJK.search(head), reason  # the words are English; names of places and units are data


def test_gaps_text_reads_in_one_language(store_args):
    zh = run("gaps", "--as-of", "2025-12-31", "--top", "5", *store_args)
    assert "[高]" in zh and "unmet_need" not in zh and "findings" not in zh and "high" not in zh
    en = run("gaps", "--as-of", "2025-12-31", "--top", "5", "--lang", "en", *store_args)
    assert "[high] unmet_need" in en and "[高]" not in en and "建议：" not in en
