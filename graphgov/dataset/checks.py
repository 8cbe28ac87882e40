"""Checks: raw text tables in, typed and trusted tables out, or every error at once.

One pass finds every problem and reports each as ``file:row:column: message`` with the
bad value and the fix. Nothing downstream of this module sees unchecked data.

Ids are normalised before use: NFKC (full-width letters and digits become half-width)
and trimmed. An id with white space or an invisible character (zero-width space …) inside
is refused.

Warnings (an unknown column or category, a project addressing a need of another area)
do not stop a load; ``strict=True`` turns them into errors.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graphgov.dataset import schema, vocab
from graphgov.errors import DataError, Problem
from graphgov.dataset.hierarchy import HIERARCHIES, cycle_message, find_cycles, roots
from graphgov.dataset.reader import RawDataset, RawTable, read_dataset

__all__ = ["Dataset", "check_dataset", "read_and_check", "normalise_id"]


@dataclass
class Dataset:
    """Checked tables, one DataFrame per table with every schema column.

    ``present`` names, per table, the columns the files actually had (an update that
    leaves a column out keeps the stored values of that column).
    """

    tables: dict[str, pd.DataFrame]
    present: dict[str, set[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    path: Path | None = None
    rows: dict[str, list[int]] = field(default_factory=dict)  # spreadsheet row of each frame row, per table

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.tables.items()}


_WS = re.compile(r"\s")
# zero-width and other format characters: invisible, so two ids that look the same would differ
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_BAD_ID = re.compile(_WS.pattern + "|" + _INVISIBLE.pattern)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


# a need's dated steps and the status each leads to, in the order of the life cycle
_STEP_STATUS = {"dispatched_on": "dispatched", "accepted_on": "accepted", "fulfilled_on": "fulfilled",
                "closed_on": "closed"}
_STEP_RANK = {c: i for i, c in enumerate(_STEP_STATUS)}
_STATUS_RANK = {"open": 0, "dispatched": 1, "accepted": 2, "partial": 3, "fulfilled": 4, "closed": 4}


def normalise_id(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups()[:3])
            return dt.date(y, mo, d)  # ValueError for 2024-02-30
    raise ValueError(text)


def _parse_number(value, kind: str):
    if isinstance(value, (dt.date, dt.datetime)):
        raise ValueError(str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    num = float(text)
    if num != num or num in (float("inf"), float("-inf")):
        raise ValueError(text)
    if kind == "int":
        if not num.is_integer():
            raise ValueError(text)
        return int(num)
    return num


class _Checker:
    def __init__(self, raw: RawDataset, known_ids: dict[str, set[str]] | None, partial: bool, strict: bool = False,
                 known_parents: dict[str, dict[str, str | None]] | None = None):
        self.raw = raw
        self.strict = strict
        self.known_ids = known_ids or {}
        self.known_parents = known_parents or {}
        self.partial = partial
        self.problems: list[Problem] = list(raw.problems)
        self.bad_ids: dict[str, set[str]] = {}  # ids refused in their own table: no follow-on reference errors
        self.warnings: list[Problem] = list(raw.warnings)

    def error(self, tab: RawTable, i: int | None, col: str | None, message: str, value=None, fix: str = ""):
        row = tab.rows[i] if i is not None else None
        column = tab.headers.get(col, col) if col else None
        self.problems.append(Problem(tab.source, row, column, message, value, fix))

    def warn(self, tab: RawTable, i: int | None, col: str | None, message: str, value=None, fix: str = ""):
        row = tab.rows[i] if i is not None else None
        column = tab.headers.get(col, col) if col else None
        self.warnings.append(Problem(tab.source, row, column, message, value, fix, "warning"))

    def run(self) -> Dataset:
        raw = self.raw
        self.check_tables_present()
        typed: dict[str, pd.DataFrame] = {}
        usable: dict[str, RawTable] = {}
        for name, tab in raw.tables.items():
            if name == "meta" and not tab.present:
                # a sheet of instructions named 说明 is common in workbooks: not a meta table
                self.warn(tab, None, None, "none of the meta columns (as_of, title, source), ignored",
                          fix="head the columns as_of (截止日期), title (标题), source (来源) to state the dataset's date")
                continue
            missing = [c for c in schema.table(name).required_columns if c not in tab.present]
            for c in missing:
                col = schema.table(name).column(c)
                self.problems.append(Problem(tab.source, 1, None, f"missing column {c!r}",
                                             fix=f"add a column headed {c} or {col.zh[0] if col.zh else c}"))
            typed[name] = self.type_table(tab, skip=set(missing))
            usable[name] = tab
        for name in ("units", "committees"):
            if name in usable and typed[name].empty:
                tab = usable[name]
                self.problems.append(Problem(tab.source, None, None, f"the table has a header but no rows; "
                                             f"a dataset needs at least one row in {name}",
                                             fix=f"add the {name} ({schema.table(name).zh[0]}) below the header"))
        if "meta" in typed:
            self.check_meta(typed, usable["meta"])
        if "needs" in typed:
            self.check_need_history(typed["needs"], usable["needs"])
        self.check_keys(typed, usable)
        self.check_references(typed, usable)
        self.check_hierarchies(typed, usable)
        self.check_agreements(typed, usable)
        self.check_project_areas(typed, usable)
        if self.strict and self.warnings:
            self.problems += [dataclasses.replace(w, severity="error", fix=(w.fix + "; " if w.fix else "")
                                                  + "a warning, refused because of --strict") for w in self.warnings]
        if self.problems:
            raise DataError(self.problems, self.warnings)
        return Dataset(
            tables=typed,
            present={n: set(t.present) for n, t in usable.items()},
            sources={n: t.source for n, t in usable.items()},
            warnings=self.warnings,
            path=raw.path,
            rows={n: list(t.rows) for n, t in usable.items()},
        )

    def check_tables_present(self) -> None:
        """One problem naming every missing table; with some lists present, the fix is --partial."""
        raw = self.raw
        # a table whose file the reader could not read is reported already
        if self.partial or raw.unreadable:
            return
        missing = [t for t in schema.TABLES if t.required and t.name not in raw.found]
        if not missing:
            return
        names = ", ".join(f"{t.name!r} ({t.zh[0]})" for t in missing)
        if len(missing) == 1:
            t = missing[0]
            add = f"add {t.name}.csv (or a sheet named {t.zh[0]}) with the columns {', '.join(t.required_columns)}"
        else:
            add = "add a file (or sheet) for each; 'graphgov schema' lists their columns"
        if raw.found:
            fix = (f"to add or update only these lists in a store that holds the rest, run with --partial; "
                   f"for a complete dataset {add}")
        else:
            fix = add
        word = "table" if len(missing) == 1 else "tables"
        self.problems.append(Problem(raw.path.name, None, None, f"missing {word} {names}", fix=fix))

    def type_table(self, tab: RawTable, skip: set[str]) -> pd.DataFrame:
        tdef = schema.table(tab.name)
        out = {}
        for col in tdef.columns:
            values = tab.frame[col.name].tolist()
            out[col.name] = self.type_column(tab, col, values, check=col.name not in skip)
        df = pd.DataFrame(out)
        return df

    def type_column(self, tab: RawTable, col: schema.Column, values: list, check: bool) -> pd.Series:
        result = []
        for i, v in enumerate(values):
            if v is None:
                if col.required and check and col.name in tab.present:
                    self.error(tab, i, col.name, f"empty {col.name!r}; this column is required",
                               fix="fill the cell")
                result.append(None)
                continue
            try:
                result.append(self.type_value(tab, i, col, v))
            except ValueError:
                result.append(None)
        if col.kind == "date":
            return pd.Series(pd.to_datetime(pd.Series(result, dtype=object)), name=col.name).astype("datetime64[us]")
        if col.kind == "int":
            return pd.Series(result, dtype="Int64", name=col.name)
        if col.kind == "float":
            return pd.Series([float("nan") if r is None else r for r in result], dtype="float64", name=col.name)
        return pd.Series(result, dtype=object, name=col.name)

    def type_value(self, tab: RawTable, i: int, col: schema.Column, v):
        kind = col.kind
        if kind in ("id", "ref"):
            text = normalise_id(str(v))
            if _BAD_ID.search(text):
                if _WS.search(text):
                    self.error(tab, i, col.name, "an id may not contain spaces", v, fix="remove the spaces or use '-' or '_'")
                else:
                    ch = _INVISIBLE.search(text).group()
                    self.error(tab, i, col.name, f"an id may not contain invisible characters (U+{ord(ch):04X})", v,
                               fix="retype the id")
                if kind == "id":
                    self.bad_ids.setdefault(tab.name, set()).update(
                        {text, _INVISIBLE.sub("", re.sub(r"\s+", "", text))})
                raise ValueError(v)
            return text
        if kind == "idlist":
            ids = [normalise_id(p) for p in re.split(r"[;；,，、]", str(v)) if p.strip()]
            bad = [p for p in ids if _BAD_ID.search(p)]
            if bad:
                self.error(tab, i, col.name, "an id may not contain spaces or invisible characters", v,
                           fix="separate ids with ';' and retype them")
                raise ValueError(v)
            return ";".join(dict.fromkeys(ids))
        if kind == "enum":
            code = vocab.normalise(col.enum, str(v))
            if code is None:
                allowed = ", ".join(f"{c} ({vocab.zh_label(col.enum, c)})" for c in vocab.codes(col.enum))
                self.error(tab, i, col.name, f"{v!r} is not an allowed {col.name}", v, fix=f"use one of: {allowed}")
                raise ValueError(v)
            return code
        if kind == "category":
            text = str(v).strip()
            code = vocab.normalise("category", text)
            if code is None:
                near = vocab.closest("category", text)
                self.warn(tab, i, col.name, "unknown category, kept as written", v,
                          fix=f"the closest known category is {near} ({vocab.zh_label('category', near)})" if near else "")
                return text
            return code
        if kind == "date":
            try:
                return _parse_date(v)
            except ValueError:
                self.error(tab, i, col.name, "not a date", v, fix="write dates as YYYY-MM-DD, e.g. 2024-03-01")
                raise
        if kind in ("int", "float"):
            try:
                num = _parse_number(v, kind)
            except ValueError:
                what = "a whole number" if kind == "int" else "a number"
                self.error(tab, i, col.name, f"not {what}", v, fix=f"write {what}, e.g. 3")
                raise
            if kind == "int" and not -2**63 < num < 2**63:  # what a 64-bit integer column holds
                self.error(tab, i, col.name, "the number is too large", v, fix="check the cell")
                raise ValueError(v)
            if col.minimum is not None and num < col.minimum:
                self.error(tab, i, col.name, f"{col.name} may not be negative", v, fix="write 0 or more")
                raise ValueError(v)
            return num
        text = unicodedata.normalize("NFC", str(v)).strip() if isinstance(v, str) else str(v)
        return text or None

    def check_meta(self, typed: dict[str, pd.DataFrame], tab: RawTable):
        """The meta table is one row, the ``Dataset`` node: its id is always META_ID."""
        df = typed["meta"]
        for i in range(1, len(df)):
            self.error(tab, i, None, f"the meta table holds one row; this is row {i + 1} of its rows",
                       fix="keep one row: the dataset's as_of date, title and source")
        typed["meta"] = df.head(1).assign(id=schema.META_ID)

    def check_need_history(self, needs: pd.DataFrame, tab: RawTable):
        """Steps dated before the need was raised are errors; a missing status follows the latest step.

        A list that carries its history as columns (dispatched_on … closed_on) may leave
        ``status`` empty: it becomes the status of the latest dated step. A status that
        contradicts the dates (fulfilled_on given, status open) is kept with a warning.
        """
        steps = [c for c in _STEP_STATUS if c in tab.present]
        if not steps:
            return
        for col in steps:
            early = needs[col].notna() & needs["raised"].notna() & (needs[col] < needs["raised"])
            for i in early[early].index:
                self.error(tab, i, col, f"{col} is before the need was raised ({needs.at[i, 'raised'].date()})",
                           needs.at[i, col].date().isoformat(), fix="correct the date or the raised date")
        for i in needs.index:
            dated = [(needs.at[i, c], c) for c in steps if pd.notna(needs.at[i, c])]
            if not dated:
                continue
            latest = _STEP_STATUS[max(dated, key=lambda x: (x[0], _STEP_RANK[x[1]]))[1]]
            status = needs.at[i, "status"]
            if status is None:
                needs.at[i, "status"] = latest
            elif _STATUS_RANK.get(status, 0) < _STATUS_RANK[latest] and status != "closed":
                self.warn(tab, i, "status", f"status {status!r} but the need has a {latest} date; kept as written",
                          status, fix=f"set the status to {latest} or clear the date")

    def check_keys(self, typed: dict[str, pd.DataFrame], usable: dict[str, RawTable]):
        for name, df in typed.items():
            tdef = schema.table(name)
            tab = usable[name]
            if any(k not in tab.present for k in tdef.key if schema.table(name).column(k).required):
                continue
            keys = df[list(tdef.key)]
            keyed = keys.notna().all(axis=1) if tdef.key == ("id",) else keys[[k for k in tdef.key if tdef.column(k).required]].notna().all(axis=1)
            dup = keys[keyed].astype(str).duplicated(keep=False)
            if not dup.any():
                continue
            first: dict[tuple, int] = {}
            for i in keys[keyed][dup].index:
                k = tuple("" if pd.isna(x) else x for x in keys.loc[i])
                if k in first:
                    what = f"duplicate id {k[0]!r}" if tdef.key == ("id",) else f"duplicate row for {dict(zip(tdef.key, k))}"
                    self.error(tab, i, tdef.key[0], f"{what} (first at row {tab.rows[first[k]]})", k[0],
                               fix="give each row its own id, or delete the copy")
                else:
                    first[k] = i

    def ids(self, typed: dict[str, pd.DataFrame], table_name: str) -> set[str]:
        out = set(self.known_ids.get(table_name, set()))
        if table_name in typed:
            out |= set(typed[table_name]["id"].dropna())
        return out

    def check_references(self, typed: dict[str, pd.DataFrame], usable: dict[str, RawTable]):
        cache: dict[str, set[str]] = {}
        for name, df in typed.items():
            tab = usable[name]
            for col in schema.table(name).columns:
                if not col.ref or col.name not in tab.present:
                    continue
                target = col.ref
                if target not in typed and target not in self.known_ids:
                    continue  # the table is missing or unreadable, which is reported already
                bad = self.bad_ids.get(target, set())
                if target not in cache:
                    cache[target] = self.ids(typed, target)
                known = cache[target]
                target_def = schema.table(target)
                for i, v in df[col.name].items():
                    if v is None or (not isinstance(v, str) and pd.isna(v)):
                        continue
                    refs = v.split(";") if col.kind == "idlist" else [v]
                    for r in refs:
                        if r not in known and r not in bad:
                            self.error(tab, i, col.name, f"no {target_def.name[:-1] if target_def.name.endswith('s') else target_def.name} "
                                       f"has id {r!r}", r,
                                       fix=f"add it to {target}.csv ({target_def.zh[0]}) or correct the id")

    def check_hierarchies(self, typed: dict[str, pd.DataFrame], usable: dict[str, RawTable]):
        """Refuse circles in parent_id, each once, in linear time.

        With ``known_parents`` (what the store holds), the hierarchy checked is the one the
        load would leave: stored rows with this dataset's rows merged over them by id, so
        an update cannot close a circle through stored rows either.
        """
        for name in HIERARCHIES:
            if name not in typed or "parent_id" not in usable[name].present:
                continue
            df, tab = typed[name], usable[name]
            mine = {i: p for i, p in zip(df["id"], df["parent_id"]) if i is not None}
            index = {v: k for k, v in df["id"].items() if v is not None}
            parent = {**self.known_parents.get(name, {}), **mine}
            for cycle in find_cycles(parent):
                first = next((k for k, n in enumerate(cycle) if n in mine), None)
                if first is None:
                    continue  # a circle already in the store, which this dataset does not touch
                cycle = cycle[first:] + cycle[:first]
                msg, fix = cycle_message([n if n in mine else f"{n} (stored)" for n in cycle])
                self.error(tab, index.get(cycle[0]), "parent_id", msg, cycle[0], fix=fix)

    def check_agreements(self, typed: dict[str, pd.DataFrame], usable: dict[str, RawTable]):
        if "agreements" not in typed:
            return
        df, tab = typed["agreements"], usable["agreements"]
        for i, (a, b) in enumerate(zip(df["unit_a"], df["unit_b"])):
            if a is not None and a == b:
                self.error(tab, i, "unit_b", "an agreement needs two different units", b,
                           fix="correct unit_a or unit_b")


    def check_project_areas(self, typed: dict[str, pd.DataFrame], usable: dict[str, RawTable]):
        """Warn when a project addresses a need in an area wholly apart from its lead unit's.

        Co-building across districts and station areas of one city is what committees are
        for, so only areas with no common ancestor (another city, another hierarchy) are
        flagged: a warning naming both, since a typo in need_ids looks the same.
        """
        if not all(n in typed for n in ("projects", "needs", "units")) or "need_ids" not in usable["projects"].present:
            return
        units, needs, projects = typed["units"], typed["needs"], typed["projects"]
        wanted = {n for ids in projects["need_ids"] if ids is not None for n in ids.split(";")}
        if not wanted:
            return
        unit_area = dict(zip(units["id"], units["area_id"]))
        need_area = {n: (a if a is not None else unit_area.get(u)) for n, a, u in
                     zip(needs["id"], needs["area_id"], needs["unit_id"]) if n in wanted}
        parent, names = {}, {}
        if "areas" in typed:
            parent = {i: p for i, p in zip(typed["areas"]["id"], typed["areas"]["parent_id"]) if i is not None}
            names = dict(zip(typed["areas"]["id"], typed["areas"]["name"]))
        # two areas share an ancestor exactly when their chains end at the same top
        top = roots(parent)

        def named(area) -> str:
            return f"{area} {names[area]}" if names.get(area) else str(area)

        tab = usable["projects"]
        for i, (pid, lead, need_ids) in enumerate(zip(projects["id"], projects["lead_unit_id"], projects["need_ids"])):
            home = unit_area.get(lead) if lead is not None else None
            if home is None or need_ids is None:
                continue
            apart = [n for n in need_ids.split(";") if need_area.get(n) is not None
                     and top.get(home, home) != top.get(need_area[n], need_area[n])]
            for there in dict.fromkeys(need_area[n] for n in apart):
                ids = [n for n in apart if need_area[n] == there]
                self.warn(tab, i, "need_ids",
                          f"project {pid!r} (lead unit {lead!r} in {named(home)}) addresses "
                          f"need{'s' if len(ids) > 1 else ''} {', '.join(ids)} in {named(there)}, "
                          f"an area apart from it", ";".join(ids),
                          fix="fine for co-building across cities; otherwise correct need_ids")


def check_dataset(raw: RawDataset, known_ids: dict[str, set[str]] | None = None, partial: bool = False,
                  strict: bool = False, known_parents: dict[str, dict[str, str | None]] | None = None) -> Dataset:
    """Check a read dataset; return the typed tables or raise DataError with every problem.

    ``partial=True`` accepts a dataset with only some tables (an update of one list);
    references may then point to ids in ``known_ids`` (table name → ids already stored).
    ``known_parents`` (table name → id → parent_id, as stored) makes the hierarchy check
    cover the hierarchy a load would leave. ``strict=True`` refuses a dataset that has
    warnings, listing them as errors.
    """
    return _Checker(raw, known_ids, partial, strict, known_parents).run()


def read_and_check(path: str | Path, known_ids: dict[str, set[str]] | None = None, partial: bool = False,
                   strict: bool = False, known_parents: dict[str, dict[str, str | None]] | None = None) -> Dataset:
    """Read and check a dataset folder or workbook in one step (see :func:`check_dataset`)."""
    return check_dataset(read_dataset(path), known_ids=known_ids, partial=partial, strict=strict,
                         known_parents=known_parents)
