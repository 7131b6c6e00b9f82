"""The CarDeck layout engine: vehicle profiles, templates and the kiwisolver solver.

Example::

    from cardeck.layout import bundled_profiles, solve_profile

    profile = bundled_profiles()["polestar-2"]
    for display_id, layout in solve_profile(profile).items():
        print(display_id, [(p.panel_id, p.rect_px) for p in layout.visible_panels])
"""

from ._check import DisplayDiagnostic, ProfileCheck, check_profile
from ._engine import (
    Diagnostic,
    DisplayLayout,
    LayoutSolver,
    PanelLayout,
    Rect,
    SolverStats,
    layout_metrics,
    solve_display,
    solve_profile,
)
from ._importers import import_avd_xml, import_dhu_ini, import_profile_file
from ._profile import (
    CornerRadii,
    Cutout,
    Display,
    Insets,
    PanelOverride,
    VehicleProfile,
    bundled_layouts_dir,
    bundled_profiles,
    load_profile,
    load_profiles,
    parse_profile,
)
from ._report import dump_profile_yaml, layout_to_dict, layouts_markdown
from ._sweep import SweepSummary, run_sweep
from ._template import (
    Arrangement,
    LayoutNode,
    PanelSpec,
    RoleTemplate,
    Template,
    bundled_templates,
    get_template,
    load_template,
    parse_template,
)

__all__ = [
    "Arrangement",
    "CornerRadii",
    "Cutout",
    "Diagnostic",
    "Display",
    "DisplayDiagnostic",
    "DisplayLayout",
    "Insets",
    "LayoutNode",
    "LayoutSolver",
    "PanelLayout",
    "PanelOverride",
    "PanelSpec",
    "ProfileCheck",
    "Rect",
    "RoleTemplate",
    "SolverStats",
    "SweepSummary",
    "Template",
    "VehicleProfile",
    "bundled_layouts_dir",
    "bundled_profiles",
    "bundled_templates",
    "check_profile",
    "dump_profile_yaml",
    "get_template",
    "import_avd_xml",
    "import_dhu_ini",
    "import_profile_file",
    "layout_metrics",
    "layout_to_dict",
    "layouts_markdown",
    "load_profile",
    "load_profiles",
    "load_template",
    "parse_profile",
    "parse_template",
    "run_sweep",
    "solve_display",
    "solve_profile",
]
