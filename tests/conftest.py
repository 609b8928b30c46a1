from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the user's warehouse, exports or Dagster instance."""
    for var in ("ZHIBIAO_CORPUS", "ZHIBIAO_WAREHOUSE", "ZHIBIAO_EXPORTS", "DAGSTER_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


def build_warehouse(corpus: Path, out: Path) -> Path:
    """Materialise every asset and check on ``corpus``; the warehouse file (exports beside it in ``x/``)."""
    import dagster as dg

    from pipelines.defs.assets import ALL_ASSETS
    from pipelines.defs.checks import ALL_CHECKS
    from pipelines.defs.resources import ZhibiaoResource

    res = ZhibiaoResource(corpus_dir=str(corpus), warehouse_path=str(out / "z.duckdb"), export_dir=str(out / "x"),
                          workers=1)  # fmt: skip
    result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS], resources={"zhibiao": res},
                            instance=dg.DagsterInstance.ephemeral())  # fmt: skip
    assert result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert not failed, f"data tests failed on {corpus.name}: {failed}"
    return out / "z.duckdb"


@pytest.fixture(scope="session")
def seeds_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from seeds/, shared by the tests that only read it."""
    return build_warehouse(SEEDS, tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="session")
def cross_document_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from tests/data/cross_document (a later reply repeats, revises and contradicts an
    earlier one; an exact and a near copy), shared by the tests that only read it."""
    return build_warehouse(DATA / "cross_document", tmp_path_factory.mktemp("cross_document"))


# Three reports of one city: a 2022 figure with a 2023 target, the same figure revised by a later report, and the
# 2023 actual that meets the target.
TARGET_AND_CONFLICT = {
    "a.txt": "杭州市数据局\n2022年,全市5G基站达到3.2万个。到2023年,全市5G基站力争达到5万个。\n2023年1月5日",
    "b.txt": "杭州市数据局\n2022年,全市5G基站达到3.5万个。\n2023年2月1日",
    "c.txt": "杭州市数据局\n2023年,全市5G基站达到5.6万个。\n2024年1月9日",
}


@pytest.fixture(scope="session")
def target_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from TARGET_AND_CONFLICT, shared by the tests that only read it (or copy it)."""
    corpus = tmp_path_factory.mktemp("target_corpus")
    for name, text in TARGET_AND_CONFLICT.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return build_warehouse(corpus, tmp_path_factory.mktemp("target"))


def unprivileged(cmd: list[str]) -> list[str]:
    """``cmd`` so that file permissions apply to it: as root (CI containers), in a user namespace where this
    user is not root (its files stay readable through their owner bits; mode 000 is unreadable)."""
    import os
    import shutil

    if os.geteuid() != 0:
        return cmd
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: file permissions cannot be tested")
    return ["unshare", "--user", "--map-user=1000", *cmd]


@pytest.fixture(scope="session")
def seed_build(seeds_warehouse: Path) -> tuple[Path, Path]:
    """(warehouse, exports) of ``seeds_warehouse``, for the tests that read both. Tests must not write to either."""
    return seeds_warehouse, seeds_warehouse.parent / "x"
