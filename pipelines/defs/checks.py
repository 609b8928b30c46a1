"""Asset checks: spans match the text, no duplicate facts, units in the catalog, and every SQL data
test under sql/tests (a query that returns no rows when all is well).

Blocking checks (the span check, and every SQL test whose header says ``-- blocking: yes``) run before
``published_warehouse``: if one fails, nothing is published and the previous warehouse stays in place."""


from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from ..warehouse.models import SqlTest, load_models, load_tests, relations_read, run_test
from ..warehouse.plan import last_plan
from ..warehouse.schema_docs import generic_tests, load_table_docs
from ..warehouse.store import connect
from .assets import TABLE_ASSET
from .resources import ZhibiaoResource


def _db(context: dg.AssetCheckExecutionContext, zhibiao: ZhibiaoResource) -> Path:
    """This run's build if it is still there, else the pipeline's copy of the published warehouse."""
    paths = zhibiao.paths(context.run.run_id)
    return paths.build if paths.build.exists() else paths.state


def _result(n_bad: int, rows: list[tuple], what: str, **target: str) -> dg.AssetCheckResult:
    """``target``: asset_key and check_name, where one step runs several checks."""
    return dg.AssetCheckResult(
        **target,
        passed=n_bad == 0,
        metadata={"failing_rows": n_bad, "examples": dg.MetadataValue.json([list(map(str, r)) for r in rows]),
                  "what": what},  # fmt: skip
    )


# Documents whose facts the span check reads back: all of a run's documents up to this many, else an
# even sample of this many (a full re-extraction of 10,000 documents would spend seconds on it).
SPAN_CHECK_DOCUMENTS = 1000


@dg.asset_check(asset="fct_metric_fact", blocking=True, pool="duckdb",
                description="The facts of the documents this run wrote (up to 1,000 documents; an even sample "
                            "beyond) have text equal to their span in the stored document text; facts of "
                            "unchanged documents were checked when they were written.")  # fmt: skip
def fact_text_matches_span(context: dg.AssetCheckExecutionContext, zhibiao: ZhibiaoResource) -> dg.AssetCheckResult:
    zhibiao.step(context, "checks", "fact_text_matches_span")
    bad, checked, written = span_mismatches(_db(context, zhibiao))
    result = _result(len(bad), bad[:5], "fact text differs from its span")
    result.metadata["documents_checked"] = dg.MetadataValue.int(checked)  # type: ignore[index]
    result.metadata["documents_written"] = dg.MetadataValue.int(written)  # type: ignore[index]
    return result


def span_mismatches(db: Path) -> tuple[list[tuple], int, int]:
    """(fact id, stored text, text at its span) for every mismatch among the facts of the documents the
    last run wrote (an even sample of SPAN_CHECK_DOCUMENTS beyond that many); documents checked; written.

    Compared in Python, a batch of documents at a time: str slicing is O(1) per fact, where a SQL
    substring by character offset walks the UTF-8 text from its start."""
    bad: list[tuple] = []
    with connect(db, read_only=True) as con:
        written = list(last_plan(con).extract)
        step = -(-len(written) // SPAN_CHECK_DOCUMENTS) or 1
        ids = written[::step]
        for i in range(0, len(ids), 500):
            batch = ids[i : i + 500]
            texts = dict(con.execute("select doc_id, text from raw_document where doc_id in (select unnest(?::varchar[]))",
                                     [batch]).fetchall())  # fmt: skip
            facts = con.sql(
                "select fact_id, doc_id, start_offset, end_offset, surface_text from fct_metric_fact "
                "where doc_id in (select unnest(?::varchar[]))", params=[batch]).to_arrow_table()  # fmt: skip
            # Column lists from Arrow: building a tuple per row (fetchall) cost more than the comparison.
            fids, docs, starts, ends, surfaces = (facts.column(c).to_pylist() for c in facts.column_names)
            bad += [(fid, s, texts.get(d, "")[a:b])
                    for fid, d, a, b, s in zip(fids, docs, starts, ends, surfaces, strict=True)
                    if texts.get(d, "")[a:b] != s]  # fmt: skip
    return bad, len(ids), len(written)


# Tables the assets write, and the asset that writes each (quarantine rows come with raw_document).
BASE_TABLES = {"raw_document": "raw_document", "quarantine": "raw_document", "dim_document": "dim_document",
               "fct_metric_fact": "fct_metric_fact", "dim_unit": "dim_unit", "dim_metric": "dim_metric",
               "dim_region": "dim_region"}  # fmt: skip


# Quarantine rows come with raw_document and, for a document whose extraction fails, with the extraction: a test
# of the quarantine waits for both.
COMPLETED_BY = {"quarantine": ["fct_metric_fact"]}


def tables_read(test: SqlTest) -> list[str]:
    """The assets whose tables a data test's SQL reads, besides the one it tests: the check runs after all of
    them (blocking checks run right after their own asset, before the rest of the job)."""
    writers = {**BASE_TABLES, **{m.name: m.name for m in load_models()}}
    read = relations_read(test.sql)  # as the models' inputs are found: a name in a comment is no input
    return sorted({a for t, a in writers.items() if a != test.tests and t in read})


def sql_test_checks(tests: list[SqlTest]) -> dg.AssetChecksDefinition:
    """Every SQL data test as its own check (name and asset from its file), all run in one step with one
    connection: each test is a query of milliseconds, and a step of its own cost several times that."""

    @dg.multi_asset_check(
        name="sql_data_tests",
        specs=[dg.AssetCheckSpec(t.name, asset=_asset_of(t.tests), blocking=t.blocking,
                                 additional_deps=[a for a in tables_read(t) + COMPLETED_BY.get(t.tests, [])
                                                  if a != _asset_of(t.tests)],
                                 description=t.description or f"sql/tests/{t.path.name}") for t in tests],
        can_subset=True,
        pool="duckdb",  # reads the build file, which a writing step may hold
    )  # fmt: skip
    def _checks(context: dg.AssetCheckExecutionContext, zhibiao: ZhibiaoResource) -> Iterator[dg.AssetCheckResult]:
        zhibiao.step(context, "checks", "sql_data_tests")
        with connect(_db(context, zhibiao), read_only=True) as con:
            for test in tests:
                if dg.AssetCheckKey(dg.AssetKey(_asset_of(test.tests)), test.name) not in context.selected_asset_check_keys:
                    continue
                n, rows = run_test(con, test)
                yield _result(n, rows, test.description, asset_key=_asset_of(test.tests), check_name=test.name)

    return _checks


def _asset_of(table: str) -> str:
    """The asset that writes a table (quarantine rows are written with raw_document)."""
    return TABLE_ASSET.get(table, table)


# Unique facts and units in the catalog are SQL data tests (sql/tests/assert_fact_ids_unique.sql,
# assert_units_in_catalog.sql): a fact id is its document and span. The schema files' generic tests
# (not_null, unique, accepted_values, relationships) run in the same step.
ALL_CHECKS = [fact_text_matches_span, sql_test_checks([*load_tests(), *generic_tests(load_table_docs())])]
