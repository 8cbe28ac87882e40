"""Every writing command SIGKILLed at random moments of its write leaves a store every command can open.

A nightly-sized run of benchmarks/kill_harness.py (which runs 200 kills per command and
prints the table in docs/hardening.md): 10 kills per command on the tests' small dataset.
A kill counts only when the command held the store's writer lock at that moment (read
from /proc/locks) and died of the signal: it was killed inside its write, not after.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import kill_harness  # noqa: E402

KILLS = 10  # about 75 s of CI per 10 kills a command; benchmarks/kill_harness.py runs 200


@pytest.fixture(scope="module")
def tallies(tmp_path_factory):
    work = tmp_path_factory.mktemp("kills")
    return {t.command: t for t in kill_harness.run(list(kill_harness.COMMANDS), KILLS, workdir=work, world="small")}


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="the harness reads /proc/locks (Linux)")
@pytest.mark.parametrize("command", kill_harness.COMMANDS)
def test_a_write_killed_anywhere_leaves_a_usable_store_before_or_after(tallies, command, capsys):
    t = tallies[command]
    with capsys.disabled():
        print(f"\n  {command:<18} {t.kills} kills inside the write: {t.before} before, {t.after} after, "
              f"{t.pending} pending recoveries finished, {t.touched} left files changed, {t.unusable} unusable, "
              f"{t.wrong_state} in neither state, "
              f"{t.finished_first} ended first (write {t.write_seconds:.2f} s)")
    assert not t.not_run and t.kills == KILLS, t
    assert t.unusable == 0 and t.wrong_state == 0, t.problems[:5]
    assert t.before + t.after == t.kills


@pytest.mark.slow
def test_the_kills_land_inside_the_writes(tallies):
    """Across the commands the kills fall on both sides of the commit, and into checkpoints too."""
    everything = list(tallies.values())
    assert sum(t.before for t in everything) > 0 and sum(t.after for t in everything) > 0
    assert sum(t.pending for t in everything) > 0  # some kills hit LadybugDB's checkpoint
    assert sum(t.touched for t in everything) > 0  # and left half-done writes on disk
