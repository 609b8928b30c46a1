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


def test_sensor_reads_only_files_whose_stat_moved(tmp_path: Path, monkeypatch):
    import time
    from types import SimpleNamespace

    import pipelines.defs.automation as automation

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"{i}.txt").write_text(f"全市5G基站达到{i}.2万个。", encoding="utf-8")
    later = time.time() + 60  # ticks a minute after the writes: the files' times are trusted
    monkeypatch.setattr(automation, "time", SimpleNamespace(time=lambda: later))
    reads: list[int] = []
    real = automation.sha256_of
    monkeypatch.setattr(automation, "sha256_of", lambda data: reads.append(1) or real(data))
    monkeypatch.setenv("ZHIBIAO_CORPUS", str(corpus))
    sensor = build_definitions().resolve_sensor_def("zhibiao_corpus_sensor")
    with dg.instance_for_test() as instance:
        r1 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        assert len(r1.run_requests) == 1 and len(reads) == 3
        r2 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=r1.cursor))
        assert not r2.run_requests and len(reads) == 3  # nothing read again
        (corpus / "1.txt").write_text("全市5G基站达到9.2万个。", encoding="utf-8")  # same size, new content
        r3 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=r2.cursor or r1.cursor))
        assert len(r3.run_requests) == 1 and len(reads) == 4
        # a cursor of an earlier version (path -> hash) still compares by hash
        old = json.dumps({k: sha for k, (sha, _) in json.loads(r3.cursor).items()})
        assert not sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=old)).run_requests
