"""Generated code for the Eclipse KUKSA val API (see cardeck.kuksa.val.v1, v2)."""
