"""The unit catalog: surface form -> canonical unit, scale, dimension and the roles the rules give it.

The catalog is a CSV (``data/units.csv``) that an analyst can read and extend. A row may name cue
words: a bare letter such as ``G`` is bandwidth only when its clause speaks of 带宽 or 出口. Its header
describes each column and role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .vocab import rows

# Roles that belong to the canonical unit: every row of the unit must carry the same (see units.csv).
UNIT_ROLES = frozenset(("year", "meeting", "session", "person", "position", "rank_move", "scaled"))


@dataclass(frozen=True)
class Unit:
    surface: str
    unit: str
    scale: Decimal
    dimension: str
    cue: re.Pattern[str] | None
    # Characters that, right after the surface, make it part of a noun (家庭, 部门): not a unit.
    not_before: str = ""
    # What the rules of quantities.py take the unit for (units.csv's header lists them).
    roles: frozenset[str] = frozenset()
    # The unit of a count of times of this classifier (辆 -> 辆次), or "".
    times: str = ""

    @property
    def is_count(self) -> bool:
        return self.dimension == "count"


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, Unit], dict[str, tuple[Unit, ...]]]:
    units: dict[str, Unit] = {}
    others: dict[str, list[Unit]] = {}
    for row in rows("units.csv"):
        surface = row["surface"].strip()
        cue = row.get("cue", "").strip()
        unit = Unit(
            surface=surface,
            unit=row["unit"].strip(),
            scale=Decimal(row["scale"].strip()),
            dimension=row["dimension"].strip(),
            cue=re.compile(cue) if cue else None,
            not_before=(row.get("not_before") or "").strip(),
            roles=frozenset((row.get("roles") or "").split()),
            times=(row.get("times") or "").strip(),
        )
        if surface in units:
            # A bare letter may stand for two units, each with its own cue (T of bandwidth, T of data).
            if units[surface].cue is None or unit.cue is None:
                raise ValueError(f"units.csv: duplicate surface form {surface!r} (a repeated form needs cues)")
            others.setdefault(surface, []).append(unit)
            continue
        units[surface] = unit
    catalog = units, {k: tuple(v) for k, v in others.items()}
    _check_unit_roles(catalog)
    return catalog


def _check_unit_roles(catalog: tuple[dict[str, Unit], dict[str, tuple[Unit, ...]]]) -> None:
    seen: dict[str, frozenset[str]] = {}
    for u in _all_rows(catalog):
        mine = u.roles & UNIT_ROLES
        if seen.setdefault(u.unit, mine) != mine:
            raise ValueError(f"units.csv: the rows of {u.unit!r} differ in roles {sorted(seen[u.unit] ^ mine)}")


def _all_rows(catalog: tuple[dict[str, Unit], dict[str, tuple[Unit, ...]]]) -> list[Unit]:
    return [*catalog[0].values(), *(u for more in catalog[1].values() for u in more)]


def load_units() -> dict[str, Unit]:
    """Load the packaged catalog, keyed by surface form (the first row of a repeated surface)."""
    return _catalog()[0]


def other_readings(surface: str) -> tuple[Unit, ...]:
    """The further rows of a surface listed more than once, each with its own cue, in catalog order."""
    return _catalog()[1].get(surface, ())


@lru_cache(maxsize=1)
def rate_denominators() -> dict[str, str]:
    """Surface -> canonical unit of the "per" side of a rate (元/月, 分/千瓦时)."""
    return {r["surface"].strip(): r["unit"].strip() for r in rows("rate_denominators.csv")}


def units_with_role(role: str) -> frozenset[str]:
    """The canonical units (``CNY``, ``人``) whose rows carry ``role``, one of ``UNIT_ROLES``."""
    if role not in UNIT_ROLES:
        raise ValueError(f"{role!r} is not a role of a canonical unit")
    return frozenset(u.unit for u in _all_rows(_catalog()) if role in u.roles)


def surface_with_role(role: str) -> Unit:
    """The catalog row that carries ``role`` (one row does: ``implied_money`` is 元)."""
    found = [u for u in _all_rows(_catalog()) if role in u.roles]
    if len(found) != 1:
        raise ValueError(f"units.csv: {len(found)} rows carry the role {role!r}, one must")
    return found[0]


def canonical_units() -> list[dict[str, str]]:
    """One row per canonical unit with its dimension and surface forms, for ``dim_unit``."""
    by_unit: dict[str, dict[str, object]] = {}
    for u in _all_rows(_catalog()):
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
