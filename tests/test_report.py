"""`zhibiao report` writes one self-contained HTML file from a real warehouse: axes with units and gridlines,
a chart per metric, every figure linked to its document and sentence, generation time and warehouse path,
stated limits; rendered in a real headless browser where one is installed."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.report import write_report


@pytest.fixture(scope="module")
def report(seed_build, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of the seeds warehouse, written once for the tests that only read it."""
    out = tmp_path_factory.mktemp("report") / "r.html"
    assert main(["report", "--warehouse", str(seed_build[0]), "--output", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_report_is_self_contained_and_says_where_and_when(report: str, seed_build):
    assert "<script" not in report
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", report)  # nothing fetched from the network
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", report)
    assert str(seed_build[0].absolute()) in report


def test_a_chart_per_metric_with_axes_units_and_gridlines(report: str, seed_build):
    with duckdb.connect(str(seed_build[0]), read_only=True) as con:
        metrics = con.execute(
            """select count(*) from (select metric_id, unit from mart_metric_timeseries
               where metric_id is not null and kind = 'level' and period = period_year::varchar
               group by all having count(*) >= 2)""").fetchone()[0]  # fmt: skip
    section = report.split("<h2>Metrics over time")[1].split("<h2>")[0]
    assert section.count("<h3>") == metrics >= 2
    for svg in re.findall(r"<svg.*?</svg>", section, re.S):
        assert "unit: " in svg  # the axis names its unit
        assert len(re.findall(r'class="tick"', svg)) >= 4  # tick labels on the axes
        assert 'stroke="#e5e5e5"' in svg  # gridlines
        assert svg.count("<circle") == len(re.findall(r'<a href="#f\d+"><circle', svg))  # every point has its source
    assert "5G基站数" in section and "unit: 个" in section and ">year<" in section


def test_every_figure_links_to_its_document_and_sentence(report: str):
    links = set(re.findall(r'href="#(f\d+)"', report))
    anchors = re.findall(r'<li id="(f\d+)">(.*?)</li>', report, re.S)
    assert links and links == {a for a, _ in anchors}
    for _, body in anchors:
        assert re.search(r"\d{3}_[0-9a-f]{16}", body)  # the document id
        assert re.search(r"<mark>[^<]+</mark>", body)  # the quantity marked in its sentence
        assert re.search(r"characters \d+–\d+", body)


def test_cut_tables_say_so_and_duplicate_targets_are_one_row(seed_build, tmp_path: Path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(seed_build[0], db)
    with duckdb.connect(str(db)) as con:  # the same target stated again by another document
        con.execute("insert into mart_target_tracking select * replace ('another_document' as target_doc_id) "
                    "from mart_target_tracking where target_value = 3000")  # fmt: skip
    html = write_report(db, tmp_path / "r.html", max_documents=2, max_metric_charts=1).read_text(encoding="utf-8")
    assert "Showing 2 of 5 documents" in html and html.count("</tr>", html.index("<h2>Documents")) == 3
    assert "more metrics have two or more figures and are not charted" in html
    targets = html.split("<h2>Targets against actuals")[1].split("<h2>")[0]
    row = next(r for r in targets.split("<tr>") if ">3,000<" in r)
    assert row.count("3,000") == 1 and row.endswith("<td class=num>2</td></tr>")  # one row, two documents
    assert "<h2>Limits of this report</h2>" in html


def _browser() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "chrome")) if p), None)


def test_report_renders_in_a_headless_browser(seed_build, tmp_path: Path):
    browser = _browser()
    if browser is None:
        pytest.skip("no headless browser installed (apt-get install chromium) to render the report in")
    out = write_report(seed_build[0], tmp_path / "r.html")
    shot = tmp_path / "report.png"
    r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--window-size=1200,2400", f"--screenshot={shot}", out.as_uri()],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert shot.is_file(), r.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1200, 2400)
    assert len(png) > 60_000, "the page rendered nearly blank"  # text, charts and tables make a large image
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", out.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    assert dom.count("<svg") >= 3 and "Sources" in dom
    print(f"screenshot: {shot}", file=sys.stderr)


def test_report_without_a_warehouse_says_so(tmp_path: Path, capsys):
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb"), "--output", str(tmp_path / "r.html")]) == 2
    assert "run `zhibiao run` first" in capsys.readouterr().err


def test_targets_actuals_and_conflicts_link_each_value_to_its_sentence(target_warehouse: Path, tmp_path: Path):
    """A target met by a later report, and a figure two documents give differently: every value shown, the
    actual and the newest report's included, links to the sentence it was read from."""
    html = write_report(target_warehouse, tmp_path / "r.html").read_text(encoding="utf-8")
    sources = dict(re.findall(r'<li id="(f\d+)">(.*?)</li>', html, re.S))

    def cited(section: str, shown: str) -> str:
        part = html.split(f"<h2>{section}")[1].split("<h2>")[0]
        anchor = re.search(rf'<a href="#(f\d+)">{re.escape(shown)}</a>', part)
        assert anchor, f"{shown} in {section} has no source link"
        return sources[anchor.group(1)]

    assert "<mark>5万个</mark>" in cited("Targets against actuals", "50,000")
    assert "<mark>5.6万个</mark>" in cited("Targets against actuals", "56,000")  # the actual, from document c
    assert "<mark>3.2万个</mark>" in cited("Conflicting figures", "32,000")
    assert "<mark>3.5万个</mark>" in cited("Conflicting figures", "35,000")  # the newest report, document b
