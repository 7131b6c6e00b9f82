"""Import display definitions from Android tooling into vehicle profiles.

Two formats:

* The Android Auto **Desktop Head Unit** ``.ini`` configuration. The
  ``[general]`` section holds ``resolution`` (``800x480``, ``1280x720``,
  ``1920x1080``, the names ``480p``/``720p``/``1080p``, or any ``WxH``),
  ``dpi``, ``margins``, ``contentinsets``, ``cropping`` (each
  ``top,bottom,left,right`` in px) and ``driverposition`` (``left``/``right``).
  Each ``[display:NAME]`` section adds a display with the same keys plus
  ``type`` (``main``, ``cluster``, ``auxiliary``). The DHU reaches other shapes
  by leaving margins (and cropping) black, so the real screen is the resolution
  minus them; CarDeck lays that real screen out natively. ``contentinsets``
  become the display's insets.
* The Android Studio **AVD hardware profile** XML (``<d:devices>`` with
  ``<d:device>`` entries; ``d:screen`` has ``d:dimensions/d:x-dimension``,
  ``d:y-dimension``, ``d:xdpi``, ``d:pixel-density`` and ``d:diagonal-length``).
"""

from __future__ import annotations

import configparser
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cardeck._exceptions import ProfileError, ProfileProblem

from ._profile import DENSITY_BUCKETS, DPI_TOLERANCE, VehicleProfile
from ._yaml import field_path

__all__ = ["import_avd_xml", "import_dhu_ini", "import_profile_file"]

_RESOLUTION_NAMES = {
    "480p": (800, 480),
    "720p": (1280, 720),
    "1080p": (1920, 1080),
}
_DENSITY_NAMES = {
    "ldpi": 120,
    "mdpi": 160,
    "tvdpi": 213,
    "hdpi": 240,
    "xhdpi": 320,
    "xxhdpi": 480,
    "xxxhdpi": 640,
}
_DHU_ROLES = {"main": "center", "cluster": "cluster", "auxiliary": "passenger"}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "imported"


def _validate(data: dict[str, Any], filename: str) -> VehicleProfile:
    try:
        return VehicleProfile.model_validate(data)
    except ValidationError as exc:
        problems = [
            ProfileProblem(filename, 0, 0, field_path(tuple(e["loc"])), str(e["msg"]))
            for e in exc.errors(include_url=False)
        ]
        raise ProfileError(
            f"{filename} converts to an invalid vehicle profile; fix the source values "
            "listed below.",
            problems,
        ) from exc


def _ini_error(filename: str, section: str, key: str, message: str) -> ProfileError:
    return ProfileError(
        f"{filename} is not a usable Desktop Head Unit configuration.",
        [ProfileProblem(filename, 0, 0, f"{section}.{key}", message)],
    )


def _four(filename: str, section: str, key: str, raw: str | None) -> tuple[int, int, int, int]:
    """Parse ``top,bottom,left,right``."""
    if raw is None or not raw.strip():
        return 0, 0, 0, 0
    parts = [p.strip() for p in raw.split(",")]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or min(values) < 0:
        raise _ini_error(
            filename,
            section,
            key,
            f"'{raw}' is not four non-negative whole numbers; write top,bottom,left,right "
            "in px, e.g. '0,0,140,140'.",
        )
    return values[0], values[1], values[2], values[3]


def _resolution(filename: str, section: str, raw: str | None) -> tuple[int, int]:
    text = (raw or "800x480").strip().lower()
    if text in _RESOLUTION_NAMES:
        return _RESOLUTION_NAMES[text]
    match = re.fullmatch(r"(\d+)\s*x\s*(\d+)", text)
    if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise _ini_error(
            filename,
            section,
            "resolution",
            f"'{raw}' is not a resolution; write WIDTHxHEIGHT such as 1280x720, or "
            "480p, 720p or 1080p.",
        )
    return int(match.group(1)), int(match.group(2))


def _dhu_display(
    filename: str, section: str, values: configparser.SectionProxy, display_id: str, role: str
) -> dict[str, Any]:
    width, height = _resolution(filename, section, values.get("resolution"))
    try:
        dpi = int(values.get("dpi", "160"))
    except ValueError:
        raise _ini_error(
            filename, section, "dpi", f"'{values.get('dpi')}' is not a whole number of dpi."
        ) from None
    mt, mb, ml, mr = _four(filename, section, "margins", values.get("margins"))
    ct, cb, cl, cr = _four(filename, section, "cropping", values.get("cropping"))
    it, ib, il, ir = _four(filename, section, "contentinsets", values.get("contentinsets"))
    real_w = width - ml - mr - cl - cr
    real_h = height - mt - mb - ct - cb
    if real_w <= 0 or real_h <= 0:
        raise _ini_error(
            filename,
            section,
            "margins",
            f"margins and cropping leave no screen of the {width}x{height} px resolution; "
            "make them smaller.",
        )
    display: dict[str, Any] = {
        "id": display_id,
        "role": role,
        "width_px": real_w,
        "height_px": real_h,
        # The DHU knows only the logical density; the physical ppi is taken as
        # equal to it, which the exported YAML marks as an estimate.
        "dpi": dpi,
        "density_dpi": dpi,
        "insets": {"top": it, "bottom": ib, "left": il, "right": ir},
    }
    side = values.get("driverposition")
    if side is not None:
        side = side.strip().lower()
        if side not in ("left", "right"):
            raise _ini_error(
                filename,
                section,
                "driverposition",
                f"'{side}' is not a driver position; write left or right.",
            )
        display["driver_side"] = side
    return display


def import_dhu_ini(text: str, filename: str = "<string>") -> VehicleProfile:
    """Convert a Desktop Head Unit ``.ini`` configuration into a vehicle profile.

    :param text: the ini file's text.
    :param filename: used for the vehicle id and in messages.
    :raises ProfileError: when a value cannot be read or the result is invalid.
    """
    parser = configparser.ConfigParser(inline_comment_prefixes=("#", ";"))
    try:
        parser.read_string(text, source=filename)
    except configparser.Error as exc:
        raise ProfileError(
            f"{filename} is not a valid ini file ({exc}); fix its syntax and import it again."
        ) from exc
    general = parser["general"] if parser.has_section("general") else parser[parser.default_section]
    displays = [_dhu_display(filename, "general", general, "center", "center")]
    for section in parser.sections():
        if not section.startswith("display:"):
            continue
        name = _slug(section.split(":", 1)[1])
        kind = parser[section].get("type", "auxiliary").strip().lower()
        role = _DHU_ROLES.get(kind, "passenger")
        displays.append(_dhu_display(filename, section, parser[section], name, role))
    stem = Path(filename).stem if filename != "<string>" else "dhu"
    side = displays[0].pop("driver_side", "left")
    data = {
        "id": _slug(f"dhu-{stem}"),
        "name": f"Desktop Head Unit configuration {stem}",
        "sources": [f"Android Auto Desktop Head Unit configuration {Path(filename).name}"],
        "notes": "Imported from a DHU .ini; physical dpi is an estimate (E) equal to the "
        "logical density.",
        "driver_side": side,
        "displays": displays,
    }
    return _validate(data, filename)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ET.Element, *path: str) -> ET.Element | None:
    """Find a descendant by local names, whatever the namespace prefix is."""
    current: ET.Element | None = element
    for name in path:
        if current is None:
            return None
        current = next((child for child in current if _local(child.tag) == name), None)
    return current


def _text(element: ET.Element, *path: str) -> str | None:
    found = _find(element, *path)
    return found.text.strip() if found is not None and found.text else None


def _density(name: str | None) -> int | None:
    if name is None:
        return None
    if name in _DENSITY_NAMES:
        return _DENSITY_NAMES[name]
    match = re.fullmatch(r"(\d+)dpi", name)
    return int(match.group(1)) if match else None


def import_avd_xml(
    text: str, filename: str = "<string>", device: str | None = None
) -> VehicleProfile:
    """Convert one device of an AVD hardware-profile XML into a vehicle profile.

    :param text: the XML text (``<d:devices>`` with ``<d:device>`` children).
    :param filename: used in messages.
    :param device: the ``d:name`` to import; needed when the file has several.
    :raises ProfileError: when the XML is invalid, the device is missing or ambiguous,
        or the screen values are unusable.
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ProfileError(
            f"{filename} is not valid XML; fix it and import it again.",
            [ProfileProblem(filename, line, column + 1, "", f"The XML parser said: {exc}.")],
        ) from exc
    devices = [el for el in root.iter() if _local(el.tag) == "device"]
    names = [_text(d, "name") or f"device-{i}" for i, d in enumerate(devices)]
    if not devices:
        raise ProfileError(
            f"{filename} has no <d:device> entries; export a hardware profile from Android "
            "Studio's Device Manager and import that file."
        )
    if device is None and len(devices) > 1:
        raise ProfileError(
            f"{filename} defines {len(devices)} devices ({', '.join(names)}); choose one "
            "with --device NAME."
        )
    chosen = devices[0] if device is None else None
    if device is not None:
        chosen = next((d for d, n in zip(devices, names, strict=True) if n == device), None)
        if chosen is None:
            raise ProfileError(
                f"{filename} has no device named '{device}'; choose one of: {', '.join(names)}."
            )
    assert chosen is not None
    name = _text(chosen, "name") or "Imported device"
    screen = _find(chosen, "hardware", "screen")
    if screen is None:
        raise ProfileError(
            f"Device '{name}' in {filename} has no <d:hardware>/<d:screen>; the profile needs "
            "its screen size."
        )
    problems: list[ProfileProblem] = []

    def number(*path: str) -> float | None:
        raw = _text(screen, *path)
        if raw is None:
            return None
        try:
            return float(raw)
        except ValueError:
            problems.append(
                ProfileProblem(
                    filename, 0, 0, "/".join(path), f"'{raw}' is not a number; correct it."
                )
            )
            return None

    width = number("dimensions", "x-dimension")
    height = number("dimensions", "y-dimension")
    xdpi = number("xdpi")
    diagonal = number("diagonal-length")
    density = _density(_text(screen, "pixel-density"))
    for label, value in (("dimensions/x-dimension", width), ("dimensions/y-dimension", height)):
        if value is None and not any(p.field == label for p in problems):
            problems.append(
                ProfileProblem(
                    filename, 0, 0, label, f"<d:{label.split('/')[-1]}> is missing; add it."
                )
            )
    if problems or width is None or height is None:
        raise ProfileError(f"Device '{name}' in {filename} cannot be imported.", problems)
    display: dict[str, Any] = {
        "id": "center",
        "role": "center",
        "width_px": int(width),
        "height_px": int(height),
    }
    if diagonal is not None:
        display["diagonal_in"] = diagonal
    if xdpi is not None:
        implied = math.hypot(width, height) / diagonal if diagonal else xdpi
        # Emulator profiles sometimes carry a placeholder xdpi; trust the diagonal then.
        if abs(xdpi - implied) / implied <= DPI_TOLERANCE or diagonal is None:
            display["dpi"] = xdpi
    if diagonal is None and xdpi is None:
        display["dpi"] = float(density or DENSITY_BUCKETS[1])
    if density is not None:
        display["density_dpi"] = density
    data = {
        "id": _slug(name),
        "name": name,
        "sources": [f"Android Studio hardware profile {Path(filename).name}, device '{name}'"],
        "displays": [display],
    }
    return _validate(data, filename)


def import_profile_file(path: str | os.PathLike[str], device: str | None = None) -> VehicleProfile:
    """Import a ``.ini`` (Desktop Head Unit) or ``.xml`` (AVD) file by its extension.

    :param path: the file to import.
    :param device: for AVD XML with several devices, the one to import.
    :raises ProfileError: when the file cannot be read, has another extension, or is
        invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"Could not read {path}: {exc.strerror}; check the path.") from exc
    suffix = path.suffix.lower()
    if suffix == ".ini":
        return import_dhu_ini(text, str(path))
    if suffix == ".xml":
        return import_avd_xml(text, str(path), device)
    raise ProfileError(
        f"Cannot import {path}: '{suffix or 'no extension'}' is not a known format; give a "
        "Desktop Head Unit .ini or an Android Studio hardware-profile .xml."
    )
