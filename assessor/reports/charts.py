"""The geometry of the HTML reports' SVG charts: numbers in, coordinates out.

Pure and markup-free: a template draws the shapes, and autoescaping covers every label, so no name from
a workbook or a store can become markup.
"""
from __future__ import annotations

# Tableau 20: up to twenty dimensions stay distinguishable on screen and in print.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#1f3864", "#8cd17d", "#b6992d", "#499894", "#86bcb6", "#d37295", "#fabfd2", "#d4a6c8",
           "#a0cbe8", "#ffbe7d")


def line_chart(labels: list[str], series: list[tuple[str, list]], top: float = 5, width: int = 760,
               height: int = 300) -> dict:
    """A line per series over ``labels`` (the x axis, in order); a missing value breaks the line."""
    left, right, upper, lower = 80, 80, 16, 40  # room for a date label centred on either end
    plot_w, plot_h = width - left - right, height - upper - lower
    step = plot_w / max(len(labels) - 1, 1)

    def x(i):
        return round(left + (i * step if len(labels) > 1 else plot_w / 2), 1)

    def y(v):
        return round(upper + plot_h * (1 - v / top), 1)

    lines = []
    for k, (name, values) in enumerate(series):
        runs, run = [], []
        for i, v in enumerate(values):
            if v is None:
                runs, run = (runs + [run] if run else runs), []
            else:
                run.append((x(i), y(v), v))
        runs += [run] if run else []
        lines.append({"name": name, "colour": PALETTE[k % len(PALETTE)],
                      "paths": [" ".join(f"{px},{py}" for px, py, _ in r) for r in runs],
                      "points": [{"x": px, "y": py, "value": v} for r in runs for px, py, v in r]})
    ticks = [{"y": y(v), "label": f"{v:g}"} for v in range(0, int(top) + 1)]
    return {"width": width, "height": height, "left": left, "right": width - right, "top": upper,
            "bottom": upper + plot_h, "ticks": ticks,
            "labels": [{"x": x(i), "text": text} for i, text in enumerate(labels)], "lines": lines}


def bar_chart(rows: list[tuple[str, float | None]], top: float = 100, width: int = 760, bar: int = 20) -> dict:
    """A horizontal bar per row (a missing value draws no bar and says so); a median line at top/2."""
    left, right, upper = 230, 60, 10
    plot_w = width - left - right
    bars = []
    for i, (name, value) in enumerate(rows):
        y = upper + i * (bar + 8)
        bars.append({"name": name, "y": y, "text_y": y + bar * 0.7, "height": bar, "value": value,
                     "width": 0 if value is None else round(plot_w * value / top, 1),
                     "end": left + (0 if value is None else round(plot_w * value / top, 1)) + 6})
    height = upper + len(rows) * (bar + 8) + 24
    return {"width": width, "height": height, "left": left, "right": left + plot_w,
            "middle": round(left + plot_w / 2, 1), "bottom": height - 20, "bars": bars,
            "ticks": [{"x": round(left + plot_w * v / top, 1), "label": f"{v:g}"} for v in (0, 25, 50, 75, 100)]}
