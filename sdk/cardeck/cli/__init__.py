"""The ``cardeck`` command: a thin layer over the library."""
