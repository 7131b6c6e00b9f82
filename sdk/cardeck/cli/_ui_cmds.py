"""``cardeck layout render``, ``sheet`` and ``gallery``: headless pictures of layouts.

Thin handlers over ``cardeck_sim.ui``. They import it (and so kivy) only
when run, because importing ``cardeck`` must never import kivy; without the
simulator extra they raise a ``UsageError`` that names the pip command.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from .._exceptions import UsageError
from .._extras import WINDOW_MODULES, requires_extra
from ._output import JsonKeys, add_json_flag, print_json, step_progress

__all__ = [
    "add_render_commands",
    "cmd_layout_gallery",
    "cmd_layout_render",
    "cmd_layout_sheet",
    "register",
]

_RENDER_KEYS: JsonKeys = {
    "written_to": "the PNG written",
    "vehicle": "the profile id",
    "display": "the display rendered, or null for the whole dashboard",
    "width_px": "the image width",
    "height_px": "the image height",
}
_SHEET_KEYS: JsonKeys = {
    "written_to": "the PNG written",
    "profiles": "list of the profile ids on the sheet, in order",
    "displays": "how many display thumbnails it has",
    "width_px": "the sheet's width",
    "height_px": "the sheet's height",
}
_GALLERY_KEYS: JsonKeys = {
    "page": "the markdown page written (OUT/gallery.md)",
    "images": "list of the PNGs written, a day and a night one per vehicle",
    "profiles": "list of the profile ids in the gallery, in order",
}


def _require_ui() -> Any:
    """Import ``cardeck_sim.ui``, or explain how to install what it needs."""
    with requires_extra("Rendering layouts", later=WINDOW_MODULES):
        import cardeck_sim.ui as ui

    return ui


def cmd_layout_render(args: argparse.Namespace) -> int:
    """Render a profile's displays (or one) with the demo scene to a PNG, headless."""
    from cardeck.layout import solve_profile

    from ._layout_cmds import _resolve_profile

    profile = _resolve_profile(args.profile)
    ids = [d.id for d in profile.displays]
    if args.display and args.display not in ids:
        raise UsageError(
            f"The profile '{profile.id}' has no display '{args.display}'; "
            f"choose one of: {', '.join(ids)}."
        )
    ui = _require_ui()
    with requires_extra("Rendering layouts"):
        from cardeck_sim.maps import MapData

    with step_progress("Loading map data", None):
        map_data = MapData.load()
    with step_progress("Rendering", None):
        store = ui.demo_store(map_data, profile.id, night=args.night)
        layouts = solve_profile(profile)
        ui.ensure_window()
        if args.display:
            display = next(d for d in profile.displays if d.id == args.display)
            image = ui.render_image(
                store, display, layouts[display.id], map_data=map_data, clock=ui.DEMO_CLOCK
            )
        else:
            image = ui.render_profile_image(
                store, profile, layouts, map_data=map_data, clock=ui.DEMO_CLOCK
            )
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(out, format="PNG")
    if args.json:
        print_json(
            {
                "written_to": str(out),
                "vehicle": profile.id,
                "display": args.display or None,
                "width_px": image.width,
                "height_px": image.height,
            }
        )
    else:
        print(f"Wrote {out} ({image.width}×{image.height}).", file=sys.stdout)
    return 0


def _profiles(refs: list[str]) -> list[Any]:
    """The profiles named (bundled ids or .yaml paths), or every bundled one by id."""
    from cardeck.layout import bundled_profiles

    from ._layout_cmds import _resolve_profile

    if refs:
        return [_resolve_profile(ref) for ref in refs]
    return [p for _, p in sorted(bundled_profiles().items())]


def _renderer(ui: Any) -> Any:
    """The demo scene's display renderer, with the bundled map loaded under a spinner."""
    with requires_extra("Rendering layouts"):
        from cardeck_sim.maps import MapData

    with step_progress("Loading map data", None):
        map_data = MapData.load()
    return ui.demo_renderer(map_data)


def cmd_layout_sheet(args: argparse.Namespace) -> int:
    """Write a labelled contact sheet: vehicles in rows, displays as on each dashboard."""
    profiles = _profiles([*args.profiles, *(args.profile or ())])
    ui = _require_ui()
    render = _renderer(ui)
    count = sum(len(p.displays) for p in profiles)
    with step_progress(f"Rendering {len(profiles)} vehicles", count) as advance:
        sheet = ui.contact_sheet(
            profiles,
            args.output,
            width=args.width,
            night=args.night,
            render=render,
            progress=advance,
        )
    if args.json:
        print_json(
            {
                "written_to": str(sheet.path),
                "profiles": [p.id for p in profiles],
                "displays": count,
                "width_px": sheet.plan.width,
                "height_px": sheet.plan.height,
            }
        )
    else:
        print(
            f"Wrote {sheet.path} ({sheet.plan.width}×{sheet.plan.height}): "
            f"{len(profiles)} profiles, {count} displays.",
            file=sys.stdout,
        )
    return 0


def cmd_layout_gallery(args: argparse.Namespace) -> int:
    """Write OUT/gallery.md and a day and a night picture of every vehicle in OUT/gallery."""
    profiles = _profiles(args.profiles)
    ui = _require_ui()
    render = _renderer(ui)
    count = 2 * sum(len(p.displays) for p in profiles)
    with step_progress(f"Rendering {len(profiles)} vehicles, day and night", count) as advance:
        written = ui.write_gallery(args.output, profiles, render=render, progress=advance)
    if args.json:
        print_json(
            {
                "page": str(written[0]),
                "images": [str(p) for p in written[1:]],
                "profiles": [p.id for p in profiles],
            }
        )
    else:
        print(f"Wrote {written[0]} and {len(written) - 1} pictures.", file=sys.stdout)
    return 0


def add_render_commands(layout_subparsers: Any) -> None:
    """Add ``render``, ``sheet`` and ``gallery`` to the ``layout`` command group.

    :param layout_subparsers: the object ``layout.add_subparsers()`` returned.
    """
    p = layout_subparsers.add_parser(
        "render", help="Render a profile's displays with a demo scene to a PNG (headless)."
    )
    p.add_argument("profile", help="A bundled vehicle id or a path to a profile .yaml.")
    p.add_argument("--display", metavar="ID", help="Render only this display, at native size.")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="The PNG to write.")
    p.add_argument("--night", action="store_true", help="Use the night theme.")
    add_json_flag(p, _RENDER_KEYS)
    p.set_defaults(func=cmd_layout_render)
    p = layout_subparsers.add_parser(
        "sheet",
        help="Write a labelled contact sheet: vehicles in rows, displays as on each dashboard.",
        description=textwrap.fill(
            "Render every display of the given vehicles (default: every bundled one) in the "
            "demo scene and lay them out on one page: vehicles wrap into rows that fill the "
            "page width, each vehicle's displays at their physical sizes relative to each "
            "other and where they sit on the dashboard, labelled with the vehicle's name and "
            "each display's id, diagonal and resolution."
        ),
    )
    p.add_argument(
        "profiles",
        nargs="*",
        metavar="PROFILE",
        help="Only these profiles: bundled ids or .yaml paths (default: every bundled one).",
    )
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="The PNG to write.")
    p.add_argument(
        "--width",
        type=_sheet_width,
        default=2400,
        metavar="PX",
        help="The page width in px, 800 to 16000 (default: 2400; the height follows, near 16:10).",
    )
    p.add_argument("--night", action="store_true", help="Use the night theme.")
    p.add_argument(
        "--profile",
        action="append",
        metavar="REF",
        help="Deprecated: give the profiles as arguments. Only this profile (repeatable).",
    )
    add_json_flag(p, _SHEET_KEYS)
    p.set_defaults(func=cmd_layout_sheet)
    p = layout_subparsers.add_parser(
        "gallery",
        help="Write OUT/gallery.md with a day and a night picture of every vehicle.",
        description=textwrap.fill(
            "Render every display of the given vehicles (default: every bundled one) in the "
            "demo scene, day and night, arranged as on the dashboard and at most 1200 px wide, "
            "to OUT/gallery/ID-day.png and ID-night.png, and write OUT/gallery.md showing "
            "them. `cardeck layout gallery -o docs` regenerates the repository's gallery."
        ),
    )
    p.add_argument(
        "profiles",
        nargs="*",
        metavar="PROFILE",
        help="Only these profiles: bundled ids or .yaml paths (default: every bundled one).",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="The folder for gallery.md; the pictures go to OUT/gallery/.",
    )
    add_json_flag(p, _GALLERY_KEYS)
    p.set_defaults(func=cmd_layout_gallery)


def _sheet_width(text: str) -> int:
    """An argparse ``type``: a page width from 800 to 16000 px (else exit 2 with the reason)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 800 <= value <= 16000:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of px from 800 to 16000, but got {text!r}"
        )
    return value


def register(subparsers: Any) -> None:
    """Add a ``layout`` group holding only the picture commands (for a standalone parser).

    ``cardeck`` itself calls :func:`add_render_commands` on its existing group.
    """
    layout = subparsers.add_parser("layout", help="Render layouts.")
    add_render_commands(layout.add_subparsers(dest="layout_command", required=True))
