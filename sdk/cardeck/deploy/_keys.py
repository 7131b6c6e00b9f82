"""Ed25519 signing keys: generate, load, and name them by key id.

A key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public
key, so the same key has the same id whatever file format it is stored in.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from cardeck._exceptions import SigningError

__all__ = [
    "KeyPair",
    "PublicKeyTypes",
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
]

# A trusted key given as a file path, or as PEM or raw 32-byte public key bytes.
PublicKeyTypes = Path | str | bytes


def key_id(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class KeyPair:
    """Where :func:`generate_keypair` wrote a key pair, and its key id."""

    private_path: Path
    public_path: Path
    key_id: str


def generate_keypair(out_dir: Path, name: str = "cardeck", *, overwrite: bool = False) -> KeyPair:
    """Create an Ed25519 key pair as ``NAME.key`` (PKCS#8 PEM, mode 0600) and ``NAME.pub``.

    :param out_dir: the folder to write into; created when missing.
    :param name: the file name stem.
    :param overwrite: replace existing files instead of refusing.
    :raises SigningError: a key file exists already and ``overwrite`` is false.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    private_path = out_dir / f"{name}.key"
    public_path = out_dir / f"{name}.pub"
    existing = [p for p in (private_path, public_path) if p.exists()]
    if existing and not overwrite:
        raise SigningError(
            f"The key file {existing[0]} exists already and was left alone; pass --force to "
            "replace it or choose another --name."
        )
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Create the private key with 0600 from the start: never world-readable, not even briefly.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(private_path, flags, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.chmod(private_path, 0o600)
    public = private.public_key()
    public_path.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return KeyPair(private_path, public_path, key_id(public))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an unencrypted PEM Ed25519 private key.

    :raises SigningError: the file is missing, unreadable, or not an Ed25519 key.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(
            f"The signing key {path} cannot be read ({exc.strerror}); create one with "
            "'cardeck deploy keygen'."
        ) from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SigningError(
            f"The file {path} is not an unencrypted PEM private key; create one with "
            "'cardeck deploy keygen'."
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(
            f"The file {path} holds a {type(key).__name__}, but bundles are signed with "
            "Ed25519; create a key with 'cardeck deploy keygen'."
        )
    return key


def load_public_key(source: PublicKeyTypes) -> Ed25519PublicKey:
    """A public key from a file path, PEM bytes, or raw 32 bytes.

    :raises SigningError: the key is missing or not an Ed25519 public key.
    """
    label = "the given key bytes"
    if isinstance(source, Path | str):
        label = str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise SigningError(
                f"The public key {source} cannot be read ({exc.strerror}); check the path."
            ) from exc
    else:
        data = source
    if len(data) == 32:
        return Ed25519PublicKey.from_public_bytes(data)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SigningError(
            f"The key in {label} is not a PEM or raw 32-byte public key; use the .pub file that "
            "'cardeck deploy keygen' wrote."
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(
            f"The key in {label} is a {type(key).__name__}, but bundles are verified with "
            "Ed25519 keys; use the .pub file that 'cardeck deploy keygen' wrote."
        )
    return key
