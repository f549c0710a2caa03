"""Evidence for the demo dataset: photos whose EXIF says where and with what they were taken,
field notes, and witness statements by the demo's victims, on the most recent demo events.

Everything is made here, from a seed: pictures are drawn with Pillow, texts are generic. The
files go through the same service as an upload, so they are encrypted, logged in custody and
their metadata extracted like any other.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from PIL import Image, ImageDraw
from PIL.ExifTags import GPS, IFD, Base
from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Act, Event
from tocsin.cases.schemas import PlaceIn
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.tlp import TLP
from tocsin.vault import custody, evidence, statements
from tocsin.vault.blobs import BlobStore
from tocsin.vault.schemas import EvidenceCreate, StatementCreate
from tocsin.vault.signing import LogKey

ACCOUNTS = ("Field monitor 2", "Field monitor 5", "Documentation desk")
NOTES = (
    "Seen from the road at about {h}:00; smoke over the eastern blocks.",
    "Two vehicles without plates; the checkpoint was unmanned afterwards.",
    "Families gathered at the school; the clinic was closed.",
)
ACCOUNTS_GIVEN = (
    "They came before dawn. We hid behind the water tank until the shooting stopped.",
    "My neighbour was taken from the market. Men in uniform put him in a truck.",
    "We left on foot the next morning. Nobody told us where to go.",
)


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 2)


def photo(rng: random.Random, when: datetime, lat: float | None, lon: float | None) -> bytes:
    """A small JPEG with a phone's EXIF: device, local time and, when known, a GPS fix."""
    picture = Image.new("RGB", (320, 240), (rng.randrange(90, 160),) * 3)
    pen = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rng.randrange(320), rng.randrange(240)
        shade = rng.randrange(40, 220)
        pen.rectangle((x, y, x + rng.randrange(10, 80), y + rng.randrange(10, 60)),
                      fill=(shade, shade - 20 if shade > 20 else 0, 30))  # fmt: skip
    exif = Image.Exif()
    exif[Base.Make], exif[Base.Model] = "Demo Phones", rng.choice(["Model A", "Model B"])
    sub = exif.get_ifd(IFD.Exif)
    sub[Base.DateTimeOriginal] = when.strftime("%Y:%m:%d %H:%M:%S")
    sub[Base.OffsetTimeOriginal] = "+00:00"
    if lat is not None and lon is not None:
        gps = exif.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = ("E" if lon >= 0 else "W"), _dms(lon)
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=70)
    return out.getvalue()


def load_demo_evidence(
    db: Database,
    actor: Actor,
    store: BlobStore,
    log_key: LogKey,
    events: int = 12,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add demo evidence to the ``events`` most recent events; returns the files added."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible demo, not a secret
    with db.session() as s:
        chosen = s.scalars(select(Event).order_by(Event.start_date.desc(), Event.id)
                           .limit(events)).all()  # fmt: skip
        targets = [(e.id, e.start_date, e.latitude, e.longitude, e.country, TLP(e.tlp).label)
                   for e in chosen]  # fmt: skip
    added = 0
    for n, (event_id, start, lat, lon, country, tlp) in enumerate(targets):
        when = datetime.combine(start, time(rng.randrange(6, 19)), UTC) if start else None
        with db.session() as s:
            added += _event_files(s, actor, store, rng, n, event_id, when, lat, lon, country, tlp)
        if progress is not None:
            progress(n + 1, len(targets))
    with db.session() as s:
        custody.sign_head(s, log_key)
    return added


def _event_files(
    s: Session, actor: Actor, store: BlobStore, rng: random.Random, n: int, event_id: str,
    when: datetime | None, lat: float | None, lon: float | None, country: str | None, tlp: str,
) -> int:  # fmt: skip
    place = PlaceIn(country=country, lat=lat, lon=lon)
    collector = ACCOUNTS[n % len(ACCOUNTS)]
    image = photo(rng, when or datetime(2020, 1, 1, tzinfo=UTC), lat, lon)
    evidence.add(s, actor, store, io.BytesIO(image), EvidenceCreate(
        kind="photo", event_id=event_id, original_name=f"IMG_{4100 + n}.jpg",
        collected_by=collector, collected_at=when, place=place, capture_device="Phone",
        tlp=tlp,
    ))  # fmt: skip
    note = NOTES[n % len(NOTES)].format(h=rng.randrange(6, 19)).encode()
    evidence.add(s, actor, store, io.BytesIO(note), EvidenceCreate(
        kind="document", event_id=event_id, original_name=f"field-note-{n + 1}.txt",
        media_type="text/plain", collected_by=collector, collected_at=when, tlp=tlp,
    ))  # fmt: skip
    victim = s.scalar(select(Act.victim_person_id).where(
        Act.event_id == event_id, Act.victim_person_id.is_not(None)).limit(1))  # fmt: skip
    if victim is None or when is None:
        return 2
    statements.record(s, actor, store, StatementCreate(
        event_id=event_id, witness_id=victim, taken_at=when + timedelta(days=3),
        place=place, interviewer=collector, language=rng.choice(["ar", "fr", "en"]),
        interpreter=None, informed_consent=True,
        consent_notes="Told how the statement may be used; agreed to its use in the case file.",
        text=ACCOUNTS_GIVEN[n % len(ACCOUNTS_GIVEN)], agreement="read_back",
    ))  # fmt: skip
    return 3
