"""The marts' rules: like with like, spans apart from years, one document per copy, contradictions flagged,
targets judged only by later documents. Read-only tests share one warehouse per corpus (conftest); a test
that changes a warehouse works on its own copy."""

import shutil
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipelines.warehouse.models import load_tests, run_test

from .conftest import DATA

CD = DATA / "cross_document"
# Document ids are paths within the corpus (the corpus has year folders).
EARLIER, LATER = "2023/luoyang_digital_economy_reply_2023", "2024/luoyang_digital_economy_reply_2024"


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# --- seeds -------------------------------------------------------------------------------------------------


def test_a_running_total_lower_than_the_last_report_is_flagged_on_the_seeds(seeds_warehouse: Path):
    # 郑州's cloud-enabled enterprises: over 54,000 in the 2022 reply, a running total (累计) of 33,000 in 2023
    got = rows(seeds_warehouse, """select period, value, is_running_total, flagged, flag_reason from mart_metric_timeseries
                                   where series_metric = 'cloud_enterprises' and kind = 'level' and region_code = '410100'
                                   order by period""")  # fmt: skip
    assert [(p, v, rt, f) for p, v, rt, f, _ in got] == [("2022", 54000.0, False, False), ("2023", 33000.0, True, True)]
    assert "running total fell" in got[1][4] and "54000" in got[1][4]


def test_no_change_compares_two_kinds_of_period_on_the_seeds(seeds_warehouse: Path):
    got = rows(seeds_warehouse, """select period, previous_period, year_ago_period from mart_metric_timeseries
                                   where period_kind = 'quarter'""")  # fmt: skip
    assert got and all(prev is None for _, prev, _ in got)  # 2022Q1 growth: no 2021Q4 or 2021Q1 figure
    mixed = rows(seeds_warehouse, """select t.period, t.previous_period from mart_metric_timeseries t
                                     join mart_metric_timeseries p on p.region = t.region and p.series_metric = t.series_metric
                                      and p.kind = t.kind and p.unit = t.unit and p.period = t.previous_period
                                     where p.period_kind <> t.period_kind""")  # fmt: skip
    assert mixed == []
    spans = rows(seeds_warehouse, "select period, period_year, period_first_year, period_last_year from mart_metric_timeseries "
                                  "where period_kind = 'span'")  # fmt: skip
    assert all(y is None and first < last for _, y, first, last in spans)


def test_plan_items_and_durations_are_not_targets_on_the_seeds(seeds_warehouse: Path):
    targets = rows(seeds_warehouse, "select metric, unit from mart_target_tracking")
    units = {u for _, u in targets}
    dims = dict(rows(seeds_warehouse, "select unit, dimension from dim_unit"))
    assert targets and not {u for u in units if dims[u] == "duration"}
    left_out = rows(seeds_warehouse, """select metric, unit, not_a_target_reason from stg_metric_observation
                                        where kind = 'target' and not_a_target_reason is not null order by metric""")
    assert len(left_out) == 3  # a duration of 3 years, a plan of eight parts and of 19 tasks
    assert {r.split(",")[0].split(" (")[0] for _, _, r in left_out} == {"a duration", "a count of the parts of a plan",
                                                                       "a count of the tasks of a plan"}
    assert not {m for m, _, _ in left_out} & {m for m, _ in targets}


def test_exports_keep_exact_values_typed_years_and_spans_apart(seeds_warehouse: Path):
    out = seeds_warehouse.parent / "x"
    facts = pq.read_table(out / "fct_metric_fact")
    assert str(facts.schema.field("value").type) == "decimal128(38, 6)"
    share = [v for v, t in zip(facts.column("value").to_pylist(), facts.column("surface_text").to_pylist(), strict=True)
             if t == "1/3"]  # fmt: skip
    assert [str(v) for v in share] == ["33.333333"]
    assert pq.read_table(out / "dim_region.parquet").num_rows > 3000
    by_year = ds.dataset(out / "facts_by_region_year", format="parquet", partitioning="hive").to_table()
    assert str(by_year.schema.field("year").type) in ("int32", "int64")
    table = by_year.to_pylist()
    spans = [r for r in table if r["period_kind"] == "span"]
    assert spans and all(r["year"] is None and r["period_first_year"] < r["period_last_year"] for r in spans)
    assert all(r["period"] == str(r["year"]) for r in table if r["period_kind"] == "year")
    assert not [r for r in table if r["year"] == 2025 and r["period"] != "2025"]
    # a fact without a year sits in the null partition, not in "year="
    folders = {p.name for p in (out / "facts_by_region_year").glob("*/*/*")}
    assert "year=" not in folders and "year=__HIVE_DEFAULT_PARTITION__" in folders


# --- a corpus that repeats, revises and contradicts itself ----------------------------------------------------


def test_a_later_reply_repeats_revises_and_contradicts_an_earlier_one(cross_document_warehouse: Path):
    got = rows(cross_document_warehouse, """select series_metric, kind, doc_id, value, newest_value, relation, conflict,
                                                   conflict_reason from mart_cross_document where not is_newest
                                            order by series_metric, kind""")  # fmt: skip
    assert [r[:7] for r in got] == [
        ("base_stations_5g", "level", EARLIER, 12000.0, 9000.0, "contradicted", True),  # 1.2万 vs 0.9万 for 2022
        ("digital_economy_value_added", "growth", EARLIER, 12.5, 11.8, "revised", False),  # 经…核实: 11.8%
        ("digital_economy_value_added", "level", EARLIER, 1.85e11, 1.85e11, "repeated", False),  # 1850亿元 again
    ]
    assert LATER in got[0][7] and "12000" in got[0][7]
    flags = dict(rows(cross_document_warehouse, """select series_metric || ' ' || kind || ' ' || period, flag_reason
                                                   from mart_metric_timeseries where flagged"""))  # fmt: skip
    assert set(flags) == {"base_stations_5g level 2022", "cloud_enterprises level 2023"}
    assert flags["base_stations_5g level 2022"].startswith("documents disagree")
    assert flags["cloud_enterprises level 2023"].startswith("running total fell: 6200")


def test_copies_of_a_document_count_once(cross_document_warehouse: Path):
    docs = rows(cross_document_warehouse, "select doc_id, status, canonical_doc_id, copy_kind, n_paths from "
                                          "mart_document_summary order by doc_id")  # fmt: skip
    assert docs == [
        (EARLIER, "extracted", EARLIER, None, 2),
        (LATER, "extracted", LATER, None, 2),
        ("republished/reply_on_county_portal", "copy", EARLIER, "exact", 2),  # byte-identical, another name and folder
        ("web/luoyang_reply_2024_page", "copy", LATER, "near", 2),  # the same reply in a page with menus and a footer
    ]
    n_docs = rows(cross_document_warehouse, "select max(n_documents) from mart_metric_timeseries")
    assert n_docs == [(2,)]
    groups = rows(cross_document_warehouse, "select distinct n_documents from mart_cross_document")
    assert groups == [(2,)]


def test_targets_are_judged_by_a_later_document_only(cross_document_warehouse: Path):
    got = rows(cross_document_warehouse, """select series_metric, target_doc_id, target_value, actual_value, actual_doc_id,
                                                   status from mart_target_tracking order by series_metric""")  # fmt: skip
    assert got == [("base_stations_5g", EARLIER, 16000.0, 17500.0, LATER, "met"),
                   ("cloud_enterprises", EARLIER, 8000.0, 6200.0, LATER, "missed")]


def test_a_copy_or_the_same_document_never_meets_its_own_target(tmp_path: Path):
    from .conftest import build_warehouse

    c = tmp_path / "c"
    c.mkdir()
    text = (CD / f"{EARLIER}.txt").read_text(encoding="utf-8")
    # the same reply states the 2023 figure itself; a copy of it is no later report
    (c / "a.txt").write_text(text.replace("实现城区和重点乡镇连续覆盖。", "实现城区和重点乡镇连续覆盖。"
                                          "2023年,全市5G基站达到1.7万个。"), encoding="utf-8")  # fmt: skip
    shutil.copy(c / "a.txt", c / "b.txt")
    db = build_warehouse(c, tmp_path / "wh")
    assert rows(db, "select kind from fct_metric_fact where doc_id = 'a' and value = 17000") == [("level",)]
    assert rows(db, "select status from mart_target_tracking where series_metric = 'base_stations_5g'") == [("pending",)]


# --- the data tests fail where the rule is broken --------------------------------------------------------------

BREAKS = {
    "assert_timeseries_like_with_like":
        "update mart_metric_timeseries set previous_period = '2021-2022' where previous_period is not null",
    "assert_copies_count_once":
        "update mart_cross_document set doc_id = 'republished/reply_on_county_portal' where doc_id = '" + EARLIER + "'",
    "assert_targets_are_targets":
        "update mart_target_tracking set actual_date = target_date",
    "assert_contradictions_flagged":
        "update mart_metric_timeseries set flag_reason = null, flagged = false",
}  # fmt: skip


@pytest.mark.parametrize("test_name", sorted(BREAKS))
def test_each_rule_s_data_test_fails_where_the_rule_is_broken(cross_document_warehouse: Path, tmp_path: Path,
                                                              test_name: str):  # fmt: skip
    test = next(t for t in load_tests() if t.name == test_name)
    db = tmp_path / "z.duckdb"
    shutil.copy(cross_document_warehouse, db)
    with duckdb.connect(str(db)) as con:
        assert run_test(con, test)[0] == 0
        con.execute(BREAKS[test_name])
        assert run_test(con, test)[0] > 0


def test_each_kind_of_period_is_compared_with_its_own_kind(tmp_path: Path):
    from .conftest import build_warehouse

    # quarters, halves, months, years and spans of a city's two years; two provinces' 2025 and 2021-2025 figures
    db = build_warehouse(DATA / "period_kinds", tmp_path)
    got = rows(db, """select period, previous_period, round(change_abs, 4), year_ago_period, round(change_abs_year_ago, 4)
                      from mart_metric_timeseries where previous_period is not null or year_ago_period is not null
                      order by period""")  # fmt: skip
    assert got == [
        ("2021-2025", "2016-2020", -1.3, None, None),  # a span after the span before it, not after the year 2020
        ("2023", "2022", 1.5, None, None),
        ("2023-06", "2023-05", 2000.0, None, None),  # a month after a month
        ("2023H1", "2022H2", 1.1, None, None),  # a half after a half; 2022H1 is not reported
        ("2023Q1", "2022Q4", 0.6, "2022Q1", 0.3),  # a quarter after a quarter, and the same quarter a year before
    ]
    # regions side by side: provinces with provinces, the year 2025 apart from the span 2021-2025
    compared = rows(db, """select period, region_level, region, value, region_rank, n_regions from mart_region_comparison
                           where metric_id = 'gdp' and kind = 'growth' order by period, region_rank""")  # fmt: skip
    assert compared == [("2021-2025", "province", "湖北省", 6.0, 1, 2), ("2021-2025", "province", "河南省", 5.0, 2, 2),
                        ("2025", "province", "湖北省", 5.8, 1, 2), ("2025", "province", "河南省", 5.6, 2, 2)]
    # one document, two figures for one key: the exact and finer one (达到66193亿元) stands, not the milestone (突破6万亿元)
    level = rows(db, "select value, source_doc_id from mart_metric_timeseries where region = '河南省' and metric_id = 'gdp' "
                     "and kind = 'level' and period = '2025'")  # fmt: skip
    assert level == [(6.6193e12, "henan_statistics_2025")]


def test_a_body_fingerprint_ignores_page_chrome_and_spacing_but_not_the_text():
    from pipelines.warehouse.load import text_fingerprint

    reply = (CD / f"{LATER}.txt").read_text(encoding="utf-8")
    page = (CD / "web" / "luoyang_reply_2024_page.txt").read_text(encoding="utf-8")
    assert reply != page and text_fingerprint(reply) == text_fingerprint(page) is not None
    assert text_fingerprint(reply.replace("1.75万个", "1.85万个")) != text_fingerprint(reply)  # another figure
    assert text_fingerprint("杭州市数据局\n全市5G基站达到3.2万个。\n2023年1月5日") is None  # too short to tell
