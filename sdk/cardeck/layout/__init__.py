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
    reachable_from,
    solve_display,
    solve_profile,
    stage_of,
    stage_views,
)
from ._export import (
    ExportCornerRadii,
    ExportDiagnostic,
    ExportDisplay,
    ExportInsets,
    ExportPanel,
    ExportPoint,
    ExportRect,
    ExportSafeArea,
    ExportScreenShape,
    ExportSize,
    ExportVehicle,
    LayoutExport,
    build_layout_export,
    export_to_json,
    parse_layout_export,
)
from ._export_android import (
    android_overlay_files,
    android_resource_name,
    size_qualifier,
)
from ._export_css import css_clip_path, css_stylesheet
from ._export_write import ExportFormat, export_files, write_layout_export
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
from ._sweep import (
    CoverageSpread,
    SweepException,
    SweepSummary,
    run_sweep,
    sweep_profile,
    sweep_profiles,
)
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
from ._textfit import LongestWord, PanelTexts, panel_texts, text_em

__all__ = [
    "Arrangement",
    "CornerRadii",
    "CoverageSpread",
    "Cutout",
    "Diagnostic",
    "Display",
    "DisplayDiagnostic",
    "DisplayLayout",
    "ExportCornerRadii",
    "ExportDiagnostic",
    "ExportDisplay",
    "ExportFormat",
    "ExportInsets",
    "ExportPanel",
    "ExportPoint",
    "ExportRect",
    "ExportSafeArea",
    "ExportScreenShape",
    "ExportSize",
    "ExportVehicle",
    "Insets",
    "LayoutExport",
    "LayoutNode",
    "LayoutSolver",
    "LongestWord",
    "PanelLayout",
    "PanelOverride",
    "PanelSpec",
    "PanelTexts",
    "ProfileCheck",
    "Rect",
    "RoleTemplate",
    "SolverStats",
    "SweepException",
    "SweepSummary",
    "Template",
    "VehicleProfile",
    "android_overlay_files",
    "android_resource_name",
    "build_layout_export",
    "bundled_layouts_dir",
    "bundled_profiles",
    "bundled_templates",
    "check_profile",
    "css_clip_path",
    "css_stylesheet",
    "dump_profile_yaml",
    "export_files",
    "export_to_json",
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
    "panel_texts",
    "parse_layout_export",
    "parse_profile",
    "parse_template",
    "reachable_from",
    "run_sweep",
    "size_qualifier",
    "solve_display",
    "solve_profile",
    "stage_of",
    "stage_views",
    "sweep_profile",
    "sweep_profiles",
    "text_em",
    "write_layout_export",
]
