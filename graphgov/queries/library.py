"""Named Cypher reports: ``.cypher`` files with a header, found, checked and run.

Each report is one file. It starts with a header of ``//`` comment lines, then the
query::

    // name: stale_needs
    // description: Needs still unmet that were raised long ago.
    //   An indented line continues the previous field.
    // 说明: 长期未满足的需求。
    // param: as_of = today  -- the reference date
    // param: min_age = 90 days  -- how old a need must be
    MATCH (u:Unit)-[:RAISES]->(n:Need)
    WHERE n.raised <= $as_of - $min_age
    RETURN n.id AS need_id

Fields: ``name`` (the file's stem), ``description`` (English), ``说明`` (Chinese;
``description_zh`` is accepted too), and one ``param`` line per parameter:
``NAME = DEFAULT  -- text``. The default's form gives the parameter's type:

==================  ========  ===============================================
default             type      value passed to the store
==================  ========  ===============================================
``12``              int       int
``0.5``             float     float
``'text'``          str       str (``''`` is the empty string)
``true``/``false``  bool      bool
``2024-01-01``      date      datetime.date
``today``           date      the date of the day the report runs
``90 days``         duration  datetime.timedelta
(none)              str       required: the report does not run without it
==================  ========  ===============================================

The query must use every declared parameter and declare every ``$parameter`` it uses.
A file breaking any rule is rejected when loaded, with its path and line.

Bundled reports live in the repository's top-level ``queries/`` folder and are
installed with the package as data files (``share/graphgov/queries``).
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from graphgov.errors import GraphGovError, NotFoundError, OptionError
from graphgov.queries.refusal import QueryFileError
from graphgov.queries.safety import file_access

__all__ = [
    "Param",
    "Report",
    "QueryFileError",
    "UnknownReportError",
    "bundled_dir",
    "parse_report",
    "load_report",
    "load_reports",
    "find_report",
    "parse_value",
    "parameters_used",
    "run_report",
]

SUFFIX = ".cypher"
_FIELD = re.compile(r"^//\s?(?P<key>[^\s:]+)\s*:\s?(?P<value>.*)$")
_CONTINUATION = re.compile(r"^//\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*(?P<default>.*?))?\s*(?:--\s*(?P<text>.*))?$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DURATION = re.compile(r"^(?P<n>[+-]?\d+)\s*(?:days?|d|天)?$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYS = {"name": "name", "description": "description", "说明": "description_zh", "description_zh": "description_zh",
         "param": "param"}
_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否"}


class UnknownReportError(NotFoundError, OptionError):
    """No report of the name asked for: a bad argument, so exit code 2 as for any bad option."""

    exit_code = 2


@dataclass(frozen=True)
class Param:
    """A declared parameter. ``default`` is None for a required one."""

    name: str
    kind: str  # int | float | str | bool | date | duration
    default: object = None
    required: bool = False
    description: str = ""
    default_text: str = ""  # as written in the header ("today", "90 days")

    def value(self, given: object = None, today: dt.date | None = None):
        """The value to pass: ``given`` converted to this parameter's type, else the default."""
        if given is None:
            if self.required:
                raise OptionError(f"parameter {self.name!r} is required: add --param {self.name}=VALUE")
            if self.default_text == "today":
                return today or dt.date.today()
            return self.default
        if isinstance(given, str):
            return parse_value(given, self.kind, self.name, today)
        return given


@dataclass(frozen=True)
class Report:
    """A parsed report file."""

    name: str
    description: str
    description_zh: str
    params: tuple[Param, ...]
    text: str  # the query, without the header
    path: Path
    first_line: int  # the file's line number of the query's first line
    bundled: bool = False
    first_column: int = 1  # the file's column of the query's first character

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise OptionError(f"report {self.name!r} has no parameter {name!r}; its parameters: "
                          + (", ".join(p.name for p in self.params) or "none"))

    def bind(self, given: Mapping[str, object] | None = None, today: dt.date | None = None) -> dict:
        """Every parameter's value: ``given`` ones converted to their type, the rest defaulted.

        Raises OptionError for an unknown name, a missing required one or a bad value.
        """
        given = dict(given or {})
        for name in given:
            self.param(name)
        return {p.name: p.value(given.get(p.name), today) for p in self.params}


def parse_value(text: str, kind: str, name: str = "value", today: dt.date | None = None):
    """Convert a command-line string to ``kind``; raise OptionError naming the parameter."""
    raw = text.strip()
    try:
        if kind == "int":
            return _int64(int(raw), name, text)
        if kind == "float":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(raw)
            return value
        if kind == "bool":
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError
        if kind == "date":
            if raw.lower() == "today":
                return today or dt.date.today()
            return dt.date.fromisoformat(raw)
        if kind == "duration":
            m = _DURATION.match(raw)
            if not m:
                raise ValueError
            return dt.timedelta(days=int(m["n"]))
        if kind == "str":
            return text
    except OverflowError as err:
        raise OptionError(f"parameter {name!r}: {text[:40]!r} is too large for {_KIND_WORDS[kind]}") from err
    except ValueError as err:
        raise OptionError(f"parameter {name!r}: {text!r} is not {_KIND_WORDS[kind]}") from err
    raise ValueError(f"unknown parameter type {kind!r}")


def _int64(value: int, name: str, text: str) -> int:
    """``value`` when a 64-bit integer holds it (as both stores' integers do); OptionError otherwise."""
    if not -2**63 <= value < 2**63:
        raise OptionError(f"parameter {name!r}: {text[:40]!r} is too large; whole numbers go up to {2**63 - 1:,}")
    return value


_KIND_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD or today)",
    "duration": "a number of days (e.g. 90 or '90 days')",
    "str": "text",
}


def _parse_default(text: str) -> tuple[str, object]:
    """The type and value of a default as written in a header; ValueError if unreadable."""
    raw = text.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return "str", raw[1:-1]
    low = raw.lower()
    if low in ("true", "false"):
        return "bool", low == "true"
    if low == "today":
        return "date", None
    if re.fullmatch(r"[+-]?\d+", raw):
        if not -2**63 <= int(raw) < 2**63:
            raise ValueError(f"default {raw[:40]!r} is too large; whole numbers go up to {2**63 - 1:,}")
        return "int", int(raw)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?", raw):
        return "float", float(raw)
    if _ISO_DATE.match(raw):
        return "date", dt.date.fromisoformat(raw)
    m = re.fullmatch(r"([+-]?\d+)\s*days?", raw, re.IGNORECASE)
    if m:
        try:
            return "duration", dt.timedelta(days=int(m[1]))
        except OverflowError:
            raise ValueError(f"default {raw[:40]!r} is too many days") from None
    raise ValueError(
        f"default {raw!r} is none of: a number, 'quoted text', true/false, a date YYYY-MM-DD, today, N days"
    )


def _scan(text: str) -> Iterable[tuple[int, str, str]]:
    """Yield (offset, kind, token) for parameters and semicolons outside strings and comments."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                yield i, "unclosed", ch
                return
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                yield i, "unclosed", "/*"
                return
            i = j + 2
        elif ch == "$":
            m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*|`[^`]+`)", text[i:])
            if m:
                yield i, "param", m[1].strip("`")
                i += len(m[0])
            else:
                i += 1
        elif ch == ";":
            yield i, "semicolon", ch
            i += 1
        else:
            i += 1


def parameters_used(text: str) -> list[str]:
    """The ``$parameters`` a Cypher text uses, in order of first use (strings and comments skipped)."""
    return list(dict.fromkeys(tok for _, kind, tok in _scan(text) if kind == "param"))


def parse_report(source: str, path: str | Path = "<text>", bundled: bool = False) -> Report:
    r"""Parse a report file's text into a :class:`Report`.

    Raises QueryFileError naming ``path`` and the line for a malformed header, an
    undeclared or unused parameter, or more than one statement.

    Examples
    --------
    >>> r = parse_report("// name: top_units\n// description: d\n// 说明: 说明\n"
    ...                  "// param: k = 2\nMATCH (u:Unit) RETURN u.id AS id LIMIT $k\n")
    >>> r.name, [(p.name, p.kind, p.default) for p in r.params], r.first_line
    ('top_units', [('k', 'int', 2)], 5)
    """
    path = Path(path)
    lines = source.splitlines()
    fields: dict[str, tuple[int, str]] = {}
    params: list[tuple[int, str]] = []
    last: list | None = None  # [key, line, value] being continued
    i = 0
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    while i < len(lines):
        line = lines[i].rstrip()
        lineno = i + 1
        if not line.strip():
            if not fields and not params:
                i += 1
                continue
            break
        if not line.lstrip().startswith("//"):
            break
        line = line.lstrip()
        if line.strip() == "//":
            last = None
            i += 1
            continue
        cont = _CONTINUATION.match(line)
        m = _FIELD.match(line)
        if cont and last is not None:
            last[2] += " " + cont["value"].strip()
        elif m and m["key"].lower() in _KEYS:
            key = _KEYS[m["key"].lower()]
            value = m["value"].strip()
            if key == "param":
                last = ["param", lineno, value]
                params.append(last)  # type: ignore[arg-type]
            else:
                if key in fields:
                    raise QueryFileError(path, lineno, f"a second '{m['key']}' line (the first is line {fields[key][0]})")
                last = [key, lineno, value]
                fields[key] = last  # type: ignore[assignment]
        elif m:
            raise QueryFileError(path, lineno, f"unknown header field {m['key']!r}; the fields are: "
                                               "name, description, 说明, param")
        else:
            raise QueryFileError(path, lineno, "a header line must be '// field: value' (fields: name, description, "
                                               "说明, param) or an indented continuation '//   more text'")
        i += 1
    first_line = i + 1
    for key, label in (("name", "name"), ("description", "description"), ("description_zh", "说明")):
        if key not in fields or not fields[key][2]:
            raise QueryFileError(path, 1, f"the header has no '// {label}: ...' line; every report starts with "
                                          "'// name:', '// description:' and '// 说明:' lines")
    name_line, name = fields["name"][1], fields["name"][2]
    if not _NAME.match(name):
        raise QueryFileError(path, name_line, f"report name {name!r} must be lower case letters, digits and _")
    if path.suffix == SUFFIX and path.stem != name:
        raise QueryFileError(path, name_line, f"report name {name!r} differs from the file name {path.stem!r}; "
                                              f"rename one of them")
    declared: dict[str, Param] = {}
    for _, lineno, value in params:
        m = _PARAM.match(value)
        if not value or not m:
            raise QueryFileError(path, lineno, f"bad param line {value!r}; write 'param: NAME = DEFAULT  -- text' "
                                               "(or 'param: NAME  -- text' for a required one)")
        pname = m["name"]
        if pname in declared:
            raise QueryFileError(path, lineno, f"parameter {pname!r} declared twice")
        default_text = (m["default"] or "").strip()
        if m["default"] is not None and not default_text:
            raise QueryFileError(path, lineno, f"parameter {pname!r} has '=' but no default; "
                                               "leave out '=' for a required parameter, or write '' for empty text")
        if default_text:
            try:
                kind, default = _parse_default(default_text)
            except ValueError as err:
                raise QueryFileError(path, lineno, f"parameter {pname!r}: {err}") from err
            declared[pname] = Param(pname, kind, default, False, (m["text"] or "").strip(), default_text)
        else:
            declared[pname] = Param(pname, "str", None, True, (m["text"] or "").strip(), "")
    body_lines = lines[i:]
    raw = "\n".join(body_lines)
    body = raw.strip()
    if not body:
        raise QueryFileError(path, first_line, "the report has a header but no query")
    offset_line = first_line + (len(body_lines) - len(raw.lstrip().splitlines()))
    lead = len(raw) - len(raw.lstrip())
    first_body = next(ln for ln in body_lines if ln.strip())
    first_column = len(first_body) - len(first_body.lstrip()) + 1
    for pos, message in file_access(body):
        at = pos + lead  # the file's own line and column, counted from 1
        raise QueryFileError(path, first_line + raw.count("\n", 0, at), message, at - raw.rfind("\n", 0, at))
    used: list[str] = []
    for pos, kind, tok in _scan(body):
        at = offset_line + body.count("\n", 0, pos)
        if kind == "unclosed":
            raise QueryFileError(path, at, f"unclosed {tok} in the query")
        if kind == "semicolon":
            if body[pos + 1:].strip():
                raise QueryFileError(path, at, "';' inside the query: a report file holds one statement")
            continue
        if tok not in declared:
            raise QueryFileError(path, at, f"the query uses ${tok} but the header declares no such parameter; "
                                           f"add '// param: {tok} = DEFAULT'")
        used.append(tok)
    for pname, p in declared.items():
        if pname not in used:
            line_of = next(ln for _, ln, v in params if _PARAM.match(v)["name"] == pname)
            raise QueryFileError(path, line_of, f"parameter {pname!r} is declared but the query never uses ${pname}")
    body = body.rstrip().rstrip(";").rstrip()
    return Report(
        name=name,
        description=fields["description"][2],
        description_zh=fields["description_zh"][2],
        params=tuple(declared.values()),
        text=body,
        path=path,
        first_line=offset_line,
        bundled=bundled,
        first_column=first_column,
    )


def load_report(path: str | Path, bundled: bool = False) -> Report:
    """Read and parse one report file."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise QueryFileError(path, None, "not UTF-8 text; save the file as UTF-8") from err
    except OSError as err:
        raise QueryFileError(path, None, f"cannot read the file: {err.strerror}") from err
    return parse_report(source, path, bundled)


def bundled_dir() -> Path:
    """The folder of the bundled reports.

    In a source checkout (editable install, or running from the repository) that is the
    top-level ``queries/`` folder; in an installed package, the data files installed
    with it under ``share/graphgov/queries``.
    """
    checkout = Path(__file__).resolve().parents[2] / "queries"
    if checkout.is_dir() and (checkout.parent / "graphgov" / "queries" / "library.py").is_file():
        return checkout
    from graphgov.dataset.sample import installed_data_dir

    installed = installed_data_dir("queries", SUFFIX)
    if installed is not None:
        return installed
    raise GraphGovError("the bundled reports are missing: neither a queries/ folder beside the package nor "
                        "share/graphgov/queries in its installation; reinstall graphgov")


def load_reports(folders: Iterable[str | Path] = (), bundled: bool = True) -> dict[str, Report]:
    """Every report: the bundled ones (unless ``bundled`` is False), then those in ``folders``.

    Raises QueryFileError for a malformed file or for two reports of one name, and
    OptionError for a folder that does not exist.
    """
    sources: list[tuple[Path, bool]] = []
    if bundled:
        sources.append((bundled_dir(), True))
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise OptionError(f"{folder}: no such folder of .cypher reports")
        sources.append((folder, False))
    reports: dict[str, Report] = {}
    for folder, is_bundled in sources:
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            report = load_report(path, is_bundled)
            if report.name in reports:
                raise QueryFileError(path, 1, f"a report named {report.name!r} already exists in "
                                              f"{reports[report.name].path}; rename this one")
            reports[report.name] = report
    return reports


def find_report(name: str, reports: Mapping[str, Report]) -> Report:
    """The report called ``name``; UnknownReportError (a NotFoundError, exit code 2) suggesting close names."""
    if name in reports:
        return reports[name]
    close = difflib.get_close_matches(name, list(reports), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'graphgov query list' shows them"
    raise UnknownReportError(f"no report named {name!r}{hint}")


def run_report(run: Callable[[str, dict], object], report: Report, given: Mapping[str, object] | None = None,
               today: dt.date | None = None):
    """Run ``report`` through ``run(cypher, params)`` (a store's ``query``) and return its result.

    ``given`` values may be strings (as typed on a command line): they are converted to
    each parameter's type. Raises OptionError for bad parameters, and QueryFileError for a
    report that could touch files (checked again here for a Report made by hand) or whose
    query the store does not accept (at ``file:line:column`` in the report file's numbering).
    """
    for pos, message in file_access(report.text):
        raise QueryFileError(report.path, report.first_line + report.text.count("\n", 0, pos), message)
    values = report.bind(given, today)
    try:
        return run(report.text, values)
    except OptionError as err:
        # parameters were bound above, so a refusal now is the query's: the report file is at fault
        if "not accepted" not in str(err):
            raise
        from graphgov.queries.refusal import placed_refusal

        raise placed_refusal(report, err) from err
