"""Build, sign, verify and push OEM bundles (issue 8).

Example::

    from pathlib import Path
    from cardeck.deploy import build_bundle, generate_keypair, push_usb, verify_bundle

    keys = generate_keypair(Path("keys"), "acme")
    built = build_bundle(Path("payload"), Path("acme-1.0.0.cdbundle"), key=keys.private_path,
                         name="acme", version="1.0.0", target_vehicles=["polestar-2"])
    verify_bundle(built.path, [keys.public_path])
    print(push_usb(built.path, Path("/media/usb")).message)
"""

from ._bundle import (
    BUNDLE_SUFFIX,
    BuiltBundle,
    BundleRejectedError,
    BundleSignatureError,
    MemberSpan,
    ProgressCallback,
    RejectReason,
    VerifiedBundle,
    build_bundle,
    check_newer,
    check_profiles,
    check_target,
    copy_member,
    profile_problems,
    raise_for_profile_problems,
    verify_bundle,
)
from ._keys import (
    KeyPair,
    PublicKeyTypes,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
)
from ._manifest import (
    MANIFEST_NAME,
    PAYLOAD_DIRS,
    SIGNATURE_NAME,
    FileEntry,
    Manifest,
    ManifestError,
    format_api_version,
    parse_api_version,
    semver_key,
)
from ._transports import DEFAULT_ADB_DIR, AdbDeviceLike, PushResult, push_adb, push_usb

__all__ = [
    "BUNDLE_SUFFIX",
    "DEFAULT_ADB_DIR",
    "MANIFEST_NAME",
    "PAYLOAD_DIRS",
    "SIGNATURE_NAME",
    "AdbDeviceLike",
    "BuiltBundle",
    "BundleRejectedError",
    "BundleSignatureError",
    "FileEntry",
    "KeyPair",
    "Manifest",
    "ManifestError",
    "MemberSpan",
    "ProgressCallback",
    "PublicKeyTypes",
    "PushResult",
    "RejectReason",
    "VerifiedBundle",
    "build_bundle",
    "check_newer",
    "check_profiles",
    "check_target",
    "copy_member",
    "format_api_version",
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "parse_api_version",
    "profile_problems",
    "push_adb",
    "push_usb",
    "raise_for_profile_problems",
    "semver_key",
    "verify_bundle",
]
