/**
 * The CarDeck messages this client reads, as plain objects, typed for the fields it uses.
 *
 * Both paths hand over the same shapes, because proto-loader is configured to match
 * protobuf's canonical JSON mapping that the WebSocket bridge sends (see protos.ts):
 * lowerCamelCase field names, enums as their names, 64-bit integers as decimal strings.
 * Two differences remain, and the types say where: a Timestamp is `{seconds, nanos}` over
 * gRPC but an RFC 3339 string over the bridge, and only gRPC objects carry the name of the
 * set oneof member (`payload: "vehicleStateChanged"`).
 */

/**
 * A uint64 sequence number as a decimal string. A JavaScript number is exact only up to
 * 2^53; compare seqs with `BigInt(seq)` and send them back exactly as received.
 */
export type Seq = string;

export type Gear = "GEAR_UNSPECIFIED" | "GEAR_PARK" | "GEAR_REVERSE" | "GEAR_NEUTRAL" | "GEAR_DRIVE";

/** cardeck.v1.VehicleState (the fields both paths fill in). */
export interface VehicleState {
  speedKmh: number;
  gear: Gear;
  parkingBrakeOn: boolean;
  night: boolean;
  dayNightMode: string;
}

/** cardeck.v1.ApiVersion. */
export interface ApiVersion {
  major: number;
  minor: number;
}

/** cardeck.v1.CapabilityStatus. */
export interface CapabilityStatus {
  capability: string;
  available: boolean;
  reason: string;
}

/** cardeck.v1.Display (the fields printed). */
export interface Display {
  displayId: string;
  role: string;
  widthPx: number;
  heightPx: number;
  densityDpi: number;
}

/** cardeck.v1.Locale. */
export interface Locale {
  tag: string;
  name: string;
  rtl: boolean;
}

/** cardeck.v1.GetInfoResponse. */
export interface GetInfoResponse {
  apiVersion: ApiVersion;
  serverVersion: string;
  productName: string;
  runId: string;
  capabilities: CapabilityStatus[];
  activeProfileId: string;
  displays: Display[];
  simulator: boolean;
  websocketUrl: string;
  locale: Locale | null;
  supportedLocales: Locale[];
}

/** google.protobuf.Timestamp as proto-loader gives it (`longs: String`). */
export interface GrpcTimestamp {
  seconds: string;
  nanos: number;
}

/**
 * cardeck.v1.Event: `seq`, `time`, `runId` and exactly one payload field named after the
 * `payload` oneof member. Only the payloads this client reads are typed; the others are
 * kept as opaque objects.
 */
export interface EventBase<Time> {
  seq: Seq;
  time: Time;
  runId: string;
  vehicleStateChanged?: { state: VehicleState };
  [payload: string]: unknown;
}

/** An Event from WatchEvents; `payload` names the set member (proto-loader `oneofs: true`). */
export interface GrpcEvent extends EventBase<GrpcTimestamp | null> {
  payload: string;
}

/** An Event from the WebSocket bridge: canonical JSON, a Timestamp is an RFC 3339 string. */
export type BridgeEvent = EventBase<string>;

/** cardeck.v1.StateSnapshot (the fields used). */
export interface StateSnapshot {
  seq: Seq;
  runId: string;
  vehicleState: VehicleState | null;
  activeProfileId: string;
}

/** cardeck.v1.WatchEventsResponse: a snapshot first (unless resumed), then event batches. */
export interface WatchEventsResponse<E> {
  snapshot?: StateSnapshot | null;
  eventsLost?: boolean;
  events?: E[];
}

/** The oneof member names of Event's payload, from a bridge event (which has no `payload`). */
const EVENT_FIELDS = new Set(["seq", "time", "runId", "payload"]);

/** The payload member an event carries, e.g. "vehicleStateChanged". */
export function payloadKind(event: EventBase<unknown>): string {
  const named = (event as { payload?: unknown }).payload;
  if (typeof named === "string" && named !== "") {
    return named;
  }
  return Object.keys(event).find((key) => !EVENT_FIELDS.has(key)) ?? "";
}
