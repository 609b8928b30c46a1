"""The Dagster definitions load with their assets, checks, schedule and sensor; the sensor sees edits."""

import json
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions


def test_definitions_load():
    defs = build_definitions()
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert {"raw_document", "dim_document", "fct_metric_fact", "dim_unit", "dim_region", "dim_metric",
            "stg_metric_observation", "mart_metric_timeseries", "mart_cross_document", "published_warehouse",
            "exports"} <= keys
    checks = {c.name for c in repo.asset_graph.asset_check_keys}
    assert {"fact_text_matches_span", "assert_fact_ids_unique", "assert_units_in_catalog"} <= checks
    schedule = defs.resolve_schedule_def("zhibiao_daily")
    assert schedule.cron_schedule == "0 2 * * *"
    assert defs.resolve_sensor_def("zhibiao_corpus_sensor") is not None
    # the SQL models depend on what their files say
    graph = repo.asset_graph
    parents = {p.to_user_string() for p in graph.get(dg.AssetKey("mart_metric_timeseries")).parent_keys}
    assert parents == {"stg_metric_observation"}


def test_sensor_notices_new_and_edited_files(tmp_path: Path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("全市5G基站达到3.2万个。", encoding="utf-8")
    monkeypatch.setenv("ZHIBIAO_CORPUS", str(corpus))
    sensor = build_definitions().resolve_sensor_def("zhibiao_corpus_sensor")
    with dg.instance_for_test() as instance:
        r1 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        assert len(r1.run_requests) == 1
        r2 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=r1.cursor))
        assert not r2.run_requests  # nothing changed
        (corpus / "a.txt").write_text("全市5G基站达到4.1万个。", encoding="utf-8")  # same name, new content
        r3 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=r1.cursor))
        assert len(r3.run_requests) == 1
        assert r3.run_requests[0].run_key != r1.run_requests[0].run_key
        assert json.loads(r3.cursor)["a.txt"] != json.loads(r1.cursor)["a.txt"]
