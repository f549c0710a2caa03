"""Uploads wait in an encrypted buffer: what reaches the disk is never the file in clear."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from fastapi.testclient import TestClient
from starlette import formparsers

from seeding import Seeder
from tocsin.api.upload_spool import EncryptedSpool
from tocsin.core.roles import Role


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Back every spool with a named file that stays after the request, to look at."""
    paths: list[Path] = []

    def backing() -> IO[bytes]:
        path = tmp_path / f"spool-{len(paths)}"
        paths.append(path)
        return path.open("w+b")

    monkeypatch.setattr(EncryptedSpool, "backing", staticmethod(backing))
    yield paths


def test_round_trip_with_seeks_and_odd_sizes(kept: list[Path]) -> None:
    data = os.urandom(100_000) + b"Witness Amal Example lives at 4 Well Street" * 50
    spool = EncryptedSpool(max_size=1024)
    for at in range(0, len(data), 4093):
        assert spool.write(data[at : at + 4093]) == len(data[at : at + 4093])
    spool.flush()
    on_disk = kept[0].read_bytes()
    assert len(on_disk) == len(data) and b"Amal Example" not in on_disk
    assert spool.seek(0) == 0
    back = io.BytesIO()
    while piece := spool.read(777):
        back.write(piece)
    assert back.getvalue() == data
    spool.seek(100_003)
    assert spool.read(10) == data[100_003:100_013] and spool.tell() == 100_013
    spool.seek(-5, os.SEEK_END)
    assert spool.read() == data[-5:]
    spool.close()
    assert spool.closed
    # Two spools never share a key stream.
    other = EncryptedSpool()
    other.write(data)
    other.flush()
    assert kept[1].read_bytes() != on_disk


def test_an_api_upload_never_touches_the_disk_in_clear(
    kept: list[Path], client: TestClient, team: Any, seed: Seeder
) -> None:
    assert formparsers.SpooledTemporaryFile is EncryptedSpool  # installed by create_app
    marker = b"Statement of witness Amal Example, born 1990" * 40_000  # 1.8 MB: past any spool
    files = {"file": ("statement.txt", marker, "text/plain")}
    r = client.post("/api/v1/evidence", data={"kind": "document", "event_id": seed.event().id},
                    files=files, headers=team(Role.DOCUMENTER))  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["size"] == len(marker)
    assert kept, "the upload was not buffered through EncryptedSpool"
    for path in kept:
        assert b"Amal Example" not in path.read_bytes()
