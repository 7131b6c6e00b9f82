"""Clients in other languages (C++, Java, TypeScript) built from the packaged protos and run
against `cardeck sim --headless`, as an integrator would build them."""
