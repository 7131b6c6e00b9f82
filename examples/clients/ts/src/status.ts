/**
 * The rich error model: the head unit puts a google.rpc.Status in the binary trailer
 * `grpc-status-details-bin`; its `details` are `google.protobuf.Any` messages such as
 * google.rpc.BadRequest (which fields are wrong, and why) and google.rpc.ErrorInfo.
 */

import type * as grpc from "@grpc/grpc-js";
import * as protobuf from "protobufjs";

const DETAILS_TRAILER = "grpc-status-details-bin";
const TYPE_URL_PREFIX = "type.googleapis.com/";

/** One detail of a Status: its full type name and its fields (lowerCamelCase). */
export interface StatusDetail {
  type: string;
  value: Record<string, unknown>;
}

/** A google.rpc.BadRequest.FieldViolation. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** A decoded google.rpc.Status. */
export interface RichStatus {
  code: number;
  message: string;
  details: StatusDetail[];
}

/** The same `toObject` mapping as LOADER_OPTIONS in protos.ts. */
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
};

/**
 * Decode the Status a failed call carries, unpacking every Any whose type `errorModel`
 * knows. Returns null when the server sent no detail trailer.
 *
 * @throws Error when a detail names a type `errorModel` does not hold: an old copy of
 *   error_details.proto; export the protos again.
 */
export function richStatus(error: grpc.ServiceError, errorModel: protobuf.Root): RichStatus | null {
  const [raw] = error.metadata.get(DETAILS_TRAILER);
  if (!(raw instanceof Buffer)) {
    return null;
  }
  const statusType = errorModel.lookupType("google.rpc.Status");
  // The decoded message, not toObject(): protobufjs bundles google/protobuf/any.proto with
  // its proto field names, so the Any's type URL is `type_url` whatever keepCase says.
  const status = statusType.decode(raw) as unknown as {
    code: number;
    message: string;
    details: { type_url: string; value: Uint8Array }[];
  };
  const details = status.details.map((any) => {
    if (!any.type_url.startsWith(TYPE_URL_PREFIX)) {
      throw new Error(`A status detail has the unexpected type URL ${any.type_url}.`);
    }
    // The type name is what follows the last "/" of the type URL (the Any contract).
    const name = any.type_url.slice(any.type_url.lastIndexOf("/") + 1);
    const type = errorModel.lookup(name);
    if (!(type instanceof protobuf.Type)) {
      throw new Error(
        `A status detail is a ${name}, which the exported error_details.proto lacks; ` +
          "export the protos again.",
      );
    }
    return { type: name, value: type.toObject(type.decode(any.value), TO_OBJECT) };
  });
  return { code: status.code, message: status.message, details };
}

/** Every field violation of every BadRequest detail, in the order the server gave them. */
export function fieldViolations(status: RichStatus): FieldViolation[] {
  return status.details
    .filter((detail) => detail.type === "google.rpc.BadRequest")
    .flatMap((detail) => detail.value.fieldViolations as FieldViolation[]);
}
