"""The CI script is what lands a change: a syntax slip in it fails every run at once."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_script_parses_as_bash() -> None:
    result = subprocess.run(
        ["bash", "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_ci_script_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme
    last_command = [
        line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")
    ][-1]
    assert last_command == "make test"
