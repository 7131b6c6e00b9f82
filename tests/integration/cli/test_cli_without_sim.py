"""Every simulator command, run without the `sim` extra, says which extra to install.

Each run is a real `cardeck` process whose interpreter refuses the extra's
modules (a None entry in sys.modules fails an import just as an absent package
does), so it sees what `pip install cardeck` without `[sim]` leaves out.
"""

import subprocess
import sys

import pytest

HINT = "Install it with `pip install 'cardeck[sim]'`."


def cardeck_without(modules, *args, cwd):
    """Run `cardeck ARGS` in an interpreter where ``modules`` cannot be imported."""
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in modules)
    code = f"import sys; {blocked}; from cardeck.cli.__main__ import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("blocked", "args", "message"),
    [
        (
            ["grpc_health"],
            ["sim", "--headless", "--port", "0"],
            "`cardeck sim` cannot run: the 'sim' extra is not installed "
            "('grpc_health.v1' could not be imported).",
        ),
        (
            ["kivy", "PIL"],
            ["sim", "--port", "0"],
            "`cardeck sim` cannot run: the 'sim' extra is not installed "
            "('kivy', 'PIL' could not be imported).",
        ),
        (
            ["kivy"],
            ["layout", "render", "polestar-2", "-o", "out.png"],
            "Rendering layouts cannot run: the 'sim' extra is not installed "
            "('kivy' could not be imported).",
        ),
        (
            ["PIL"],
            ["layout", "sheet", "-o", "sheet.png"],
            "Rendering layouts cannot run: the 'sim' extra is not installed "
            "('PIL' could not be imported).",
        ),
    ],
    ids=["sim-headless", "sim-window", "layout-render", "layout-sheet"],
)
def test_a_simulator_command_names_the_extra(tmp_path, blocked, args, message):
    result = cardeck_without(blocked, *args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"UsageError: {message} {HINT}\n"
    assert not list(tmp_path.iterdir()), "nothing was written"


def test_the_headless_simulator_does_not_need_the_window(tmp_path):
    # kivy and PIL are missing, but --headless never draws: it gets past the
    # extra check and stops only at the flag mistake.
    result = cardeck_without(["kivy", "PIL"], "sim", "--headless", "--console", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "UsageError: --display, --script and --console need the window; drop --headless.\n",
    )
