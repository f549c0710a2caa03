"""The README's screenshots exist, every saved one is shown, and each has the promised size.
(No browser needed: this checks what scripts/screenshots.py left in docs/screenshots/.)"""

from __future__ import annotations

import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
SIZES = {(1280, 800), (390, 844)}
IMAGE = re.compile(r"!\[([^\]]*)\]\((docs/screenshots/[^)]+)\)")


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_readme_shows_every_screenshot_with_alt_text() -> None:
    shown = IMAGE.findall((ROOT / "README.md").read_text())
    assert shown, "the README has a Screenshots section"
    for alt, target in shown:
        assert (ROOT / target).is_file(), f"the README shows {target}, which is missing"
        assert len(alt.split()) >= 2, f"{target} needs alt text that says what it shows"
    saved = {f"docs/screenshots/{p.name}" for p in SHOTS.glob("*.png")}
    assert saved == {target for _, target in shown}


def test_screenshots_have_the_desktop_or_phone_size() -> None:
    for path in SHOTS.glob("*.png"):
        assert _png_size(path) in SIZES, f"{path.name} is {_png_size(path)}"
