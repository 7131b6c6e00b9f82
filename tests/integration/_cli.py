"""The ``cardeck`` command as a user runs it, for tests that start it in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

CARDECK = [sys.executable, "-m", "cardeck.cli"]


def info_json(port: int) -> dict[str, Any]:
    """What ``cardeck info --json`` prints about the head unit on 127.0.0.1:``port``."""
    result = subprocess.run(
        [*CARDECK, "info", "--target", f"127.0.0.1:{port}", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    info: dict[str, Any] = json.loads(result.stdout)
    return info
