"""Where the vault lives for a store: the blob folder, the vault key and the custody log key."""

from __future__ import annotations

from pathlib import Path

from tocsin.core.settings import Settings
from tocsin.vault.blobs import BlobStore
from tocsin.vault.signing import LogKey, load_or_create_log_key
from tocsin.vault.vault_key import VaultKey, VaultKeyError, vault_key_path


def _holds_blobs(root: Path) -> bool:
    return root.is_dir() and any(p.name != ".incoming" for p in root.iterdir())


def load_or_create_vault_key(settings: Settings) -> tuple[VaultKey, bool]:
    """The vault key, made only while the evidence folder is empty.

    A missing key beside stored blobs means the key was lost or not restored: making a new one
    then would hide the problem, so it is an error instead.
    """
    path = vault_key_path(settings)
    if path.exists():
        return VaultKey.load(path), False
    if _holds_blobs(settings.evidence_dir):
        raise VaultKeyError(
            f"vault key file {path} not found but {settings.evidence_dir} holds evidence: "
            "restore the vault key file from its backup"
        )
    key = VaultKey.generate()
    key.save(path)
    return key, True


def open_blob_store(settings: Settings) -> BlobStore:
    settings.evidence_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return BlobStore(settings.evidence_dir, load_or_create_vault_key(settings)[0])


def log_key(settings: Settings) -> LogKey:
    return load_or_create_log_key(settings)
