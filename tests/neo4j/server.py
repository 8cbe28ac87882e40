"""A real Neo4j 5.26 LTS server with Graph Data Science, on loopback, for the test suite.

Neo4j has no server package on PyPI, npm or Debian; its jars are on Maven Central. ``pom.xml``
beside this file fetches embedded Neo4j and GDS there, and ``Launcher.java`` runs them as a
Bolt server on 127.0.0.1 with auth on. This module builds that (once) and runs it:

    sys.path.insert(0, "tests/neo4j"); from server import start
    srv = start(tmp_path)                           # builds if needed, picks a free port
    srv.uri, srv.user, srv.password                 # bolt://127.0.0.1:PORT, "neo4j", random
    os.environ.update(srv.env())                    # NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD
    srv.kill(); srv.restart(); srv.stop()

By hand: ``python tests/neo4j/server.py`` (build, start, check, stop) or ``--serve`` to keep it up.
Standard library only; needs ``java`` (17+) and ``mvn`` on PATH, and Maven Central for the
first build (later builds are offline).
"""
from __future__ import annotations

import atexit
import fcntl
import functools
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
TARGET = HERE / "target"
STAMP = TARGET / "build.stamp"
MAIN_CLASS = "graphgov.testserver.Launcher"
HOST = "127.0.0.1"
USER = "neo4j"

# Heap for the server JVM; the page cache (256 MiB, set in Launcher.java) is off-heap.
HEAP = os.environ.get("GRAPHGOV_NEO4J_HEAP", "1g")
JVM_OPTS = [
    "-XX:+UseG1GC",
    # C1 only: starts in about half the time; the test graphs are far too small for C2 to pay off.
    "-XX:TieredStopAtLevel=1",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    # What Neo4j's own launcher opens up on Java 17.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
]

_running: set["Neo4jServer"] = set()


# -- build ---------------------------------------------------------------------------------------

def _sources() -> list[Path]:
    return [POM, *sorted(p for p in (HERE / "src").rglob("*") if p.is_file())]


def _fingerprint() -> str:
    h = hashlib.sha256()
    for p in _sources():
        h.update(str(p.relative_to(HERE)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _built() -> bool:
    return (STAMP.is_file() and STAMP.read_text().strip() == _fingerprint()
            and (TARGET / "testserver.jar").is_file()
            and any((TARGET / "lib").glob("neo4j-5.*.jar"))
            and any((TARGET / "plugins").glob("proc-*.jar")))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"cannot build or run the Neo4j test server: `{name}` is not on PATH "
                           f"(Debian: apt-get install openjdk-17-jdk-headless maven)")
    return path


@functools.lru_cache(maxsize=None)
def _java() -> str:
    """The java to run: $JAVA_HOME/bin/java, else java on PATH; it must be 17 or later (Neo4j 5.26)."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").is_file() else _tool("java")
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RuntimeError(f"cannot run {java} -version: {err}") from None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(m.group(1)) if m else 0
    if major == 1 and m and m.group(2):
        major = int(m.group(2))
    if major < 17:
        raise RuntimeError(f"the Neo4j test server needs Java 17 or later; {java} is: {out.strip()[:200]}")
    return java


def build(force: bool = False) -> Path:
    """Build the launcher and its classpath into tests/neo4j/target unless it is up to date.

    The first build downloads Neo4j and GDS (about 140 MB) from Maven Central into ~/.m2; later
    ones resolve everything there. Returns the target folder; raises RuntimeError naming what
    failed, with the tail of Maven's output.
    """
    if not force and _built():
        return TARGET
    mvn = _tool("mvn")
    _java()
    TARGET.mkdir(exist_ok=True)
    with open(TARGET / "build.lock", "a+") as lock:  # one build at a time (e.g. xdist workers)
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not force and _built():
                return TARGET
            STAMP.unlink(missing_ok=True)
            cmd = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(POM), "package"]
            try:
                res = subprocess.run(cmd, cwd=HERE, stdin=subprocess.DEVNULL, capture_output=True,
                                     text=True, timeout=3600)
            except subprocess.TimeoutExpired as err:
                raise RuntimeError(f"Maven build of {POM} timed out after {err.timeout:.0f} s") from None
            out = (res.stdout + res.stderr).replace("\x1b[0m", "").strip()
            if res.returncode != 0:
                tail = "\n".join(out.splitlines()[-30:])
                raise RuntimeError(f"Maven build of the Neo4j test server failed (exit {res.returncode}): "
                                   f"{' '.join(cmd)}\n{tail}")
            _prune()
            STAMP.write_text(_fingerprint() + "\n")
            if not _built():
                raise RuntimeError(f"Maven build of {POM} succeeded but left no testserver.jar, lib/ "
                                   f"and plugins/ in {TARGET}")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return TARGET


def _prune() -> None:
    """Delete jars in lib/ and plugins/ that this build did not ask for (other versions, from an
    older pom), so that no two versions of a class are on the classpath. Nothing is deleted
    before the build: a server already running from target/ keeps its jars."""
    for name in ("lib", "plugins"):
        listing = TARGET / f"{name}.classpath"
        if not listing.is_file():
            raise RuntimeError(f"Maven build of {POM} wrote no {listing}")
        wanted = {Path(p).name for p in listing.read_text().strip().split(os.pathsep) if p}
        for jar in (TARGET / name).glob("*.jar"):
            if jar.name not in wanted:
                jar.unlink()


def classpath() -> str:
    return os.pathsep.join([str(TARGET / "testserver.jar"), str(TARGET / "lib" / "*"),
                            str(TARGET / "plugins" / "*")])


# -- server --------------------------------------------------------------------------------------

def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Neo4jServer:
    """One Neo4j + GDS server process. Its database, logs and password live in ``workdir``:

    ``workdir/home`` (Neo4j's home: data/, logs/debug.log), ``workdir/server.log`` (the launcher's
    stdout and stderr), ``workdir/password`` (mode 0600; reused by a later server on the same
    workdir, so data and password survive restart()).
    """

    def __init__(self, workdir: Path | str, port: int | None = None, heap: str = HEAP,
                 jvm_opts: list[str] | None = None):
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.home = self.workdir / "home"
        self.log_path = self.workdir / "server.log"
        self.password_file = self.workdir / "password"
        self._fixed_port = port is not None
        self.port = port or free_port()
        self.user = USER
        self.password = self._password()
        self.heap = heap
        self.jvm_opts = list(JVM_OPTS if jvm_opts is None else jvm_opts)
        self.proc: subprocess.Popen | None = None
        self.started_in: float | None = None  # seconds the last start took

    def __repr__(self) -> str:
        state = f"pid {self.pid}" if self.running else "stopped"
        return f"<Neo4jServer {self.uri} {state} {self.workdir}>"

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def env(self) -> dict[str, str]:
        """The variables graphgov (and Neo4j's own tools) read to connect."""
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.user, "NEO4J_PASSWORD": self.password}

    def _password(self) -> str:
        if self.password_file.is_file():
            pw = self.password_file.read_text().strip()
            if len(pw) >= 8:
                return pw
        pw = secrets.token_urlsafe(24)
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(pw + "\n")
        os.chmod(self.password_file, 0o600)
        return pw

    def command(self) -> list[str]:
        return [_java(), f"-Xms{min(256, _mib(self.heap))}m", f"-Xmx{self.heap}", *self.jvm_opts,
                "-cp", classpath(), MAIN_CLASS,
                str(self.home), str(self.port), str(self.password_file)]

    def start(self, timeout: float = 120.0) -> "Neo4jServer":
        """Start the server and wait until it accepts Bolt connections with GDS loaded."""
        if self.running:
            return self
        build()
        for attempt in range(3):
            try:
                return self._start_once(timeout)
            except _PortTaken:
                if self._fixed_port or attempt == 2:
                    raise RuntimeError(f"port {self.port} on {HOST} is taken") from None
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start_once(self, timeout: float) -> "Neo4jServer":
        t0 = time.monotonic()
        if not _port_free(self.port):  # Neo4j binds Bolt only after its databases are up
            raise _PortTaken()
        log = open(self.log_path, "ab")
        log.write(f"--- starting {self.uri} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        log.flush()
        offset = log.tell()
        try:
            # stdin is a pipe that only this process holds: when it exits, however, the server
            # sees end of file and stops. Its own session keeps a terminal's ^C away from it.
            self.proc = subprocess.Popen(self.command(), cwd=self.workdir, stdin=subprocess.PIPE,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        _running.add(self)
        ready = f"READY {self.uri}"
        while True:
            text = _read_from(self.log_path, offset)
            if ready in text:
                self.started_in = time.monotonic() - t0
                return self
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self._reap()
                if "Address already in use" in text:
                    raise _PortTaken()
                raise RuntimeError(f"the Neo4j test server exited with code {code} before it was ready "
                                   f"(log: {self.log_path})\n{self.log_tail()}")
            if time.monotonic() - t0 > timeout:
                self.kill()
                raise RuntimeError(f"the Neo4j test server was not ready after {timeout:.0f} s; killed it "
                                   f"(log: {self.log_path})\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self, timeout: float = 60.0) -> None:
        """Shut down cleanly (SIGTERM: transactions end, stores are checkpointed); SIGKILL after timeout."""
        if not self.running:
            self._reap()
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reap()

    def kill(self) -> None:
        """SIGKILL: the server dies at once, as in a crash (open transactions are lost, not committed)."""
        if self.running:
            self.proc.kill()
            self.proc.wait()
        self._reap()

    def restart(self, timeout: float = 120.0) -> "Neo4jServer":
        """Stop (if running) and start again on the same port, data and password."""
        self.stop()
        self._fixed_port = True
        return self.start(timeout)

    def _reap(self) -> None:
        if self.proc is not None:
            if self.proc.stdin:
                try:
                    self.proc.stdin.close()
                except OSError:
                    pass
        _running.discard(self)

    def rss_bytes(self) -> int | None:
        """Resident memory of the server process (Linux), or None."""
        if not self.running:
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return None

    def log_tail(self, lines: int = 40) -> str:
        """The end of the launcher's output and of Neo4j's debug.log, for error messages."""
        parts = []
        for path in (self.log_path, self.home / "logs" / "debug.log"):
            if path.is_file():
                tail = _read_from(path, max(0, path.stat().st_size - 64_000)).splitlines()[-lines:]
                parts.append(f"--- {path} (last {len(tail)} lines)\n" + "\n".join(tail))
        text = "\n".join(parts) or "(no server log)"
        return text.replace(self.password, "***")

    def __enter__(self) -> "Neo4jServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _PortTaken(Exception):
    pass


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _read_from(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _mib(size: str) -> int:
    units = {"k": 1 / 1024, "m": 1, "g": 1024}
    s = size.strip().lower()
    return int(float(s[:-1]) * units[s[-1]]) if s[-1] in units else int(s) // (1 << 20)


def start(workdir: Path | str, port: int | None = None, timeout: float = 120.0, **kwargs) -> Neo4jServer:
    """Build if needed, then start a server in ``workdir`` (on a free port unless one is given)."""
    return Neo4jServer(workdir, port, **kwargs).start(timeout)


@atexit.register
def _stop_all() -> None:
    for srv in list(_running):
        try:
            srv.stop(timeout=30)
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


# -- manual smoke test -------------------------------------------------------------------------

def _check(srv: Neo4jServer) -> None:
    """Auth, GDS and two algorithms on a five-node graph, through the official driver."""
    try:
        import neo4j
    except ImportError:
        with socket.create_connection((HOST, srv.port), timeout=5) as s:  # a bare Bolt handshake
            s.sendall(b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00" * 12)
            print(f"Bolt handshake answered {s.recv(4).hex()} (pip install neo4j for a full check)")
        return
    from neo4j.exceptions import AuthError

    try:
        with neo4j.GraphDatabase.driver(srv.uri, auth=(srv.user, srv.password + "x")) as bad:
            bad.verify_connectivity()
        raise AssertionError("a wrong password was accepted")
    except AuthError:
        print("wrong password: AuthError")
    with neo4j.GraphDatabase.driver(srv.uri, auth=srv.auth) as driver:
        def q(cypher: str, **params):
            return driver.execute_query(cypher, params).records

        assert q("RETURN 1 AS one")[0]["one"] == 1
        r = q("CALL gds.version() YIELD gdsVersion CALL dbms.components() YIELD versions, edition "
              "RETURN gdsVersion, versions[0] AS neo4j, edition")[0]
        print(f"Neo4j {r['neo4j']} {r['edition']}, GDS {r['gdsVersion']}")
        q("MATCH (n:Smoke) DETACH DELETE n")
        q("UNWIND range(1, 5) AS i CREATE (:Smoke {id: i})")
        q("MATCH (a:Smoke), (b:Smoke) WHERE b.id = a.id % 5 + 1 OR (a.id = 1 AND b.id = 3) CREATE (a)-[:NEXT]->(b)")
        for name in ("smoke_native", "smoke_cypher"):
            q("CALL gds.graph.drop($g, false) YIELD graphName RETURN graphName", g=name)
        q("CALL gds.graph.project('smoke_native', 'Smoke', 'NEXT') YIELD nodeCount RETURN nodeCount")
        q("MATCH (a:Smoke)-[:NEXT]->(b:Smoke) RETURN gds.graph.project('smoke_cypher', a, b) AS g")
        for name in ("smoke_native", "smoke_cypher"):
            pr = q("CALL gds.pageRank.stream($g) YIELD nodeId, score "
                   "RETURN gds.util.asNode(nodeId).id AS id, score ORDER BY id", g=name)
            bc = q("CALL gds.betweenness.stream($g) YIELD nodeId, score "
                   "RETURN gds.util.asNode(nodeId).id AS id, score ORDER BY id", g=name)
            assert len(pr) == len(bc) == 5
            print(f"{name}: pageRank", " ".join(f"{r['id']}={r['score']:.3f}" for r in pr),
                  "| betweenness", " ".join(f"{r['id']}={r['score']:.1f}" for r in bc))
            q("CALL gds.graph.drop($g) YIELD graphName RETURN graphName", g=name)
        q("MATCH (n:Smoke) DETACH DELETE n")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description="Build and start the Neo4j 5.26 + GDS test server.")
    ap.add_argument("--workdir", type=Path, help="where the database, log and password go (default: a temp dir)")
    ap.add_argument("--port", type=int, help="Bolt port on 127.0.0.1 (default: a free one)")
    ap.add_argument("--serve", action="store_true", help="keep the server up until ^C")
    args = ap.parse_args(argv)

    t0 = time.monotonic()
    build()
    print(f"build: {time.monotonic() - t0:.1f} s ({TARGET})")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="graphgov-neo4j-"))
    if not args.workdir:
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # after the server has stopped
    srv = start(workdir, args.port)
    rss = srv.rss_bytes()
    print(f"started {srv.uri} in {srv.started_in:.1f} s, pid {srv.pid}, RSS {rss / 2**20:.0f} MiB" if rss
          else f"started {srv.uri} in {srv.started_in:.1f} s")
    print(f"user {srv.user}, password in {srv.password_file}, log {srv.log_path}")
    try:
        _check(srv)
        if args.serve:
            print("serving; ^C to stop")
            while srv.running:
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        t1 = time.monotonic()
        srv.stop()
        print(f"stopped in {time.monotonic() - t1:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
