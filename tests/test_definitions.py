"""The Dagster definitions load with their assets, checks, schedule and sensor; the sensor sees edits."""

from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.defs.assets import ALL_ASSETS
from pipelines.defs.checks import ALL_CHECKS
from pipelines.defs.resources import ZhibiaoResource


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
    # the SQL models depend on what their files say, and on the run's plan (rebuilt, refreshed or kept)
    graph = repo.asset_graph
    parents = {p.to_user_string() for p in graph.get(dg.AssetKey("mart_metric_timeseries")).parent_keys}
    assert parents == {"fct_metric_observation", "run_plan"}


def materialize(corpus: Path, tmp: Path) -> None:
    res = ZhibiaoResource(corpus_dir=str(corpus), warehouse_path=str(tmp / "wh" / "z.duckdb"),
                          export_dir=str(tmp / "exports"), workers=1)  # fmt: skip
    assert dg.materialize([*ALL_ASSETS, *ALL_CHECKS], resources={"zhibiao": res},
                          instance=dg.DagsterInstance.ephemeral()).success  # fmt: skip


def test_sensor_requests_a_run_whenever_the_corpus_differs_from_the_warehouse(tmp_path: Path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("全市5G基站达到3.2万个。", encoding="utf-8")
    monkeypatch.setenv("ZHIBIAO_CORPUS", str(corpus))
    monkeypatch.setenv("ZHIBIAO_WAREHOUSE", str(tmp_path / "wh" / "z.duckdb"))
    sensor = build_definitions().resolve_sensor_def("zhibiao_corpus_sensor")
    keys: list[str] = []
    with dg.instance_for_test() as instance:
        cursor = None

        def tick() -> list[dg.RunRequest]:
            nonlocal cursor
            r = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor))
            assert len(r.cursor or "") < 100  # small, whatever the size of the corpus
            cursor = r.cursor or cursor
            keys.extend(q.run_key for q in r.run_requests)
            return r.run_requests

        assert len(tick()) == 1  # no warehouse yet
        assert not tick()  # requested already: not again while that run is pending
        materialize(corpus, tmp_path)
        assert not tick()  # the warehouse holds the corpus
        (corpus / "b.txt").write_text("全市5G基站达到4.1万个。", encoding="utf-8")
        assert len(tick()) == 1
        materialize(corpus, tmp_path)
        assert not tick()
        (corpus / "b.txt").unlink()  # back to the corpus of the first run: a new request all the same
        assert len(tick()) == 1
        (corpus / "a.txt").write_text("全市5G基站达到9.9万个。", encoding="utf-8")  # same name, new content
        assert len(tick()) == 1
        materialize(corpus, tmp_path)
        assert not tick()
    assert len(keys) == len(set(keys)) == 4  # no request can be deduplicated away


def test_sensor_reads_only_files_whose_stat_moved(tmp_path: Path, monkeypatch):
    import time
    from types import SimpleNamespace

    import pipelines.defs.automation as automation

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"{i}.txt").write_text(f"全市5G基站达到{i}.2万个。", encoding="utf-8")
    time.sleep(2.1)  # past the loader's racy window: the warehouse records the files' stats
    materialize(corpus, tmp_path)
    reads: list[int] = []
    real = automation.sha256_of
    monkeypatch.setattr(automation, "sha256_of", lambda data: reads.append(1) or real(data))
    monkeypatch.setenv("ZHIBIAO_CORPUS", str(corpus))
    monkeypatch.setenv("ZHIBIAO_WAREHOUSE", str(tmp_path / "wh" / "z.duckdb"))
    sensor = build_definitions().resolve_sensor_def("zhibiao_corpus_sensor")
    with dg.instance_for_test() as instance:
        r1 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
        assert not r1.run_requests and reads == []  # nothing read: every stat is the one recorded
        (corpus / "1.txt").write_text("全市5G基站达到9.2万个。", encoding="utf-8")  # same size, new content
        later = time.time() + 60
        monkeypatch.setattr(automation, "time", SimpleNamespace(time=lambda: later))
        r2 = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=r1.cursor))
        assert len(r2.run_requests) == 1 and len(reads) == 1
