/**
 * Loading the packaged .proto files at run time: no generated code to keep in step.
 *
 * `cardeck protos export DIR` writes DIR/cardeck/v1/*.proto and DIR/google/rpc/*.proto;
 * google/protobuf/*.proto come bundled with protobufjs.
 */

import * as fs from "node:fs";
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import * as protobuf from "protobufjs";

/**
 * How proto-loader maps protobuf values to JavaScript. Chosen so that a message read over
 * gRPC has the shape the WebSocket bridge sends (protobuf's canonical JSON mapping):
 *
 * - `longs: String`: uint64/int64 (`seq` above all) become decimal strings. The default
 *   is a `Long` object, and `Number` would silently lose precision above 2^53.
 * - `enums: String`: enum values are their names ("GEAR_DRIVE"); requests may use names too.
 * - `defaults: true`: fields at their default value are present (`speedKmh: 0`,
 *   `parkingBrakeOn: false`), so code never has to know proto3's defaults. An unset message
 *   field reads as `null`.
 * - `oneofs: true`: each oneof gets a virtual field naming the member that is set
 *   (`event.payload === "vehicleStateChanged"`).
 * - `keepCase: false`: lowerCamelCase field names (`speedKmh`, `runId`), as in the JSON
 *   mapping; snake_case would differ from every bridge frame.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

const SERVICE_FILE = "cardeck/v1/headunit_service.proto";
const RPC_FILES = ["google/rpc/status.proto", "google/rpc/error_details.proto"];

/** A folder missing a file the client needs; the message says how to make one. */
export class ProtosError extends Error {}

function checkDir(dir: string): void {
  const missing = [SERVICE_FILE, ...RPC_FILES].filter(
    (file) => !fs.existsSync(path.join(dir, file)),
  );
  if (missing.length > 0) {
    throw new ProtosError(
      `--protos ${dir} lacks ${missing.join(", ")}. Write the packaged files there with ` +
        `\`cardeck protos export ${dir}\`.`,
    );
  }
}

/** The HeadUnitService client constructor, from the protos in `dir`. */
export function loadHeadUnitService(dir: string): grpc.ServiceClientConstructor {
  checkDir(dir);
  const definition = protoLoader.loadSync(SERVICE_FILE, { ...LOADER_OPTIONS, includeDirs: [dir] });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    cardeck: { v1: { HeadUnitService: grpc.ServiceClientConstructor } };
  };
  return loaded.cardeck.v1.HeadUnitService;
}

/**
 * google.rpc.Status with the detail types it may carry (BadRequest, ErrorInfo, …).
 * proto-loader hands out only service codecs, so the detail trailer is decoded with
 * protobufjs, the library proto-loader itself parses with.
 */
export function loadErrorModel(dir: string): protobuf.Root {
  checkDir(dir);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    const local = path.join(dir, target);
    // google/protobuf/*.proto are not exported: protobufjs resolves them from its bundle.
    return fs.existsSync(local) ? local : target;
  };
  return root.loadSync(RPC_FILES, { keepCase: false });
}
