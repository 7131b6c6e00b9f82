"""What `make demo` runs: start the head unit headless, run the quickstart against it, stop it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    print("Starting the CarDeck head unit: cardeck sim --headless --port 0", flush=True)
    sim = subprocess.Popen(
        [sys.executable, "-m", "cardeck.cli", "sim", "--headless", "--port", "0", "--ws-port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline()
        print(line.rstrip(), flush=True)
        match = re.search(r"listening on ([\d.]+:\d+)", line)
        if not match:
            print("The head unit did not start; see the messages above.", file=sys.stderr)
            return 1
        print(f"\nRunning examples/quickstart.py --target {match.group(1)}\n", flush=True)
        return subprocess.call(
            [sys.executable, str(HERE / "quickstart.py"), "--target", match.group(1)]
        )
    finally:
        sim.send_signal(signal.SIGTERM)
        code = sim.wait(15)
        print(f"\nHead unit stopped (exit {code}).")


if __name__ == "__main__":
    raise SystemExit(main())
