"""The benchmark script runs end to end on the smallest preset and its cross-checks hold.

No wall-clock time is asserted: only that the table is written and that the figures the
script compares (our assignment against networkx's exact min-cost flow and the greedy
baseline) agree the way they must.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_station_benchmark_writes_table(tmp_path):
    results = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--preset", "station", "--repeat", "1", "--quick",
         "--workdir", str(tmp_path / "work"), "--results", str(results)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    md = (results / "station.md").read_text(encoding="utf-8")
    assert "| what | ours (s) | peer (s) | ratio | process CPU (s) | peak MB | note |" in md
    data = json.loads((results / "station.json").read_text(encoding="utf-8"))
    assert data["machine"]["cores"] >= 1 and data["machine"]["versions"]["networkx"]
    whats = [r["what"] for r in data["rows"]]
    for step in ("check", "check + load into a new store (graphgov load)", "gaps (all kinds)",
                 "report (file written)"):
        assert step in whats
    assert any(w.startswith("central (whole command") for w in whats)
    assert any(w.startswith("whole main job") for w in whats)

    f = data["figures"]
    assert f["peak_mb"]["max"] > 0
    m = f["match_detail"]
    # the exact optimum by networkx's min-cost flow equals ours; greedy never beats it
    assert m["nx_ours_total"] == pytest.approx(m["nx_flow_total"], rel=1e-6)
    assert m["nx_greedy_total"] <= m["nx_flow_total"] + 1e-9
    assert m["pass1_ortools"] == pytest.approx(m["pass1_highs"], rel=1e-6)
    assert m["greedy_only_total"] <= m["total_score"] + 1e-9
