"""Every example explains itself with --help and takes --target and --token."""

import subprocess
import sys

import pytest
from example_helpers import EXAMPLES as EXAMPLES_DIR
from example_helpers import run_example

EXAMPLES = ["drive_log_bridge.py", "sunroof_intent.py", "poi_theme.py", "web_events.py"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_help_names_the_connection_flags(name: str) -> None:
    result = run_example(name, "--help", timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ")
    assert "--target" in result.stdout and "--token" in result.stdout


def test_no_head_unit_is_one_line_on_stderr() -> None:
    # Port 1 on loopback: nothing listens there. The SDK retries the first call
    # until its deadline (about 10 s), so the four run side by side.
    procs = [
        subprocess.Popen(
            [sys.executable, str(EXAMPLES_DIR / name), "--target", "127.0.0.1:1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in EXAMPLES
    ]
    for name, proc in zip(EXAMPLES, procs, strict=True):
        _, stderr = proc.communicate(timeout=40)
        assert proc.returncode == 1, name
        assert stderr.startswith("UnavailableError: "), (name, stderr)
        assert "Traceback" not in stderr
