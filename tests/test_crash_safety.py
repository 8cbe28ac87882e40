"""Crash safety and concurrency, proved with real processes on a real store.

A load killed with SIGKILL at any moment leaves the store as before or as after, and
the next command works. Two graphgov processes on one store give a correct result or
a one-line 'busy' message, never a corrupted store or a traceback.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import python_env
from graphgov.dataset.checks import read_and_check
from graphgov.dataset.generate import write_generated
from graphgov.store import open_store

GOOD = Path(__file__).resolve().parent / "data" / "good"


def graphgov(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "graphgov", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=python_env(), **kw)


def signature(store_path: Path) -> str:
    """A digest of everything the store holds, table by table, order-independent."""
    store = open_store(store_path)
    try:
        tables = store.read_tables()
    finally:
        store.close()
    h = hashlib.sha256()
    for name in sorted(tables):
        df = tables[name]
        h.update(name.encode())
        h.update("\n".join(sorted(df.to_csv(index=False, header=False).splitlines())).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The bigger dataset to load, a store before the load, and the signatures of before and after."""
    root = tmp_path_factory.mktemp("crash")
    big = root / "district"
    write_generated("district", 3, big)
    before = root / "before.lbdb"
    open_store(before).load(read_and_check(GOOD))
    after = root / "after.lbdb"
    shutil.copy(before, after)
    open_store(after).load(read_and_check(big))
    return big, before, signature(before), signature(after)


def _kill_when(proc: subprocess.Popen, ready, delay: float) -> bool:
    """SIGKILL ``proc`` ``delay`` seconds after ``ready()`` first holds; False if it ended first."""
    deadline = time.monotonic() + 60
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


# Points to kill at: while the dataset is being read and checked, as soon as the new database
# file appears, and at several moments while it is being built.
POINTS = [("start", 0.3), ("building", 0.0), ("building", 0.05), ("building", 0.15), ("building", 0.3),
          ("building", 0.6)]


def _half_built(folder: Path) -> list[Path]:
    """The new database a load is building (its own file, not a log beside it)."""
    return [p for p in folder.glob(".g.lbdb.new-*") if re.fullmatch(r"\.g\.lbdb\.new-\d+", p.name)]


def _kill_load(tmp_path, before_path, big, point: str, delay: float) -> tuple[bool, bool]:
    """Start a load over a copy of the store before it and kill it; (killed, killed mid-write).

    Mid-write means the half-built database was still there after the kill: the load had
    begun writing it and had not yet renamed it into place (the commit point), nor cleaned up.
    """
    store = tmp_path / "g.lbdb"
    for leftover in tmp_path.glob(".g.lbdb.new-*"):
        leftover.unlink()
    shutil.copy(before_path, store)
    proc = graphgov("load", big, "--store", store)
    started = time.monotonic()
    if point == "start":
        ready = lambda: time.monotonic() - started > 0  # noqa: E731
    else:
        ready = lambda: bool(_half_built(tmp_path))  # noqa: E731
    killed = _kill_when(proc, ready, delay)
    return killed, killed and bool(_half_built(tmp_path))


@pytest.mark.parametrize("point,delay", POINTS, ids=[f"{p}+{d}s" for p, d in POINTS])
def test_load_killed_leaves_store_before_or_after(tmp_path, states, point, delay):
    big, before_path, before_sig, after_sig = states
    store = tmp_path / "g.lbdb"
    # how long the build takes depends on the machine: kill earlier until the kill lands mid-write
    tried = []
    for d in (delay, delay / 2, delay / 4, delay / 8, 0.0) if point == "building" else (delay,):
        killed, mid_write = _kill_load(tmp_path, before_path, big, point, d)
        tried.append((d, killed, mid_write))
        if mid_write or (point == "start" and killed):
            break
    sig = signature(store)
    if point == "start":
        # killed while reading and checking the dataset: nothing was written yet
        assert tried[-1][1] and not tried[-1][2], tried
        assert sig == before_sig
    else:
        assert tried[-1][2], f"never killed mid-write (delay, killed, mid-write): {tried}"
        assert sig == before_sig  # the half-built database never replaced the store
    # the next command works, and a new load completes and cleans up the half-built file
    done = graphgov("load", big, "--store", store)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert signature(store) == after_sig
    assert not list(tmp_path.glob(".g.lbdb.new-*"))


def test_status_change_killed_mid_way_is_all_or_nothing(tmp_path):
    """A transaction in place (the dispatch loop's kind of write) killed before COMMIT is rolled back."""
    store = tmp_path / "g.lbdb"
    open_store(store).load(read_and_check(GOOD))
    before = signature(store)
    script = (
        "import os, signal, sys\n"
        "from graphgov.store import open_store\n"
        f"s = open_store({str(store)!r})\n"
        "with s.transaction():\n"
        "    s.query(\"MATCH (n:Need {id: 'N1'}) SET n.status = 'dispatched'\")\n"
        "    s.query(\"MATCH (n:Need {id: 'N2'}) SET n.status = 'dispatched'\")\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=python_env())
    assert proc.returncode == -signal.SIGKILL
    assert signature(store) == before
    # and the store still takes writes
    s = open_store(store)
    with s.transaction():
        s.query("MATCH (n:Need {id: 'N1'}) SET n.status = 'dispatched'")
    assert s.query("MATCH (n:Need {id: 'N1'}) RETURN n.status AS s")["s"].iloc[0] == "dispatched"
    s.close()


# The second writer: 'graphgov load' in its own process, with its imports done before it is
# told to go, so that it reaches the store's lock within milliseconds (a cold start of Python
# takes longer than the first writer holds the lock).
SECOND_WRITER = """
import sys
import graphgov.cli.data, graphgov.dataset.checks, graphgov.store  # warm: the slow part of a start
from graphgov.cli import main
print("ready", flush=True)
sys.stdin.readline()
sys.argv = ["graphgov", "load", sys.argv[1], "--store", sys.argv[2]]
main()
"""


def test_two_writers_one_wins_other_is_told_busy(tmp_path, states):
    big, before_path, before_sig, after_sig = states
    store = tmp_path / "g.lbdb"
    tries = []
    for _ in range(3):
        shutil.copy(before_path, store)
        second = subprocess.Popen([sys.executable, "-c", SECOND_WRITER, str(GOOD), str(store)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=python_env())
        assert second.stdout.readline().strip() == "ready"
        first = graphgov("load", big, "--store", store)
        # the first writer holds the lock while its new database exists: then the second goes
        deadline = time.monotonic() + 60
        while not _half_built(tmp_path) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        building = bool(_half_built(tmp_path))
        out2, err2 = second.communicate("go\n", timeout=120)
        first_still_running = first.poll() is None  # the second ended while the first was writing
        out1, err1 = first.communicate(timeout=120)
        assert first.returncode == 0, err1
        tries.append((building, first_still_running, second.returncode))
        if building and first_still_running:
            break
    assert building and first_still_running, f"the writers never overlapped (building, first running, exit): {tries}"
    assert second.returncode == 1, err2
    assert "busy" in err2 and "Traceback" not in err2
    assert len(err2.strip().splitlines()) == 1
    assert signature(store) == after_sig  # the first load only


def test_reader_during_load_gets_a_result_or_busy(tmp_path, states):
    big, before_path, before_sig, after_sig = states
    store = tmp_path / "g.lbdb"
    shutil.copy(before_path, store)
    loader = graphgov("load", big, "--store", store)
    outcomes = set()
    while loader.poll() is None:
        reader = graphgov("info", "--format", "csv", "--store", store)
        out, err = reader.communicate(timeout=60)
        if reader.returncode == 0:
            assert out.startswith("kind,name,count")
            outcomes.add("result")
        else:
            assert reader.returncode == 1, err
            assert "busy" in err and "Traceback" not in err
            outcomes.add("busy")
    assert loader.returncode == 0, loader.stderr.read()
    assert outcomes
    assert signature(store) == after_sig
