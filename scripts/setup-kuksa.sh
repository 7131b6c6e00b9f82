#!/usr/bin/env bash
# The released KUKSA Python client in a venv of its own, .venv-kuksa, as a KUKSA
# user's project would have it: the integration tests in tests/integration/kuksa
# drive it in a subprocess against the head unit's kuksa.val API.
#
# Not in .venv: kuksa-client 0.6.0 pins grpcio-tools==1.82.1 while CarDeck's dev
# extra pins 1.85.1 for code generation, and its wheel installs a top-level
# `tests` package that would shadow ours.
#
# Idempotent and quick when done: the stamp names the pinned version, so a new
# pin reinstalls and an unchanged one costs one `test -e`.
set -euo pipefail
cd "$(dirname "$0")/.."

KUKSA_CLIENT_VERSION=0.6.0
VENV=.venv-kuksa
STAMP="$VENV/.kuksa-client-$KUKSA_CLIENT_VERSION"
PYTHON=${PYTHON:-python3}

if [ -e "$STAMP" ] && [ -x "$VENV/bin/python" ]; then
  echo "setup: $VENV has kuksa-client $KUKSA_CLIENT_VERSION"
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
echo "setup: installing kuksa-client==$KUKSA_CLIENT_VERSION into $VENV"
rm -f "$VENV"/.kuksa-client-*
"$VENV/bin/python" -m pip install -q "kuksa-client==$KUKSA_CLIENT_VERSION" 2>&1 \
  | grep -v "^WARNING: Location" || true
# Fail here, not in the tests, if the install broke (pip's output is filtered above).
"$VENV/bin/python" - "$KUKSA_CLIENT_VERSION" <<'EOF'
import sys
from importlib.metadata import version

from kuksa_client.grpc import VSSClient  # noqa: F401

if version("kuksa-client") != sys.argv[1]:
    raise SystemExit(f"setup: .venv-kuksa has kuksa-client {version('kuksa-client')}, not {sys.argv[1]}")
EOF
touch "$STAMP"
