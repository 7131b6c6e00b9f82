"""Write a :class:`LayoutExport` to a folder in one of the export formats.

What goes where under the output folder:

- ``json``: ``<vehicle>.json``, the whole document;
- ``css``: ``<display>.css`` per display;
- ``android``: ``<display>/`` per display, an overlay source tree
  (``AndroidManifest.xml`` and ``res/``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from cardeck._exceptions import CarDeckError

from ._export import LayoutExport, export_to_json
from ._export_android import DEFAULT_ANDROID_TARGET, android_overlay_files, check_android_package
from ._export_css import css_stylesheet

__all__ = ["ExportFormat", "export_files", "write_layout_export"]

ExportFormat = Literal["json", "android", "css"]


def export_files(
    export: LayoutExport, fmt: ExportFormat, android_target: str | None = None
) -> dict[str, str]:
    """Every file of an export: path relative to the output folder → text.

    :param export: the document.
    :param fmt: ``json``, ``android`` or ``css``.
    :param android_target: the package the Android overlays target; ``None`` for
        the placeholder ``com.cardeck.carui``.
    :raises ProfileError: when ``android_target`` is not a package name.
    """
    android_target = android_target or DEFAULT_ANDROID_TARGET
    if fmt == "json":
        return {f"{export.vehicle.id}.json": export_to_json(export)}
    if fmt == "css":
        return {f"{d.id}.css": css_stylesheet(export, d) for d in export.displays}
    check_android_package(android_target)
    return {
        f"{d.id}/{path}": text
        for d in export.displays
        for path, text in android_overlay_files(export, d, android_target).items()
    }


def write_layout_export(
    export: LayoutExport,
    fmt: ExportFormat,
    out_dir: str | Path,
    *,
    android_target: str | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write an export's files under ``out_dir`` (created if missing).

    :param export: the document.
    :param fmt: ``json``, ``android`` or ``css``.
    :param out_dir: the output folder.
    :param android_target: the package the Android overlays target.
    :param on_file: called with each path after it is written (progress bars).
    :returns: the paths written, in order.
    :raises ProfileError: when ``android_target`` is not a package name.
    :raises CarDeckError: when a file cannot be written.
    """
    files = export_files(export, fmt, android_target)
    root = Path(out_dir)
    written: list[Path] = []
    for relative, text in files.items():
        path = root / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CarDeckError(
                f"Could not write {path}: {exc.strerror or exc}. Give -o a folder you can write to."
            ) from exc
        written.append(path)
        if on_file is not None:
            on_file(path)
    return written
