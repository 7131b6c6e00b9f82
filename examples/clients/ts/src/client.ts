/**
 * A CarDeck client in TypeScript: gRPC through @grpc/grpc-js with the packaged protos loaded
 * by @grpc/proto-loader, and the WebSocket event bridge through `ws`.
 *
 *   node build/clients/ts/client.js --target HOST:PORT --protos DIR COMMAND
 *
 * COMMAND is `info`, `watch`, `fail` or `bridge` (see USAGE). Every result is printed as
 * one JSON object a line, so scripts (and tests/integration/clients/test_ts_client.py)
 * can read it.
 */

import * as readline from "node:readline";
import { parseArgs } from "node:util";

import * as grpc from "@grpc/grpc-js";
import type * as protobuf from "protobufjs";

import { BridgeSubscriber } from "./bridge.js";
import { loadErrorModel, loadHeadUnitService } from "./protos.js";
import { fieldViolations, richStatus } from "./status.js";
import type { GetInfoResponse, GrpcEvent, WatchEventsResponse } from "./types.js";
import { payloadKind } from "./types.js";

const USAGE = `usage: node client.js --target HOST:PORT --protos DIR [--token T] COMMAND [options]

  --protos DIR   the folder \`cardeck protos export DIR\` wrote

commands:
  info                       GetInfo, printed as JSON
  watch [N] [--kinds K,…] [--after SEQ --run-id ID]
                             WatchEvents: the snapshot's seq, then N events (default 20)
  fail                       UpdateVehicleState(speed_kmh=999): the INVALID_ARGUMENT status
                             with its google.rpc details decoded
  bridge [--url WS] [--count N] [--drop-after K] [--gap stdin|MS] [--kinds K,…]
                             the WebSocket bridge: N events; after K of them drop the
                             connection, wait (for a line on stdin, or MS milliseconds,
                             default 1000) and resume after the last seq received

--kinds takes the bridge's names: vehicle_state, drive_restrictions, layout, …`;

/** A mistake on the command line; printed with the usage, exit status 2. */
class UsageError extends Error {}

const CALL_TIMEOUT_MS = 10_000;

interface Options {
  target: string;
  protos: string;
  token: string;
  command: string;
  count: number;
  kinds: string[];
  after: string;
  runId: string;
  url: string;
  dropAfter: number;
  gap: string;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: "string", default: "127.0.0.1:50051" },
      protos: { type: "string" },
      token: { type: "string", default: "" },
      count: { type: "string", default: "20" },
      kinds: { type: "string", default: "" },
      after: { type: "string", default: "" },
      "run-id": { type: "string", default: "" },
      url: { type: "string", default: "" },
      "drop-after": { type: "string", default: "0" },
      gap: { type: "string", default: "1000" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    throw new UsageError("");
  }
  // `watch 20` as in examples/clients/README.md: the count may follow the command.
  const [command, countArgument, ...extra] = positionals;
  if (command === undefined || extra.length > 0 || (countArgument !== undefined && command !== "watch")) {
    throw new UsageError("Give one command: info, watch [N], fail or bridge.");
  }
  if (!values.protos) {
    throw new UsageError("--protos DIR is required: write the files with `cardeck protos export DIR`.");
  }
  const count = Number(countArgument ?? values.count);
  const dropAfter = Number(values["drop-after"]);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`--count must be a whole number of at least 1, not ${values.count}.`);
  }
  if (!Number.isInteger(dropAfter) || dropAfter < 0 || dropAfter >= count) {
    throw new UsageError(`--drop-after must be a whole number from 0 to --count - 1, not ${values["drop-after"]}.`);
  }
  if (values.after !== "" && !/^\d+$/.test(values.after)) {
    throw new UsageError(`--after must be a sequence number, not ${values.after}.`);
  }
  if (values.gap !== "stdin" && !/^\d+$/.test(values.gap)) {
    throw new UsageError(`--gap must be "stdin" or milliseconds, not ${values.gap}.`);
  }
  return {
    target: values.target,
    protos: values.protos,
    token: values.token,
    command,
    count,
    kinds: values.kinds === "" ? [] : values.kinds.split(","),
    after: values.after,
    runId: values["run-id"],
    url: values.url,
    dropAfter,
    gap: values.gap,
  };
}

/**
 * Print one JSON line. A bigint is written as a bare JSON number with every digit: the
 * same line every client in examples/clients prints, and Python reads it as an exact int
 * (JSON.stringify alone refuses bigints, and a Number would round seqs above 2^53).
 */
function emit(record: object): void {
  const text = JSON.stringify(record, (_key, value: unknown) =>
    typeof value === "bigint" ? `\u0000bigint:${value}` : value,
  );
  process.stdout.write(text.replace(/"\\u0000bigint:(\d+)"/g, "$1") + "\n");
}

/** "vehicleStateChanged" -> "vehicle_state_changed": the field's name in the .proto file. */
function protoName(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A unary method of a client made by grpc.loadPackageDefinition. */
type UnaryMethod<Req, Resp> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Resp>,
) => grpc.ClientUnaryCall;

/** A unary call as a promise, with a deadline. */
function unary<Req, Resp>(client: grpc.Client, method: string, request: Req, metadata: grpc.Metadata): Promise<Resp> {
  // Loaded services have their methods by name, untyped: proto-loader generates no code.
  const call = (client as unknown as Record<string, UnaryMethod<Req, Resp>>)[method];
  return new Promise((resolve, reject) => {
    call.call(client, request, metadata, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) =>
      error ? reject(error) : resolve(response as Resp),
    );
  });
}

class HeadUnit {
  readonly client: grpc.Client;
  readonly metadata = new grpc.Metadata();

  constructor(options: Options) {
    const HeadUnitService = loadHeadUnitService(options.protos);
    this.client = new HeadUnitService(options.target, grpc.credentials.createInsecure());
    if (options.token) {
      this.metadata.set("authorization", `Bearer ${options.token}`);
    }
  }

  info(): Promise<GetInfoResponse> {
    // A head unit of another major version refuses with FAILED_PRECONDITION.
    return unary(this.client, "GetInfo", { clientApiVersion: { major: 1, minor: 0 } }, this.metadata);
  }
}

async function runInfo(headUnit: HeadUnit): Promise<void> {
  const info = await headUnit.info();
  emit({
    step: "info",
    api_version: { major: info.apiVersion.major, minor: info.apiVersion.minor },
    server_version: info.serverVersion,
    product_name: info.productName,
    run_id: info.runId,
    active_profile_id: info.activeProfileId,
    simulator: info.simulator,
    displays: info.displays.map((display) => ({
      display_id: display.displayId,
      role: display.role,
      width_px: display.widthPx,
      height_px: display.heightPx,
      density_dpi: display.densityDpi,
    })),
  });
}

/** WatchEvents until `count` events arrived; their seqs must increase strictly. */
function runWatch(headUnit: HeadUnit, options: Options): Promise<void> {
  const request = {
    // An unset optional field is absent; "" would not be a seq.
    ...(options.after === "" ? {} : { resumeAfterSeq: options.after }),
    runId: options.runId,
    kinds: options.kinds.map((kind) => `EVENT_KIND_${kind.toUpperCase()}`),
  };
  const stream = (headUnit.client as unknown as {
    WatchEvents(request: object, metadata: grpc.Metadata): grpc.ClientReadableStream<WatchEventsResponse<GrpcEvent>>;
  }).WatchEvents(request, headUnit.metadata);
  let received = 0;
  let subscribed = false;
  let last: bigint | null = options.after === "" ? null : BigInt(options.after);
  return new Promise((resolve, reject) => {
    stream.on("data", (response: WatchEventsResponse<GrpcEvent>) => {
      // The first response comes at once: a snapshot, or (on a resume) the missed events.
      // Printed at once: whoever drives the head unit waits for this line before changing state.
      if (response.snapshot) {
        last = BigInt(response.snapshot.seq);
        emit({ step: "watch", snapshot_seq: last, run_id: response.snapshot.runId, events_lost: response.eventsLost });
      } else if (!subscribed) {
        emit({ step: "watch", snapshot_seq: last, run_id: options.runId, events_lost: false });
      }
      subscribed = true;
      for (const event of response.events ?? []) {
        if (received === options.count) {
          break;
        }
        if (last !== null && BigInt(event.seq) <= last) {
          stream.cancel();
          reject(new Error(`WatchEvents sent seq ${event.seq} after ${last}.`));
          return;
        }
        last = BigInt(event.seq);
        received += 1;
        const state = event.vehicleStateChanged?.state;
        emit({
          seq: last,
          kind: protoName(payloadKind(event)),
          ...(state ? { speed_kmh: state.speedKmh, gear: state.gear } : {}),
        });
      }
      if (received === options.count) {
        stream.cancel();
        resolve();
      }
    });
    stream.on("error", (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED || received < options.count) {
        reject(error);
      }
    });
    stream.on("end", () => {
      if (received < options.count) {
        reject(new Error(`WatchEvents ended after ${received} of ${options.count} events.`));
      }
    });
  });
}

/** A call the head unit must refuse with INVALID_ARGUMENT, and the details it gives. */
async function runFail(headUnit: HeadUnit, errorModel: protobuf.Root): Promise<void> {
  try {
    // The range is [0, 400]: the head unit names update.speed_kmh in a BadRequest.
    await unary(headUnit.client, "UpdateVehicleState", { update: { speedKmh: 999 } }, headUnit.metadata);
  } catch (error) {
    const serviceError = error as grpc.ServiceError;
    if (serviceError.code === undefined) {
      throw error;
    }
    const status = richStatus(serviceError, errorModel);
    if (status === null) {
      throw new Error(`UpdateVehicleState failed without a ${"grpc-status-details-bin"} trailer: ${serviceError.details}`);
    }
    const errorInfo = status.details.find((detail) => detail.type === "google.rpc.ErrorInfo");
    emit({
      step: "fail",
      code: serviceError.code,
      code_name: grpc.status[serviceError.code],
      message: serviceError.details,
      details: status.details.map((detail) => `type.googleapis.com/${detail.type}`),
      reason: (errorInfo?.value.reason as string | undefined) ?? "",
      violations: fieldViolations(status).map(({ field, description }) => ({ field, description })),
    });
    return;
  }
  throw new Error("UpdateVehicleState(speed_kmh=999) succeeded; the head unit should refuse it.");
}

function waitGap(gap: string): Promise<void> {
  if (gap !== "stdin") {
    return new Promise((resolve) => setTimeout(resolve, Number(gap)));
  }
  const lines = readline.createInterface({ input: process.stdin });
  return new Promise((resolve) =>
    lines.once("line", () => {
      lines.close();
      // An open stdin would keep Node running after the last event.
      process.stdin.destroy();
      resolve();
    }),
  );
}

/**
 * Read `count` bridge events; after `dropAfter` of them drop the connection, wait out the
 * gap and resume. The subscriber itself refuses a repeated or out-of-order seq.
 */
async function runBridge(headUnit: HeadUnit, options: Options): Promise<void> {
  const url = options.url || (await headUnit.info()).websocketUrl;
  if (!url) {
    throw new Error("The head unit runs no WebSocket bridge (GetInfo's websocketUrl is empty).");
  }
  let received = 0;
  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  let dropped: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const droppedOnce = new Promise<void>((resolve) => (dropped = resolve));
  const subscriber = new BridgeSubscriber(
    { url, token: options.token, kinds: options.kinds },
    {
      onSnapshot(snapshot, eventsLost) {
        emit({ step: "bridge", snapshot_seq: BigInt(snapshot.seq), run_id: snapshot.runId, events_lost: eventsLost });
        if (eventsLost || received > 0) {
          fail(new Error(`The bridge answered the resume with a snapshot (eventsLost=${eventsLost}).`));
        }
      },
      onEvent(event) {
        received += 1;
        const state = event.vehicleStateChanged?.state;
        emit({
          seq: BigInt(event.seq),
          kind: protoName(payloadKind(event)),
          time: event.time,
          ...(state ? { speed_kmh: state.speedKmh, gear: state.gear } : {}),
        });
        if (received === options.count) {
          subscriber.close();
          finish();
          return false;
        }
        if (received === options.dropAfter) {
          subscriber.drop();
          emit({ step: "dropped", last_seq: BigInt(subscriber.lastSeq ?? "0") });
          dropped();
          return false;
        }
        return true;
      },
      onError(error) {
        fail(error);
      },
      onClose(code, reason) {
        if (received < options.count && code !== 1006) {
          emit({ step: "closed", code, reason });
        }
      },
    },
  );
  // Printed before connecting: once open, frames may be handled before connect() resolves.
  emit({ step: "connecting", url: subscriber.connectUrl() });
  await subscriber.connect();
  if (options.dropAfter > 0) {
    await Promise.race([droppedOnce, done]);
    await waitGap(options.gap);
    emit({ step: "resuming", url: subscriber.connectUrl() });
    await subscriber.connect();
  }
  await done;
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      const message = (error as Error).message;
      // --help (no message) is not a mistake.
      process.stderr.write((message ? `client.js: ${message}\n\n` : "") + USAGE + "\n");
      return message ? 2 : 0;
    }
    throw error;
  }
  let headUnit: HeadUnit | null = null;
  try {
    headUnit = new HeadUnit(options);
    switch (options.command) {
      case "info":
        await runInfo(headUnit);
        break;
      case "watch":
        await runWatch(headUnit, options);
        break;
      case "fail":
        await runFail(headUnit, loadErrorModel(options.protos));
        break;
      case "bridge":
        await runBridge(headUnit, options);
        break;
      default:
        process.stderr.write(`client.js: unknown command ${options.command}.\n\n${USAGE}\n`);
        return 2;
    }
    return 0;
  } catch (error) {
    const serviceError = error as Partial<grpc.ServiceError>;
    const prefix = serviceError.code !== undefined && error instanceof Error && "metadata" in error
      ? `${grpc.status[serviceError.code]}: `
      : "";
    // A missing proto folder (ProtosError) or a gRPC status: one sentence, no stack.
    process.stderr.write(`client.js: ${prefix}${(error as Error).message}\n`);
    return 1;
  } finally {
    headUnit?.client.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode, not exit(): stdout is flushed and open handles close first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`client.js: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
