"""Time-to-rendered of graphgov maps in headless Chromium, for about 500, 2,000 and 10,000 nodes.

Datasets come from ``graphgov.dataset.generate``: copies of the ``station`` preset (about 256
nodes each) for the two smaller sizes, two copies of the ``district`` preset (about
5,000 nodes each) for the largest, ids prefixed per copy so they stay unique. For each
size the script measures, in this process:

- ``build_s``: :func:`graphgov.views.maps.build_map` (graph, centrality, igraph layout, details);
- ``write_s``: :func:`graphgov.views.map_render.render_map` and writing the file; ``size_mb`` its size;

and in headless Chromium with the network blocked (median of ``--repeat`` loads):

- ``rendered_ms``: from navigation start to the network's first complete drawing
  (``window.graphgov.renderedAt``, a ``performance.now()`` reading);
- ``load_s``: wall time from ``driver.get`` until the page reports it is drawn.

Every node is drawn (``group_by="none"``); the 10,000-node case is also measured with
the default grouping. Run::

    python benchmarks/bench_maps.py            # prints a Markdown table
    python benchmarks/bench_maps.py --repeat 5 --out benchmarks/out/maps.json
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from graphgov.views import maps  # noqa: E402
from graphgov.dataset import schema
from graphgov.dataset.generate import generate  # noqa: E402

CASES = (("~500", "station", 2), ("~2,000", "station", 8), ("~10,000", "district", 2))


def copies(preset: str, n: int) -> dict[str, pd.DataFrame]:
    """``n`` generated datasets side by side, every id prefixed with its copy number."""
    out: dict[str, list[pd.DataFrame]] = {}
    for i in range(n):
        tables = generate(preset, seed=i)
        for t in schema.TABLES:
            df = tables.get(t.name)
            if df is None:
                continue
            df = df.copy()
            for c in t.columns:
                if c.name not in df.columns:
                    continue
                if c.kind in ("id", "ref"):
                    df[c.name] = df[c.name].map(lambda v, i=i: f"s{i}-{v}" if isinstance(v, str) and v else v)
                elif c.kind == "idlist":
                    df[c.name] = df[c.name].map(
                        lambda v, i=i: ";".join(f"s{i}-{x}" for x in v.split(";")) if isinstance(v, str) and v else v)
            out.setdefault(t.name, []).append(df)
    return {k: pd.concat(v, ignore_index=True) for k, v in out.items()}


def time_in_browser(driver, path: Path, repeat: int) -> tuple[float, float, int]:
    rendered, loads, drawn = [], [], 0
    for _ in range(repeat):
        driver.get("about:blank")
        start = time.perf_counter()
        driver.get(path.as_uri())
        while not driver.execute_script("return !!(window.graphgov && window.graphgov.ready)"):
            if time.perf_counter() - start > 300:
                raise TimeoutError(f"{path} did not render in 300 s")
            time.sleep(0.02)
        loads.append(time.perf_counter() - start)
        rendered.append(driver.execute_script("return window.graphgov.renderedAt"))
        drawn = driver.execute_script("return Object.keys(window.graphgov.network.getPositions()).length")
        requests = driver.execute_script("return performance.getEntriesByType('resource').length")
        assert requests == 0, f"{path} made {requests} requests"
    return statistics.median(rendered), statistics.median(loads), drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "maps.json")
    args = parser.parse_args()

    from browser import start_chromium

    driver = start_chromium()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for label, preset, n in CASES:
                tables = copies(preset, n)
                runs = [("every node", {"group_by": "none"})]
                if preset == "district":
                    runs.append(("grouped (default)", {}))
                for mode, options in runs:
                    t0 = time.perf_counter()
                    data = maps.build_map(tables, **options)
                    t1 = time.perf_counter()
                    path = Path(tmp) / f"{preset}-{n}-{len(rows)}.html"
                    path.write_text(maps.render_map(data), encoding="utf-8")
                    t2 = time.perf_counter()
                    rendered_ms, load_s, drawn = time_in_browser(driver, path, args.repeat)
                    rows.append({
                        "case": label, "mode": mode, "nodes_in_graph": data.total_nodes, "nodes_drawn": drawn,
                        "edges_drawn": len(data.edges), "build_s": round(t1 - t0, 2), "write_s": round(t2 - t1, 2),
                        "size_mb": round(path.stat().st_size / 1e6, 2), "rendered_ms": round(rendered_ms),
                        "load_s": round(load_s, 2),
                    })
                    print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    finally:
        driver.quit()

    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                                    "repeat": args.repeat, "rows": rows}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    print(f"saved {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
