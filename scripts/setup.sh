#!/usr/bin/env bash
# Set up everything CarDeck needs on a fresh Debian machine: system packages
# (when root and missing), the virtual environment, the npm tools and the
# released kuksa-client's own venv (scripts/setup-kuksa.sh).
# Idempotent; `make` runs it when pyproject.toml or package-lock.json change.
set -euo pipefail
cd "$(dirname "$0")/.."

# Kivy renders headless through EGL + Mesa; the browser panel drives Chromium;
# the voice panel speaks with espeak-ng and converts audio with sox; gcc and
# the Python headers build the SDK's compiled Event type (optional for users,
# required here so tests and benches measure what integrators get); aapt (which
# ships aapt2) and android-framework-res (framework-res.apk) build the Android
# overlays that `cardeck layout export --format android` writes, in the tests.
# The UI draws every locale's text with Noto: Sans (Latin) and Sans Arabic from
# fonts-noto-core, Sans CJK KR from fonts-noto-cjk; gettext gives msgfmt for
# translators (the catalogs themselves compile with Babel).
# The example clients in other languages (examples/clients/, built and run by
# tests/integration/clients): C++ with g++, make, pkg-config, gRPC C++ and protobuf
# (libprotobuf-dev also carries google/protobuf/*.proto, which protoc imports) and the two
# protoc plugins' packages; Java with the JDK, protobuf-java and grpc-java 1.41 and its
# grpc_java_plugin. Debian's libgrpc-java does not depend on what its Netty transport loads,
# so these are named: libnetty-java (netty 4.1, HTTP/2), libperfmark-java, libguava-java and
# liberror-prone-java; libgeronimo-annotation-1.3-spec-java has the javax.annotation.Generated
# the generated stubs carry (JDK 11 dropped it).
APT_PACKAGES=(libegl1 libegl-mesa0 libgl1-mesa-dri libgles2 chromium espeak-ng flite festival festvox-kallpc16k
  festvox-us-slt-hts sox gcc python3-dev
  aapt android-framework-res fonts-noto-core fonts-noto-cjk gettext
  g++ make pkgconf libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  default-jdk-headless libprotobuf-java libgrpc-java protobuf-compiler-grpc-java-plugin
  libnetty-java libperfmark-java libguava-java liberror-prone-java
  libgeronimo-annotation-1.3-spec-java)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
echo "setup: installing cardeck[dev] into .venv"
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import cardeck, cardeck_sim" # fail here, not in the tests, if the install broke
if .venv/bin/python -c "import cardeck._event_type" 2>/dev/null; then
  echo "setup: compiled Event type built"
else
  echo "setup: the compiled Event type did not build (needs gcc and the Python headers);" >&2
  echo "setup: the SDK runs on its pure-Python Event, and its test will fail" >&2
fi

echo "setup: installing npm packages (buf, the TypeScript client's grpc-js, proto-loader, ws, tsc)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
# The released kuksa-client the KUKSA integration tests drive, in .venv-kuksa.
bash scripts/setup-kuksa.sh
echo "setup: done"
