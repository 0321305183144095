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


def radar_chart(dimensions: list[tuple[str, float | None, int | None]], size: int = 420) -> dict | None:
    """Score (continuous, so a low-maturity office still has a shape) and target level per dimension,
    as a radar: ``dimensions`` are (name, score, target). None with fewer than three dimensions."""
    import math

    if len(dimensions) < 3:
        return None
    width = size + 320  # room for the dimension names left and right
    cx, cy, radius = width / 2, size / 2, size / 2 - 60

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / len(dimensions)
        r = radius * (value or 0) / 5
        return round(cx + r * math.cos(angle), 1), round(cy + r * math.sin(angle), 1)

    def polygon(values):
        return " ".join(f"{x},{y}" for x, y in (point(i, v) for i, v in enumerate(values)))

    axes, labels = [], []
    for i, (name, _, _) in enumerate(dimensions):
        x, y = point(i, 5.6)
        ex, ey = point(i, 5)
        axes.append({"x": ex, "y": ey})
        labels.append({"x": x, "y": y, "text": name if len(name) <= 34 else name[:33].rstrip() + "…",
                       "anchor": "middle" if abs(x - cx) < 10 else ("start" if x > cx else "end")})
    return {"width": width, "height": size, "cx": cx, "cy": cy, "axes": axes, "labels": labels,
            "rings": [polygon([ring] * len(dimensions)) for ring in range(1, 6)],
            "target": polygon([t for _, _, t in dimensions]), "score": polygon([s for _, s, _ in dimensions]),
            "points": [{"x": point(i, s)[0], "y": point(i, s)[1], "name": n, "score": s, "target": t}
                       for i, (n, s, t) in enumerate(dimensions)]}


def score_bars(dimensions: list[tuple[str, float | None, int | None, int | None]], width: int = 520) -> dict | None:
    """A bar per dimension for its score, a mark at its staged level and one at its target:
    (name, score, level, target)."""
    if not dimensions:
        return None
    left, row_h = 200, 22
    height = 46 + row_h * len(dimensions)  # the axis labels, then a legend, below the bars
    scale = (width - left - 20) / 5
    rows = [{"name": name, "label": name if len(name) <= 30 else name[:29].rstrip() + "…",
             "y": 14 + i * row_h, "text_y": 14 + i * row_h + 13,
             "bar_y": 14 + i * row_h + 3, "bar_h": row_h - 8, "width": round((score or 0) * scale, 1),
             "score": score, "level": level, "mark": round(left + (level or 0) * scale, 1),
             "target": target, "target_x": round(left + (target or 0) * scale, 1),
             "mark_end": 14 + i * row_h + row_h - 2}
            for i, (name, score, level, target) in enumerate(dimensions)]
    bottom = 14 + row_h * len(dimensions) + 4
    return {"width": width, "height": height, "left": left, "rows": rows,
            "ticks": [{"x": round(left + n * scale, 1), "label": n} for n in range(6)], "bottom": bottom}
