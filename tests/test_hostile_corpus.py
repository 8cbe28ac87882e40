"""The hostile corpus (tests/data/hostile/make_hostile.py), each file through `graphgov check` in its own process.

Every case is refused with a ``file[:row[:column]]: error:`` line naming the limit, or read
within its budget, and the process's peak memory (``ru_maxrss`` of that child, from
``os.wait4``) is printed beside the file's unpacked size. The budget is generous: the
growth over a check of the small good dataset stays within 20 times the unpacked size
(or 64 MB for files smaller than 3 MB), and the peak under 2 GB. No time is asserted; the
seconds are printed for the record (docs/hardening.md has the figures).
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import python_env
ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "data" / "hostile"
GOOD = ROOT / "tests" / "data" / "good"
sys.path.insert(0, str(HOSTILE))
import make_hostile  # noqa: E402

ENV = python_env()
CEILING_KB = 2 * 1024 * 1024
FLOOR_KB = 64 * 1024
PROBLEM_LINE = re.compile(r"^[^\s:]+(?:\[[^\]]+\])?(?::\d+)?(?::[^:]+)?: error: ")


# Linux carries a process's peak RSS across fork and exec, so a child of this (large) test
# process would report at least this process's size. A small launcher starts the command
# and reports the child's ru_maxrss from os.wait4: the peak is then the command's own.
LAUNCHER = """
import json, os, subprocess, sys
out, err = sys.argv[1], sys.argv[2]
with open(out, "w") as o, open(err, "w") as e:
    proc = subprocess.Popen([sys.executable, "-m", "graphgov", *sys.argv[3:]], stdout=o, stderr=e)
    _, status, usage = os.wait4(proc.pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss}))
"""


def measured(*args, tmp: Path) -> tuple[int, str, str, int, float]:
    """Run graphgov in a child; its exit code, stdout, stderr, peak resident memory (KB) and seconds."""
    import json

    out, err = tmp / "stdout.txt", tmp / "stderr.txt"
    started = time.monotonic()
    launched = subprocess.run([sys.executable, "-c", LAUNCHER, out, err, *map(str, args)], capture_output=True,
                              text=True, env=ENV, cwd=tmp, check=True)
    report = json.loads(launched.stdout)
    return (report["code"], out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"), report["maxrss_kb"],
            time.monotonic() - started)


@pytest.fixture(scope="module")
def baseline_kb(tmp_path_factory) -> int:
    code, _, err, peak, _ = measured("check", GOOD, tmp=tmp_path_factory.mktemp("baseline"))
    assert code == 0, err
    return peak


@pytest.mark.parametrize("case", make_hostile.CASES, ids=[c.name for c in make_hostile.CASES])
def test_hostile_file_is_refused_or_read_within_its_budget(case, baseline_kb, tmp_path, capsys):
    path = case.write(tmp_path / case.name)
    unpacked = make_hostile.unpacked_size(path)
    stored = path.stat().st_size if path.is_file() else unpacked
    code, stdout, stderr, peak_kb, seconds = measured("check", path, tmp=tmp_path)
    with capsys.disabled():
        print(f"\n  {case.name:<26} {stored / 2**20:8.2f} MB stored, {unpacked / 2**20:8.2f} MB unpacked: "
              f"exit {code}, peak {peak_kb / 1024:6.0f} MB (baseline {baseline_kb / 1024:.0f} MB), {seconds:5.1f} s")
    assert "Traceback" not in stderr, stderr
    assert code == case.exit_code, stderr
    if case.exit_code == 1:
        errors = [ln for ln in stderr.splitlines() if ": error: " in ln]
        assert errors and all(PROBLEM_LINE.match(ln) for ln in errors), stderr
        hit = [ln for ln in errors if case.words in ln]
        assert hit, stderr
        assert hit[0].startswith(case.location), hit[0]
    growth_kb = peak_kb - baseline_kb
    assert growth_kb <= max(20 * unpacked / 1024, FLOOR_KB), (growth_kb, unpacked)
    assert peak_kb <= CEILING_KB
