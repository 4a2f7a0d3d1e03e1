"""A small province imported and classified, on each database engine: the reports' tests that
need a real database share it (they only read it)."""

from __future__ import annotations

import pytest
from tests.conftest import ENGINES, fresh_database

from tcxd.core.settings import load_province_config
from tcxd.db.engine import open_database
from tcxd.db.province import initialize
from tcxd.importing import ImportOptions, import_paths
from tcxd.rating.classify import classify
from tcxd.sample import generate

YEAR = 2025  # the year classified


@pytest.fixture(scope="session", params=ENGINES)
def sample_engine(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    sample = folder / "sample"
    generate(sample, members=600, seed=11, mess=True)
    with fresh_database(request.param, folder) as url:
        initialize(url, load_province_config(sample / "tinh.yaml"))
        engine = open_database(url)
        import_paths(engine, [sample], ImportOptions())
        classify(engine, YEAR)
        yield engine
        engine.dispose()
