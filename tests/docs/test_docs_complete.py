"""Docs are checked: a setting, command or endpoint nobody documented fails the build."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from tocsin.cli import app as cli_app
from tocsin.core.settings import load_settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    source = (Path(load_settings.__code__.co_filename)).read_text()
    names = set(re.findall(r'_env(?:_bool)?\("([A-Z_]+)"', source))
    admin = (DOCS / "admin.md").read_text()
    assert names, "no settings found: the pattern is out of date"
    missing = sorted(n for n in names if f"TOCSIN_{n}" not in admin)
    assert not missing, f"settings missing from docs/admin.md: {missing}"


def _commands(group: typer.Typer, prefix: str = "tocsin") -> list[str]:
    click_group = typer.main.get_command(group)
    out: list[str] = []

    def walk(cmd: object, name: str) -> None:
        sub = getattr(cmd, "commands", None)
        if sub:
            for child_name, child in sub.items():
                walk(child, f"{name} {child_name}")
        else:
            out.append(name)

    walk(click_group, prefix)
    return out


def test_every_cli_command_is_documented() -> None:
    admin = (DOCS / "admin.md").read_text()
    commands = _commands(cli_app)
    assert "tocsin import cases" in commands
    missing = [c for c in commands if f"`{c}`" not in admin]
    assert not missing, f"commands missing from docs/admin.md: {missing}"


def test_every_endpoint_is_documented(tmp_path: Path) -> None:
    from fastapi.routing import APIRoute

    from tocsin.api import app as app_module

    api_doc = (DOCS / "api.md").read_text()
    routes = [
        r for module in app_module.ROUTERS for r in module.router.routes if isinstance(r, APIRoute)
    ]
    assert routes
    missing = []
    for route in routes:
        path = app_module.API_PREFIX + route.path
        for method in route.methods:
            if f"| {method} | `{path}` |" not in api_doc:
                missing.append(f"{method} {path}")
    assert not missing, f"endpoints missing from docs/api.md: {missing}"
