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
    def __init__(self, raw: RawDataset, known_ids: dict[str, set[str]] | None, partial: bool, strict: bool = False):
        self.raw = raw
        self.strict = strict
        self.known_ids = known_ids or {}
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
        for name in ("areas", "committees", "party_orgs"):
            if name not in typed or "parent_id" not in usable[name].present:
                continue
            df, tab = typed[name], usable[name]
            parent = {i: p for i, p in zip(df["id"], df["parent_id"]) if i is not None and p is not None}
            index = {v: k for k, v in df["id"].items() if v is not None}
            reported: set[str] = set()
            for start in parent:
                if start in reported:
                    continue
                seen = [start]
                node = parent.get(start)
                while node is not None and node not in seen and node in parent:
                    seen.append(node)
                    node = parent.get(node)
                if node is not None and node in seen:
                    cycle = seen[seen.index(node):]
                    reported.update(cycle)
                    if len(cycle) == 1:
                        msg, fix = f"{node!r} is its own parent", "clear parent_id or set the real parent"
                    else:
                        msg = "the parent_id chain goes round in a circle: " + " → ".join(cycle + [node])
                        fix = "break the circle: one of them must have another parent or none"
                    self.error(tab, index.get(node), "parent_id", msg, node, fix=fix)

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
            parent = {i: p for i, p in zip(typed["areas"]["id"], typed["areas"]["parent_id"]) if p is not None}
            names = dict(zip(typed["areas"]["id"], typed["areas"]["name"]))

        def lineage(area) -> set:
            seen = {area}
            while area in parent and parent[area] not in seen:  # cycles are reported elsewhere
                area = parent[area]
                seen.add(area)
            return seen

        def named(area) -> str:
            return f"{area} {names[area]}" if names.get(area) else str(area)

        tab = usable["projects"]
        for i, (pid, lead, need_ids) in enumerate(zip(projects["id"], projects["lead_unit_id"], projects["need_ids"])):
            home = unit_area.get(lead) if lead is not None else None
            if home is None or need_ids is None:
                continue
            apart = [n for n in need_ids.split(";") if need_area.get(n) is not None
                     and not lineage(home) & lineage(need_area[n])]
            for there in dict.fromkeys(need_area[n] for n in apart):
                ids = [n for n in apart if need_area[n] == there]
                self.warn(tab, i, "need_ids",
                          f"project {pid!r} (lead unit {lead!r} in {named(home)}) addresses "
                          f"need{'s' if len(ids) > 1 else ''} {', '.join(ids)} in {named(there)}, "
                          f"an area apart from it", ";".join(ids),
                          fix="fine for co-building across cities; otherwise correct need_ids")


def check_dataset(raw: RawDataset, known_ids: dict[str, set[str]] | None = None, partial: bool = False,
                  strict: bool = False) -> Dataset:
    """Check a read dataset; return the typed tables or raise DataError with every problem.

    ``partial=True`` accepts a dataset with only some tables (an update of one list);
    references may then point to ids in ``known_ids`` (table name → ids already stored).
    ``strict=True`` refuses a dataset that has warnings, listing them as errors.
    """
    return _Checker(raw, known_ids, partial, strict).run()


def read_and_check(path: str | Path, known_ids: dict[str, set[str]] | None = None, partial: bool = False,
                   strict: bool = False) -> Dataset:
    """Read and check a dataset folder or workbook in one step (see :func:`check_dataset`)."""
    return check_dataset(read_dataset(path), known_ids=known_ids, partial=partial, strict=strict)
