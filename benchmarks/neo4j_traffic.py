"""What each command costs on the Neo4j store: round trips, bytes sent and received, time.

Loads a generated preset into a Neo4j server and into the embedded store, then runs the
main commands as a user types them (the CLI, each in a fresh process) on both stores in the
same run. Every statement the Neo4j store sends is counted (graphgov.store.neo4j_store.Traffic:
one round trip per statement, parameter and result bytes packed with the driver's own
PackStream encoder); the server's largest transaction memory is sampled during the load.

By default the test server of tests/neo4j/ is started (Neo4j 5.26 + GDS on loopback, 512 MiB
for all open transactions); --uri uses a running scratch server instead (user and password
from NEO4J_USERNAME and NEO4J_PASSWORD; its database is emptied).

    python benchmarks/neo4j_traffic.py --preset district
    python benchmarks/neo4j_traffic.py --preset beijing --out beijing-neo4j.json
    python benchmarks/neo4j_traffic.py --preset district --area D01   # scoped analyses too
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "neo4j"))


def commands(day: str, scopes: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(name, CLI arguments) of the commands measured, after the load."""
    out = [
        ("info", ["info"]),
        ("central", ["central"]),
        ("gaps", ["gaps", "--as-of", day]),
        ("match --all --assign", ["match", "--all", "--assign", "--on", day]),
        ("export", ["export", "{tmp}/export-{store}"]),
        ("report", ["report", "--as-of", day, "--out", "{tmp}/report-{store}.html"]),
    ]
    for option, value in scopes:
        out += [(f"central {option} {value}", ["central", option, value]),
                (f"gaps {option} {value}", ["gaps", option, value, "--as-of", day])]
    return out


class Tally:
    """Every statement any Neo4jStore sends, counted (the store's single point of sending is wrapped)."""

    def __init__(self):
        from graphgov.store.neo4j_store import Neo4jStore, Traffic

        self.traffic = Traffic()
        original = Neo4jStore._run
        tally = self

        def run(store, cypher, params, shown):
            before = (store.traffic.statements, store.traffic.sent_bytes, store.traffic.rows,
                      store.traffic.received_bytes)
            try:
                return original(store, cypher, params, shown)
            finally:
                t = store.traffic
                tally.traffic.statements += t.statements - before[0]
                tally.traffic.sent_bytes += t.sent_bytes - before[1]
                tally.traffic.rows += t.rows - before[2]
                tally.traffic.received_bytes += t.received_bytes - before[3]

        Neo4jStore._run = run


def peak_transaction_memory(uri: str, user: str, password: str, stop: threading.Event, into: dict) -> None:
    """Sample SHOW TRANSACTIONS until ``stop``; the largest estimated heap of any one transaction."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        while not stop.is_set():
            records, _, _ = driver.execute_query("SHOW TRANSACTIONS YIELD estimatedUsedHeapMemory AS m RETURN m")
            for r in records:
                into["peak"] = max(into.get("peak", 0), r["m"] or 0)
            time.sleep(0.2)


def invoke(args: list[str]) -> tuple[float, dict]:
    """Run ``graphgov ARGS`` in a fresh process, as a user does; (wall seconds inside it, its Neo4j traffic).

    A fresh process per command: nothing cached between commands, and central's forked workers
    start from a process without the driver's threads.
    """
    import subprocess

    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, __file__, "--run-one", out.name, "--", *args]
        done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode != 0:
            raise SystemExit(f"graphgov {' '.join(args)}: exit {done.returncode}\n{done.stdout[-2000:]}"
                             f"{done.stderr[-2000:]}")
        figures = json.loads(Path(out.name).read_text(encoding="utf-8"))
    return figures.pop("seconds"), figures


def run_one(out: str, args: list[str]) -> int:
    """In the child: count the Neo4j traffic of one command and time it (imports excluded)."""
    from graphgov.cli import cli

    tally = Tally()
    t0 = time.perf_counter()
    try:
        cli.main(args, standalone_mode=False)
    finally:
        tr = tally.traffic
        Path(out).write_text(json.dumps({"seconds": time.perf_counter() - t0, "round_trips": tr.statements,
                                         "sent_bytes": tr.sent_bytes, "rows": tr.rows,
                                         "received_bytes": tr.received_bytes}), encoding="utf-8")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run-one"]:
        return run_one(argv[1], argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="district")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--heap", default="2g", help="the started server's Java heap")
    ap.add_argument("--uri", default=None, help="a running scratch Neo4j server to use instead of starting one")
    ap.add_argument("--transaction", default="auto", choices=["auto", "one", "staged"], help="how the load is written")
    ap.add_argument("--committee", action="append", default=[], help="also measure central and gaps of this scope")
    ap.add_argument("--area", action="append", default=[], help="also measure central and gaps of this scope")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = ap.parse_args(argv)

    from graphgov.dataset.checks import read_and_check
    from graphgov.dataset.generate import REFERENCE_DATE, write_generated
    from graphgov.store.neo4j_store import Neo4jSettings, Neo4jStore

    work = Path(tempfile.mkdtemp(prefix="graphgov-traffic-"))
    write_generated(args.preset, args.seed, work / "data")
    rows = sum(len(df) for df in read_and_check(work / "data").tables.values())
    day = str(REFERENCE_DATE)
    srv = None
    if args.uri:
        uri, user, password = args.uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
    else:
        import server

        srv = server.start(work / "neo4j", heap=args.heap)
        uri, user, password = srv.uri, srv.user, srv.password
    os.environ.update({"NEO4J_USERNAME": user, "NEO4J_PASSWORD": password})
    os.environ.pop("GRAPHGOV_STORE", None)
    results = {"preset": args.preset, "seed": args.seed, "rows": rows, "server": "started" if srv else "given",
               "transaction": args.transaction, "commands": {}}
    stores = {"embedded": str(work / "g.lbdb"), "neo4j": uri}
    try:
        empty = Neo4jStore(Neo4jSettings(uri, user, password))
        empty.clear_staged()
        while empty.query("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n")["n"][0]:
            pass
        empty.close()
        te, _ = invoke(["load", str(work / "data"), "--store", stores["embedded"]])
        stop, memory = threading.Event(), {}
        watcher = threading.Thread(target=peak_transaction_memory, args=(uri, user, password, stop, memory))
        watcher.start()
        try:
            tn, tr = invoke(["load", str(work / "data"), "--store", uri, "--transaction", args.transaction])
        finally:
            stop.set()
            watcher.join()
        results["load"] = {"embedded_s": round(te, 2), "neo4j_s": round(tn, 2), "round_trips": tr["round_trips"],
                           "sent_mb": round(tr["sent_bytes"] / 1e6, 2), "rows": tr["rows"],
                           "received_mb": round(tr["received_bytes"] / 1e6, 2),
                           "peak_transaction_mib": round(memory.get("peak", 0) / 2**20)}
        print(f"{args.preset} seed {args.seed}: {rows:,} rows; load embedded {te:.2f} s, Neo4j {tn:.2f} s "
              f"({args.transaction}), {tr['round_trips']} round trips, {tr['sent_bytes'] / 1e6:.1f} MB sent, "
              f"{tr['received_bytes'] / 1e6:.1f} MB received, largest transaction "
              f"{memory.get('peak', 0) / 2**20:.0f} MiB", flush=True)
        scopes = [("--committee", c) for c in args.committee] + [("--area", a) for a in args.area]
        for name, cmd in commands(day, scopes):
            times = {}
            for kind, store in stores.items():
                filled = [c.format(tmp=work, store=kind) for c in cmd]
                times[kind], tr = invoke(filled + ["--store", store])
            results["commands"][name] = {"embedded_s": round(times["embedded"], 2),
                                         "neo4j_s": round(times["neo4j"], 2), "round_trips": tr["round_trips"],
                                         "sent_kb": round(tr["sent_bytes"] / 1e3, 1), "rows": tr["rows"],
                                         "received_mb": round(tr["received_bytes"] / 1e6, 2)}
            print(f"  {name:28s} embedded {times['embedded']:6.2f} s  Neo4j {times['neo4j']:6.2f} s  "
                  f"{tr['round_trips']:5d} round trips  {tr['sent_bytes'] / 1e3:9.1f} kB sent  "
                  f"{tr['rows']:9,d} rows  {tr['received_bytes'] / 1e6:7.2f} MB received", flush=True)
    finally:
        if srv is not None:
            srv.stop()
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
