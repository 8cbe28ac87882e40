"""Crash safety of every writing command: SIGKILL it at random moments of its write, then use the store.

For each writing command (load, load --partial, load --replace, dispatch, accept, decline,
fulfil, withdraw, close, reopen, and match --assign --dispatch, which stores an analysis's
result) the harness

1. builds the store the command starts from (its *before* state) and runs the command once
   to completion to learn its *after* state and how long it holds the writer lock;
2. again and again: copies the before store, starts the command, waits until the command
   holds the store's writer lock (read from ``/proc/locks``, so the command is not
   disturbed), sleeps a random time within the measured write, checks that the lock is
   still held and sends SIGKILL; a kill counts only when the process was inside its write
   (holding the lock) and died of the signal;
3. opens the killed store as the next command would, alternately a reader first and a
   writer (a transaction) first, and checks that it opens and holds exactly the before or
   the after state (every table, compared row by row).

Commands start from a *zygote*: one process that has imported graphgov and forks a child
per run, so a run costs milliseconds rather than an interpreter start. Linux only
(``/proc/locks``, ``fork``).

    python benchmarks/kill_harness.py --kills 200                 # every command, 200 kills each
    python benchmarks/kill_harness.py --kills 50 --commands dispatch,accept

Prints a table of counts per command; exits 1 if any store was unusable or in neither state.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, the harness tests the checkout it sits in. Imported by the tests, it tests the
# graphgov they imported (the installed package when they test that): it leaves the path alone.
if "graphgov" not in sys.modules and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "data" / "sample"


def _child_env() -> dict[str, str]:
    """The environment of the commands' processes: they import the graphgov this process imports."""
    import importlib.util

    where = Path(importlib.util.find_spec("graphgov").origin).resolve().parents[1]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(where), *filter(None, [os.environ.get("PYTHONPATH")])])}
GOOD = ROOT / "tests" / "data" / "good"
STORE = "g.lbdb"

ZYGOTE = r"""
import json, os, sys
import pandas, ladybug, openpyxl  # noqa: F401  (imported once, shared by every child)
from graphgov.cli import cli
import graphgov.cli.data, graphgov.cli.matching, graphgov.dataset.checks, graphgov.matching.lifecycle  # noqa: F401
import graphgov.matching.assign, graphgov.store.ladybug_store  # noqa: F401
print("ready", flush=True)
for line in sys.stdin:
    verb, _, rest = line.strip().partition(" ")
    if verb == "run":
        job = json.loads(rest)
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                os.chdir(job["cwd"])
                null = os.open(os.devnull, os.O_WRONLY)
                err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(null, 1)
                os.dup2(err, 2)
                cli.main(args=job["args"], prog_name="graphgov", standalone_mode=True)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                os._exit(code)
        print(pid, flush=True)
    elif verb == "wait":
        _, status = os.waitpid(int(rest), 0)
        print(os.waitstatus_to_exitcode(status), flush=True)
"""


class Zygote:
    """A process with graphgov imported that forks one child per command."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=_child_env(), cwd=ROOT)
        assert self.proc.stdout.readline().strip() == "ready"

    def start(self, args: list[str], cwd: Path, stderr: Path) -> int:
        self.proc.stdin.write("run " + json.dumps({"args": args, "cwd": str(cwd), "stderr": str(stderr)}) + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def wait(self, pid: int) -> int:
        self.proc.stdin.write(f"wait {pid}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def lock_holder(lock_file: Path) -> int | None:
    """The pid holding a flock on ``lock_file`` (from /proc/locks), or None; read without taking a lock."""
    try:
        st = os.stat(lock_file)
    except FileNotFoundError:
        return None
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    with open("/proc/locks") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) > 5 and parts[1] == "FLOCK" and parts[5] == dev:
                return int(parts[4])
    return None


def signature(path: Path) -> str:
    """Every table the store holds, order-independent; the wall-clock stamp of loop events left out."""
    from graphgov.store import open_store

    with open_store(path) as store:
        tables = store.read_tables()
    h = hashlib.sha256()
    for name in sorted(tables):
        df = tables[name].drop(columns=["recorded_at"], errors="ignore")
        h.update(name.encode())
        h.update("\n".join(sorted(df.to_csv(index=False, header=False).splitlines())).encode())
    return h.hexdigest()


def _cli(args: list, store: Path) -> None:
    from click.testing import CliRunner
    from graphgov.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args] + ["--store", str(store)], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"setting up {args}: {result.output}")


@dataclasses.dataclass(frozen=True)
class World:
    """The data the commands run on: a base dataset, ids valid in it and the dataset loaded over it."""

    base: Path  # loaded into the store every dispatch-loop command starts from
    need: str  # open, with a resource of its category
    resource: str
    day: str  # a day the resource is available on
    closable: str  # another open need
    load_before: Path  # 'load' runs over a store holding this …
    load: Path  # … and loads this
    replace: Path  # 'load --replace' replaces the base with this


def _next_day(day: str, n: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def _partial_update(base: Path, folder: Path) -> Path:
    """Next month's needs list: every need retitled, and as many new ones (up to 100)."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    needs = pd.read_csv(base / "needs.csv", dtype=str, keep_default_na=False)
    needs["title"] = needs["title"] + "（更新）"
    new = needs.head(100).copy()
    new["id"] = [f"NX{i:04d}" for i in range(len(new))]
    pd.concat([needs, new]).to_csv(folder / "needs.csv", index=False)
    return folder


def worlds(work: Path) -> dict[str, World]:
    """'sample' (the bundled sample: the benchmark's default) and 'small' (quick, for the test suite)."""
    from graphgov.dataset.generate import write_generated

    station = work / "station"
    if not station.exists():
        write_generated("station", 3, station)
    return {
        "sample": World(SAMPLE, "N0001", "R0009", "2025-06-01", "N0002", GOOD, SAMPLE, GOOD),
        "small": World(GOOD, "N1", "R1", "2024-06-01", "N2", GOOD, station, station),
    }


def commands(w: World, work: Path) -> dict[str, tuple[list[str], list[list[str]]]]:
    """name: (the command's arguments, the steps that make its before state from the loaded base)."""
    d1, d2, d3 = w.day, _next_day(w.day, 1), _next_day(w.day, 2)
    dispatch = ["dispatch", w.need, w.resource, "--quantity", "1", "--on", d1]
    return {
        "load": (["load", str(w.load)], []),
        "load --partial": (["load", str(_partial_update(w.base, work / "partial")), "--partial"], []),
        "load --replace": (["load", str(w.replace), "--replace"], [dispatch]),
        "dispatch": (dispatch, []),
        "accept": (["accept", "D000001", "--on", d2], [dispatch]),
        "decline": (["decline", "D000001", "--on", d2], [dispatch]),
        "withdraw": (["withdraw", "D000001", "--on", d2], [dispatch]),
        "fulfil": (["fulfil", "D000001", "--on", d3], [dispatch, ["accept", "D000001", "--on", d2]]),
        "close": (["close", w.closable, "--on", d1], []),
        "reopen": (["reopen", w.closable, "--on", d2], [["close", w.closable, "--on", d1]]),
        "match --dispatch": (["match", "--all", "--assign", "--dispatch", "--on", d1], []),
    }


COMMANDS = ("load", "load --partial", "load --replace", "dispatch", "accept", "decline", "withdraw", "fulfil", "close",
            "reopen", "match --dispatch")


@dataclasses.dataclass
class Tally:
    command: str
    kills: int = 0  # SIGKILLed while holding the writer lock
    before: int = 0
    after: int = 0
    pending: int = 0  # a checkpoint left half done, finished by the next open
    touched: int = 0  # the kill left files changed: the store's bytes, a log, a checkpoint or a half-built load
    finished_first: int = 0  # the command ended before the chosen moment: not counted as a kill
    unusable: int = 0
    wrong_state: int = 0
    write_seconds: float = 0.0  # how long the command holds the writer lock, measured unkilled
    not_run: bool = False  # its before or after state could not be made
    problems: list = dataclasses.field(default_factory=list)


def _copy_store(src: Path, dst_dir: Path) -> Path:
    if dst_dir.exists():
        shutil.rmtree(dst_dir)
    dst_dir.mkdir(parents=True)
    shutil.copy(src, dst_dir / STORE)
    return dst_dir / STORE


def _run_until_lock(zygote: Zygote, args: list[str], store: Path, err: Path) -> tuple[int, float | None]:
    """Start the command; return its pid and the monotonic time it took the writer lock (None if it never did)."""
    lock = store.with_name(store.name + ".lock")
    pid = zygote.start(args + ["--store", str(store)], store.parent, err)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if lock_holder(lock) == pid:
            return pid, time.monotonic()
        if not _alive(pid):
            return pid, None
        time.sleep(0.0005)  # leave the cores to the command; the lock is held for tenths of a second at least
    return pid, None


def _alive(pid: int) -> bool:
    """Whether the command still runs (the zygote reaps it only when asked, so it ends as a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def prepare(name: str, args: list[str], steps: list[list[str]], work: Path, zygote: Zygote, base: Path,
            load_before: Path) -> tuple[Path, str, str, float]:
    """The command's before store, the before and after signatures, and how long it holds the writer lock."""
    before = work / "before" / STORE
    before.parent.mkdir(parents=True, exist_ok=True)
    if name == "load":
        _cli(["load", load_before], before)
    else:
        shutil.copy(base, before)
    for step in steps:
        _cli(step, before)
    before_sig = signature(before)
    durations, after_sig = [], None
    for i in range(3):
        store = _copy_store(before, work / f"calibrate{i}")
        err = store.parent / "stderr.txt"
        pid, locked = _run_until_lock(zygote, args, store, err)
        code = zygote.wait(pid)
        if code != 0 or locked is None:
            raise RuntimeError(f"{name} did not complete unkilled (exit {code}): {err.read_text()[-2000:]}")
        durations.append(time.monotonic() - locked)
        sig = signature(store)
        if after_sig not in (None, sig):
            raise RuntimeError(f"{name}: two unkilled runs left different stores")
        after_sig = sig
    if after_sig == before_sig:
        raise RuntimeError(f"{name}: the command changes nothing; nothing to test")
    return before, before_sig, after_sig, sorted(durations)[1]


def _touched(store: Path, pristine: str) -> bool:
    """Whether the killed command had changed anything on disk: proof it was inside its write."""
    extra = {p.name for p in store.parent.iterdir()} - {STORE, STORE + ".lock", "stderr.txt"}
    return bool(extra) or hashlib.sha256(store.read_bytes()).hexdigest() != pristine


def check_killed(store: Path, before_sig: str, after_sig: str, writer_first: bool, tally: Tally) -> None:
    """Open the killed store as the next command would; count its state or what went wrong."""
    from graphgov.store import open_store

    if any(store.with_name(store.name + s).exists() for s in (".wal.checkpoint", ".shadow")):
        tally.pending += 1
    try:
        if writer_first:
            with open_store(store, read_only=False) as s, s.transaction():
                s.query("MATCH (n:Unit) RETURN count(n) AS n")
        sig = signature(store)
        if not writer_first:
            with open_store(store, read_only=False) as s, s.transaction():
                s.query("MATCH (n:Unit) RETURN count(n) AS n")
    except Exception as err:  # anything at all: the store is unusable, which is what is counted
        tally.unusable += 1
        tally.problems.append(f"unusable: {err}")
        return
    if sig == before_sig:
        tally.before += 1
    elif sig == after_sig:
        tally.after += 1
    else:
        tally.wrong_state += 1
        tally.problems.append(f"neither before nor after: {sorted(p.name for p in store.parent.iterdir())}")


def run_command(name: str, args: list[str], steps: list[list[str]], kills: int, work: Path, zygote: Zygote,
                base: Path, load_before: Path, seed: int = 0) -> Tally:
    before, before_sig, after_sig, write = prepare(name, args, steps, work, zygote, base, load_before)
    tally = Tally(name, write_seconds=write)
    pristine = hashlib.sha256(before.read_bytes()).hexdigest()
    rng = random.Random(f"{seed}:{name}")
    attempts = 0
    while tally.kills < kills and attempts < kills * 5:
        attempts += 1
        store = _copy_store(before, work / "trial")
        pid, locked = _run_until_lock(zygote, args, store, store.parent / "stderr.txt")
        if locked is None:
            zygote.wait(pid)
            tally.finished_first += 1
            continue
        time.sleep(rng.uniform(0, write * 1.05))
        if lock_holder(store.with_name(store.name + ".lock")) != pid:  # it left its write already
            zygote.wait(pid)
            tally.finished_first += 1
            continue
        os.kill(pid, signal.SIGKILL)
        code = zygote.wait(pid)
        if code != -signal.SIGKILL:
            tally.finished_first += 1
            continue
        tally.kills += 1
        tally.touched += _touched(store, pristine)
        check_killed(store, before_sig, after_sig, writer_first=bool(tally.kills % 2), tally=tally)
    return tally


def run(names: list[str], kills: int, workdir: Path | None = None, seed: int = 0, world: str = "sample",
        progress=lambda t: None) -> list[Tally]:
    """Run the harness on the commands ``names`` in ``world`` ('sample' or 'small'); one Tally per command."""
    from graphgov.dataset.checks import read_and_check
    from graphgov.store import open_store

    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="graphgov-kills-")) if own else Path(workdir)
    root.mkdir(parents=True, exist_ok=True)
    zygote = Zygote()
    try:
        w = worlds(root)[world]
        table_of = commands(w, root)
        base = root / "base" / STORE
        base.parent.mkdir(parents=True, exist_ok=True)
        if not base.exists():
            with open_store(base) as s:
                s.load(read_and_check(w.base))
        tallies = []
        for name in names:
            args, steps = table_of[name]
            try:
                tally = run_command(name, args, steps, kills, root / name.replace(" ", "_").replace("-", ""), zygote,
                                    base, w.load_before, seed)
            except RuntimeError as err:  # the command could not even be set up: say so, go on with the others
                tally = Tally(name, problems=[f"not run: {err}"], not_run=True)
            progress(tally)
            tallies.append(tally)
        return tallies
    finally:
        zygote.close()
        if own:
            shutil.rmtree(root, ignore_errors=True)


def table(tallies: list[Tally]) -> str:
    head = ("| command | kills in the write | files changed | before | after | pending recovery finished | unusable "
            "| neither state | ended before the kill | write (s) |\n|---|---|---|---|---|---|---|---|---|---|")
    rows = [f"| `{t.command}` | {t.kills} | {t.touched} | {t.before} | {t.after} | {t.pending} | {t.unusable} "
            f"| {t.wrong_state} | {t.finished_first} | {t.write_seconds:.2f} |" for t in tallies]
    return "\n".join([head, *rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="kills inside the write per command (default 200)")
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated, from: " + ", ".join(COMMANDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the stores here")
    parser.add_argument("--world", choices=["sample", "small"], default="sample",
                        help="sample: the bundled sample (default); small: the tests' tiny dataset (quick)")
    opts = parser.parse_args()
    names = [c.strip() for c in opts.commands.split(",") if c.strip()]
    unknown = [c for c in names if c not in COMMANDS]
    if unknown:
        parser.error(f"unknown commands: {', '.join(unknown)}")
    started = time.monotonic()

    def show(t: Tally) -> None:
        print(f"{t.command}: {t.kills} kills, {t.before} before, {t.after} after, {t.pending} pending recoveries, "
              f"{t.unusable} unusable, {t.wrong_state} in neither state ({time.monotonic() - started:.0f} s)",
              file=sys.stderr, flush=True)
        for p in t.problems[:5]:
            print(f"  {p}", file=sys.stderr)

    tallies = run(names, opts.kills, opts.workdir, opts.seed, opts.world, show)
    print(table(tallies))
    print(f"\n{sum(t.kills for t in tallies)} kills in {time.monotonic() - started:.0f} s")
    return 1 if any(t.unusable or t.wrong_state or t.not_run for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
