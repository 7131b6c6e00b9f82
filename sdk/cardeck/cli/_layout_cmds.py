"""``cardeck profiles …`` and ``cardeck layout …``: thin handlers over cardeck.layout.

Each handler parses, calls one library function and prints. Errors are raised
as CarDeck errors; ``cardeck.cli.__main__.main()`` prints ``ClassName: message``
and exits 1 (STYLE.md, CLI).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cardeck._exceptions import ProfileError, ProfileProblem
from cardeck.cli import _headunit_cmds, _ui_cmds
from cardeck.layout import (
    DisplayLayout,
    VehicleProfile,
    bundled_profiles,
    dump_profile_yaml,
    import_profile_file,
    layout_to_dict,
    layouts_markdown,
    load_profile,
    run_sweep,
    solve_display,
    solve_profile,
)

__all__ = [
    "cmd_layout_docs",
    "cmd_layout_solve",
    "cmd_layout_sweep",
    "cmd_profiles_import",
    "cmd_profiles_list",
    "cmd_profiles_show",
    "cmd_profiles_validate",
    "register",
]


def _console() -> Console:
    # Created per call so that output goes to the current sys.stdout (tests swap it).
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def _progress_disabled() -> bool:
    # A progress bar in a pipe or a log only adds noise.
    return not sys.stdout.isatty()


def _resolve_profile(ref: str) -> VehicleProfile:
    """A bundled vehicle id, or a path to a profile YAML file."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_profile(path)
    profiles = bundled_profiles()
    if ref not in profiles:
        raise ProfileError(
            f"There is no bundled profile '{ref}' and no such file; run 'cardeck profiles "
            "list' to see the bundled ids, or give a path to a .yaml profile."
        )
    return profiles[ref]


def cmd_profiles_list(args: argparse.Namespace) -> int:
    """Print every bundled profile (or with ``--target``, a head unit's): id, displays, name."""
    if args.target:
        return _headunit_cmds.print_headunit_profiles(args)
    profiles = bundled_profiles()
    width = max((len(pid) for pid in profiles), default=2)
    for pid in sorted(profiles):
        profile = profiles[pid]
        displays = ",".join(f"{d.id}:{d.width_px}x{d.height_px}" for d in profile.displays)
        print(f"{pid:<{width}}  {displays}  {profile.name}")
    return 0


def cmd_profiles_show(args: argparse.Namespace) -> int:
    """Print one profile as YAML."""
    print(dump_profile_yaml(_resolve_profile(args.profile)), end="")
    return 0


def cmd_profiles_validate(args: argparse.Namespace) -> int:
    """Validate profile files and dry-run the layout of each; report every problem."""
    problems: list[ProfileProblem] = []
    for name in args.files:
        try:
            profile = load_profile(name)
            layouts = solve_profile(profile)
        except ProfileError as exc:
            problems.extend(exc.problems or [ProfileProblem(name, 0, 0, "", str(exc))])
            continue
        notes = sum(len(layout.diagnostics) for layout in layouts.values())
        print(f"ok {name}: {profile.id}, {len(profile.displays)} display(s), {notes} diagnostic(s)")
        for display_id, layout in layouts.items():
            for diagnostic in layout.diagnostics:
                severity, rule = diagnostic.severity, diagnostic.rule
                print(f"  {display_id}: {severity} [{rule}] {diagnostic.message}")
    if problems:
        count = len(problems)
        raise ProfileError(
            f"{count} problem{'s' if count != 1 else ''} found; fix them and validate again.",
            problems,
        )
    return 0


def cmd_profiles_import(args: argparse.Namespace) -> int:
    """Convert a Desktop Head Unit .ini or an AVD hardware-profile .xml to profile YAML."""
    profile = import_profile_file(args.file, device=args.device)
    text = dump_profile_yaml(profile)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output} ({profile.id}, {len(profile.displays)} display(s))")
    else:
        print(text, end="")
    return 0


def _layout_table(profile: VehicleProfile, layout: DisplayLayout) -> Table:
    table = Table(
        title=(
            f"{profile.id} / {layout.display_id} ({layout.role}) {layout.width_px}x"
            f"{layout.height_px} px @ {layout.density_dpi} dpi, {layout.aspect_class}/"
            f"{layout.width_class}; text >= {layout.min_text_px} px, touch >= "
            f"{layout.min_touch_px} px"
        ),
        title_justify="left",
    )
    for column in ("panel", "x", "y", "width", "height", "dp (x, y, w x h)"):
        table.add_column(
            column, justify="left" if column in ("panel", "dp (x, y, w x h)") else "right"
        )
    for panel in layout.panels:
        if panel.visible:
            r, d = panel.rect_px, panel.rect_dp
            table.add_row(
                panel.panel_id,
                f"{r.x:g}",
                f"{r.y:g}",
                f"{r.width:g}",
                f"{r.height:g}",
                f"{d.x:g}, {d.y:g}, {d.width:g} x {d.height:g}",
            )
        else:
            table.add_row(panel.panel_id, "-", "-", "-", "-", "collapsed (dock tab)")
    return table


def cmd_layout_solve(args: argparse.Namespace) -> int:
    """Solve a profile and print a table of panel rects per display (or JSON)."""
    profile = _resolve_profile(args.profile)
    if args.display:
        layouts = {args.display: solve_display(profile, args.display)}
    else:
        layouts = solve_profile(profile)
    if args.json:
        data: dict[str, Any] = {key: layout_to_dict(value) for key, value in layouts.items()}
        print(json.dumps({"vehicle": profile.id, "displays": data}, indent=2))
        return 0
    console = _console()
    for layout in layouts.values():
        console.print(_layout_table(profile, layout))
        for diagnostic in layout.diagnostics:
            target = f" {diagnostic.panel_id}:" if diagnostic.panel_id else ""
            console.print(f"{diagnostic.severity} [{diagnostic.rule}]{target} {diagnostic.message}")
    return 0


def cmd_layout_sweep(args: argparse.Namespace) -> int:
    """Run the engine over random shapes and print pass/degraded/failed counts."""
    with Progress(disable=_progress_disabled(), transient=True) as progress:
        task = progress.add_task("Solving shapes", total=args.count)
        summary = run_sweep(
            args.count, seed=args.seed, on_result=lambda _result: progress.advance(task)
        )
    print(
        f"{summary.total} shapes: {summary.passed} pass, {summary.degraded} degraded, "
        f"{summary.failed} failed"
    )
    return 0


def cmd_layout_docs(args: argparse.Namespace) -> int:
    """Regenerate the markdown table of every bundled profile × display × panel."""
    profiles = bundled_profiles()
    with Progress(disable=_progress_disabled(), transient=True) as progress:
        task = progress.add_task("Solving profiles", total=len(profiles))
        text = layouts_markdown(profiles, on_profile=lambda _pid: progress.advance(task))
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    rows = text.count("\n| ") - 1
    print(f"Wrote {out} ({len(profiles)} profiles, {rows} panel rows)")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``profiles`` and ``layout`` commands to a ``add_subparsers()`` object.

    :param subparsers: the object returned by ``ArgumentParser.add_subparsers()``.
    """
    profiles = subparsers.add_parser(
        "profiles", help="List, show, validate and import vehicle profiles."
    )
    profile_cmds = profiles.add_subparsers(dest="profiles_command", required=True)
    p = profile_cmds.add_parser(
        "list", help="List the bundled vehicle profiles, or with --target a head unit's."
    )
    p.add_argument(
        "--target",
        default=None,
        metavar="HOST:PORT",
        help="list the profiles a running head unit knows, installed bundles' included",
    )
    _headunit_cmds.add_credential_args(p)
    p.set_defaults(func=cmd_profiles_list)
    p = profile_cmds.add_parser("show", help="Print one profile as YAML.")
    p.add_argument("profile", help="A bundled vehicle id or a path to a profile .yaml.")
    p.set_defaults(func=cmd_profiles_show)
    p = profile_cmds.add_parser(
        "validate", help="Validate profile files and dry-run their layouts."
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="Profile .yaml files.")
    p.set_defaults(func=cmd_profiles_validate)
    p = profile_cmds.add_parser(
        "import",
        help="Convert a Desktop Head Unit .ini or Android Studio hardware-profile .xml.",
    )
    p.add_argument("file", metavar="FILE", help="The .ini or .xml file to convert.")
    p.add_argument("-o", "--output", metavar="OUT", help="Write the YAML here, not stdout.")
    p.add_argument("--device", help="The device name, for XML files with several devices.")
    p.set_defaults(func=cmd_profiles_import)

    layout = subparsers.add_parser("layout", help="Solve, sweep and document layouts.")
    layout_cmds = layout.add_subparsers(dest="layout_command", required=True)
    _ui_cmds.add_render_commands(layout_cmds)
    p = layout_cmds.add_parser("solve", help="Print the panel rects of a profile's displays.")
    p.add_argument("profile", help="A bundled vehicle id or a path to a profile .yaml.")
    p.add_argument("--display", metavar="ID", help="Solve only this display.")
    p.add_argument("--json", action="store_true", help="Print JSON instead of tables.")
    p.set_defaults(func=cmd_layout_solve)
    p = layout_cmds.add_parser(
        "sweep", help="Solve random display shapes; print pass/degraded/failed counts."
    )
    p.add_argument("--count", type=int, default=1000, help="How many shapes (default 1000).")
    p.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
    p.set_defaults(func=cmd_layout_sweep)
    p = layout_cmds.add_parser(
        "docs", help="Regenerate the markdown table of every profile, display and panel."
    )
    p.add_argument(
        "-o", "--output", default="docs/layouts.md", help="Output file (default docs/layouts.md)."
    )
    p.set_defaults(func=cmd_layout_docs)
