"""A store left by a killed write, or a damaged store file: every command opens it or says what to do.

* A process SIGKILLed during LadybugDB's checkpoint leaves a pending recovery
  (``STORE.wal.checkpoint``, ``STORE.shadow``); the next reader finishes it, ``load`` and
  ``load --replace`` work, and while a writer holds the lock a reader is told "busy".
* A zero-byte, truncated or garbled store file gives one clear line that points to
  ``graphgov doctor``, never a raw engine message; ``load --replace`` and
  ``graphgov doctor --rebuild`` rebuild it.
"""
from __future__ import annotations

import re
import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import python_env
from graphgov.cli import cli
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GOOD = Path(__file__).resolve().parent / "data" / "good"
ENV = python_env()
PENDING = (".wal.checkpoint", ".shadow")

# Rewrites every need's description in one transaction after another; each closes the
# database, so LadybugDB checkpoints after each one.
WRITER = """
import sys
from graphgov.store import open_store
s = open_store(sys.argv[1])
i = 0
print("ready", flush=True)
while True:
    i += 1
    with s.transaction():
        s.query("MATCH (n:Need) SET n.description = $d", {"d": "x" * (i % 50)})
"""


class Ran:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def graphgov(*args) -> Ran:
    """Run a graphgov command in this process (an uncaught exception fails the test)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def graphgov_process(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphgov", *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=ROOT, timeout=timeout)


def pending(store: Path) -> bool:
    return any(store.with_name(store.name + s).exists() for s in PENDING)


def make_pending_recovery(base: Path, store: Path, tries: int = 25) -> int:
    """Copy ``base`` to ``store`` and SIGKILL a writer until it dies inside a checkpoint; the tries it took."""
    rng = random.Random(7)
    for attempt in range(1, tries + 1):
        for f in store.parent.glob(store.name + "*"):
            f.unlink()
        shutil.copy(base, store)
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store)], stdout=subprocess.PIPE, env=ENV)
        assert proc.stdout.readline().strip() == b"ready"
        wal = store.with_name(store.name + ".wal")
        deadline = time.monotonic() + 30
        while not wal.exists() and time.monotonic() < deadline:
            pass
        time.sleep(rng.uniform(0.0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        if pending(store):
            return attempt
    pytest.fail(f"no kill landed inside a checkpoint in {tries} tries")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("health") / "base.lbdb"
    with open_store(path) as s:
        s.load(read_and_check(SAMPLE))
    return path


@pytest.fixture(scope="module")
def pending_state(base, tmp_path_factory) -> Path:
    """A store a killed writer left with a pending recovery, made once; tests work on copies of its files."""
    store = tmp_path_factory.mktemp("pending") / "g.lbdb"
    tries = make_pending_recovery(base, store)
    print(f"pending recovery made in {tries} kill(s): {sorted(p.name for p in store.parent.iterdir())}")
    return store


@pytest.fixture
def left_pending(pending_state, tmp_path) -> Path:
    store = tmp_path / "g.lbdb"
    for f in pending_state.parent.glob("g.lbdb*"):
        shutil.copy(f, tmp_path / f.name)
    with pytest.raises(RuntimeError, match="checkpoint recovery is pending"):
        import ladybug

        ladybug.Database(str(store), read_only=True)
    return store


def assert_one_clear_line(result, *words):
    assert "Traceback" not in result.stderr and "bad_alloc" not in result.stderr, result.stderr
    assert "Runtime exception: Cannot open database in read-only mode" not in result.stderr
    lines = [ln for ln in result.stderr.strip().splitlines() if not ln.startswith(("projects.csv", "loading"))]
    assert len(lines) == 1, result.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_a_reader_finishes_a_recovery_a_killed_write_left(left_pending):
    result = graphgov_process("info", "--format", "csv", "--store", left_pending)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kind,name,count") and "node,Need,249" in result.stdout
    assert not pending(left_pending)
    assert graphgov("central", "--top", "3", "--store", left_pending).returncode == 0


@pytest.mark.parametrize("args", [["load", SAMPLE], ["load", SAMPLE, "--replace"], ["load", GOOD, "--partial"]],
                         ids=["load", "replace", "partial"])
def test_load_works_over_a_pending_recovery(left_pending, args):
    result = graphgov(*args, "--store", left_pending)
    assert result.returncode == 0, result.stderr
    assert not pending(left_pending)
    assert graphgov("info", "--store", left_pending).returncode == 0


def test_a_reader_during_a_writers_checkpoint_is_told_busy(left_pending):
    """A pending recovery while a writer holds the lock is that writer's checkpoint: the reader waits its turn."""
    fd = os.open(left_pending.with_name(left_pending.name + ".lock"), os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for cmd in (["info"], ["gaps"], ["query", "run", "unmet_needs"]):
            result = graphgov_process(*cmd, "--store", left_pending)
            assert result.returncode == 1, result.stdout
            assert_one_clear_line(result, "the store is busy", "try again")
        assert pending(left_pending)  # the reader left the writer's files alone
    finally:
        os.close(fd)
    assert graphgov("info", "--store", left_pending).returncode == 0


def _damage(kind: str, base: Path, store: Path) -> None:
    data = base.read_bytes()
    rng = random.Random(3)
    if kind == "empty":
        store.write_bytes(b"")
    elif kind == "garbage":
        store.write_bytes(bytes(rng.randrange(256) for _ in range(100_000)))
    elif kind == "text":
        store.write_text("hello, not a database\n")
    elif kind == "truncated":
        store.write_bytes(data[:4096])
    elif kind == "garbled_tail":  # vector::reserve (std::length_error) in 0.22
        tail = bytes(rng.randrange(256) for _ in range(20_000))
        store.write_bytes(data[:-20_000] + tail)
    elif kind == "garbled_middle":
        store.write_bytes(data[:100_000] + bytes(rng.randrange(256) for _ in range(50_000)) + data[150_000:])
    elif kind == "other_database":
        import ladybug

        db = ladybug.Database(str(store))
        ladybug.Connection(db).execute("CREATE NODE TABLE Thing(id STRING, PRIMARY KEY(id))")
        db.close()


DAMAGE = ["empty", "garbage", "text", "truncated", "garbled_tail", "garbled_middle", "other_database"]
READERS = [["info"], ["central"], ["gaps"], ["match", "--all"], ["query", "run", "unmet_needs"],
           ["export", "{tmp}/out"], ["map", "--out", "{tmp}/m.html"], ["report", "--out", "{tmp}/r.html"],
           ["history", "N0001"], ["dispatch", "N0001", "R0009", "--on", "2025-06-01"], ["load", GOOD, "--partial"],
           ["load", GOOD]]


WRITERS = ("dispatch", "load")


# LadybugDB 0.22 itself dies with SIGSEGV opening some garbled tails (which bytes depends on the schema's layout):
# run in this process it would end the whole test session, so that case is listed, not run (docs/hardening.md).
NATIVE_CRASH = pytest.mark.xfail(run=False, reason="LadybugDB 0.22 segfaults opening this garbled tail")


@pytest.mark.parametrize("kind", [pytest.param(k, marks=NATIVE_CRASH) if k == "garbled_tail" else k for k in DAMAGE])
def test_a_damaged_store_gives_one_line_pointing_to_doctor(base, tmp_path, kind):
    store = tmp_path / "g.lbdb"
    _damage(kind, base, store)
    before = store.read_bytes()
    for cmd in READERS:
        args = [str(a).format(tmp=tmp_path) for a in cmd]
        result = graphgov(*args, "--store", store)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert_one_clear_line(result, "graphgov doctor")
        if kind != "other_database" or args[0] not in WRITERS:  # a write opens another database read-write
            assert store.read_bytes() == before, args  # nobody wrote over it
    doctor = graphgov("doctor", "--store", store)
    assert doctor.returncode == 1 and "problem" in doctor.stdout and "--rebuild" in doctor.stdout


REBUILDS = [("empty", ["load", SAMPLE, "--replace"]), ("garbage", ["load", SAMPLE, "--replace"]),
            ("other_database", ["load", SAMPLE, "--replace"]), ("garbled_tail", ["doctor", "--rebuild", SAMPLE])]


REBUILDS = REBUILDS + [("garbled_middle", ["doctor", "--rebuild", SAMPLE])]


@pytest.mark.parametrize("kind,how", [pytest.param(k, h, marks=NATIVE_CRASH) if k == "garbled_tail" else (k, h)
                                      for k, h in REBUILDS], ids=[f"{k}-{h[0]}" for k, h in REBUILDS])
def test_a_damaged_store_is_rebuilt_from_a_dataset(base, tmp_path, kind, how):
    store = tmp_path / "g.lbdb"
    _damage(kind, base, store)
    damaged = store.read_bytes()
    result = graphgov(*how, "--store", store)
    assert result.returncode == 0, result.stderr
    assert "rebuilt" in result.stderr and "Traceback" not in result.stderr
    kept = list(tmp_path.glob("g.lbdb.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    info = graphgov("info", "--format", "csv", "--store", store)
    assert info.returncode == 0 and "node,Need,249" in info.stdout
    assert graphgov("doctor", "--store", store).returncode == 0


def test_doctor_on_a_healthy_store_and_on_a_pending_recovery(base, left_pending, tmp_path):
    healthy = tmp_path / "h.lbdb"
    shutil.copy(base, healthy)
    result = graphgov("doctor", "--store", healthy, "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    rows = {r["check"]: r for r in json.loads(result.stdout)}
    assert {k: rows[k]["status"] for k in ("recovery", "opens", "counts", "export")} == {
        "recovery": "ok", "opens": "ok", "counts": "ok", "export": "ok"}
    assert re.search(r"[\d,]+ nodes and [\d,]+ relationships, each count equal to a fresh read", rows["counts"]["detail"])
    result = graphgov("doctor", "--store", left_pending)
    assert result.returncode == 0, result.stderr
    assert "fixed    recovery" in result.stdout
    assert not pending(left_pending)


def test_doctor_finds_a_store_whose_export_fails_the_checks(base, tmp_path):
    store = tmp_path / "c.lbdb"
    shutil.copy(base, store)
    with open_store(store) as s, s.transaction():  # a cycle written behind the checks' back
        s.query("MATCH (a:Area {id: 'BJ'}) SET a.parent_id = 'BJ-CY'")
    result = graphgov("doctor", "--store", store)
    assert result.returncode == 1
    assert "problem  export" in result.stdout and "circle" in result.stdout


def test_doctor_without_a_store_says_how_to_make_one(tmp_path):
    result = graphgov("doctor", "--store", tmp_path / "none.lbdb")
    assert result.returncode == 1 and "graphgov load DATASET" in result.stdout
