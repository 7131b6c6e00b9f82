#!/usr/bin/env bash
# Builds the CarDeck Java example client from the packaged .proto files, with Debian's
# protobuf and grpc-java jars (no Maven or Gradle: the jars are in /usr/share/java).
#
#   examples/clients/java/build.sh [OUT]     # default OUT: examples/clients/java/build
#
# Writes OUT/classes and OUT/cardeck_client, a launcher that runs `java CardeckClient` with
# the classpath below. CARDECK (default: cardeck) names the command that exports the protos.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(mkdir -p "${1:-$HERE/build}" && cd "${1:-$HERE/build}" && pwd)"
CARDECK="${CARDECK:-cardeck}"
JARS="${JARS:-/usr/share/java}"

# What runs a gRPC client on Debian 12: libgrpc-java (1.41) and libprotobuf-java (3.21); the
# Netty transport from libnetty-java (grpc-netty's dependency, which Debian does not declare);
# guava, perfmark-api and error-prone annotations, which grpc-api and grpc-core load.
RUNTIME=(protobuf grpc-api grpc-context grpc-core grpc-stub grpc-protobuf grpc-protobuf-lite
  grpc-netty netty-buffer netty-codec netty-codec-http netty-codec-http2 netty-codec-socks
  netty-common netty-handler netty-handler-proxy netty-resolver netty-transport
  netty-transport-native-unix-common guava perfmark-api error_prone_annotations)
# Only javac needs these: the @javax.annotation.Generated that the grpc-java plugin writes
# (JDK 11 dropped that class; libgeronimo-annotation-1.3-spec-java has it).
COMPILE_ONLY=(geronimo-annotation-1.3-spec)

classpath() {
  local out="" jar
  for jar in "$@"; do
    [ -f "$JARS/$jar.jar" ] || { echo "build.sh: $JARS/$jar.jar is missing (make setup installs it)" >&2; exit 1; }
    out="${out:+$out:}$JARS/$jar.jar"
  done
  echo "$out"
}
RUN_CP="$(classpath "${RUNTIME[@]}")"
COMPILE_CP="$RUN_CP:$(classpath "${COMPILE_ONLY[@]}")"

rm -rf "$OUT/protos" "$OUT/gen" "$OUT/classes"
"$CARDECK" protos export "$OUT/protos" >/dev/null
# Every file, not only HeadUnitService's: compiling all of them proves the java_package /
# java_multiple_files / java_outer_classname options of each.
mapfile -t PROTOS < <(cd "$OUT/protos" && find . -name '*.proto' | sed 's|^\./||' | sort)
mkdir -p "$OUT/gen" "$OUT/classes"
protoc -I "$OUT/protos" --java_out="$OUT/gen" --grpc-java_out="$OUT/gen" \
  --plugin=protoc-gen-grpc-java="$(command -v grpc_java_plugin)" "${PROTOS[@]}"
find "$OUT/gen" -name '*.java' > "$OUT/sources.txt"
echo "$HERE/CardeckClient.java" >> "$OUT/sources.txt"
javac -nowarn -encoding UTF-8 -d "$OUT/classes" -cp "$COMPILE_CP" @"$OUT/sources.txt"

cat > "$OUT/cardeck_client" <<LAUNCHER
#!/bin/sh
exec java -cp "$OUT/classes:$RUN_CP" CardeckClient "\$@"
LAUNCHER
chmod +x "$OUT/cardeck_client"
echo "build.sh: built $OUT/cardeck_client"
