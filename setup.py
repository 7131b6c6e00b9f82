"""The optional compiled Event type; everything else about the package is in pyproject.toml.

``optional=True``: without a C compiler and the Python headers the package still
installs and the SDK runs on its pure-Python Event (sdk/cardeck/_event_type.c
says what the compiled one buys).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cardeck._event_type",
            sources=["sdk/cardeck/_event_type.c"],
            optional=True,
            extra_compile_args=["-O2", "-Wall"],
        )
    ]
)
