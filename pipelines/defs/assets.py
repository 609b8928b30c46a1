"""Assets: corpus files -> parsed documents and facts -> dimensions -> SQL models -> published
warehouse -> exports. Each writes through SQL to this run's build copy of the warehouse; nothing
is pickled into DAGSTER_HOME."""


import os
import shutil
from pathlib import Path

import dagster as dg

from ..warehouse import exports as ex
from ..warehouse.load import extract_changed, load_dimensions, sync_raw_documents
from ..warehouse.models import SqlModel, load_models, refresh_model, run_model
from ..warehouse.plan import (
    Models,
    RunPlan,
    Versions,
    WarehouseView,
    make_plan,
    read_last_view,
    read_plan,
    read_view,
    save_plan,
)
from ..warehouse.schema_docs import TableDoc, apply_comments, load_table_docs
from ..warehouse.store import (
    AFFECTED_SERIES,
    STORAGE_VERSION,
    connect,
    publish,
    remove_build,
    started_from,
    storage_version,
)
from ..warehouse.versions import extractor_version, models_version
from .resources import ZhibiaoResource

MART_TABLES_FOR_EXPORT = ("dim_document", "fct_metric_fact", "dim_unit", "dim_metric", "dim_region", "quarantine")
# Tables written by an asset of another name (quarantine rows come with raw_document).
TABLE_ASSET = {"quarantine": "raw_document"}


# Descriptions and column schemas from the schema files (sql/**/<table>.yml).
TABLE_DOCS = load_table_docs()


def column_schema(doc: TableDoc) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(c.name, c.type, c.description,
                       constraints=dg.TableColumnConstraints(nullable=not c.not_null, unique=c.unique))
        for c in doc.columns
    ])  # fmt: skip


def described(name: str) -> dict:
    """``description`` and ``metadata`` (dagster/column_schema) of a table's asset, from its schema file."""
    doc = TABLE_DOCS.get(name)
    if doc is None:
        return {}
    return {"description": doc.description, "metadata": {"dagster/column_schema": column_schema(doc)}}


def markdown_preview(con, table: str, limit: int = 10) -> dg.MetadataValue:
    cur = con.execute(f"select * from {table} limit {limit}")  # noqa: S608 - our own table names
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()

    def cell(v: object) -> str:
        s = "" if v is None else str(v)
        return s.replace("|", "\\|").replace("\n", " ")[:60]

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return dg.MetadataValue.md("\n".join(lines))


def code_versions() -> Versions:
    return Versions(extractor_version(), models_version())


def plan_of(context: dg.AssetExecutionContext, con) -> RunPlan:
    """This run's plan, as the run_plan asset stored it in the build."""
    return read_plan(con, context.run.run_id, code_versions())


def _exists(con, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchone()[0])


def _count(con, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


@dg.asset(key="raw_document", group_name="ingest", kinds={"duckdb"}, pool="duckdb", **described("raw_document"))
def raw_document(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource) -> dg.MaterializeResult:
    """Every file of the corpus folder, decoded, with its content hash. Only new or changed files
    are decoded again; files that cannot be documents go to ``quarantine`` with the reason."""
    with connect(zhibiao.paths(context.run.run_id).build) as con:
        res = sync_raw_documents(con, zhibiao.corpus, lambda s, i, n: zhibiao.report(context, s, i, n))
        n = _count(con, "raw_document")
        q_preview = markdown_preview(con, "quarantine")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": n,
            "files_seen": res.seen,
            "new_or_changed": len(res.changed),
            "deleted": len(res.deleted),
            "quarantined": len(res.quarantined),
            "quarantine_preview": q_preview,
            "corpus": str(zhibiao.corpus),
        }
    )


@dg.asset(key="run_plan", deps=["raw_document"], group_name="ingest", kinds={"duckdb"}, pool="duckdb")
def run_plan(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource) -> dg.MaterializeResult:
    """What this run does (zhibiao_internal.run_plan, one row): which documents are extracted again or removed,
    whether the SQL models are kept, refreshed or rebuilt, and the code versions; from the warehouse the run
    started from, the corpus as raw_document now holds it, and the code (warehouse/plan.py)."""
    paths = zhibiao.paths(context.run.run_id)
    last = started_from(paths)
    rewritten = last is not None and storage_version(last) != STORAGE_VERSION  # the build was converted
    with connect(paths.build) as con:
        plan = make_plan(context.run.run_id, _last_view(con, last, paths.published.exists()), read_view(con),
                         code_versions(), rewritten)  # fmt: skip
        save_plan(con, plan)
    return dg.MaterializeResult(
        metadata={"changed": plan.changed, "reextract_all": plan.reextract_all, "to_extract": len(plan.extract),
                  "to_remove": len(plan.remove), "models": plan.models.value,
                  "extractor_version": plan.versions.extractor, "models_version": plan.versions.models}  # fmt: skip
    )


def _last_view(con, last: Path | None, published: bool) -> WarehouseView | None:
    """The plan's view of the warehouse the build started from; None if it started empty. A build copied from
    the published file itself (a warehouse from before the pipeline's copy) is compared with nothing: it is
    rebuilt and published, and the analysts' open file is never attached."""
    if last is None:
        return None
    con.execute(f"attach '{str(last).replace(chr(39), chr(39) * 2)}' as last_published (read_only)")
    try:
        return read_last_view(con, "last_published")
    finally:
        con.execute("detach last_published")


@dg.multi_asset(
    specs=[
        dg.AssetSpec("dim_document", deps=["raw_document", "run_plan"], kinds={"duckdb"}, group_name="extract",
                     **described("dim_document")),
        dg.AssetSpec("fct_metric_fact", deps=["raw_document", "run_plan"], kinds={"duckdb"}, group_name="extract",
                     **described("fct_metric_fact")),
    ],
    pool="duckdb",
)
def documents_and_facts(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource):
    """Run the extraction core on new or changed documents (in parallel) and replace their rows."""
    with connect(zhibiao.paths(context.run.run_id).build) as con:
        plan = plan_of(context, con)
        if plan.reextract_all:  # new extraction code: every document is extracted again
            con.execute("delete from dim_document")
            con.execute("delete from fct_metric_fact")  # at once: cheaper than per batch while re-extracting
        stats = extract_changed(con, plan.extract, plan.remove, zhibiao.n_workers(),
                                lambda s, i, n: zhibiao.report(context, s, i, n))  # fmt: skip
        yield dg.MaterializeResult(
            asset_key="dim_document",
            metadata={"dagster/row_count": _count(con, "dim_document"), "re_extracted": stats["extracted"],
                      "removed": stats["removed"], "preview": markdown_preview(con, "dim_document")},  # fmt: skip
        )
        by_kind = dict(con.execute("select kind, count(*) from fct_metric_fact group by kind").fetchall())
        yield dg.MaterializeResult(
            asset_key="fct_metric_fact",
            metadata={"dagster/row_count": _count(con, "fct_metric_fact"), "new_facts": stats["facts"],
                      "failed_documents": stats["failed"], "by_kind": dg.MetadataValue.json(by_kind),
                      "preview": markdown_preview(con, "fct_metric_fact")},  # fmt: skip
        )


@dg.multi_asset(
    specs=[
        dg.AssetSpec("dim_unit", deps=["raw_document"], kinds={"duckdb"}, group_name="dimensions",
                     **described("dim_unit")),
        dg.AssetSpec("dim_metric", deps=["raw_document"], kinds={"duckdb"}, group_name="dimensions",
                     **described("dim_metric")),
        dg.AssetSpec("dim_region", deps=["raw_document"], kinds={"duckdb"}, group_name="dimensions",
                     **described("dim_region")),
    ],
    pool="duckdb",
)
def dimensions(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource):
    """Dimension tables from the packaged catalogs and the gazetteer."""
    zhibiao.step(context, "dimensions")
    with connect(zhibiao.paths(context.run.run_id).build) as con:
        counts = load_dimensions(con)
        for table, n in counts.items():
            yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": n,
                                                                  "preview": markdown_preview(con, table)})


def sql_model_asset(model: SqlModel) -> dg.AssetsDefinition:
    doc = described(model.name)

    @dg.asset(
        name=model.name,
        # Every model reads the run's plan (rebuilt, refreshed or kept), so it runs after it.
        deps=sorted({TABLE_ASSET.get(d, d) for d in model.depends_on} | {"run_plan"}),
        group_name=model.layer if model.layer in ("marts", "seeds") else "staging",
        kinds={"duckdb", "sql"},
        pool="duckdb",
        description=doc.get("description") or model.description or f"SQL model {model.path.name}",
        metadata={"sql_file": str(model.path), **doc.get("metadata", {})},
    )
    def _model(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource) -> dg.MaterializeResult:
        zhibiao.step(context, "models", model.name)
        with connect(zhibiao.paths(context.run.run_id).build) as con:
            plan = plan_of(context, con)
            if plan.models is Models.UNCHANGED and _exists(con, model.name):
                return dg.MaterializeResult(metadata={"dagster/row_count": _count(con, model.name), "skipped": True,
                                                      "why": "no input or model changed since the last run"})  # fmt: skip
            incremental = plan.models is Models.INCREMENTAL and bool(model.incremental_key) and _exists(con, model.name)
            n = refresh_model(con, model, AFFECTED_SERIES) if incremental else run_model(con, model)
            return dg.MaterializeResult(metadata={"dagster/row_count": n, "incremental": incremental,
                                                  "preview": markdown_preview(con, model.name)})  # fmt: skip

    return _model


MODELS = load_models()
MODEL_ASSETS = [sql_model_asset(m) for m in MODELS]


@dg.asset(
    deps=["run_plan", "fct_metric_fact", "dim_document", "dim_unit", "dim_metric", "dim_region"] + [m.name for m in MODELS],
    group_name="publish",
    kinds={"duckdb"},
    pool="duckdb",
)
def published_warehouse(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource) -> dg.MaterializeResult:
    """Swap this run's build into place (atomic rename): readers see the old or the new warehouse,
    never a half-written one."""
    zhibiao.step(context, "publishing")
    paths = zhibiao.paths(context.run.run_id)
    with connect(paths.build, read_only=True) as con:
        dirty = plan_of(context, con).changed
    if dirty or not paths.published.exists() or not paths.state.exists():
        with connect(paths.build) as con:
            apply_comments(con, TABLE_DOCS)  # after the models: a view made again loses its comments
        publish(paths)
    else:
        remove_build(paths)  # nothing changed: the published warehouse is already this state
    return dg.MaterializeResult(metadata={"path": str(paths.published), "republished": dirty,
                                          "size_bytes": paths.published.stat().st_size})  # fmt: skip


@dg.asset(deps=["published_warehouse"], group_name="exports", kinds={"parquet"})
def exports(context: dg.AssetExecutionContext, zhibiao: ZhibiaoResource) -> dg.MaterializeResult:
    """Parquet for every table and mart (fact-grain tables as bucketed parts), facts also partitioned by
    region and year (hive style), plus the facts and docs JSONL of SCHEMA.md. Only what changed since
    the last export is written again. The export folder is a link to one generation of files, replaced at
    once: readers see one warehouse's exports or the previous one's, never a mixture."""
    zhibiao.step(context, "exports")
    out = zhibiao.exports
    published = zhibiao.paths(context.run.run_id).state  # the published file's content; analysts never lock it
    signature = f"{published.stat().st_mtime_ns}:{published.stat().st_size}"
    stamp = out / SOURCE_STAMP
    if stamp.exists() and stamp.read_text() == signature and (out / "facts.jsonl").exists():
        return dg.MaterializeResult(metadata={"export_dir": str(out), "skipped": True,
                                              "why": "the published warehouse has not changed since the last export"})  # fmt: skip
    new = start_generation(out, context.run.run_id)
    with connect(published, read_only=True) as con:
        written = ex.sync_exports(con, new, [*MART_TABLES_FOR_EXPORT, *(m.name for m in MODELS if m.layer != "staging")])
    tmp = new / f".{SOURCE_STAMP}.tmp"
    tmp.write_text(signature)
    os.replace(tmp, new / SOURCE_STAMP)  # not in place: the file may be a link to the last generation's
    switch_generation(out, new)
    return dg.MaterializeResult(metadata={"export_dir": str(out), "generation": new.name,
                                          "written": dg.MetadataValue.json(written)})  # fmt: skip


SOURCE_STAMP = ".zhibiao-source"


def _generation_glob(out: Path) -> str:
    return f".{out.name}.gen-*"


def start_generation(out: Path, run_id: str) -> Path:
    """A new generation folder beside ``out``, holding hard links to the current generation's files: the
    incremental export replaces what changed (each write is a new file renamed into place, so the linked
    files of the current generation are never altered) and keeps the rest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir() and not out.is_symlink() and any(out.iterdir()) and not (out / ex.MANIFEST).exists():
        # Not an export folder of an earlier version: it would be renamed into a generation, then removed.
        raise ValueError(f"the export folder {out} holds files that are not zhibiao's exports; "
                         "give an empty or new folder as --exports (ZHIBIAO_EXPORTS)")  # fmt: skip
    current = out.resolve() if out.exists() else None
    new = out.with_name(f".{out.name}.gen-{run_id[:12]}")
    for old in out.parent.glob(_generation_glob(out)):  # the debris of killed exports, and older generations
        if old != current and old != _previous(out):
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(new, ignore_errors=True)
    if current and current.is_dir():
        shutil.copytree(current, new, copy_function=_link_or_copy, symlinks=True)
    else:
        new.mkdir()
    return new


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _previous(out: Path) -> Path | None:
    marker = out.with_name(f".{out.name}.previous")
    return out.with_name(marker.read_text().strip()) if marker.exists() else None


def switch_generation(out: Path, new: Path) -> None:
    """Point ``out`` at ``new`` with one rename of a link. The previous generation stays until the next
    export, for readers still reading it; an export folder of an earlier version becomes a generation."""
    if out.is_dir() and not out.is_symlink():
        legacy = out.with_name(f".{out.name}.gen-legacy")
        shutil.rmtree(legacy, ignore_errors=True)
        os.replace(out, legacy)
    previous = out.resolve().name if out.is_symlink() else None
    link = out.with_name(f".{out.name}.link-{new.name}")
    link.unlink(missing_ok=True)
    link.symlink_to(new.name)
    os.replace(link, out)
    marker = out.with_name(f".{out.name}.previous")
    if previous and previous != new.name:
        marker.write_text(previous)


ALL_ASSETS = [raw_document, run_plan, documents_and_facts, dimensions, *MODEL_ASSETS, published_warehouse, exports]
