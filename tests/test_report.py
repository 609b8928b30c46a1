"""`zhibiao report` writes one self-contained HTML file with charts, from a real warehouse."""

import re
from pathlib import Path

import dagster as dg

from pipelines.cli import main
from pipelines.defs.assets import ALL_ASSETS
from pipelines.defs.resources import ZhibiaoResource

from .conftest import SEEDS


def test_report_is_self_contained_with_charts(tmp_path: Path):
    wh = tmp_path / "z.duckdb"
    res = ZhibiaoResource(corpus_dir=str(SEEDS), warehouse_path=str(wh), export_dir=str(tmp_path / "x"), workers=1)
    assert dg.materialize(ALL_ASSETS, resources={"zhibiao": res}, instance=dg.DagsterInstance.ephemeral()).success
    out = tmp_path / "r.html"
    assert main(["report", "--warehouse", str(wh), "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)  # nothing fetched from the network
    assert html.count("<svg") >= 3  # kinds, time series, regions side by side
    assert "5G基站数" in html and "Targets against actuals" in html and "pending" in html


def test_report_without_a_warehouse_says_so(tmp_path: Path, capsys):
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb"), "--output", str(tmp_path / "r.html")]) == 2
    assert "run `zhibiao run` first" in capsys.readouterr().err
