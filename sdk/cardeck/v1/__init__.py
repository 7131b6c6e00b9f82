"""Generated gRPC and protobuf code for the cardeck.v1 API.

Power users may import these modules directly; the SDK's public API takes and
returns ``cardeck`` models instead. Regenerate with ``python tools/genproto.py``;
never edit by hand.
"""
