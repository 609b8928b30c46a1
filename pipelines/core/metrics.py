"""The metric catalog: synonyms of an indicator map to one canonical metric id."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from .vocab import rows

ALWAYS_FIT = frozenset({"ratio", "ratio_difference", "rank", "multiple"})


@dataclass(frozen=True)
class Metric:
    metric_id: str
    name: str
    synonyms: tuple[str, ...]
    dimension: str = ""  # what a level of it measures (money, count, …); "" where any figure may be it


class MetricCatalog:
    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics = metrics
        by_synonym: dict[str, str] = {}
        for m in metrics:
            for s in (m.name, *m.synonyms):
                by_synonym.setdefault(s, m.metric_id)
        self.by_synonym = by_synonym
        self.dimensions = {m.metric_id: m.dimension for m in metrics}
        # synonyms by their first two characters, longest first: does a name start at a position
        self.by_prefix: dict[str, list[str]] = {}
        self.synonyms = list(by_synonym)
        for syn in sorted(self.synonyms, key=len, reverse=True):
            self.by_prefix.setdefault(syn[:2], []).append(syn)
        self.automaton = ahocorasick_rs.AhoCorasick(self.synonyms)

    def fits(self, metric_id: str | None, dimension: str) -> str | None:
        """The metric id where a figure of ``dimension`` can be that metric (地区生产总值跨越3个台阶: 3个 is
        no GDP), else None. Rates, shares, ranks and multiples fit any metric."""
        if metric_id is None or dimension in ALWAYS_FIT:
            return metric_id
        want = self.dimensions.get(metric_id, "")
        return metric_id if not want or dimension.startswith(want) else None

    def match(self, label: str) -> str | None:
        """The id of the longest synonym contained in ``label`` (数字经济核心产业 wins over 数字经济; the
        first of equally long ones), or None."""
        found = self.automaton.find_matches_as_indexes(label, overlapping=True)
        if not found:
            return None
        k, _, _ = min(found, key=lambda f: (f[1] - f[2], f[1]))
        return self.by_synonym[self.synonyms[k]]


@lru_cache(maxsize=1)
def metric_catalog() -> MetricCatalog:
    metrics = [
        Metric(r["metric_id"].strip(), r["name"].strip(), tuple(s for s in r["synonyms"].split("|") if s),
               (r.get("dimension") or "").strip())
        for r in rows("metrics.csv")
    ]
    ids = [m.metric_id for m in metrics]
    if len(ids) != len(set(ids)):
        raise ValueError("metrics.csv: duplicate metric_id")
    return MetricCatalog(metrics)
