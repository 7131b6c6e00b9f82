"""The bundle manifest: what a bundle holds, for whom, and who signed it.

``manifest.yaml`` is the only file the signature covers; every other file is
bound to it by its SHA-256 and size. The model is strict (``extra="forbid"``,
frozen) so that a manifest the head unit accepts means exactly one thing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from cardeck._exceptions import DeployError
from cardeck._names import NAME_PATTERNS
from cardeck._validation import validate_or_raise

__all__ = [
    "MANIFEST_NAME",
    "PAYLOAD_DIRS",
    "SIGNATURE_NAME",
    "FileEntry",
    "Manifest",
    "ManifestError",
    "format_api_version",
    "parse_api_version",
    "semver_key",
]

MANIFEST_NAME = "manifest.yaml"
SIGNATURE_NAME = "manifest.sig"
# The only top-level folders a payload may use; anything else is refused so a
# bundle cannot smuggle files the head unit would not know how to activate.
PAYLOAD_DIRS = ("profiles", "templates", "themes", "intents", "web")

# Semantic Versioning 2.0.0, https://semver.org (the regex the spec suggests).
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_API = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)$")


class ManifestError(DeployError):
    """A manifest is not valid YAML or does not match the schema."""


def semver_key(version: str) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    """A sort key that orders versions as SemVer 2.0.0 does (build metadata ignored).

    :raises ValueError: ``version`` is not a semantic version.
    """
    match = _SEMVER.match(version)
    if not match:
        raise ValueError(f"{version!r} is not a semantic version such as 1.2.3.")
    major, minor, patch, pre = int(match[1]), int(match[2]), int(match[3]), match[4]
    if pre is None:
        # A release sorts after every pre-release of the same version.
        return (major, minor, patch, 1, ())
    parts: list[tuple[int, int | str]] = []
    for ident in pre.split("."):
        # Numeric identifiers sort before alphanumeric ones, numerically.
        parts.append((0, int(ident)) if ident.isdigit() else (1, ident))
    return (major, minor, patch, 0, tuple(parts))


def parse_api_version(text: str) -> tuple[int, int]:
    """``"1.0"`` as ``(1, 0)``.

    :raises ValueError: ``text`` is not MAJOR.MINOR.
    """
    match = _API.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an API version such as 1.0.")
    return int(match[1]), int(match[2])


def format_api_version(version: tuple[int, int]) -> str:
    """``(1, 0)`` as ``"1.0"``."""
    return f"{version[0]}.{version[1]}"


class FileEntry(BaseModel):
    """One payload file: its path inside the bundle, SHA-256 and size."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Path safety is checked by the verifier as its own step, after the schema,
    # so that the refusal names the unsafe path rather than a schema rule.
    path: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class Manifest(BaseModel):
    """The signed description of a bundle.

    Example::

        manifest = Manifest.from_yaml(Path("manifest.yaml").read_bytes())
        print(manifest.name, manifest.version, [f.path for f in manifest.files])
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    name: str = Field(pattern=NAME_PATTERNS["package"])
    version: str
    min_api_version: str
    target_vehicles: tuple[str, ...] = Field(min_length=1)
    created_at: datetime
    signer_key_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    files: tuple[FileEntry, ...]

    @field_validator("version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        semver_key(value)
        return value

    @field_validator("min_api_version")
    @classmethod
    def _check_api(cls, value: str) -> str:
        parse_api_version(value)
        return value

    @field_validator("created_at")
    @classmethod
    def _check_aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("created_at needs a time zone, e.g. 2026-01-31T12:00:00Z.")
        return value

    @property
    def api_version(self) -> tuple[int, int]:
        """The minimum API version as ``(major, minor)``."""
        return parse_api_version(self.min_api_version)

    def to_yaml(self) -> bytes:
        """The canonical YAML bytes that get signed."""
        data: dict[str, Any] = self.model_dump(mode="json")
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()

    @classmethod
    def from_yaml(cls, data: bytes) -> Manifest:
        """Parse and validate manifest bytes.

        :raises ManifestError: the bytes are not YAML or break the schema; the
            message lists every problem.
        """
        try:
            raw = yaml.safe_load(data)
        except yaml.YAMLError as exc:
            raise ManifestError(
                f"The manifest ({MANIFEST_NAME}) is not valid YAML ({exc}); rebuild the "
                "bundle with 'cardeck deploy build'."
            ) from exc
        if not isinstance(raw, dict):
            raise ManifestError(
                f"The manifest ({MANIFEST_NAME}) is not a mapping; rebuild the bundle with "
                "'cardeck deploy build'."
            )
        return validate_or_raise(
            cls,
            raw,
            lambda problems: ManifestError(
                f"The manifest ({MANIFEST_NAME}) does not match the manifest schema "
                f"({problems}); rebuild the bundle with 'cardeck deploy build'."
            ),
            top="(root)",
        )
