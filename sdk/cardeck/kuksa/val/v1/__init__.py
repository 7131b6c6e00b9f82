"""Generated gRPC and protobuf code for Eclipse KUKSA's kuksa.val.v1.

From the vendored protos in third_party/kuksa (Apache-2.0, see its README). The
head unit serves this API; ``client.signals`` speaks it. Regenerate with
``python tools/genproto.py``; never edit by hand.
"""
