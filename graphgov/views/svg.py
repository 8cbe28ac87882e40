"""Small inline SVG charts for the offline report: no library, no script, every text escaped.

Each function returns one ``<svg>`` element as a string, sized by its content, with a
``<title>`` for screen readers and ``data-`` attributes carrying the plotted values so
a test (or a planner copying numbers) can read them back.
"""
from __future__ import annotations

import math
from html import escape

__all__ = ["grouped_bars", "bars", "histogram", "lines"]

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _e(text) -> str:
    return escape(str(text), quote=True)


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 5, 10):
        if m * exp >= value:
            return float(m * exp)
    return float(10 * exp)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


def grouped_bars(labels: list[str], series: list[tuple[str, str, list[float]]], title: str,
                 chart_id: str = "", label_width: int = 120, width: int = 640, show_legend: bool = True) -> str:
    """Horizontal bars, one group per label and one bar per series.

    ``series`` is a list of ``(name, colour, values)``; values line up with ``labels``.

    >>> svg = grouped_bars(["交通出行"], [("需求", "#f57c00", [3]), ("资源", "#2e7d32", [1])], "供需")
    >>> svg.startswith("<svg") and "交通出行" in svg
    True
    """
    bar_h, gap = 12, 8
    group_h = bar_h * len(series) + gap
    top, legend_h = 28, (20 if show_legend else 0)
    height = top + legend_h + max(1, len(labels)) * group_h + 24
    plot_w = width - label_width - 50
    vmax = _nice_max(max((v for _, _, vals in series for v in vals), default=0))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gg-chart" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12" data-chart="{_e(chart_id)}">',
           f"<title>{_e(title)}</title>",
           f'<text x="8" y="18" font-size="14" font-weight="bold">{_e(title)}</text>']
    x = label_width
    for name, colour, _ in series if show_legend else ():
        out.append(f'<rect x="{x}" y="{top - 2}" width="12" height="12" fill="{_e(colour)}"/>'
                   f'<text x="{x + 16}" y="{top + 8}">{_e(name)}</text>')
        x += 20 + 14 * len(name) + 20
    y0 = top + legend_h
    for i, label in enumerate(labels):
        gy = y0 + i * group_h
        out.append(f'<text x="{label_width - 6}" y="{gy + group_h / 2}" text-anchor="end" '
                   f'dominant-baseline="middle">{_e(label)}</text>')
        for j, (name, colour, vals) in enumerate(series):
            v = float(vals[i])
            w = plot_w * v / vmax
            by = gy + j * bar_h
            out.append(f'<rect class="gg-bar" x="{label_width}" y="{by}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{_e(colour)}" data-label="{_e(label)}" data-series="{_e(name)}" data-value="{_fmt(v)}">'
                       f"<title>{_e(label)} {_e(name)}: {_fmt(v)}</title></rect>"
                       f'<text x="{label_width + w + 4:.1f}" y="{by + bar_h - 3}" font-size="10">{_fmt(v)}</text>')
    axis_y = y0 + max(1, len(labels)) * group_h
    out.append(f'<line x1="{label_width}" y1="{y0 - 4}" x2="{label_width}" y2="{axis_y}" stroke="#9e9e9e"/>')
    out.append(f'<text x="{label_width + plot_w}" y="{axis_y + 14}" text-anchor="end" fill="#757575">'
               f"{_fmt(vmax)}</text>")
    out.append("</svg>")
    return "".join(out)


def bars(labels: list[str], values: list[float], title: str, colour: str = "#1565c0", chart_id: str = "",
         label_width: int = 120, width: int = 640) -> str:
    """Horizontal bars, one per label."""
    return grouped_bars(labels, [("", colour, values)], title, chart_id, label_width, width, show_legend=False)


def histogram(counts: dict[int, int], title: str, xlabel: str, ylabel: str, chart_id: str = "",
              colour: str = "#6a1b9a", width: int = 640, height: int = 260) -> str:
    """Vertical bars of ``counts`` (value → how many), one bar per value from the smallest to the largest."""
    left, bottom, top = 46, 40, 30
    keys = list(range(min(counts), max(counts) + 1)) if counts else []
    plot_w, plot_h = width - left - 10, height - top - bottom
    vmax = _nice_max(max(counts.values(), default=0))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gg-chart" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" data-chart="{_e(chart_id)}">',
           f"<title>{_e(title)}</title>",
           f'<text x="8" y="18" font-size="14" font-weight="bold">{_e(title)}</text>']
    bw = min(plot_w / max(1, len(keys)), 48.0)
    base = top + plot_h
    for i, k in enumerate(keys):
        v = counts.get(k, 0)
        h = plot_h * v / vmax
        x = left + i * bw
        out.append(f'<rect class="gg-bar" x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(bw - 2, 1):.1f}" '
                   f'height="{h:.1f}" fill="{_e(colour)}" data-label="{k}" data-value="{v}">'
                   f"<title>{_e(xlabel)} {k}: {v}</title></rect>")
        if len(keys) <= 30 or i % max(1, len(keys) // 15) == 0:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{base + 14}" text-anchor="middle">{k}</text>')
    out.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#9e9e9e"/>'
               f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#9e9e9e"/>'
               f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_fmt(vmax)}</text>'
               f'<text x="{left - 4}" y="{base}" text-anchor="end">0</text>'
               f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">{_e(xlabel)}</text>'
               f'<text x="12" y="{top + plot_h / 2}" transform="rotate(-90 12 {top + plot_h / 2})" '
               f'text-anchor="middle">{_e(ylabel)}</text>')
    out.append("</svg>")
    return "".join(out)


def lines(labels: list[str], series: list[tuple[str, str, list]], title: str, chart_id: str = "",
          ylabel: str = "", percent: bool = False, width: int = 640, height: int = 280) -> str:
    """A line chart: one line per series over the ``labels`` (periods), with a legend.

    ``series`` is a list of ``(name, colour, values)``; a value of None leaves a gap in
    its line. ``percent``: values are shares (0–1) shown as percentages on a 0–100% axis.
    Every point is a ``circle.gg-point`` carrying its label, series and value.

    >>> svg = lines(["1月", "2月"], [("2025", "#1565c0", [3, None])], "需求")
    >>> svg.count('class="gg-point"')
    1
    """
    left, right, top, bottom = 52, 34, 46, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _, _, vals in series for v in vals if v is not None and v == v]
    vmax = 1.0 if percent else _nice_max(max(values, default=0))
    step = plot_w / max(1, len(labels) - 1) if len(labels) > 1 else 0
    base = top + plot_h

    def fmt(v: float) -> str:
        return f"{100 * v:.1f}%" if percent else _fmt(v)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gg-chart" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" data-chart="{_e(chart_id)}">',
           f"<title>{_e(title)}</title>",
           f'<text x="8" y="18" font-size="14" font-weight="bold">{_e(title)}</text>']
    x = left
    for name, colour, _ in series:
        out.append(f'<rect x="{x}" y="{top - 18}" width="12" height="3" fill="{_e(colour)}"/>'
                   f'<text x="{x + 16}" y="{top - 13}">{_e(name)}</text>')
        x += 28 + sum(13 if ord(ch) > 0x2E80 else 7 for ch in str(name))
    for frac in (0, 0.5, 1):
        y = base - plot_h * frac
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eeeeee"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{fmt(vmax * frac)}</text>')
    every = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            out.append(f'<text x="{left + i * step:.1f}" y="{base + 14}" text-anchor="middle">{_e(label)}</text>')
    for name, colour, vals in series:
        run: list[str] = []
        points = []
        for i, v in enumerate(list(vals) + [None]):
            if v is None or v != v:
                if len(run) > 1:
                    out.append(f'<polyline fill="none" stroke="{_e(colour)}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            px, py = left + i * step, base - plot_h * float(v) / vmax
            run.append(f"{px:.1f},{py:.1f}")
            points.append(f'<circle class="gg-point" cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{_e(colour)}" '
                          f'data-label="{_e(labels[i])}" data-series="{_e(name)}" data-value="{float(v):.6g}">'
                          f"<title>{_e(labels[i])} {_e(name)}: {fmt(float(v))}</title></circle>")
        out.extend(points)
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#9e9e9e"/>'
               f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#9e9e9e"/>')
    if ylabel:
        out.append(f'<text x="12" y="{top + plot_h / 2}" transform="rotate(-90 12 {top + plot_h / 2})" '
                   f'text-anchor="middle">{_e(ylabel)}</text>')
    out.append("</svg>")
    return "".join(out)
