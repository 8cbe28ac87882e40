"""Mutation testing of graphgov's core modules with mutmut: which small bugs do the tests catch?

Not part of the test run (it takes tens of minutes). For each core concern (the dispatch
loop, matching capacity and assignment, gap rules, checks, the store's merge, brokerage,
the personal-data filter, HTML escaping), mutmut plants small changes in the functions that
implement it (an operator flipped, a constant changed, an argument dropped, a string
altered ...) one at a time and runs the tests that reach the changed function; a change
the tests do not notice *survives*. docs/testing.md records the kill rate per module and
the reason for every survivor.

Each module is mutated in its own copy of the work tree (under ``--workdir``), so the tree
you work in is never touched, and only the test files named for it below are run (mutmut
then narrows them further to the tests that call the mutated function). One mutant runs at
a time unless ``--jobs`` says otherwise. ``--resume`` keeps a module's copy and mutmut's
results from an interrupted run.

Usage (mutmut 3.8 in a virtual environment that sees the project's packages)::

    python3 -m venv --system-site-packages "$VENV"          # any folder outside the work tree
    "$VENV"/bin/pip install mutmut==3.8.1
    "$VENV"/bin/python benchmarks/mutation.py                     # every module
    "$VENV"/bin/python benchmarks/mutation.py brokerage privacy   # some
    "$VENV"/bin/python benchmarks/mutation.py --sample 5 checks   # about one mutant in 5
    "$VENV"/bin/python benchmarks/mutation.py --list

Results: ``benchmarks/results/mutation.json`` (per module: counts, kill rate, survivors
with their diffs) and a summary table on stdout.
"""
from __future__ import annotations

import argparse
import configparser
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module name -> (the file mutated, the functions of the concern in it, the test files that judge it).
# Functions are mutmut's names: x_NAME for a function, xǁCLASSǁNAME for a method; None is every one.
MODULES: dict[str, tuple[str, list[str] | None, list[str]]] = {
    "lifecycle": ("graphgov/matching/lifecycle.py",
                  ["x__used", "x_need_status", "x__quantity", "x__current_need_status", "x__check_dispatch", "x__step",
                   "x__need_step"],
                  # test_dates.py checks the dates and rating each step writes on the need
                  ["tests/test_lifecycle.py", "tests/test_dates.py"]),
    "capacity": ("graphgov/matching/scoring.py", ["x_dispatch_usage"], ["tests/test_matching.py", "tests/test_lifecycle.py"]),
    "assign": ("graphgov/matching/assign.py", ["x_waiting_needs", "x_assign_all"],
               ["tests/test_matching.py", "tests/test_lifecycle.py"]),
    "solvers": ("graphgov/matching/solvers.py", None, ["tests/test_matching.py"]),
    "gap_rules": ("graphgov/analysis/gap_rules.py",
                  ["x_inactive_members", "x__reachable_resources", "x_unmet_needs", "x_supply_gaps", "x_idle_committees"],
                  ["tests/test_gaps.py"]),
    "checks": ("graphgov/dataset/checks.py",
               ["x_normalise_id", "x__parse_date", "x__parse_number", "xǁ_Checkerǁrun", "xǁ_Checkerǁtype_column",
                "xǁ_Checkerǁtype_value", "xǁ_Checkerǁcheck_keys", "xǁ_Checkerǁids", "xǁ_Checkerǁcheck_references",
                "xǁ_Checkerǁcheck_hierarchies", "xǁ_Checkerǁcheck_agreements"],
               # the checker's own tests: a bad dataset refused by 'graphgov check' (the same cases refused by a
               # load, each loading the sample first, add minutes and no kills), encodings, workbooks, ids,
               # warnings, the dates of a need's history, hierarchy circles, hostile files
               [*(f"tests/test_foundation.py::{t}" for t in (
                   "test_check_command_reports_the_same_error", "test_check_command_states_each_problem_in_full",
                   "test_encodings_and_workbook_read_the_same_tables",
                   "test_workbook_has_chinese_sheet_names_and_headers", "test_utf16_tab_separated_export_is_read",
                   "test_unknown_category_is_a_warning_naming_the_closest", "test_full_width_ids_are_normalised",
                   "test_all_errors_reported_in_one_pass", "test_partial_update_needs_known_references",
                   "test_whole_numbers_as_spreadsheets_write_them",
                   "test_ids_with_invisible_characters_or_spaces_are_refused_with_the_fix",
                   "test_a_number_beyond_a_64_bit_column_is_too_large_either_way",
                   "test_two_agreements_of_one_pair_without_a_kind_are_a_duplicate",
                   "test_a_checked_dataset_knows_the_spreadsheet_row_of_each_row",
                   "test_store_matches_input_tables")),
                *(f"tests/test_dates.py::{t}" for t in (
                    "test_meta_row_is_read_stored_and_read_back", "test_chinese_sheet_and_headers",
                    "test_an_instructions_sheet_named_shuoming_is_ignored_with_a_warning",
                    "test_a_meta_file_without_its_columns_is_ignored_and_the_lists_after_it_still_read",
                    "test_meta_with_two_rows_is_refused", "test_needs_history_columns_status_and_rating",
                    "test_a_step_before_the_need_was_raised_is_an_error")),
                "tests/test_hierarchy.py", "tests/test_hostile.py"]),
    "store_merge": ("graphgov/store/tables.py",
                    ["x_conform", "x_key_frame", "x_merge_tables", "x_diff_counts", "x_drop_dangling_internal",
                     "x_merge_dataset"],
                    # the merge's tests; test_foundation's refused datasets (checked before any merge, but each
                    # loading the sample first) add minutes and no kills
                    [*(f"tests/test_foundation.py::{t}" for t in (
                        "test_store_matches_input_tables", "test_loading_twice_gives_the_same_graph",
                        "test_updated_needs_list_changes_exactly_the_changed_rows",
                        "test_update_without_a_column_keeps_the_stored_values_of_that_column",
                        "test_merge_tables_by_hand", "test_merge_tables_tells_a_missing_key_part_from_any_text",
                        "test_merge_tables_keys_a_link_by_both_ends", "test_a_first_load_adds_every_row_and_changes_none",
                        "test_replace_drops_the_dispatches_and_events_of_needs_and_resources_gone",
                        "test_partial_update_needs_known_references", "test_replace_drops_rows_not_in_the_dataset")),
                     "tests/test_lifecycle.py::test_reloading_the_list_keeps_the_status_the_loop_recorded",
                     "tests/test_store_merge.py",
                     "tests/test_roundtrip.py"]),
    # test_brokerage.py also checks central_table's role columns; test_central.py adds minutes, not kills
    "brokerage": ("graphgov/analysis/brokerage.py", None, ["tests/test_brokerage.py"]),
    "privacy": ("graphgov/views/privacy.py", None, ["tests/test_personal_data.py"]),
    "html_escaping": ("graphgov/views/map_render.py",
                      ["x__json_default", "x_json_for_script", "x_vis_network_js", "x_fill_template", "x_render_map"],
                      ["tests/test_map_escaping.py", "tests/test_injection.py"]),
}
# what the copies need besides the package and tests/ (mutmut copies those itself)
ALSO_COPY = ["data", "queries", "docs", "visualizations", "README.md"]
# the browser tests need Chromium and minutes; the slow ones are benchmarks; Neo4j's linter checks
# Cypher text (no mutated Python) and needs Node
PYTEST_ARGS = ["-p", "no:cacheprovider", "-m", "not browser and not slow", "-k", "not neo4j_linter", "-x", "-q"]
STATUSES = ("killed", "survived", "no tests", "timeout", "suspicious", "skipped", "segfault", "not checked")


def copy_tree(dest: Path) -> None:
    """The tracked files of the work tree (as they are now, edits included), and the linter's Node modules."""
    if dest.exists():
        shutil.rmtree(dest)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name.decode())
    modules = ROOT / "tests" / "cypherlint" / "node_modules"
    if modules.is_dir():
        (dest / "tests" / "cypherlint" / "node_modules").symlink_to(modules)


def configure(dest: Path, target: str, tests: list[str]) -> None:
    cfg = configparser.ConfigParser()
    cfg.read(dest / "setup.cfg")
    cfg["mutmut"] = {
        "source_paths": "graphgov",
        "only_mutate": target,
        "also_copy": "\n" + "\n".join(ALSO_COPY),
        "pytest_add_cli_args": "\n" + "\n".join(PYTEST_ARGS),
        "pytest_add_cli_args_test_selection": "\n" + "\n".join(tests),
        "use_git_change_detection": "false",
    }
    with open(dest / "setup.cfg", "w", encoding="utf-8") as f:
        cfg.write(f)


def mutmut(dest: Path, *args: str, log=None) -> str:
    exe = Path(sys.executable).with_name("mutmut")
    proc = subprocess.run([str(exe), *args], cwd=dest, text=True, stdout=log or subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          # GRAPHGOV_MUTATION: tests/conftest.py's shared_scope makes shared results per test
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "GRAPHGOV_MUTATION": "1"})
    if proc.returncode not in (0, 1) and log is None:
        raise RuntimeError(f"mutmut {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}")
    return proc.stdout or ""


def sample_digits(every: int) -> str:
    """The last digits of the mutant numbers kept by ``--sample EVERY``: 2 keeps 1, 3, 5, 7, 9 (one in two),
    3 keeps 1, 4, 7 (three in ten), 5 keeps 1, 6, 10 keeps 1."""
    return "".join(str(d) for d in range(10) if d % every == 1 % every)


def patterns(name: str, every: int = 1) -> list[str]:
    """mutmut's mutant-name patterns for a module's functions (about one mutant in ``every`` of each)."""
    target, functions, _ = MODULES[name]
    dotted = target[:-3].replace("/", ".")
    tail = "*" if every == 1 else f"*[{sample_digits(every)}]"
    return [f"{dotted}.{f}__mutmut_{tail}" for f in functions] if functions else [f"{dotted}.*__mutmut_{tail}"]


def results(dest: Path, wanted: list[str]) -> dict[str, str]:
    """Mutant name -> status, from 'mutmut results --all true', for the mutants matching ``wanted``."""
    out = {}
    for line in mutmut(dest, "results", "--all", "true").splitlines():
        m = re.match(r"\s*(\S+): (.+)$", line)
        if m and m.group(2).strip() in STATUSES and any(fnmatch.fnmatchcase(m.group(1), w) for w in wanted):
            out[m.group(1)] = m.group(2).strip()
    return out


def run_module(name: str, workdir: Path, jobs: int, resume: bool, before: dict | None = None,
               every: int = 1) -> dict:
    """Mutate one module; with ``before`` (its last result), run again only the mutants that
    survived it, in a fresh copy with the tests as they are now. ``every`` > 1 runs a sample:
    the mutants whose number ends in :func:`sample_digits`."""
    target, functions, tests = MODULES[name]
    dest = workdir / name
    if not (resume and (dest / "mutants").is_dir()):
        copy_tree(dest)
        configure(dest, target, tests)
    wanted = sorted(before["survivors"]) if before else patterns(name, every)
    if before is not None and not wanted:
        return before
    started = time.monotonic()
    with open(workdir / f"{name}.log", "a" if resume else "w", encoding="utf-8") as log:
        mutmut(dest, "run", "--max-children", str(jobs), *wanted, log=log)
    seconds = time.monotonic() - started
    status = results(dest, wanted)
    if before is not None:  # the mutants killed last time stay killed
        status = {**{f"{m}#before": "killed" for m in range(before["mutants"] - len(before["survivors"]))}, **status}
        seconds += before["seconds"]
    counts = {s: sum(1 for v in status.values() if v == s) for s in STATUSES}
    judged = counts["killed"] + counts["survived"] + counts["timeout"] + counts["no tests"]
    survivors = {}
    for mutant, s in sorted(status.items()):
        if s in ("survived", "no tests"):
            diff = mutmut(dest, "show", mutant)
            survivors[mutant] = {"status": s, "diff": diff.strip()}
    return {
        "module": target,
        "functions": functions or "all",
        "tests": tests,
        "mutants": len(status),
        "counts": counts,
        # a timeout is a change the tests noticed (they did not finish): counted as killed
        "kill_rate": round((counts["killed"] + counts["timeout"]) / judged, 4) if judged else None,
        "seconds": round(seconds, 1),
        **({"sample": before["sample"]} if before and "sample" in before else {}),
        **({"sample": f"about one mutant in {every}: those whose number ends in {', '.join(sample_digits(every))}"}
           if every > 1 else {}),
        "survivors": survivors,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)} (default: all)")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "graphgov-mutation")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1: a shared machine)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "mutation.json")
    parser.add_argument("--resume", action="store_true", help="keep the copies and results of an interrupted run")
    parser.add_argument("--recheck", action="store_true",
                        help="run again only the survivors of the last run (after new tests), in fresh copies")
    parser.add_argument("--sample", type=int, default=1, metavar="EVERY",
                        help="run about one mutant in EVERY (2, 3, 5 or 10; by the last digit of its number), "
                             "for a module too big for the time at hand")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests, and stop")
    args = parser.parse_args(argv)
    if args.list:
        for name, (target, functions, tests) in MODULES.items():
            print(f"{name:14} {target:34} {' '.join(tests)}\n{'':14} {', '.join(functions or ['(every function)'])}")
        return 0
    if args.sample not in (1, 2, 3, 5, 10):
        parser.error(f"--sample must be 2, 3, 5 or 10, not {args.sample}")
    if args.sample > 1 and args.recheck:
        parser.error("--recheck runs the survivors of the last run, sampled or not; leave out --sample")
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    if not Path(sys.executable).with_name("mutmut").exists():
        parser.error("mutmut is not installed beside this Python; see the usage in this script's docstring")
    args.workdir.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    for name in args.modules or list(MODULES):
        print(f"{name}: mutating {MODULES[name][0]} ...", flush=True)
        before = previous.get(name) if args.recheck else None
        if args.recheck and before is None:
            parser.error(f"--recheck: {name} has no earlier result in {args.out}")
        previous[name] = found = run_module(name, args.workdir, args.jobs, args.resume, before, args.sample)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(previous, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        c = found["counts"]
        print(f"{name}: {found['mutants']} mutants, {c['killed']} killed, {c['timeout']} timeout, "
              f"{c['survived']} survived, {c['no tests']} without tests, kill rate {found['kill_rate']}, "
              f"{found['seconds']} s", flush=True)
    print(f"\n{'module':14} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'rate':>6}")
    for name, r in previous.items():
        c = r["counts"]
        print(f"{name:14} {r['mutants']:7} {c['killed'] + c['timeout']:7} {c['survived']:8} {c['no tests']:8} "
              f"{r['kill_rate'] if r['kill_rate'] is not None else '-':>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
