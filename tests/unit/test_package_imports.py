"""Every package imports on its own, first, in a fresh interpreter: no import cycles."""

import subprocess
import sys

import pytest

PACKAGES = [
    "cardeck",
    "cardeck.layout",
    "cardeck.deploy",
    "cardeck.testing",
    "cardeck.cli.__main__",
    "cardeck_sim.state",
    "cardeck_sim.service",
    "cardeck_sim.bridge",
    "cardeck_sim.browser",
    "cardeck_sim.install",
    "cardeck_sim.maps",
    "cardeck_sim.voice",
    "cardeck_sim.ui",
    "cardeck_sim.headunit",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_first(package):
    result = subprocess.run(
        [sys.executable, "-c", f"import {package}"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
