"""Every bundled display's Android overlay, built by the real aapt2 and read back.

The overlay is compiled (``aapt2 compile``), linked against Debian's
framework-res.apk (``aapt2 link``) and dumped (``aapt2 dump resources``); every
panel's dimen must come back with the solver's value in dp, in the default
configuration and in the display's size-qualified one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cardeck.layout import (
    ExportDisplay,
    LayoutExport,
    android_resource_name,
    build_layout_export,
    bundled_profiles,
    size_qualifier,
    write_layout_export,
)

pytestmark = pytest.mark.timeout(60)

FRAMEWORK_RES = Path("/usr/share/android-framework-res/framework-res.apk")
SETUP = (
    "run scripts/setup.sh (as root it installs Debian's aapt, which ships aapt2, and "
    "android-framework-res)"
)
TARGET = "com.example.headunit"

EXPORTS = {pid: build_layout_export(p) for pid, p in sorted(bundled_profiles().items())}
CASES = [(pid, d.id) for pid, export in EXPORTS.items() for d in export.displays]


@pytest.fixture(scope="module")
def aapt2() -> str:
    binary = shutil.which("aapt2")
    # Not a skip: CI installs the tools, and a silent skip would hide a broken export.
    if binary is None:
        pytest.fail(f"aapt2 is not installed; {SETUP}.")
    if not FRAMEWORK_RES.is_file():
        pytest.fail(f"{FRAMEWORK_RES} is missing; {SETUP}.")
    return binary


def _run(*argv: str | Path) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"{' '.join(map(str, argv))} failed:\n{done.stderr}"
    return done.stdout


def _dumped_values(dump: str) -> dict[tuple[str, str], str]:
    """``aapt2 dump resources`` as {(type/name, config): value}."""
    values: dict[tuple[str, str], str] = {}
    name = ""
    for line in dump.splitlines():
        if match := re.match(r"\s+resource 0x[0-9a-f]+ (\S+)", line):
            name = match.group(1)
        elif name and (match := re.match(r"\s+\(([^)]*)\) (.+)$", line)):
            values[(name, match.group(1))] = match.group(2).strip()
    return values


def _build(aapt2: str, export: LayoutExport, display: ExportDisplay, tmp_path: Path) -> Path:
    one = export.model_copy(update={"displays": (display,)})
    write_layout_export(one, "android", tmp_path, android_target=TARGET)
    source = tmp_path / display.id
    compiled = tmp_path / "compiled.zip"
    apk = tmp_path / "overlay.apk"
    _run(aapt2, "compile", "--dir", source / "res", "-o", compiled)
    # --no-resource-deduping keeps the size-qualified copy whose values equal the default.
    _run(
        aapt2, "link", "--no-resource-deduping", "-I", FRAMEWORK_RES,
        "--manifest", source / "AndroidManifest.xml", "-o", apk, compiled,
    )  # fmt: skip
    return apk


@pytest.fixture(scope="module")
def dumps(aapt2: str, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """Every bundled display's overlay built and dumped, on every core at once."""

    def build_and_dump(case: tuple[str, str]) -> str:
        profile_id, display_id = case
        folder = tmp_path_factory.mktemp(f"{profile_id}-{display_id}")
        export = EXPORTS[profile_id]
        apk = _build(aapt2, export, export.display(display_id), folder)
        return _run(aapt2, "dump", "resources", apk)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(CASES, pool.map(build_and_dump, CASES), strict=True))


@pytest.mark.parametrize(("profile_id", "display_id"), CASES)
def test_overlay_links_and_holds_the_solver_values(
    dumps: dict[tuple[str, str], str], profile_id: str, display_id: str
) -> None:
    display = EXPORTS[profile_id].display(display_id)
    values = _dumped_values(dumps[(profile_id, display_id)])
    # No -v13 suffix: the manifest's minSdkVersion 26 already implies it.
    qualified = size_qualifier(display).removeprefix("values-")
    assert (f"dimen/{android_resource_name(display_id, 'width')}", "") in values
    for panel in display.panels:
        rect = panel.rect_dp
        expected = {
            "x": rect.x if rect else 0.0,
            "y": rect.y if rect else 0.0,
            "width": rect.width if rect else 0.0,
            "height": rect.height if rect else 0.0,
        }
        for edge, want in expected.items():
            name = f"dimen/{android_resource_name(display_id, panel.id, edge)}"
            for config in ("", qualified):
                got = values[(name, config)]
                assert got.endswith("dp"), (name, config, got)
                # A dimen is stored as fixed point; 1/128 dp is its coarsest step here.
                assert float(got.removesuffix("dp")) == pytest.approx(want, abs=1 / 128), name
        visible = values[(f"bool/{android_resource_name(display_id, panel.id, 'visible')}", "")]
        assert visible == str(panel.visible).lower()


def test_manifest_declares_a_runtime_overlay(aapt2: str, tmp_path: Path) -> None:
    export = EXPORTS["polestar-2"]
    apk = _build(aapt2, export, export.display("center"), tmp_path)
    tree = _run(shutil.which("aapt") or "aapt", "dump", "xmltree", apk, "AndroidManifest.xml")
    assert 'A: android:targetPackage(0x01010021)="com.example.headunit"' in tree
    assert "A: android:isStatic(0x0101055a)=(type 0x12)0x0" in tree
    assert 'package="com.example.headunit.cardeck.polestar_2.center"' in tree
