"""Materialise every asset through Dagster on seeds/ into a temporary folder; check warehouse and exports."""

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from pipelines.defs.assets import ALL_ASSETS
from pipelines.defs.checks import ALL_CHECKS
from pipelines.defs.resources import ZhibiaoResource
from pipelines.warehouse import exports as ex

from .conftest import DATA, SEEDS

CROSS_DOCUMENT = DATA / "cross_document"

TABLES = ["raw_document", "dim_document", "fct_metric_fact", "dim_unit", "dim_metric", "dim_region", "quarantine",
          "stg_metric_observation", "mart_metric_timeseries", "mart_cross_document"]


def run(corpus: Path, tmp: Path) -> dg.ExecuteInProcessResult:
    res = ZhibiaoResource(corpus_dir=str(corpus), warehouse_path=str(tmp / "wh" / "z.duckdb"),
                          export_dir=str(tmp / "exports"), workers=1)
    result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS], resources={"zhibiao": res},
                            instance=dg.DagsterInstance.ephemeral())
    assert result.success
    return result


def snapshot(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(map(str, con.execute(f"select * exclude (ingested_at, file_stat) from {t}" if t == "raw_document"
                                               else f"select * exclude (quarantined_at) from {t}" if t == "quarantine"
                                               else f"select * from {t}").fetchall())) for t in TABLES}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    c = tmp_path / "corpus"
    shutil.copytree(SEEDS, c)
    (c / "bad_empty.txt").write_bytes(b"")
    (c / "bad_binary.txt").write_bytes(b"\x00\x01\x02\x89PNG" * 50)
    (c / "gbk_doc.txt").write_bytes("杭州市数据资源管理局\n全市5G基站达到3.2万个。\n2023年6月1日".encode("gb18030"))
    return c


def test_all_assets_build_the_warehouse_and_exports(corpus: Path, tmp_path: Path):
    result = run(corpus, tmp_path)
    assert all(c.passed for c in result.get_asset_check_evaluations())
    db = tmp_path / "wh" / "z.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 6
        assert con.execute("select count(*) from fct_metric_fact").fetchone()[0] > 150
        reasons = dict(con.execute("select path, reason from quarantine").fetchall())
        assert {Path(p).name for p in reasons} == {"bad_empty.txt", "bad_binary.txt"}
        assert any("empty" in r for r in reasons.values()) and any("binary" in r for r in reasons.values())
        gbk = con.execute("select region, value, unit from fct_metric_fact where doc_id = 'gbk_doc'").fetchall()
        assert gbk == [("杭州市", 32000.0, "个")]
        # every fact's text is its span of the document text
        bad = con.execute("""select count(*) from fct_metric_fact f join raw_document r using (doc_id)
                             where substring(r.text, f.start_offset + 1, f.end_offset - f.start_offset)
                                   <> f.surface_text""").fetchone()[0]
        assert bad == 0
        ts = con.execute("select count(*) from mart_metric_timeseries").fetchone()[0]
        assert ts > 0
    exports = tmp_path / "exports"
    facts = pq.read_table(exports / "fct_metric_fact")  # bucketed parts (hive folders bucket=N)
    assert facts.num_rows > 150 and "bucket" in facts.column_names
    assert pq.read_table(exports / "mart_metric_timeseries.parquet").num_rows > 0
    assert (exports / "facts_by_region_year").is_dir()
    assert any(p.name.startswith("region_part=") for p in (exports / "facts_by_region_year").iterdir())
    lines = [json.loads(x) for x in (exports / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == facts.num_rows
    assert {"doc", "start", "end", "text", "value", "unit", "qualifier", "kind", "metric", "region", "period"} <= set(lines[0])
    docs = [json.loads(x) for x in (exports / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 6 and set(docs[0]) >= {"doc", "title", "reply_date", "region", "doc_number"}


def test_rerun_without_change_is_identical_and_edits_replace_facts(corpus: Path, tmp_path: Path):
    db = tmp_path / "wh" / "z.duckdb"
    run(corpus, tmp_path)
    first = snapshot(db)
    second = run(corpus, tmp_path)
    assert snapshot(db) == first
    # nothing changed: the models and exports are not rebuilt
    skipped = {m.asset_key.to_user_string() for m in second.get_asset_materialization_events()
               if (md := m.materialization.metadata.get("skipped")) is not None and md.value}  # fmt: skip
    assert {"mart_metric_timeseries", "mart_cross_document", "exports"} <= skipped
    # an edited file replaces its facts; a deleted file's facts leave the warehouse
    (corpus / "gbk_doc.txt").write_bytes("杭州市数据资源管理局\n全市5G基站达到4.5万个。\n2024年6月1日".encode("gb18030"))
    (corpus / "000_3fad39849ae07b55.txt").unlink()
    run(corpus, tmp_path)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select value from fct_metric_fact where doc_id = 'gbk_doc'").fetchall() == [(45000.0,)]
        assert con.execute("select count(*) from fct_metric_fact where doc_id = '000_3fad39849ae07b55'").fetchone()[0] == 0
        assert con.execute("select count(*) from dim_document where doc_id = '000_3fad39849ae07b55'").fetchone()[0] == 0


def test_cross_document_conflicts_and_target_tracking(target_warehouse: Path):
    with duckdb.connect(str(target_warehouse), read_only=True) as con:
        rows = con.execute("""select doc_id, value, newest_doc_id, newest_value, conflict from mart_cross_document
                              where series_metric = 'base_stations_5g' order by doc_id""").fetchall()
        assert rows == [("a", 32000.0, "b", 35000.0, True), ("b", 35000.0, "b", 35000.0, True)]
        t = con.execute("""select target_value, actual_value, status, pct_of_target from mart_target_tracking
                           where series_metric = 'base_stations_5g'""").fetchall()
        assert t == [(50000.0, 56000.0, "met", 112.0)]
        ts = con.execute("""select period, value, change_abs from mart_metric_timeseries
                            where series_metric = 'base_stations_5g' and kind = 'level' order by period""").fetchall()
        assert ts == [("2022", 35000.0, None), ("2023", 56000.0, 21000.0)]


MART_TABLES = ["mart_metric_timeseries", "mart_cross_document", "mart_target_tracking", "mart_region_comparison",
               "mart_document_summary"]


def test_incremental_marts_equal_a_full_rebuild(tmp_path: Path):
    """Adding, editing, copying and deleting a few documents refreshes the marts key by key; the result is what
    a build from scratch on the same corpus gives."""
    c = tmp_path / "corpus"
    c.mkdir()
    cities = ["杭州市", "成都市", "武汉市", "南京市", "西安市", "长沙市", "合肥市", "济南市"]
    for i, (city, year) in enumerate((city, year) for city in cities for year in (2020, 2021, 2022, 2023)):
        (c / f"d{i}.txt").write_text(
            f"{city}数据局\n{year}年,全市5G基站达到{3 + i % 7}.{i % 10}万个,同比增长1{i % 10}%。到2025年,全市5G基站力争"
            f"达到{8 + i}万个。全市上云企业累计超过{2 + i}000家。\n{year + 1}年1月{5 + i}日", encoding="utf-8")
    # a reply and the same reply in a web page (a near copy: menus, a footer, other spacing)
    shutil.copy(CROSS_DOCUMENT / "2024" / "luoyang_digital_economy_reply_2024.txt", c)
    shutil.copy(CROSS_DOCUMENT / "web" / "luoyang_reply_2024_page.txt", c)
    inc = tmp_path / "inc"
    run(c, inc)
    # A new report, an edited one (new figures, another city) and a deleted one.
    (c / "new.txt").write_text("杭州市数据局\n2023年,全市5G基站达到9.9万个,全市上云企业累计超过7000家。\n2024年3月1日",
                               encoding="utf-8")
    (c / "d2.txt").write_text("西安市数据局\n2022年,全市5G基站达到2.1万个。\n2023年2月1日", encoding="utf-8")
    shutil.copy(c / "d0.txt", c / "d0_copy.txt")  # a copy of a document: still one document
    shutil.copy(c / "d5.txt", c / "d5_copy.txt")  # the copy stands for the document once it is deleted
    (c / "d5.txt").unlink()
    (c / "luoyang_digital_economy_reply_2024.txt").unlink()  # the near copy now stands for the reply
    result = run(c, inc)
    refreshed = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()
                 if (md := m.materialization.metadata.get("incremental")) is not None and md.value}  # fmt: skip
    assert {"mart_metric_timeseries", "mart_cross_document", "mart_target_tracking"} <= refreshed
    full = tmp_path / "full"
    run(c, full)
    with duckdb.connect(str(inc / "wh" / "z.duckdb"), read_only=True) as con:
        con.execute(f"attach '{full / 'wh' / 'z.duckdb'}' as full_build (read_only)")
        for t in MART_TABLES:
            extra = con.execute(f"select count(*) from (select * from {t} except all select * from full_build.{t})").fetchone()
            missing = con.execute(f"select count(*) from (select * from full_build.{t} except all select * from {t})").fetchone()
            assert (extra[0], missing[0]) == (0, 0), t
            assert con.execute(f"select count(*) from {t}").fetchone()[0] > 0 or t == "mart_region_comparison"


def test_exports_write_only_what_changed_and_match_the_warehouse(tmp_path: Path):
    c = tmp_path / "corpus"
    c.mkdir()
    for i, city in enumerate(["杭州市", "成都市", "武汉市", "南京市", "西安市", "长沙市", "合肥市", "济南市"]):
        (c / f"d{i}.txt").write_text(f"{city}数据局\n2023年,全市5G基站达到{3 + i}.5万个,上云企业超过{i + 2}000家。\n"
                                     f"2024年1月{i + 1}日", encoding="utf-8")  # fmt: skip
    run(c, tmp_path)
    (c / "d3.txt").write_text("南京市数据局\n2023年,全市5G基站达到9.9万个。\n2024年2月1日", encoding="utf-8")
    (c / "d6.txt").unlink()
    result = run(c, tmp_path)
    written = next(m.materialization.metadata["written"].value for m in result.get_asset_materialization_events()
                   if m.asset_key.to_user_string() == "exports")  # fmt: skip
    # two documents changed: at most two buckets of each fact table, not the whole table
    assert any(w.startswith("fct_metric_fact (") for w in written)
    assert all(int(w.split("(")[1].split()[0]) <= 2 for w in written if w.startswith("fct_metric"))
    assert "dim_unit" not in written and "dim_region" not in str(written)
    exports, db = tmp_path / "exports", tmp_path / "wh" / "z.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        for table, files in (("fct_metric_fact", exports / "fct_metric_fact" / "*" / "*.parquet"),
                             ("fct_metric_fact", exports / "facts_by_region_year" / "*" / "*" / "*" / "*.parquet"),
                             ("fct_metric_observation", exports / "fct_metric_observation" / "*" / "*.parquet"),
                             ("dim_document", exports / "dim_document.parquet")):  # fmt: skip
            names = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            cols = ", ".join(names)
            exported = f"select {cols} from read_parquet('{files}', hive_partitioning = false)"
            # values are exported as exact decimals: the warehouse's doubles rounded to 6 places
            stored = ", ".join(f"{c}::{ex.EXACT_TYPE} as {c}" if c in ex.EXACT_COLUMNS else c for c in names)
            diff = con.execute(f"select count(*) from (({exported}) except all (select {stored} from {table}))"
                               f" union all select count(*) from ((select {stored} from {table}) except all ({exported}))"
                               ).fetchall()  # fmt: skip
            assert diff == [(0,), (0,)], (table, files)
        n_facts = con.execute("select count(*) from fct_metric_fact").fetchone()[0]
        # facts.jsonl was spliced (unchanged buckets copied from the last file): the same bytes as a fresh write
        assert any(w.startswith("facts.jsonl (") for w in written)
        fresh = tmp_path / "fresh.jsonl"
        ex.sync_facts_jsonl(con, fresh, {})
        assert fresh.read_bytes() == (exports / "facts.jsonl").read_bytes()
    assert len((exports / "facts.jsonl").read_text(encoding="utf-8").splitlines()) == n_facts
    assert {json.loads(x)["doc"] for x in (exports / "docs.jsonl").read_text(encoding="utf-8").splitlines()} == {
        f"d{i}" for i in range(8) if i != 6}


def test_span_check_reports_a_fact_whose_text_differs_from_its_span(target_warehouse: Path, tmp_path: Path):
    from pipelines.defs.checks import span_mismatches

    db = tmp_path / "z.duckdb"
    shutil.copy(target_warehouse, db)
    assert span_mismatches(db) == ([], 3, 3)  # the documents the run that built it wrote
    with duckdb.connect(str(db)) as con:
        con.execute("update fct_metric_fact set surface_text = '3.3万个' where surface_text = '3.2万个'")
    bad, _, _ = span_mismatches(db)
    assert [(text, at_span) for _, text, at_span in bad] == [("3.3万个", "3.2万个")]


def test_each_sql_data_test_reports_on_its_own_check(tmp_path: Path):
    from pipelines.defs.checks import sql_test_checks
    from pipelines.warehouse.models import SqlTest, load_tests

    failing = SqlTest("assert_no_5g_figures", tmp_path / "assert_no_5g_figures.sql",
                      "select fact_id, surface_text from fct_metric_fact where metric like '%5G%'", "fct_metric_fact",
                      "a test that fails on purpose")  # fmt: skip
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "a.txt").write_text("杭州市数据局\n2023年,全市5G基站达到3.2万个,上云企业超过2000家。\n2024年1月5日", encoding="utf-8")
    res = ZhibiaoResource(corpus_dir=str(c), warehouse_path=str(tmp_path / "wh" / "z.duckdb"),
                          export_dir=str(tmp_path / "exports"), workers=1)  # fmt: skip
    result = dg.materialize([*ALL_ASSETS, sql_test_checks([*load_tests(), failing])], resources={"zhibiao": res},
                            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)  # fmt: skip
    evals = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert {t.name for t in load_tests()} < set(evals)
    assert not evals["assert_no_5g_figures"].passed
    assert evals["assert_no_5g_figures"].metadata["failing_rows"].value == 1
    assert all(e.passed for name, e in evals.items() if name != "assert_no_5g_figures")


def test_new_extraction_code_rewrites_every_fact_export_though_no_document_changed(seed_build, tmp_path: Path):
    from pipelines.warehouse.store import RUN_PLAN

    db, out = tmp_path / "z.duckdb", tmp_path / "exports"
    shutil.copy(seed_build[0], db)
    shutil.copytree(seed_build[1], out)  # the export generation the link points to, copied as files
    with duckdb.connect(str(db)) as con:
        tables = ["dim_document"]
        assert not [w for w in ex.sync_exports(con, out, tables) if w.startswith(("fct_", "facts"))]  # up to date
        # The fact rows are a function of the documents and of the code that made them: new code, new rows.
        con.execute(f"update {RUN_PLAN} set extractor_version = 'new-code'")
        written = ex.sync_exports(con, out, tables)
        n_buckets = con.execute(f"select count(distinct {ex.BUCKET}) from dim_document").fetchone()[0]
    assert f"fct_metric_fact ({n_buckets} parts)" in written
    assert f"fct_metric_observation ({n_buckets} parts)" in written
    assert any(w.startswith("facts_by_region_year (") for w in written)
    assert f"facts.jsonl ({n_buckets} buckets)" in written
