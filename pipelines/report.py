"""`zhibiao report`: one self-contained HTML file (inline CSS and SVG, no scripts, no CDN)."""

from __future__ import annotations

import html
import os
from pathlib import Path

from .warehouse.store import connect

CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem}
th{background:#f4f4f4}.num{text-align:right}.bad{color:#b00}.ok{color:#070}.card{display:inline-block;
padding:.6rem 1rem;margin:.3rem;border:1px solid #ddd;border-radius:6px}.card b{font-size:1.4rem;display:block}
"""


def _fmt(v: float) -> str:
    """1,202 / 28,000 / 3.3e+11 -> 330,000,000,000 / 46.8: readable, never scientific."""
    if float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def _table(cols: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        cells = []
        for v in r:
            cls = ' class="num"' if isinstance(v, int | float) else ""
            text = _fmt(v) if isinstance(v, float) else ("" if v is None else str(v))
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _bars(title: str, items: list[tuple[str, float]], unit: str) -> str:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return ""
    w, bar_h, label_w = 700, 22, 220
    top = max(abs(v) for _, v in items) or 1
    h = bar_h * len(items) + 30
    parts = [f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{html.escape(title)} ({html.escape(unit)})</text>']  # fmt: skip
    for i, (label, v) in enumerate(items):
        y = 24 + i * bar_h
        bw = max(1, (w - label_w - 90) * abs(v) / top)
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(label[:18])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bw:.1f}" height="{bar_h - 8}" fill="#4a7bd0"/>')
        parts.append(f'<text x="{label_w + bw + 4:.1f}" y="{y + 14}" font-size="11">{_fmt(v)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _lines(title: str, series: dict[str, list[tuple[int, float]]], unit: str) -> str:
    """One line per region over the years, as inline SVG."""
    pts = [p for s in series.values() for p in s]
    if len(pts) < 2:
        return ""
    w, pad = 640, 50
    h = 240 + 16 * len(series)
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y1 = max(p[1] for p in pts) or 1
    colors = ["#4a7bd0", "#d0704a", "#3a9a5b", "#9a3a8b", "#c9a227", "#555"]

    def sx(x: int) -> float:
        return pad + (w - 2 * pad) * ((x - x0) / (x1 - x0) if x1 > x0 else 0.5)

    plot_bottom = 240 - pad

    def sy(y: float) -> float:
        return plot_bottom - (plot_bottom - 30) * (y / y1)

    parts = [f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{html.escape(title)} ({html.escape(unit)})</text>',
             f'<line x1="{pad}" y1="{plot_bottom}" x2="{w - pad}" y2="{plot_bottom}" stroke="#999"/>']  # fmt: skip
    for year in sorted({p[0] for p in pts}):
        parts.append(f'<text x="{sx(year) - 12:.1f}" y="{plot_bottom + 16}" font-size="11">{year}</text>')
    for k, (region, s) in enumerate(sorted(series.items())):
        c = colors[k % len(colors)]
        s = sorted(s)
        parts.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            c, " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in s)))  # fmt: skip
        for x, y in s:
            parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{c}"><title>{region} {x}: {_fmt(y)}</title></circle>')
            parts.append(f'<text x="{sx(x) + 5:.1f}" y="{sy(y) - 5:.1f}" font-size="10" fill="{c}">{_fmt(y)}</text>')
        parts.append(f'<rect x="{pad}" y="{plot_bottom + 28 + 16 * k}" width="10" height="10" fill="{c}"/>'
                     f'<text x="{pad + 14}" y="{plot_bottom + 37 + 16 * k}" font-size="11">{html.escape(region)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(warehouse: Path, output: Path) -> Path:
    with connect(warehouse, read_only=True) as con:
        n_docs, n_facts = con.execute("select (select count(*) from dim_document), (select count(*) from fct_metric_fact)").fetchone()
        n_q = con.execute("select count(*) from quarantine").fetchone()[0]
        kinds = con.execute("select kind, count(*) from fct_metric_fact group by kind order by 2 desc").fetchall()
        docs = con.execute(
            "select doc_id, title, coalesce(reply_date, publish_date) as date, region, "
            "(select count(*) from fct_metric_fact f where f.doc_id = d.doc_id) as facts from dim_document d order by doc_id"
        ).fetchall()
        series_rows = con.execute(
            """select coalesce(m.name, t.series_metric), t.unit, t.region, t.period_year, t.value
               from mart_metric_timeseries t left join dim_metric m using (metric_id)
               where t.metric_id is not null and t.kind = 'level' and t.period_year is not null order by 1, 3, 4"""
        ).fetchall()
        conflicts = con.execute(
            """select region, series_metric, kind, unit, period, doc_id, value, newest_doc_id, newest_value,
                      round(relative_difference, 4) from mart_cross_document
               where conflict and not is_newest order by relative_difference desc limit 50"""
        ).fetchall()
        latest = con.execute(
            """select coalesce(m.name, t.series_metric), t.unit, t.region, max(t.period_year) as year,
                      arg_max(t.value, t.period_year) as value
               from mart_metric_timeseries t left join dim_metric m using (metric_id)
               where t.metric_id is not null and t.kind = 'level' group by 1, 2, 3 order by 1, 5 desc"""
        ).fetchall()
        targets = con.execute(
            """select region, metric, target_period, target_value, unit, status, actual_value, pct_of_target
               from mart_target_tracking order by region, target_year limit 100"""
        ).fetchall()
    out = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>zhibiao report</title><style>{CSS}</style></head><body>",
           "<h1>zhibiao 指标 report</h1>",
           f"<div class='card'><b>{n_docs}</b>documents</div><div class='card'><b>{n_facts}</b>facts</div>"
           f"<div class='card'><b>{n_q}</b>quarantined files</div><br>"]  # fmt: skip
    out.append(_bars("Facts by kind", [(k, float(n)) for k, n in kinds], "facts"))
    out.append("<h2>Metrics over time, by region</h2>")
    by_metric: dict[tuple[str, str], dict[str, list[tuple[int, float]]]] = {}
    for metric, unit, region, year, value in series_rows:
        by_metric.setdefault((metric, unit), {}).setdefault(region, []).append((year, value))
    charts = [_lines(m, s, u) for (m, u), s in by_metric.items() if sum(len(v) for v in s.values()) >= 2]
    out.append("".join(charts) or "<p>No metric has two or more points yet.</p>")
    out.append("<h2>Regions side by side (latest level per metric)</h2>")
    by_latest: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for metric, unit, region, year, value in latest:
        by_latest.setdefault((metric, unit), []).append((f"{region} {year}", value))
    multi = [(k, v) for k, v in by_latest.items() if len(v) >= 2]
    out.append("".join(_bars(m, v, u) for (m, u), v in multi) or "<p>No metric is reported for two regions yet.</p>")
    out.append("<h2>Conflicting figures across documents</h2>")
    out.append(_table(["region", "metric", "kind", "unit", "period", "document", "value", "newest document", "newest value", "rel. diff"], conflicts)
               if conflicts else "<p class='ok'>No conflicts.</p>")  # fmt: skip
    out.append("<h2>Targets against actuals</h2>")
    out.append(_table(["region", "metric", "period", "target", "unit", "status", "actual", "% of target"], targets)
               if targets else "<p>No targets.</p>")  # fmt: skip
    out.append("<h2>Documents</h2>")
    out.append(_table(["doc", "title", "date", "region", "facts"], docs))
    out.append("</body></html>")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text("\n".join(out), encoding="utf-8")
    os.replace(tmp, output)
    return output
