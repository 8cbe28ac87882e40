"""Time-to-drawn of graphgov maps in headless Chromium, against a baseline version in the same run.

Cases (datasets from ``graphgov.dataset.generate``; ids prefixed per copy so they stay unique):

- ``beijing default``: the Beijing preset (17,000 units, 3,400 communities …), the map as
  ``graphgov map`` writes it by default;
- ``~500``, ``~2,000``: copies of the ``station`` preset, every node drawn;
- ``~10,000``: two copies of the ``district`` preset, every node drawn (``group_by="none"``,
  every layer on) and as written by default.

Each case is built twice: by this tree and by a baseline version of graphgov (``--baseline``,
a git revision; its ``graphgov/`` is unpacked to a temporary folder and run in a
subprocess on the same tables). Both pages are opened alternately in one headless Chromium
with the network blocked, ``--repeat`` times, and the script reports medians:

- ``build_s``: :func:`graphgov.views.maps.build_map` (graph, centrality, layout, details);
- ``write_s``: :func:`graphgov.views.map_render.render_map`; ``size_mb`` the file;
- ``drawn_ms``: from navigation start to the first complete drawing (``window.graphgov.renderedAt``,
  a ``performance.now()`` reading; the new page counts its labels in);
- ``ratio``: new ``drawn_ms`` ÷ baseline ``drawn_ms`` (below 1: faster).

Run::

    python benchmarks/bench_maps.py                       # baseline: the commit before the maps rework
    python benchmarks/bench_maps.py --baseline HEAD~3 --repeat 5 --cases beijing,10000
"""
from __future__ import annotations

import argparse
import json
import pickle
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from graphgov.dataset import schema  # noqa: E402
from graphgov.dataset.generate import generate  # noqa: E402
from graphgov.views import maps  # noqa: E402

BASELINE = "f167290"  # the maps before the coordination-network rework (issue 16)
# name -> (preset, copies, build_map options of this tree, options of the baseline)
CASES = {
    "beijing": ("beijing", 1, {}, {}),
    "500": ("station", 2, {"group_by": "none", "layers": "all"}, {"group_by": "none"}),
    "2000": ("station", 8, {"group_by": "none", "layers": "all"}, {"group_by": "none"}),
    "10000": ("district", 2, {"group_by": "none", "layers": "all"}, {"group_by": "none"}),
    "10000-default": ("district", 2, {}, {}),
}
_BUILD_OLD = """
import pickle, sys, time, json
sys.path.insert(0, sys.argv[1])
from graphgov.views import maps
tables, options, out = pickle.load(open(sys.argv[2], "rb"))
t0 = time.perf_counter(); data = maps.build_map(tables, **options); t1 = time.perf_counter()
text = maps.render_map(data); t2 = time.perf_counter()
open(out, "w", encoding="utf-8").write(text)
print(json.dumps({"build_s": t1 - t0, "write_s": t2 - t1, "nodes": len(data.nodes), "edges": len(data.edges)}))
"""


def copies(preset: str, n: int) -> dict[str, pd.DataFrame]:
    """``n`` generated datasets side by side, every id prefixed with its copy number."""
    if n == 1:
        return generate(preset, seed=0)
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


def baseline_tree(revision: str, into: Path) -> Path:
    """The baseline's ``graphgov/`` package unpacked under ``into``."""
    archive = into / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), revision, "graphgov"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "baseline", filter="data")
    return into / "baseline"


def draw_once(driver, path: Path) -> tuple[float, int]:
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(path.as_uri())
    while not driver.execute_script("return !!(window.graphgov && window.graphgov.ready)"):
        if time.perf_counter() - start > 300:
            raise TimeoutError(f"{path} did not draw in 300 s")
        time.sleep(0.02)
    drawn = driver.execute_script("return window.graphgov.renderedAt")
    shown = driver.execute_script("return Object.keys(window.graphgov.network.getPositions()).length")
    requests = driver.execute_script("return performance.getEntriesByType('resource').length")
    assert requests == 0, f"{path} made {requests} requests"
    return drawn, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the baseline maps")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "maps.json")
    args = parser.parse_args()

    from browser import start_chromium

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old_root = baseline_tree(args.baseline, tmp)
        pages = []
        for name in args.cases.split(","):
            preset, n, new_opts, old_opts = CASES[name]
            tables = copies(preset, n)
            t0 = time.perf_counter()
            data = maps.build_map(tables, **new_opts)
            t1 = time.perf_counter()
            new_path = tmp / f"{name}-new.html"
            new_path.write_text(maps.render_map(data), encoding="utf-8")
            t2 = time.perf_counter()
            job = tmp / f"{name}.pickle"
            old_path = tmp / f"{name}-old.html"
            job.write_bytes(pickle.dumps((tables, old_opts, str(old_path))))
            done = subprocess.run([sys.executable, "-c", _BUILD_OLD, str(old_root), str(job)], check=True,
                                  capture_output=True, text=True)
            old = json.loads(done.stdout.strip().splitlines()[-1])
            pages.append((name, data, new_path, old_path, {"build_s": t1 - t0, "write_s": t2 - t1}, old))
            print(f"built {name}: new {t1 - t0:.1f}+{t2 - t1:.1f} s, baseline {old['build_s']:.1f}+{old['write_s']:.1f} s",
                  file=sys.stderr)

        driver = start_chromium()
        try:
            for name, data, new_path, old_path, new_t, old in pages:
                new_ms, old_ms = [], []
                for _ in range(args.repeat):  # alternate, so both see the same machine load
                    ms, new_shown = draw_once(driver, new_path)
                    new_ms.append(ms)
                    ms, old_shown = draw_once(driver, old_path)
                    old_ms.append(ms)
                row = {
                    "case": name, "nodes_in_file": len(data.nodes), "start": data.start.get("mode"),
                    "drawn_new": new_shown, "drawn_baseline": old_shown,
                    "build_s": round(new_t["build_s"], 2), "build_s_baseline": round(old["build_s"], 2),
                    "size_mb": round(new_path.stat().st_size / 1e6, 2),
                    "size_mb_baseline": round(old_path.stat().st_size / 1e6, 2),
                    "drawn_ms": round(statistics.median(new_ms)),
                    "drawn_ms_baseline": round(statistics.median(old_ms)),
                }
                row["ratio"] = round(row["drawn_ms"] / max(row["drawn_ms_baseline"], 1), 2)
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
        finally:
            driver.quit()

    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                                    "repeat": args.repeat, "baseline": args.baseline, "rows": rows},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"saved {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
