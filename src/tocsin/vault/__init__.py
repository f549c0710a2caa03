"""Evidence vault: encrypted content-addressed files, chain of custody, signed export bundles.

What other capabilities may use is exported here; everything else is internal.
"""

from tocsin.vault.blobs import BlobNotFound, BlobStore, StoredBlob, Verdict
from tocsin.vault.chunks import BlobDamaged, BlobTooLarge, Damage
from tocsin.vault.vault_key import (
    UnknownVaultKey,
    UnwrapFailed,
    VaultKey,
    VaultKeyError,
    vault_key_path,
)

__all__ = [
    "BlobDamaged",
    "BlobNotFound",
    "BlobStore",
    "BlobTooLarge",
    "Damage",
    "StoredBlob",
    "UnknownVaultKey",
    "UnwrapFailed",
    "VaultKey",
    "VaultKeyError",
    "Verdict",
    "vault_key_path",
]
