"""Default locations, importable without Dagster (the `zhibiao sql` start-up must not load the orchestrator)."""

DEFAULT_CORPUS = "seeds"
DEFAULT_WAREHOUSE = "warehouse/zhibiao.duckdb"
DEFAULT_EXPORTS = "exports"
