"""What each command costs on the Neo4j store: round trips, bytes sent and received, time.

Starts the test server of tests/neo4j/ (Neo4j 5.26 + GDS on loopback), loads a generated
preset in one transaction and runs the main commands through the library on the Neo4j
store and, as the baseline, on the embedded store in the same run. Bytes are counted with
the driver's own PackStream encoder (graphgov.store.neo4j_store.Traffic).

    python benchmarks/neo4j_traffic.py --preset district
    python benchmarks/neo4j_traffic.py --preset beijing --heap 3g
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "neo4j"))


def commands(day: dt.date):
    from graphgov.analysis.central import central_table
    from graphgov.analysis.gaps import find_gaps
    from graphgov.matching.assign import assign_all

    return [
        ("info", lambda s: s.counts()),
        ("central", lambda s: central_table(s)),
        ("gaps", lambda s: find_gaps(s, as_of=day)),
        ("match --all --assign", lambda s: assign_all(s, as_of=day)),
        ("export (read_tables)", lambda s: s.read_tables(include_internal=False)),
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="district")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--heap", default="2g", help="the server's Java heap")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = ap.parse_args(argv)

    import server

    from graphgov.dataset.checks import read_and_check
    from graphgov.dataset.generate import REFERENCE_DATE, write_generated
    from graphgov.store.ladybug_store import LadybugStore
    from graphgov.store.neo4j_store import Neo4jSettings, Neo4jStore

    work = Path(tempfile.mkdtemp(prefix="graphgov-traffic-"))
    write_generated(args.preset, args.seed, work / "data")
    ds = read_and_check(work / "data")
    rows = sum(len(df) for df in ds.tables.values())
    day = dt.date.fromisoformat(str(REFERENCE_DATE))
    srv = server.start(work / "neo4j", heap=args.heap)
    results = {"preset": args.preset, "seed": args.seed, "rows": rows, "heap": args.heap, "commands": {}}
    try:
        neo = Neo4jStore(Neo4jSettings(srv.uri, srv.user, srv.password))
        emb = LadybugStore(work / "g.lbdb", read_only=False)
        t0 = time.perf_counter()
        emb.load(ds)
        emb_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        neo.load(ds)
        neo_load = time.perf_counter() - t0
        tr = neo.traffic
        results["load"] = {"embedded_s": round(emb_load, 2), "neo4j_s": round(neo_load, 2),
                           "statements": tr.statements, "sent_mb": round(tr.sent_bytes / 1e6, 2),
                           "received_mb": round(tr.received_bytes / 1e6, 2), "server_rss_mb":
                           round((srv.rss_bytes() or 0) / 2**20)}
        print(f"{args.preset} seed {args.seed}: {rows:,} rows; load embedded {emb_load:.2f} s, "
              f"Neo4j {neo_load:.2f} s in one transaction ({neo_load / emb_load:.1f}x), "
              f"{tr.statements} statements, {tr.sent_bytes / 1e6:.1f} MB sent")
        for name, run in commands(day):
            neo.traffic.__init__()
            t0 = time.perf_counter()
            run(emb)
            te = time.perf_counter() - t0
            t0 = time.perf_counter()
            run(neo)
            tn = time.perf_counter() - t0
            tr = neo.traffic
            results["commands"][name] = {"embedded_s": round(te, 2), "neo4j_s": round(tn, 2),
                                         "round_trips": tr.statements, "sent_kb": round(tr.sent_bytes / 1e3, 1),
                                         "rows": tr.rows, "received_mb": round(tr.received_bytes / 1e6, 2)}
            print(f"  {name:24s} embedded {te:6.2f} s  Neo4j {tn:6.2f} s ({tn / te:4.1f}x)  "
                  f"{tr.statements:4d} round trips  {tr.sent_bytes / 1e3:8.1f} kB sent  "
                  f"{tr.rows:9,d} rows  {tr.received_bytes / 1e6:7.2f} MB received")
        neo.close()
        emb.close()
    finally:
        srv.stop()
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
