"""Dagster definitions: the orchestration layer around the extraction core and the warehouse."""
