"""The vault key: wraps the per-file keys of the evidence vault, kept in its own 0600 file.

It lives beside the field-encryption key ring (``core.crypto.KeyRing``) but in a file of its
own, so an operator can back up, escrow or hand over evidence access separately from access to
protected names. Keys carry ids, like the key ring's, so the vault key can be rotated later:
new blobs are wrapped with the current key and old blobs name the key that wrapped them.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tocsin.core.backup import COMPANION_KEYS
from tocsin.core.errors import ConfigurationError
from tocsin.core.settings import Settings

FORMAT = "tocsin-vault-key/1"
VAULT_KEY_FILENAME = COMPANION_KEYS[0]  # travels with backups (core/backup.py)
KEY_BYTES = 32
WRAP_NONCE_BYTES = 12
TAG_BYTES = 16
WRAPPED_BYTES = WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class VaultKeyError(ConfigurationError):
    title = "Vault key problem"


class UnknownVaultKey(VaultKeyError):
    """The blob was sealed with a vault key that this key file does not hold."""

    title = "Wrong vault key"


class UnwrapFailed(VaultKeyError):
    """A wrapped file key did not authenticate: damaged wrapped key or header, or a wrong key."""

    title = "Cannot unwrap file key"


def vault_key_path(settings: Settings) -> Path:
    """Where the vault key lives: next to the key ring, never inside the evidence folder."""
    return settings.key_file.parent / VAULT_KEY_FILENAME


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _b64d(text: str) -> bytes:
    padded = (text + "=" * (-len(text) % 4)).encode("ascii")
    return base64.b64decode(padded, altchars=b"-_", validate=True)


def _new_key_id() -> str:
    # "v" distinguishes vault key ids from key ring ids ("k...") in logs and error messages.
    return "v" + secrets.token_hex(4)


@dataclass
class VaultKey:
    """Vault keys by id and the id that wraps new file keys."""

    keys: dict[str, bytes] = field(repr=False)
    current: str
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise VaultKeyError(f"current vault key {self.current!r} is not among the keys")
        for kid, key in self.keys.items():
            if not _KEY_ID.fullmatch(kid):
                raise VaultKeyError(f"vault key id {kid!r} is not a valid id")
            if len(key) != KEY_BYTES:
                raise VaultKeyError(f"vault key {kid!r} is not {KEY_BYTES * 8} bits long")

    @classmethod
    def generate(cls) -> VaultKey:
        kid = _new_key_id()
        return cls(keys={kid: AESGCM.generate_key(bit_length=256)}, current=kid)

    def rotate(self) -> str:
        """Add a new current key. Old keys stay: existing blobs still name them."""
        kid = _new_key_id()
        self.keys[kid] = AESGCM.generate_key(bit_length=256)
        self.current = kid
        return kid

    def _cipher(self, kid: str) -> AESGCM:
        cipher = self._ciphers.get(kid)
        if cipher is None:
            try:
                cipher = AESGCM(self.keys[kid])
            except KeyError:
                raise UnknownVaultKey(
                    f"the blob was sealed with vault key {kid!r}, which is not in this vault key "
                    f"file (it holds {', '.join(sorted(self.keys))}): load the right key file"
                ) from None
            self._ciphers[kid] = cipher
        return cipher

    def wrap(self, file_key: bytes, context: bytes) -> bytes:
        """Seal a file key under the current vault key; returns nonce + ciphertext + tag.

        AES-GCM rather than RFC 3394 AES-KW because it takes associated data: the blob header
        is bound to the wrapped key, so a changed chunk size, nonce prefix or key id makes the
        unwrap fail instead of producing a key used under the wrong parameters.
        """
        nonce = os.urandom(WRAP_NONCE_BYTES)
        return nonce + self._cipher(self.current).encrypt(nonce, file_key, context)

    def unwrap(self, kid: str, wrapped: bytes, context: bytes) -> bytes:
        cipher = self._cipher(kid)
        if len(wrapped) != WRAPPED_BYTES:
            raise UnwrapFailed(f"wrapped key is {len(wrapped)} bytes, expected {WRAPPED_BYTES}")
        try:
            key = cipher.decrypt(wrapped[:WRAP_NONCE_BYTES], wrapped[WRAP_NONCE_BYTES:], context)
        except InvalidTag:
            raise UnwrapFailed(
                f"the wrapped file key does not open with vault key {kid!r}: the wrapped key or "
                "header is damaged, or this key file holds a different key under the same id"
            ) from None
        return key

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "current": self.current,
                "keys": {k: _b64e(v) for k, v in self.keys.items()},
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> VaultKey:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise VaultKeyError("vault key file is not valid JSON") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise VaultKeyError(f"vault key file has an unknown format (expected {FORMAT})")
        keys = data.get("keys")
        current = data.get("current")
        if not isinstance(keys, dict) or not isinstance(current, str):
            raise VaultKeyError("vault key file lacks its keys or current key id")
        try:
            decoded = {str(k): _b64d(str(v)) for k, v in keys.items()}
        except (ValueError, binascii.Error):
            raise VaultKeyError("a vault key in the key file is not valid base64") from None
        return cls(keys=decoded, current=current)

    def save(self, path: Path, *, overwrite: bool = False) -> None:
        """Write atomically with owner-only permissions.

        Refuses to replace an existing file unless asked: overwriting the vault key by mistake
        would make every stored blob unreadable, so rotation must say it means it.
        """
        if path.exists() and not overwrite:
            raise VaultKeyError(f"vault key file {path} already exists; refusing to replace it")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)

    @classmethod
    def load(cls, path: Path) -> VaultKey:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise VaultKeyError(
                f"vault key file {path} not found: without it no stored evidence can be read"
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            # A vault key others can read makes RED evidence readable by them too.
            raise VaultKeyError(
                f"vault key file {path} is readable by other users (mode {stat.S_IMODE(mode):o}): "
                f"run `chmod 600 {path}`"
            )
        return cls.from_json(path.read_text(encoding="utf-8"))


def fsync_dir(directory: Path) -> None:
    """Make a rename or new entry in ``directory`` survive a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
