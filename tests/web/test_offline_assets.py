"""Pages work with no network: every script and stylesheet comes from the package."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from fastapi.testclient import TestClient

from tocsin.api.app import create_app
from tocsin.core.db import Database
from tocsin.core.settings import Settings

TEMPLATES = Path(str(resources.files("tocsin.web") / "templates"))
ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def test_templates_load_nothing_from_another_host() -> None:
    pages = list(TEMPLATES.rglob("*.html"))
    assert len(pages) > 3
    for page in pages:
        for url in ASSET.findall(page.read_text()):
            # "/..." is ours, "#..." is this page, "{{ ... }}" is a link built from our routes.
            assert url.startswith(("/", "#", "{{")), f"{page.name} loads {url} from elsewhere"


def test_api_reference_is_served_from_the_package(settings: Settings, db: Database) -> None:
    client = TestClient(create_app(settings, db))
    page = client.get("/api/docs")
    assert page.status_code == 200
    assets = ASSET.findall(page.text)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 100, url
    assert "script-src 'self'" in page.headers["content-security-policy"]
