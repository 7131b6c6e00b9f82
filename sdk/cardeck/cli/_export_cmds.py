"""``cardeck layout export``: the solved layout as files for the car's own UI.

A thin handler over :func:`cardeck.layout.build_layout_export` and
:func:`cardeck.layout.write_layout_export`; docs/guides/export.md describes the
formats. It lives beside ``_layout_cmds`` (which registers it) so the export's
flags and JSON keys stay in one place.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, get_args

from cardeck.cli._output import JsonKeys, add_json_flag, print_json, step_progress
from cardeck.layout import (
    ExportFormat,
    VehicleProfile,
    build_layout_export,
    export_files,
    write_layout_export,
)

__all__ = ["EXPORT_KEYS", "add_export_command", "cmd_layout_export"]

EXPORT_KEYS: JsonKeys = {
    "vehicle": "the profile id",
    "format": "'json', 'android' or 'css'",
    "output": "the output folder (-o)",
    "displays": "list of the display ids exported",
    "files": "list of the paths written, in order",
}


def cmd_layout_export(args: argparse.Namespace, profile: VehicleProfile) -> int:
    """Solve a profile and write its layout as JSON, Android overlays or CSS."""
    export = build_layout_export(profile, display_id=args.display)
    count = len(export_files(export, args.format, args.android_target))
    with step_progress("Writing files", count) as advance:
        written = write_layout_export(
            export,
            args.format,
            args.output,
            android_target=args.android_target,
            on_file=lambda _path: advance(),
        )
    displays = [d.id for d in export.displays]
    if args.json:
        print_json(
            {
                "vehicle": profile.id,
                "format": args.format,
                "output": str(args.output),
                "displays": displays,
                "files": [str(path) for path in written],
            }
        )
        return 0
    print(
        f"Wrote {len(written)} file(s) to {args.output} ({args.format}, {profile.id}: "
        f"{', '.join(displays)})"
    )
    for path in written:
        print(f"  {path}")
    return 0


def add_export_command(layout_cmds: Any, handler: Any) -> None:
    """Add ``export`` to the ``layout`` subcommands.

    :param layout_cmds: the ``add_subparsers()`` object of ``cardeck layout``.
    :param handler: the ``func`` default: parses the profile argument and calls
        :func:`cmd_layout_export`.
    """
    p = layout_cmds.add_parser(
        "export",
        help="Write the solved layout for the car's UI: JSON, Android overlays or CSS.",
        description=(
            "Solve a profile and write its layout: json (the documented, versioned "
            "document), android (a Runtime Resource Overlay per display: manifest and "
            "dimens in dp) or css (a stylesheet per display in CSS px at the display's "
            "device-pixel ratio). docs/guides/export.md describes each format."
        ),
    )
    p.add_argument("profile", help="A bundled vehicle id or a path to a profile .yaml.")
    p.add_argument("--display", metavar="ID", help="Export only this display (default: all).")
    p.add_argument(
        "--format",
        choices=get_args(ExportFormat),
        default="json",
        help="What to write: json (default), android or css.",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="DIR",
        help="The folder to write into; created if missing.",
    )
    p.add_argument(
        "--android-target",
        default=None,
        metavar="PACKAGE",
        help=(
            "With --format android: the package of the car's UI app the overlays target; "
            "it declares the cardeck_* dimens (default: the placeholder com.cardeck.carui)."
        ),
    )
    add_json_flag(p, EXPORT_KEYS)
    p.set_defaults(func=handler)
