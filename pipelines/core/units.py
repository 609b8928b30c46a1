"""The unit catalog: surface form -> canonical unit, scale and dimension.

The catalog is a CSV (``data/units.csv``) that an analyst can read and extend. A row may name cue
words: a bare letter such as ``G`` is bandwidth only when its clause speaks of 带宽 or 出口.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Unit:
    surface: str
    unit: str
    scale: Decimal
    dimension: str
    cue: re.Pattern[str] | None
    # Characters that, right after the surface, make it part of a noun (家庭, 部门): not a unit.
    not_before: str = ""

    @property
    def is_count(self) -> bool:
        return self.dimension == "count"


def _read_rows(text: str) -> list[dict[str, str]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, Unit], dict[str, tuple[Unit, ...]]]:
    text = resources.files("pipelines.core").joinpath("data/units.csv").read_text(encoding="utf-8")
    units: dict[str, Unit] = {}
    others: dict[str, list[Unit]] = {}
    for row in _read_rows(text):
        surface = row["surface"].strip()
        cue = row.get("cue", "").strip()
        unit = Unit(
            surface=surface,
            unit=row["unit"].strip(),
            scale=Decimal(row["scale"].strip()),
            dimension=row["dimension"].strip(),
            cue=re.compile(cue) if cue else None,
            not_before=(row.get("not_before") or "").strip(),
        )
        if surface in units:
            # A bare letter may stand for two units, each with its own cue (T of bandwidth, T of data).
            if units[surface].cue is None or unit.cue is None:
                raise ValueError(f"units.csv: duplicate surface form {surface!r} (a repeated form needs cues)")
            others.setdefault(surface, []).append(unit)
            continue
        units[surface] = unit
    return units, {k: tuple(v) for k, v in others.items()}


def load_units() -> dict[str, Unit]:
    """Load the packaged catalog, keyed by surface form (the first row of a repeated surface)."""
    return _catalog()[0]


def other_readings(surface: str) -> tuple[Unit, ...]:
    """The further rows of a surface listed more than once, each with its own cue, in catalog order."""
    return _catalog()[1].get(surface, ())


@lru_cache(maxsize=1)
def rate_denominators() -> dict[str, str]:
    """Surface -> canonical unit of the "per" side of a rate (元/月, 分/千瓦时)."""
    text = resources.files("pipelines.core").joinpath("data/rate_denominators.csv").read_text(encoding="utf-8")
    return {r["surface"].strip(): r["unit"].strip() for r in _read_rows(text)}


def canonical_units() -> list[dict[str, str]]:
    """One row per canonical unit with its dimension and surface forms, for ``dim_unit``."""
    by_unit: dict[str, dict[str, object]] = {}
    for u in [*load_units().values(), *(u for rows in _catalog()[1].values() for u in rows)]:
        dim = "money" if u.dimension == "money_rate_only" else u.dimension
        row = by_unit.setdefault(u.unit, {"unit": u.unit, "dimension": dim, "surfaces": []})
        row["surfaces"].append(u.surface)  # type: ignore[union-attr]
    # Rates pair a currency with a denominator (CNY/月); the catalog lists the sides, dim_unit the pairs.
    currencies = sorted({u.unit for u in load_units().values() if u.dimension.startswith("money")})
    for cur in currencies:
        for surface, den in rate_denominators().items():
            row = by_unit.setdefault(f"{cur}/{den}", {"unit": f"{cur}/{den}", "dimension": "rate", "surfaces": []})
            row["surfaces"].append(f"…/{surface}")  # type: ignore[union-attr]
    return [
        {"unit": k, "dimension": str(v["dimension"]), "surface_forms": "、".join(v["surfaces"])}  # type: ignore[arg-type]
        for k, v in sorted(by_unit.items())
    ]


def unit_alternation() -> str:
    """A regex alternation of every surface form, longest first so 个百分点 wins over 个."""
    forms = sorted(load_units(), key=len, reverse=True)
    return "|".join(re.escape(f) for f in forms)
