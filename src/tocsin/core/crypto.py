"""Field encryption at rest (AES-256-GCM) with a key ring kept in a file outside the database.

A ciphertext names the key that made it (``t1.<key id>.<base64 nonce+ciphertext>``), so keys can
be rotated without a flag day: new writes use the current key, old rows stay readable until
``tocsin keys rotate`` re-encrypts them. Each column binds its own name as associated data,
so a ciphertext copied into another column fails to decrypt instead of leaking.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tocsin.core.errors import ConfigurationError

PREFIX = "t1"
NONCE_BYTES = 12


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64d(text: str) -> bytes:
    padded = (text + "=" * (-len(text) % 4)).encode("ascii")
    # validate=True refuses stray characters instead of silently skipping them.
    return base64.b64decode(padded, altchars=b"-_", validate=True)


class DecryptionError(ConfigurationError):
    title = "Cannot decrypt"


@dataclass
class KeyRing:
    """Data keys by id, the id new writes use, and a separate key for blind indexes."""

    keys: dict[str, bytes]
    current: str
    index_key: bytes
    pseudonym_key: bytes
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls) -> KeyRing:
        kid = "k" + secrets.token_hex(4)
        return cls(
            keys={kid: AESGCM.generate_key(bit_length=256)},
            current=kid,
            index_key=secrets.token_bytes(32),
            pseudonym_key=secrets.token_bytes(32),
        )

    def _cipher(self, kid: str) -> AESGCM:
        cipher = self._ciphers.get(kid)
        if cipher is None:
            try:
                cipher = AESGCM(self.keys[kid])
            except KeyError:
                raise DecryptionError(f"key {kid!r} is not in the key file") from None
            self._ciphers[kid] = cipher
        return cipher

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._cipher(self.current).encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        return f"{PREFIX}.{self.current}.{_b64e(nonce + sealed)}"

    def decrypt(self, token: str, context: str) -> str:
        try:
            prefix, kid, body = token.split(".", 2)
        except ValueError:
            raise DecryptionError("value is not a Tocsin ciphertext") from None
        if prefix != PREFIX:
            raise DecryptionError(f"unknown ciphertext version {prefix!r}")
        try:
            raw = _b64d(body)
        except (ValueError, binascii.Error):
            raise DecryptionError("ciphertext is not valid base64") from None
        if len(raw) <= NONCE_BYTES:
            raise DecryptionError("ciphertext is too short")
        try:
            plain = self._cipher(kid).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")
            )
        except InvalidTag:
            raise DecryptionError("ciphertext failed authentication") from None
        return plain.decode("utf-8")

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(".", 2)[1]

    def rotate(self) -> str:
        """Add a new current key; old keys stay until every row is re-encrypted."""
        kid = "k" + secrets.token_hex(4)
        self.keys[kid] = AESGCM.generate_key(bit_length=256)
        self.current = kid
        return kid

    def retire_all_but_current(self) -> list[str]:
        retired = [k for k in self.keys if k != self.current]
        for kid in retired:
            del self.keys[kid]
            self._ciphers.pop(kid, None)
        return retired

    # Blind index: lets the database find an exact (normalised) name token without
    # ever holding the name itself.
    def blind_token(self, token: str) -> str:
        digest = hmac.new(self.index_key, token.encode("utf-8"), hashlib.sha256).digest()
        return _b64e(digest[:9])

    def pseudonym(self, kind: str, record_id: str) -> str:
        """A stable pseudonym for exports: same record, same pseudonym, not reversible."""
        digest = hmac.new(
            self.pseudonym_key, f"{kind}:{record_id}".encode(), hashlib.sha256
        ).hexdigest()
        return f"{kind[:1].upper()}-{digest[:10].upper()}"

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "tocsin-keyring/1",
                "current": self.current,
                "keys": {k: _b64e(v) for k, v in self.keys.items()},
                "index_key": _b64e(self.index_key),
                "pseudonym_key": _b64e(self.pseudonym_key),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        data = json.loads(text)
        if data.get("format") != "tocsin-keyring/1":
            raise ConfigurationError("key file has an unknown format")
        return cls(
            keys={k: _b64d(v) for k, v in data["keys"].items()},
            current=data["current"],
            index_key=_b64d(data["index_key"]),
            pseudonym_key=_b64d(data["pseudonym_key"]),
        )

    def save(self, path: Path) -> None:
        """Write atomically with owner-only permissions."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        if not path.exists():
            raise ConfigurationError(
                f"key file {path} not found: run `tocsin init` or set TOCSIN_KEY_FILE"
            )
        return cls.from_json(path.read_text(encoding="utf-8"))


_active: KeyRing | None = None


def install_keyring(ring: KeyRing | None) -> None:
    global _active
    _active = ring


def active_keyring() -> KeyRing:
    if _active is None:
        raise ConfigurationError("no key ring loaded: run `tocsin init` first")
    return _active


_ARABIC_MARKS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640"}


def normalise_name_token(token: str) -> str:
    """Case- and accent-insensitive form of one name token, Arabic vowel marks removed."""
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    kept = "".join(
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and ch not in _ARABIC_MARKS and ch.isalnum()
    )
    return unicodedata.normalize("NFC", kept)


def name_tokens(text: str) -> list[str]:
    return [t for t in (normalise_name_token(p) for p in text.replace("-", " ").split()) if t]
