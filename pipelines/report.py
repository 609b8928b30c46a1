"""`zhibiao report`: one self-contained HTML file (inline CSS and SVG, no scripts, no CDN).

Every figure the report shows links to its source: the document, its title and date, and the sentence with
the quantity marked. Every table and chart list that is cut says so and says how to get the rest.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .query import analyst_connection

MAX_METRIC_CHARTS = 30  # metrics charted; the rest are named in the limits section
MAX_TARGET_ROWS = 100
MAX_CONFLICT_ROWS = 50
MAX_DOCUMENT_ROWS = 200
MAX_LEGEND_REGIONS = 8  # lines per time-series chart: the regions with the most points

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;
color:#222;max-width:1120px;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin:1.2rem 0 .3rem}.meta{color:#555;font-size:.9rem}.meta code{font-size:.85rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;
vertical-align:top}th{background:#f4f4f4;text-align:left}.num{text-align:right;white-space:nowrap}
.card{display:inline-block;padding:.6rem 1rem;margin:.3rem .3rem .3rem 0;border:1px solid #ddd;border-radius:6px}
.card b{font-size:1.4rem;display:block}.note{color:#555;font-size:.85rem;background:#fafafa;border-left:3px solid #bbb;
padding:.3rem .6rem;margin:.4rem 0}.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #eee;
padding:.4rem .6rem;border-radius:6px}.legend{font-size:.8rem;margin:.2rem 0 0 0;padding:0;list-style:none}
.legend li{display:inline-block;margin-right:.8rem}.swatch{display:inline-block;width:.8rem;height:.8rem;
margin-right:.25rem;vertical-align:-1px}svg text{font-family:inherit}.sources li{margin:.35rem 0;font-size:.85rem}
.sources .where{color:#555}mark{background:#ffe58a}.met{color:#070}.missed{color:#b00}.pending{color:#666}
a{color:#1d5fbf}
"""
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
# Display scales for large values: 33,000 家 is drawn as 3.3 on an axis of 万家.
SCALES = [(1e8, "亿"), (1e4, "万")]
SCALED_UNITS = {"CNY": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元"}


def _fmt(v: float | int | None) -> str:
    """1,202 / 28,000 / 46.8: readable, never scientific."""
    if v is None:
        return "–"
    if float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def _esc(v: object) -> str:
    return html.escape("" if v is None else str(v))


@dataclass
class Sources:
    """The facts the report cites, each given an anchor once, listed at the end."""

    rows: dict[str, dict] = field(default_factory=dict)

    def cite(self, fact: dict | None) -> str:
        """An anchor name (``f3``) for a fact with doc_id, sentence, surface_text …; '' without one."""
        if not fact or not fact.get("fact_id"):
            return ""
        key = fact["fact_id"]
        if key not in self.rows:
            self.rows[key] = {**fact, "anchor": f"f{len(self.rows) + 1}"}
        return self.rows[key]["anchor"]

    def link(self, fact: dict | None, text: str) -> str:
        anchor = self.cite(fact)
        return f'<a href="#{anchor}">{text}</a>' if anchor else text

    def html(self) -> str:
        items = []
        for r in self.rows.values():
            sentence = _esc(r.get("sentence") or "")
            surface = _esc(r.get("surface_text") or "")
            if surface and surface in sentence:
                sentence = sentence.replace(surface, f"<mark>{surface}</mark>", 1)
            where = (f"{_esc(r['doc_id'])} · {_esc(r.get('document_title') or 'untitled')} · "
                     f"{_esc(r.get('document_date') or 'no date')} · characters {r.get('start_offset')}–{r.get('end_offset')}")  # fmt: skip
            items.append(f'<li id="{r["anchor"]}"><span class="where">[{r["anchor"]}] {where}</span><br>{sentence}</li>')
        return "<ol class='sources'>" + "".join(items) + "</ol>" if items else "<p>No figures cited.</p>"


def _scale(values: list[float], unit: str) -> tuple[float, str]:
    """(divisor, axis unit label): 亿/万 for large magnitudes, yuan for CNY."""
    top = max((abs(v) for v in values), default=0)
    base = SCALED_UNITS.get(unit, unit)
    for div, name in SCALES:
        if top >= div * 10 and unit not in ("%", "pp", "rank"):
            return div, f"{name}{base}"
    return 1, base


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering lo..hi (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    if hi == lo:
        hi = lo + (abs(lo) or 1)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    if ticks[-1] < hi:
        ticks.append(ticks[-1] + step)
    return ticks


def line_chart(series: dict[str, list[tuple[int, float, dict]]], unit: str, sources: Sources) -> str:
    """Years on x, values on a y axis with ticks, gridlines and its unit; one line per region; every point a
    link to its source sentence."""
    w, h, left, right, top, bottom = 500, 260, 70, 16, 28, 36
    pts = [p for s in series.values() for p in s]
    div, axis_unit = _scale([p[1] for p in pts], unit)
    years = sorted({p[0] for p in pts})
    ys = [p[1] / div for p in pts]
    ticks = _ticks(min(0.0, *ys), max(0.0, *ys))
    y0, y1 = ticks[0], ticks[-1]

    def sx(year: int) -> float:
        if len(years) == 1:
            return left + (w - left - right) / 2
        return left + (w - left - right) * (year - years[0]) / (years[-1] - years[0])

    def sy(v: float) -> float:
        return top + (h - top - bottom) * (1 - (v - y0) / (y1 - y0))

    parts = [f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">',
             f'<text x="{left}" y="14" font-size="11" fill="#444">unit: {_esc(axis_unit)}</text>']  # fmt: skip
    for t in ticks:
        y = sy(t)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#444">{_fmt(t)}</text>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#888"/>')
    parts.append(f'<line x1="{left}" y1="{sy(y0):.1f}" x2="{w - right}" y2="{sy(y0):.1f}" stroke="#888"/>')
    for year in years:
        x = sx(year)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{h - bottom}" stroke="#f0f0f0"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{h - bottom + 16}" font-size="11" text-anchor="middle" fill="#444">{year}</text>')
    parts.append(f'<text x="{w - right}" y="{h - 4}" font-size="11" text-anchor="end" fill="#444">year</text>')
    legend = []
    for k, (region, s) in enumerate(series.items()):
        c = COLORS[k % len(COLORS)]
        s = sorted(s, key=lambda p: p[0])
        if len(s) > 1:
            coords = " ".join(f"{sx(x):.1f},{sy(v / div):.1f}" for x, v, _ in s)
            parts.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{coords}"/>')
        for x, v, fact in s:
            anchor = sources.cite(fact)
            dot = (f'<circle cx="{sx(x):.1f}" cy="{sy(v / div):.1f}" r="4" fill="{c}"><title>{_esc(region)} {x}: '
                   f'{_fmt(v)} {_esc(unit)} ({_esc(fact.get("surface_text"))}, {_esc(fact.get("doc_id"))})</title></circle>')  # fmt: skip
            parts.append(f'<a href="#{anchor}">{dot}</a>' if anchor else dot)
        legend.append(f'<li><span class="swatch" style="background:{c}"></span>{_esc(region)}</li>')
    parts.append("</svg>")
    return "".join(parts) + f"<ul class='legend'>{''.join(legend)}</ul>"


def bar_chart(items: list[tuple[str, float, dict | None]], unit: str, sources: Sources, label_w: int = 130) -> str:
    """Horizontal bars on a value axis with ticks, gridlines and its unit; each value links to its source."""
    w, bar_h, top, right = 500, 22, 42, 60
    div, axis_unit = _scale([v for _, v, _ in items], unit)
    vals = [v / div for _, v, _ in items]
    ticks = _ticks(min(0.0, *vals), max(0.0, *vals), 4)
    x0, x1 = ticks[0], ticks[-1]
    h = top + bar_h * len(items) + 10

    def sx(v: float) -> float:
        return label_w + (w - label_w - right) * (v - x0) / (x1 - x0)

    parts = [f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">',
             f'<text x="{label_w}" y="12" font-size="11" fill="#444">unit: {_esc(axis_unit)}</text>']  # fmt: skip
    for t in ticks:
        x = sx(t)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{h - 8}" stroke="#e5e5e5"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{top - 10}" font-size="10" text-anchor="middle" fill="#444">{_fmt(t)}</text>')
    for i, (label, v, fact) in enumerate(items):
        y = top + i * bar_h
        a, b = sorted((sx(0), sx(v / div)))
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{_esc(label[:16])}</text>')
        parts.append(f'<rect x="{a:.1f}" y="{y + 4}" width="{max(1.0, b - a):.1f}" height="{bar_h - 8}" fill="#4a7bd0">'
                     f'<title>{_esc(label)}: {_fmt(v)} {_esc(unit)}</title></rect>')  # fmt: skip
        anchor = sources.cite(fact)
        text = f'<text x="{b + 4:.1f}" y="{y + 15}" font-size="11" fill="#1d5fbf">{_fmt(v / div)}</text>'
        parts.append(f'<a href="#{anchor}">{text}</a>' if anchor else text)
    parts.append(f'<line x1="{sx(0):.1f}" y1="{top - 6}" x2="{sx(0):.1f}" y2="{h - 8}" stroke="#888"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table(cols: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_esc(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td{' class=num' if i in numeric else ''}>{v}</td>" for i, v in enumerate(r)) + "</tr>"
                   for r in rows)  # fmt: skip
    return f"<table><tr>{head}</tr>{body}</table>"


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _cut_note(shown: int, total: int, what: str, query: str) -> str:
    if shown >= total:
        return ""
    return (f"<p class='note'>Showing {shown:,} of {total:,} {what}. All of them: "
            f"<code>zhibiao sql --format csv \"{_esc(query)}\"</code></p>")


# Annual levels of catalogued metrics, each with the fact it comes from (the newest document's first mention).
SERIES_SQL = """
select t.metric_id, coalesce(m.name, t.metric) as metric_name, t.unit, coalesce(nullif(t.region, ''), '(region unknown)') as region,
       t.period_year as year, t.value, o.fact_id, o.doc_id, o.surface_text, o.sentence, o.start_offset, o.end_offset,
       o.document_title, o.document_date
from mart_metric_timeseries t
left join dim_metric m using (metric_id)
left join fct_metric_observation o
  on o.doc_id = t.source_doc_id and o.series_metric = t.series_metric and o.kind = t.kind and o.unit = t.unit
 and o.period = t.period and o.region is not distinct from t.region
where t.metric_id is not null and t.kind = 'level' and t.period = t.period_year::varchar
qualify row_number() over (partition by t.metric_id, t.unit, t.region, t.period order by o.start_offset) = 1
order by t.metric_id, t.unit, region, year
"""
TARGETS_SQL = """
with t as (
    select t.*, (select min_by(o.fact_id, o.start_offset) from fct_metric_observation o
                 where o.doc_id = t.actual_doc_id and o.kind = 'level' and o.region is not distinct from t.region
                   and o.series_metric = t.series_metric and o.unit = t.unit and o.period_year = t.target_year
                ) as actual_fact_id
    from mart_target_tracking t
)
select * from (
select t.region, coalesce(m.name, t.metric) as metric_name, t.target_period, t.target_value, t.unit, t.status,
       t.actual_value, t.pct_of_target, count(distinct t.target_doc_id) as n_documents, min(t.target_fact_id) as fact_id,
       min(t.actual_fact_id) as actual_fact_id, min(t.target_year) as target_year
from t left join dim_metric m on m.metric_id = t.series_metric
group by all)
order by case status when 'missed' then 0 when 'met' then 1 else 2 end, target_year, region, metric_name
"""
CONFLICTS_SQL = """
select c.region, c.series_metric, c.kind, c.unit, c.period, c.doc_id, c.value, c.newest_doc_id, c.newest_value,
       (select min_by(n.fact_id, n.start_offset) from fct_metric_observation n
        where n.doc_id = c.newest_doc_id and n.series_metric = c.series_metric and n.kind = c.kind and n.unit = c.unit
          and n.period = c.period and n.region is not distinct from c.region) as newest_fact_id,
       c.relative_difference, c.conflict_reason, o.fact_id, o.surface_text, o.sentence, o.start_offset, o.end_offset, o.document_title,
       o.document_date
from mart_cross_document c
left join fct_metric_observation o
  on o.doc_id = c.doc_id and o.series_metric = c.series_metric and o.kind = c.kind and o.unit = c.unit
 and o.period = c.period and o.region is not distinct from c.region
where c.conflict and not c.is_newest
qualify row_number() over (partition by c.region, c.series_metric, c.kind, c.unit, c.period, c.doc_id order by o.start_offset) = 1
order by c.relative_difference desc, c.region, c.series_metric
"""
FACT_SQL = """select fact_id, doc_id, surface_text, sentence, start_offset, end_offset, document_title, document_date
from fct_metric_observation where fact_id in (select unnest(?::varchar[]))"""


@dataclass
class ReportData:
    """What the report shows, read from the warehouse in one connection."""

    n_docs: int
    n_facts: int
    n_quarantined: int
    kinds: list[tuple[str, int]]
    series: list[dict]
    targets: list[dict]
    conflicts: list[dict]
    docs: list[dict]
    facts: dict[str, dict]  # the facts cited by targets and conflicts, by id


def write_report(warehouse: Path, output: Path, now: dt.datetime | None = None, max_documents: int = MAX_DOCUMENT_ROWS,
                 max_metric_charts: int = MAX_METRIC_CHARTS) -> Path:  # fmt: skip
    now = now or dt.datetime.now(dt.UTC)
    sources = Sources()
    with analyst_connection(warehouse) as con:
        data = read_report_data(con, max_documents)
    metrics_html, limits = _metrics_over_time(data.series, sources, max_metric_charts)
    out = [
        _head(warehouse, now, data),
        "<h2>Facts by kind</h2>",
        bar_chart([(k, float(n), None) for k, n in data.kinds], "facts", sources, label_w=100) if data.kinds
        else "<p>No facts.</p>",
        metrics_html,
        _targets_section(data, sources),
        _conflicts_section(data, sources),
        _documents_section(data),
        _limits_section(limits),
        "<h2>Sources</h2>",
        sources.html(),
        "</body></html>",
    ]  # fmt: skip
    _write_atomic(output, "\n".join(out))
    return output


def read_report_data(con: duckdb.DuckDBPyConnection, max_documents: int) -> ReportData:
    n_docs, n_facts, n_q = con.execute(
        "select (select count(*) from dim_document), (select count(*) from fct_metric_fact), (select count(*) from quarantine)"
    ).fetchone()  # type: ignore[misc]
    kinds = con.execute("select kind, count(*) from fct_metric_fact group by kind order by 2 desc, 1").fetchall()
    targets = _dicts(con, TARGETS_SQL)
    conflicts = _dicts(con, CONFLICTS_SQL)
    docs = _dicts(con, f"""select d.doc_id, d.title, coalesce(d.reply_date, d.publish_date) as date, d.region,
                               count(f.fact_id) as facts
                          from dim_document d left join fct_metric_fact f using (doc_id)
                          group by all order by facts desc, d.doc_id limit {int(max_documents)}""")  # noqa: S608  # fmt: skip
    cited = [*(t[k] for t in targets[:MAX_TARGET_ROWS] for k in ("fact_id", "actual_fact_id")),
             *(c["newest_fact_id"] for c in conflicts[:MAX_CONFLICT_ROWS])]  # fmt: skip
    facts = {r["fact_id"]: r for r in _dicts(con, FACT_SQL, [[f for f in cited if f]])}
    return ReportData(n_docs, n_facts, n_q, kinds, _dicts(con, SERIES_SQL), targets, conflicts, docs, facts)


def _head(warehouse: Path, now: dt.datetime, data: ReportData) -> str:
    return "\n".join([
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>zhibiao report</title><style>{CSS}</style></head><body>",
        "<h1>zhibiao 指标 report</h1>",
        f"<p class='meta'>Generated {now.strftime('%Y-%m-%d %H:%M:%S %Z')} from the warehouse "
        f"<code>{_esc(warehouse.absolute())}</code>. Every value links to its source: the document and the sentence "
        "it was read from (list at the end).</p>",
        f"<div class='card'><b>{data.n_docs:,}</b>documents</div><div class='card'><b>{data.n_facts:,}</b>facts</div>"
        f"<div class='card'><b>{data.n_quarantined:,}</b>quarantined files</div>",
    ])  # fmt: skip


def _metrics_over_time(series: list[dict], sources: Sources, max_metric_charts: int) -> tuple[str, list[str]]:
    """The charts of every catalogued metric with two or more annual figures, and what they leave out."""
    out = ["<h2>Metrics over time and across regions</h2>",
           "<p class='meta'>Annual levels of catalogued metrics, as the newest document reporting each figure "
           "gives them (<code>mart_metric_timeseries</code>). Left: one line per region over the years; right: the "
           "latest year of each region.</p>"]  # fmt: skip
    limits: list[str] = []
    by_metric: dict[tuple[str, str], list[dict]] = {}
    for r in series:
        by_metric.setdefault((r["metric_id"], r["unit"]), []).append(r)
    chartable = [(k, rows) for k, rows in by_metric.items() if len(rows) >= 2]
    chartable.sort(key=lambda kv: (-len(kv[1]), kv[0]))
    for (metric_id, unit), rows in chartable[:max_metric_charts]:
        out.append(_metric_section(metric_id, unit, rows, sources))
    if not chartable:
        out.append("<p>No catalogued metric has two or more annual figures yet.</p>")
    if len(chartable) > max_metric_charts:
        rest = ", ".join(f"{m} ({u})" for (m, u), _ in chartable[max_metric_charts:])
        limits.append(f"{len(chartable) - max_metric_charts} more metrics have two or more figures and are not charted: {_esc(rest)}.")
    single = len(by_metric) - len(chartable)
    if single:
        limits.append(f"{single} catalogued metrics have a single annual figure and are not charted "
                      "(<code>select * from mart_metric_timeseries</code>).")  # fmt: skip
    return "\n".join(out), limits


def _targets_section(data: ReportData, sources: Sources) -> str:
    out = ["<h2>Targets against actuals</h2>"]
    targets, facts = data.targets, data.facts
    if not targets:
        return "\n".join([*out, "<p>No targets.</p>"])
    rows = []
    for t in targets[:MAX_TARGET_ROWS]:
        rows.append([_esc(t["region"]), _esc(t["metric_name"]), _esc(t["target_period"]),
                     sources.link(facts.get(t["fact_id"]), _fmt(t["target_value"])), _esc(t["unit"]),
                     f"<span class='{_esc(t['status'])}'>{_esc(t['status'])}</span>",
                     sources.link(facts.get(t["actual_fact_id"]), _fmt(t["actual_value"])),
                     _fmt(t["pct_of_target"]), str(t["n_documents"])])  # fmt: skip
    out.append(_table(["region", "metric", "period", "target", "unit", "status", "actual", "% of target", "documents"],
                      rows, {3, 6, 7, 8}))  # fmt: skip
    out.append("<p class='meta'>A target stated alike by several documents is one row (documents: how many).</p>")
    out.append(_cut_note(min(len(targets), MAX_TARGET_ROWS), len(targets), "distinct targets",
                         "select * from mart_target_tracking"))  # fmt: skip
    return "\n".join(out)


def _conflicts_section(data: ReportData, sources: Sources) -> str:
    out = ["<h2>Conflicting figures across documents</h2>"]
    conflicts = data.conflicts
    if not conflicts:
        return "\n".join([*out, "<p class='ok'>No two documents report different values for the same figure.</p>"])
    rows = [[_esc(c["region"]), _esc(c["series_metric"]), _esc(c["kind"]), _esc(c["unit"]), _esc(c["period"]),
             _esc(c["doc_id"]), sources.link(c, _fmt(c["value"])), _esc(c["newest_doc_id"]),
             sources.link(data.facts.get(c["newest_fact_id"]), _fmt(c["newest_value"])),
             f"{100 * c['relative_difference']:.1f} %", _esc(c["conflict_reason"])]
            for c in conflicts[:MAX_CONFLICT_ROWS]]  # fmt: skip
    out.append(_table(["region", "metric", "kind", "unit", "period", "document", "value", "newest document",
                       "newest value", "difference", "why"], rows, {6, 8, 9}))  # fmt: skip
    out.append(_cut_note(min(len(conflicts), MAX_CONFLICT_ROWS), len(conflicts), "conflicting figures",
                         "select * from mart_cross_document where conflict"))  # fmt: skip
    return "\n".join(out)


def _documents_section(data: ReportData) -> str:
    return "\n".join([
        "<h2>Documents</h2>",
        _table(["document", "title", "date", "region", "facts"],
               [[_esc(d["doc_id"]), _esc(d["title"]), _esc(d["date"]), _esc(d["region"]), str(d["facts"])]
                for d in data.docs], {4}),
        _cut_note(len(data.docs), data.n_docs, "documents (those with the most facts)", "select * from mart_document_summary"),
    ])  # fmt: skip


# What the charts leave out, whatever the warehouse holds.
STANDING_LIMITS = [
    "Charts show annual levels (<code>kind = 'level'</code>, a period of one year) of metrics in the metric "
    "catalog; growth rates, shares, half-years, quarters and uncatalogued labels are in the warehouse only.",
    "Where several documents report the same figure, the newest document's value is shown; the others are in "
    "<code>mart_cross_document</code>.",
    "A region or period the text does not state is left unknown, never guessed: such figures are not charted.",
]


def _limits_section(limits: list[str]) -> str:
    return "<h2>Limits of this report</h2><ul>\n" + "".join(f"<li>{x}</li>" for x in [*limits, *STANDING_LIMITS]) + "</ul>"


def _write_atomic(output: Path, text: str) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)


def _metric_section(metric_id: str, unit: str, rows: list[dict], sources: Sources) -> str:
    name = rows[0]["metric_name"]
    by_region: dict[str, list[tuple[int, float, dict]]] = {}
    for r in rows:
        by_region.setdefault(r["region"], []).append((r["year"], r["value"], r))
    busiest = sorted(by_region, key=lambda k: (-len(by_region[k]), k))
    shown = {k: by_region[k] for k in busiest[:MAX_LEGEND_REGIONS]}
    parts = [f"<h3>{_esc(name)} <span class='meta'>({_esc(metric_id)}, {_esc(unit)})</span></h3><div class='charts'>"]
    if len({p[0] for s in shown.values() for p in s}) >= 2 or any(len(s) >= 2 for s in shown.values()):
        parts.append(f"<div class='chart'>{line_chart(shown, unit, sources)}</div>")
    latest = [(region, *max(pts, key=lambda p: p[0])) for region, pts in by_region.items()]
    if len(latest) >= 2:
        latest.sort(key=lambda r: -r[2])
        items = [(f"{region} {year}", value, fact) for region, year, value, fact in latest[:12]]
        parts.append(f"<div class='chart'>{bar_chart(items, unit, sources)}</div>")
    parts.append("</div>")
    if len(by_region) > MAX_LEGEND_REGIONS:
        parts.append(f"<p class='note'>The line chart shows the {MAX_LEGEND_REGIONS} regions with the most figures of "
                     f"{len(by_region)}.</p>")  # fmt: skip
    if len(latest) > 12:
        parts.append(f"<p class='note'>The bar chart shows the 12 highest of {len(latest)} regions.</p>")
    return "".join(parts)
