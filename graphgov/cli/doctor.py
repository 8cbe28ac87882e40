"""``graphgov doctor``: check the store's health, finish an interrupted write, rebuild a damaged store."""
from __future__ import annotations

import sys

import click

from graphgov.cli.common import Progress, echo_err, emit_table, handle_errors, open_cli_store, output_options, store_option

__all__ = ["doctor"]


@click.command()
@click.option("--rebuild", "dataset", type=click.Path(exists=True), default=None, metavar="DATASET",
              help="Make the store hold exactly this dataset (as 'load --replace'), even when the store file "
                   "is damaged; the damaged bytes are kept beside it as STORE.damaged-TIME.")
@store_option
@output_options
@handle_errors
def doctor(dataset, store_path, fmt, out, top):
    """Check the store: does it open, is a write left half done, do its counts agree.

    Finishes a recovery that a killed command left pending (a half-done checkpoint of
    the embedded store), reads every table afresh and compares the counts, and checks
    that the store's own export passes 'graphgov check'. Exit code 0 when the store is
    healthy (after any repair), 1 when a problem remains; each problem says its fix.

    \b
    Example:
      graphgov doctor
      graphgov load data/sample --store city.lbdb
      graphgov doctor --store city.lbdb
      graphgov doctor --rebuild data/sample        # a damaged store, rebuilt from your data
    """
    from graphgov.store.health import check_store, findings_frame, healthy, rebuild_store

    with open_cli_store(store_path) as store:
        if dataset:
            bar = Progress("rebuilding")
            try:
                result = rebuild_store(store, dataset, progress=bar)
            finally:
                bar.close()
            for note in result.notes:
                echo_err(f"Note: {note}")
            echo_err(f"rebuilt {store.location} from {dataset}: "
                     + ", ".join(f"{n} {c}" for n, c in result.after.items() if c))
            store.close()
        findings = check_store(store)
    if fmt == "table" and not out:
        # one line per check, never clipped: the detail carries the fix
        click.echo(f"graphgov doctor: {store.location}")
        for f in findings[:top]:
            click.echo(f"{f.status:<8} {f.check:<9} {f.detail}")
    else:
        emit_table(findings_frame(findings), fmt, out, top, title=f"graphgov doctor: {store.location}")
    if not healthy(findings):
        echo_err("the store is not healthy: see the problems above and their fixes")
        sys.exit(1)
