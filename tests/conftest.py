"""Settings shared by every test: headless, quiet Kivy, no user config."""

import os
import tempfile

# Kivy reads these at import; set them before any test imports it.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="cardeck-kivy-"))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
