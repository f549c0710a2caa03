"""Fixtures of the vault tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tocsin.core.settings import Settings, get_settings


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for name, value in {
        "DATA_DIR": settings.data_dir,
        "DATABASE_URL": settings.database_url,
        "KEY_FILE": settings.key_file,
        "EVIDENCE_DIR": settings.evidence_dir,
    }.items():
        monkeypatch.setenv(f"TOCSIN_{name}", str(value))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()
