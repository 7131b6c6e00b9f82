"""Versions the head unit reports."""

from importlib.metadata import PackageNotFoundError, version

# The cardeck.v1 API contract this head unit implements: (major, minor).
API_VERSION = (1, 0)

try:
    SERVER_VERSION = version("cardeck")
except PackageNotFoundError:  # running from a source tree that was never installed
    SERVER_VERSION = "0.0.0+unknown"
