"""``cardeck profiles …`` and ``cardeck layout …``: thin handlers over cardeck.layout.

Each handler parses, calls one library function and prints. Errors are raised
as CarDeck errors; ``cardeck.cli.__main__.main()`` prints ``ClassName: message``
and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from cardeck._client import connect
from cardeck._exceptions import ProfileError, ProfileProblem
from cardeck._models import ProfileSummary
from cardeck.cli import _export_cmds, _headunit_cmds, _ui_cmds
from cardeck.cli._output import (
    JsonKeys,
    add_json_flag,
    positive_int,
    print_json,
    step_progress,
)
from cardeck.i18n import SUPPORTED_LOCALES, UnsupportedLocaleError, locale_info, normalize_locale
from cardeck.layout import (
    CoverageSpread,
    DisplayDiagnostic,
    DisplayLayout,
    ProfileCheck,
    SweepSummary,
    VehicleProfile,
    bundled_profiles,
    check_profile,
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
    "PROFILE_LIST_KEYS",
    "cmd_layout_docs",
    "cmd_layout_export",
    "cmd_layout_solve",
    "cmd_layout_sweep",
    "cmd_profiles_import",
    "cmd_profiles_list",
    "cmd_profiles_show",
    "cmd_profiles_validate",
    "locale_arg",
    "locale_list_arg",
    "print_profile_rows",
    "profile_row",
    "register",
]

# The JSON keys of each command (the --help epilog and docs/cli.md list them).
PROFILE_LIST_KEYS: JsonKeys = {
    "profiles": "list of {profile_id, name, source, package_name, displays: [{display_id, role, "
    "width_px, height_px}]}, sorted by profile_id; source is 'bundled' for the profiles in the "
    "package; with --target, 'installed' ones name their package_name ('' otherwise)",
}
_PROFILE_SHOW_KEYS: JsonKeys = {
    "id": "the vehicle id",
    "name": "the vehicle's name",
    "sources": "list of where the numbers come from",
    "notes": "free text ('' when none)",
    "driver_side": "'left' or 'right'",
    "locale": "the vehicle's default locale tag (null when it names none: the head "
    "unit then starts in en)",
    "template": "the layout template id",
    "template_overrides": "list of per-panel overrides",
    "displays": "list of displays with every field, defaults included (docs/layouts.md)",
}
_VALIDATE_KEYS: JsonKeys = {
    "ok": "true when every file is valid and no file fails on its diagnostics (the exit "
    "status is 1 otherwise)",
    "strict": "true with --strict: warnings fail a file too",
    "files": "list of {file, vehicle, displays, ok, severity, diagnostics: [{display_id, "
    "severity, rule, panel_id, message}]} for the files that parsed; a file's ok is false when "
    "it has an error-severity diagnostic (or, with --strict, a warning); its severity is the "
    "highest of its diagnostics ('info', 'warning' or 'error'), null when it has none",
    "problems": "list of {file, line, column, field, message} for the invalid ones",
}
_IMPORT_KEYS: JsonKeys = {
    "vehicle": "the profile id",
    "displays": "how many displays the profile has",
    "written_to": "the -o file, or null when the YAML went to stdout in the 'yaml' key",
    "yaml": "the profile YAML when there is no -o, else null",
}
_SOLVE_KEYS: JsonKeys = {
    "vehicle": "the profile id",
    "displays": "object: display id -> the solved layout {display_id, role, width_px, "
    "height_px, density_dpi, aspect_class, width_class, min_text_px, min_touch_px, panels: "
    "[{panel_id, visible, rect_px, rect_dp, region_px, …}], usable_px, usable_area_px, "
    "coverage, content_coverage, diagnostics, locale, direction, …}; coverage is the share "
    "(0-1) of the usable region that the panels cover, content_coverage the share their "
    "content rects cover; locale is the tag solved for (--locale, else the profile's, else "
    "'en'), direction 'ltr' or 'rtl'; a 'text-fit' diagnostic names a word the panel cuts",
}
_SWEEP_KEYS: JsonKeys = {
    "count": "shapes asked for (--count)",
    "seed": "the random seed (--seed)",
    "total": "shapes tried",
    "passed": "shapes with every panel visible",
    "degraded": "shapes where some panels collapsed (into the dock or the status-bar menu)",
    "failed": "shapes the engine could not lay out",
    "failed_rules": "object: required rule -> how many failed shapes could not meet it, most first",
    "locales": "the locales each shape was solved in (--locale); each solve counts once in "
    "total, passed, degraded and failed",
    "text_fit": "object: locale -> how many solved shapes cut a word with an ellipsis "
    "(a 'text-fit' diagnostic)",
    "coverage": "{min, p5, median}: the share (0-1) of each solved shape's usable region that "
    "its panels cover, over the passed and degraded shapes; null when none was solved",
    "content_coverage": "{min, p5, median}: the same for the panels' content rects",
    "goal": "the coverage goal, 0.95",
    "exceptions": "list of {profile_id, name, coverage, content_coverage, rule, message} for the "
    "solved shapes below the goal in coverage, with their 'coverage' diagnostic (rule and "
    "message are '' when there is none)",
    "content_exceptions": "how many solved shapes are below the goal in content coverage "
    "(controls and text keep clear of corners and cutouts; each needs a 'coverage' diagnostic)",
    "engine_bugs": "list of {profile_id, name, measure, coverage, content_coverage, message} "
    "for the shapes below the goal in a measure ('coverage' or 'content_coverage') without a "
    "'coverage' diagnostic that says why, and the failed shapes (measure 'layout') whose "
    "error names no required rule: each one is an engine bug",
}
_DOCS_KEYS: JsonKeys = {
    "written_to": "the markdown file written",
    "profiles": "how many profiles it covers",
    "rows": "how many panel rows it has",
}


def _console() -> Console:
    # Created per call so that output goes to the current sys.stdout (tests swap it).
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def locale_arg(value: str) -> str:
    """An argparse type: a shipped locale tag, normalized ("ko_KR" → "ko").

    An unknown tag is a usage error (exit status 2) that lists the shipped ones.
    """
    try:
        return normalize_locale(value)
    except UnsupportedLocaleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def locale_list_arg(value: str) -> tuple[str, ...]:
    """An argparse type: a comma-separated list of locales, or ``all`` for every shipped one."""
    if value.strip().lower() == "all":
        return SUPPORTED_LOCALES
    return tuple(locale_arg(part) for part in value.split(",") if part.strip())


def _direction_text(tag: str) -> str:
    info = locale_info(tag)
    return f"locale {info.tag} ({'right to left' if info.rtl else 'left to right'})"


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


def profile_row(profile: VehicleProfile, source: str = "bundled") -> dict[str, Any]:
    """One ``profiles list --json`` entry for a profile in this package.

    The keys match :class:`cardeck.ProfileSummary`, so a listing from a head unit
    can print through :func:`print_profile_rows` too.
    """
    return {
        "profile_id": profile.id,
        "name": profile.name,
        "source": source,
        "package_name": "",
        "displays": [
            {"display_id": d.id, "role": d.role, "width_px": d.width_px, "height_px": d.height_px}
            for d in profile.displays
        ],
    }


def summary_row(summary: ProfileSummary) -> dict[str, Any]:
    """One ``profiles list --target --json`` entry: a profile a head unit reported."""
    return {
        "profile_id": summary.profile_id,
        "name": summary.name,
        "source": summary.source,
        "package_name": summary.package_name,
        "displays": [
            {
                "display_id": d.display_id,
                "role": d.role.value,
                "width_px": d.width_px,
                "height_px": d.height_px,
            }
            for d in summary.displays
        ],
    }


def print_profile_rows(rows: Iterable[dict[str, Any]], *, as_json: bool) -> None:
    """Print ``profiles list`` entries (see :data:`PROFILE_LIST_KEYS`) as JSON or aligned text."""
    ordered = sorted(rows, key=lambda row: str(row["profile_id"]))
    if as_json:
        print_json({"profiles": ordered})
        return
    width = max((len(row["profile_id"]) for row in ordered), default=2)
    for row in ordered:
        displays = ",".join(
            f"{d['display_id']}:{d['width_px']}x{d['height_px']}" for d in row["displays"]
        )
        origin = f"  (package {row['package_name']})" if row["package_name"] else ""
        print(f"{row['profile_id']:<{width}}  {displays}  {row['name']}{origin}")


def cmd_profiles_list(args: argparse.Namespace) -> int:
    """Print every bundled profile (or with ``--target``, a head unit's): id, displays, name."""
    if args.target:
        tls = _headunit_cmds.tls_from_args(args)
        with connect(args.target, token=args.token, tls=tls) as client:
            rows = [summary_row(p) for p in client.layout.list_profiles()]
    else:
        rows = [profile_row(profile) for profile in bundled_profiles().values()]
    print_profile_rows(rows, as_json=args.json)
    return 0


def cmd_profiles_show(args: argparse.Namespace) -> int:
    """Print one profile as YAML (or every field as JSON)."""
    profile = _resolve_profile(args.profile)
    if args.json:
        print_json(profile.model_dump(mode="json"))
    else:
        print(dump_profile_yaml(profile), end="")
    return 0


def _diagnostic_line(item: DisplayDiagnostic) -> str:
    """``center: error [cdd-minimum] The diagonal is …``, with the panel when there is one."""
    d = item.diagnostic
    target = f" {d.panel_id}:" if d.panel_id else ""
    return f"{item.display_id}: {d.severity} [{d.rule}]{target} {d.message}"


def _file_row(name: str, check: ProfileCheck) -> dict[str, Any]:
    """One ``files`` entry of ``profiles validate --json`` (see :data:`_VALIDATE_KEYS`)."""
    return {
        "file": name,
        "vehicle": check.profile.id,
        "displays": len(check.profile.displays),
        "ok": check.ok,
        "severity": check.severity,
        "diagnostics": [
            {
                "display_id": item.display_id,
                "severity": item.diagnostic.severity,
                "rule": item.diagnostic.rule,
                "panel_id": item.diagnostic.panel_id,
                "message": item.diagnostic.message,
            }
            for item in check.diagnostics
        ],
    }


def cmd_profiles_validate(args: argparse.Namespace) -> int:
    """Validate profile files and dry-run the layout of each; report every problem.

    A file fails on a schema problem, a display that cannot be laid out, or an
    error-severity diagnostic (with ``--strict``, a warning too); any failure
    raises :class:`ProfileError` listing them all, so the exit status is 1.
    """
    problems: list[ProfileProblem] = []
    failures: list[ProfileProblem] = []
    files: list[dict[str, Any]] = []
    failed_on_warning = False
    for name in args.files:
        try:
            check = check_profile(load_profile(name), strict=args.strict)
        except ProfileError as exc:
            problems.extend(exc.problems or [ProfileProblem(name, 0, 0, "", str(exc))])
            continue
        files.append(_file_row(name, check))
        failures.extend(ProfileProblem(name, 0, 0, "", _diagnostic_line(f)) for f in check.failures)
        failed_on_warning |= any(f.diagnostic.severity == "warning" for f in check.failures)
        if not args.json:
            print(
                f"{'ok' if check.ok else 'failed'} {name}: {check.profile.id}, "
                f"{len(check.profile.displays)} display(s), {len(check.diagnostics)} diagnostic(s)"
            )
            for item in check.diagnostics:
                print(f"  {_diagnostic_line(item)}")
    if args.json:
        print_json(
            {
                "ok": not problems and not failures,
                "strict": args.strict,
                "files": files,
                "problems": [
                    {
                        "file": p.file,
                        "line": p.line,
                        "column": p.column,
                        "field": p.field,
                        "message": p.message,
                    }
                    for p in problems
                ],
            }
        )
    if problems or failures:
        count = len(problems) + len(failures)
        todo = "fix them and validate again"
        if failed_on_warning:
            todo += ", or drop --strict to let warnings pass"
        raise ProfileError(
            f"{count} problem{'s' if count != 1 else ''} found; {todo}.", [*problems, *failures]
        )
    return 0


def cmd_profiles_import(args: argparse.Namespace) -> int:
    """Convert a Desktop Head Unit .ini or an AVD hardware-profile .xml to profile YAML."""
    profile = import_profile_file(args.file, device=args.device)
    text = dump_profile_yaml(profile)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    if args.json:
        print_json(
            {
                "vehicle": profile.id,
                "displays": len(profile.displays),
                "written_to": args.output or None,
                "yaml": None if args.output else text,
            }
        )
    elif args.output:
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
            f"{layout.min_touch_px} px; {_direction_text(layout.locale)}"
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


def _coverage_line(layout: DisplayLayout) -> str:
    """``coverage 97.1% of the usable region (1,203,400 px), content 91.0%``."""
    return (
        f"coverage {layout.coverage:.1%} of the usable region ({layout.usable_area_px:,} px), "
        f"content {layout.content_coverage:.1%}"
    )


def cmd_layout_solve(args: argparse.Namespace) -> int:
    """Solve a profile and print a table of panel rects per display (or JSON)."""
    profile = _resolve_profile(args.profile)
    if args.display:
        layouts = {args.display: solve_display(profile, args.display, locale=args.locale)}
    else:
        layouts = solve_profile(profile, locale=args.locale)
    if args.json:
        data: dict[str, Any] = {key: layout_to_dict(value) for key, value in layouts.items()}
        print_json({"vehicle": profile.id, "displays": data})
        return 0
    console = _console()
    for layout in layouts.values():
        console.print(_layout_table(profile, layout))
        console.print(_coverage_line(layout))
        for diagnostic in layout.diagnostics:
            target = f" {diagnostic.panel_id}:" if diagnostic.panel_id else ""
            console.print(f"{diagnostic.severity} [{diagnostic.rule}]{target} {diagnostic.message}")
    return 0


def _spread_dict(spread: CoverageSpread | None) -> dict[str, float] | None:
    if spread is None:
        return None
    return {"min": spread.min, "p5": spread.p5, "median": spread.median}


def _spread_text(spread: CoverageSpread) -> str:
    return f"min {spread.min:.1%}, p5 {spread.p5:.1%}, median {spread.median:.1%}"


def _share(count: int, solved: int) -> str:
    return f"{count} shape{'' if count == 1 else 's'} ({count / solved:.1%} of solved)"


# How many exceptions the text report names; --json lists them all.
_LISTED = 20


def _sweep_lines(summary: SweepSummary) -> list[str]:
    """The text report of ``layout sweep``: outcomes, coverage spread, exceptions, bugs."""
    rules = ", ".join(f"{rule} {count}" for rule, count in summary.failed_rules)
    lines = [
        f"{summary.total} shapes: {summary.passed} pass, {summary.degraded} degraded, "
        f"{summary.failed} failed" + (f" ({rules})" if rules else ""),
    ]
    if summary.coverage is None or summary.content_coverage is None:
        lines.append("No shape was solved, so there is no coverage to report.")
        return [*lines, *_bug_lines(summary), *_locale_lines(summary)]
    goal = f"{summary.goal:.0%}"
    lines += [
        f"coverage of the usable region ({summary.solved} solved): "
        f"{_spread_text(summary.coverage)}",
        f"content coverage: {_spread_text(summary.content_coverage)}",
        f"below {goal} coverage: {_share(len(summary.exceptions), summary.solved)}",
        f"below {goal} content coverage: {_share(summary.content_exceptions, summary.solved)}",
    ]
    lines += [
        f"  {e.name}: coverage {e.coverage:.1%}: {e.message or 'no diagnostic says why'}"
        for e in summary.exceptions[:_LISTED]
    ]
    if len(summary.exceptions) > _LISTED:
        lines.append(f"  … and {len(summary.exceptions) - _LISTED} more (--json lists them all)")
    return [*lines, *_bug_lines(summary), *_locale_lines(summary)]


def _locale_lines(summary: SweepSummary) -> list[str]:
    """The locales solved in, with their direction, and the shapes that cut a word."""
    cut = dict(summary.text_fit)
    return [
        "locales: "
        + ", ".join(_direction_text(tag).removeprefix("locale ") for tag in summary.locales),
        "text-fit (shapes that cut a word with an ellipsis): "
        + ", ".join(f"{tag} {cut.get(tag, 0)}" for tag in summary.locales),
    ]


def _bug_lines(summary: SweepSummary) -> list[str]:
    """The engine-bug count, and each bug when there are any."""
    lines = [f"engine bugs (a shortfall or failure that names no rule): {len(summary.engine_bugs)}"]
    if summary.engine_bugs:
        lines.append("Please report these shapes with the output of --json:")
    for bug in summary.engine_bugs:
        if bug.measure == "layout":
            lines.append(f"  {bug.name}: failed: {bug.message.splitlines()[0]}")
        else:
            share = bug.coverage if bug.measure == "coverage" else bug.content_coverage
            lines.append(f"  {bug.name}: {bug.measure.replace('_', ' ')} {share:.1%}")
    return lines


def cmd_layout_sweep(args: argparse.Namespace) -> int:
    """Run the engine over real display shapes; print outcomes and the coverage spread."""
    locales = tuple(dict.fromkeys(tag for group in args.locale or [("en",)] for tag in group))
    with step_progress("Solving shapes", args.count * len(locales)) as advance:
        summary = run_sweep(
            args.count,
            seed=args.seed,
            on_result=lambda _result: advance(),
            jobs=args.jobs,
            locales=locales,
        )
    if not args.json:
        for line in _sweep_lines(summary):
            print(line)
        return 0
    print_json(
        {
            "count": args.count,
            "seed": args.seed,
            "total": summary.total,
            "passed": summary.passed,
            "degraded": summary.degraded,
            "failed": summary.failed,
            "failed_rules": dict(summary.failed_rules),
            "locales": list(summary.locales),
            "text_fit": dict(summary.text_fit),
            "coverage": _spread_dict(summary.coverage),
            "content_coverage": _spread_dict(summary.content_coverage),
            "goal": summary.goal,
            "exceptions": [
                {
                    "profile_id": e.profile_id,
                    "name": e.name,
                    "coverage": e.coverage,
                    "content_coverage": e.content_coverage,
                    "rule": e.rule,
                    "message": e.message,
                }
                for e in summary.exceptions
            ],
            "content_exceptions": summary.content_exceptions,
            "engine_bugs": [
                {
                    "profile_id": bug.profile_id,
                    "name": bug.name,
                    "measure": bug.measure,
                    "coverage": bug.coverage,
                    "content_coverage": bug.content_coverage,
                    "message": bug.message,
                }
                for bug in summary.engine_bugs
            ],
        }
    )
    return 0


def cmd_layout_docs(args: argparse.Namespace) -> int:
    """Regenerate the markdown table of every bundled profile × display × panel."""
    profiles = bundled_profiles()
    with step_progress("Solving profiles", len(profiles)) as advance:
        text = layouts_markdown(profiles, on_profile=lambda _pid: advance())
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    rows = text.count("\n| ") - 1
    if args.json:
        print_json({"written_to": str(out), "profiles": len(profiles), "rows": rows})
    else:
        print(f"Wrote {out} ({len(profiles)} profiles, {rows} panel rows)")
    return 0


def cmd_layout_export(args: argparse.Namespace) -> int:
    """Write a profile's solved layout as JSON, Android overlays or CSS."""
    return _export_cmds.cmd_layout_export(args, _resolve_profile(args.profile))


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
    add_json_flag(p, PROFILE_LIST_KEYS)
    p.set_defaults(func=cmd_profiles_list)
    p = profile_cmds.add_parser("show", help="Print one profile as YAML.")
    p.add_argument("profile", help="A bundled vehicle id or a path to a profile .yaml.")
    add_json_flag(p, _PROFILE_SHOW_KEYS)
    p.set_defaults(func=cmd_profiles_show)
    p = profile_cmds.add_parser(
        "validate", help="Validate profile files and dry-run their layouts."
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="Profile .yaml files.")
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail on warning-severity diagnostics too, not only on errors",
    )
    add_json_flag(p, _VALIDATE_KEYS)
    p.set_defaults(func=cmd_profiles_validate)
    p = profile_cmds.add_parser(
        "import",
        help="Convert a Desktop Head Unit .ini or Android Studio hardware-profile .xml.",
    )
    p.add_argument("file", metavar="FILE", help="The .ini or .xml file to convert.")
    p.add_argument("-o", "--output", metavar="OUT", help="Write the YAML here, not stdout.")
    p.add_argument("--device", help="The device name, for XML files with several devices.")
    add_json_flag(p, _IMPORT_KEYS)
    p.set_defaults(func=cmd_profiles_import)

    layout = subparsers.add_parser("layout", help="Solve, sweep and document layouts.")
    layout_cmds = layout.add_subparsers(dest="layout_command", required=True)
    _ui_cmds.add_render_commands(layout_cmds)
    p = layout_cmds.add_parser("solve", help="Print the panel rects of a profile's displays.")
    p.add_argument("profile", help="A bundled vehicle id or a path to a profile .yaml.")
    p.add_argument("--display", metavar="ID", help="Solve only this display.")
    p.add_argument(
        "--locale",
        type=locale_arg,
        default=None,
        metavar="TAG",
        help=f"Lay out for this locale ({', '.join(SUPPORTED_LOCALES)}): right-to-left ones "
        "mirror start and end, and the text-fit rule checks its strings; default: the "
        "profile's locale, else en.",
    )
    add_json_flag(p, _SOLVE_KEYS)
    p.set_defaults(func=cmd_layout_solve)
    p = layout_cmds.add_parser(
        "sweep",
        help="Solve random real display shapes; print pass/degraded/failed and coverage.",
        description="Solve seeded random display shapes a car could have: a diagonal per "
        "role, aspect 0.3-8, 80-480 dpi, rounded corners, notches, knob holes and insets. "
        "Print how many laid out fully, with collapsed panels, or not at all, the spread of "
        "coverage (the share of the usable region the panels cover), and the shapes below "
        "95 %% coverage; one without a diagnostic that says why is an engine bug.",
    )
    p.add_argument(
        "--count", type=positive_int, default=1000, help="How many shapes (default 1000)."
    )
    p.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
    p.add_argument(
        "--jobs",
        type=positive_int,
        default=1,
        metavar="N",
        help="Processes that solve shapes (default 1); the result is the same for any N.",
    )
    p.add_argument(
        "--locale",
        type=locale_list_arg,
        action="append",
        metavar="TAGS",
        help="Solve each shape in these locales: repeat the flag or give a comma list "
        f"({', '.join(SUPPORTED_LOCALES)}), or 'all' (default en).",
    )
    add_json_flag(p, _SWEEP_KEYS)
    p.set_defaults(func=cmd_layout_sweep)
    p = layout_cmds.add_parser(
        "docs", help="Regenerate the markdown table of every profile, display and panel."
    )
    p.add_argument(
        "-o", "--output", default="docs/layouts.md", help="Output file (default docs/layouts.md)."
    )
    add_json_flag(p, _DOCS_KEYS)
    p.set_defaults(func=cmd_layout_docs)
    _export_cmds.add_export_command(layout_cmds, cmd_layout_export)
