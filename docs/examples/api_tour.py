"""A tour of graphgov's Python API on the bundled sample, as a notebook would run it.

    python docs/examples/api_tour.py [STORE] [OUT_DIR]

Loads the sample into STORE (default: sample.lbdb here), then asks the questions a planner
asks — who coordinates, where the network is thin, which resource for which need, a named
report — as of the sample's reference day, prints the heads of the answers and saves each
one as JSON in OUT_DIR (default: api-tour/), with the network map beside them. The tests run
this script and check every saved answer against the CLI's --format json.
"""
import json
import sys
from pathlib import Path

import graphgov
from graphgov.dataset import sample_dir
from graphgov.views.tables import to_records

DAY = "2025-12-31"  # the sample's reference date: the same answers on any day

store_path = sys.argv[1] if len(sys.argv) > 1 else "sample.lbdb"
out = Path(sys.argv[2] if len(sys.argv) > 2 else "api-tour")
out.mkdir(parents=True, exist_ok=True)


def save(name, df):
    """Show the first rows, and keep the answer for the tests."""
    print(f"\n== {name}: {len(df)} rows")
    print(df.head(5).to_string(max_colwidth=30))
    (out / f"{name}.json").write_text(json.dumps(to_records(df), ensure_ascii=False, indent=1), encoding="utf-8")


# 1. load the sample (check first, then all or nothing), and open the store for reading
loaded = graphgov.load(sample_dir(), store_path)
print(loaded.to_string(index=False))
store = graphgov.open_store(store_path)

# 2. the network and who holds it together
save("network", graphgov.network(store))
save("central", graphgov.central(store))

# 3. where it is thin, as of the reference day
save("gaps", graphgov.gaps(store, as_of=DAY))

# 4. which resource for which need: one need, then everything at once
save("match_N0012", graphgov.match(store, "N0012", on=DAY))
assignments = graphgov.assign(store, on=DAY)
print("total score", round(assignments.attrs["stats"]["total_score"], 3))
save("assign", assignments)
save("unmatched", graphgov.assign(store, on=DAY, unmatched=True))

# 5. a named Cypher report, with a parameter
save("committee_roster_C07", graphgov.report(store, "committee_roster", committee="C07"))

# 6. the map, one offline HTML file (in Jupyter: IPython.display.IFrame(str(path), width="100%", height=600))
path = graphgov.write_map(store, out / "map.html", view="committee", committee="C07")
print("\nmap:", path)
store.close()
