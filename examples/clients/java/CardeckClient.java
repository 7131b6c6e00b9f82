// CarDeck example client in Java: GetInfo, WatchEvents and a call that fails with a decoded
// google.rpc.BadRequest, against any CarDeck head unit (`cardeck sim --headless`).
//
//   cardeck_client --target 127.0.0.1:50051 [--token TOKEN] info
//   cardeck_client --target 127.0.0.1:50051 watch 20
//   cardeck_client --target 127.0.0.1:50051 fail
//
// (build.sh writes the `cardeck_client` launcher around `java -cp … CardeckClient`.)
// It uses the classes protoc generates into com.cardeck.api.v1 (java_multiple_files: one class
// per message), the same code an Android Automotive app or a Kotlin client compiles against.
// Every result is one JSON object per line on stdout; errors go to stderr, exit code 1.

import com.cardeck.api.v1.Display;
import com.cardeck.api.v1.Event;
import com.cardeck.api.v1.GetInfoRequest;
import com.cardeck.api.v1.GetInfoResponse;
import com.cardeck.api.v1.HeadUnitServiceGrpc;
import com.cardeck.api.v1.UpdateVehicleStateRequest;
import com.cardeck.api.v1.VehicleState;
import com.cardeck.api.v1.VehicleStateUpdate;
import com.cardeck.api.v1.WatchEventsRequest;
import com.cardeck.api.v1.WatchEventsResponse;
import com.cardeck.api.v1.ApiVersion;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

public final class CardeckClient {
  private static final long CALL_TIMEOUT_S = 10;
  private static final long WATCH_TIMEOUT_S = 120;
  // The head unit's google.rpc.Status, serialized, travels in this trailer.
  private static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private CardeckClient() {}

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }

  // proto3 uint32/uint64/fixed32 arrive as Java's signed int/long: print them unsigned, or a
  // seq past 2^63 (or a colour like 0xFF0000FF in fill_rgba) would come out negative.
  static String u32(int value) {
    return Integer.toUnsignedString(value);
  }

  static String u64(long value) {
    return Long.toUnsignedString(value);
  }

  static int runInfo(HeadUnitServiceGrpc.HeadUnitServiceBlockingStub stub) {
    GetInfoResponse info =
        stub.withDeadlineAfter(CALL_TIMEOUT_S, TimeUnit.SECONDS)
            .getInfo(
                GetInfoRequest.newBuilder()
                    .setClientApiVersion(ApiVersion.newBuilder().setMajor(1))
                    .build());
    StringBuilder out = new StringBuilder("{\"step\":\"info\"");
    out.append(",\"api_version\":{\"major\":").append(u32(info.getApiVersion().getMajor()))
        .append(",\"minor\":").append(u32(info.getApiVersion().getMinor())).append('}')
        .append(",\"server_version\":").append(quote(info.getServerVersion()))
        .append(",\"product_name\":").append(quote(info.getProductName()))
        .append(",\"run_id\":").append(quote(info.getRunId()))
        .append(",\"active_profile_id\":").append(quote(info.getActiveProfileId()))
        .append(",\"simulator\":").append(info.getSimulator())
        .append(",\"displays\":[");
    for (int i = 0; i < info.getDisplaysCount(); i++) {
      Display d = info.getDisplays(i);
      out.append(i > 0 ? "," : "")
          .append("{\"display_id\":").append(quote(d.getDisplayId()))
          .append(",\"role\":").append(quote(d.getRole().name()))
          .append(",\"width_px\":").append(u32(d.getWidthPx()))
          .append(",\"height_px\":").append(u32(d.getHeightPx()))
          .append(",\"density_dpi\":").append(u32(d.getDensityDpi())).append('}');
    }
    System.out.println(out.append("]}"));
    return 0;
  }

  // The oneof field's name ("vehicle_state_changed", …), the same string the C++ client prints.
  static String kind(Event event) {
    if (event.getPayloadCase() == Event.PayloadCase.PAYLOAD_NOT_SET) {
      return "unknown";
    }
    return Event.getDescriptor().findFieldByNumber(event.getPayloadCase().getNumber()).getName();
  }

  static int runWatch(HeadUnitServiceGrpc.HeadUnitServiceBlockingStub stub, int count) {
    // Cancelling this context ends the stream once `count` events are in.
    Context.CancellableContext watch = Context.current().withCancellation();
    Context previous = watch.attach();
    int received = 0;
    try {
      Iterator<WatchEventsResponse> responses =
          stub.withDeadlineAfter(WATCH_TIMEOUT_S, TimeUnit.SECONDS)
              .watchEvents(WatchEventsRequest.getDefaultInstance());
      while (received < count && responses.hasNext()) {
        WatchEventsResponse response = responses.next();
        if (response.hasSnapshot()) {
          // Flushed at once: whoever drives the head unit waits for this line.
          System.out.println("{\"step\":\"watch\",\"snapshot_seq\":"
              + u64(response.getSnapshot().getSeq())
              + ",\"run_id\":" + quote(response.getSnapshot().getRunId()) + "}");
          System.out.flush();
        }
        for (Event event : response.getEventsList()) {
          StringBuilder line = new StringBuilder("{\"seq\":").append(u64(event.getSeq()))
              .append(",\"kind\":").append(quote(kind(event)));
          if (event.hasVehicleStateChanged()) {
            VehicleState state = event.getVehicleStateChanged().getState();
            line.append(",\"speed_kmh\":").append(state.getSpeedKmh())
                .append(",\"gear\":").append(quote(state.getGear().name()));
          }
          System.out.println(line.append('}'));
          System.out.flush();
          if (++received == count) {
            break;
          }
        }
      }
    } finally {
      watch.detach(previous);
      watch.cancel(null);
    }
    if (received < count) {
      System.err.println("cardeck_client: WatchEvents ended after " + received + " events");
      return 1;
    }
    return 0;
  }

  static int runFail(HeadUnitServiceGrpc.HeadUnitServiceBlockingStub stub)
      throws InvalidProtocolBufferException {
    UpdateVehicleStateRequest request =
        UpdateVehicleStateRequest.newBuilder()
            .setUpdate(VehicleStateUpdate.newBuilder().setSpeedKmh(999)) // range [0, 400]
            .build();
    try {
      stub.withDeadlineAfter(CALL_TIMEOUT_S, TimeUnit.SECONDS).updateVehicleState(request);
    } catch (StatusRuntimeException e) {
      Metadata trailers = e.getTrailers();
      byte[] raw = trailers == null ? null : trailers.get(STATUS_DETAILS);
      if (raw == null) {
        System.err.println("cardeck_client: no grpc-status-details-bin trailer: " + e);
        return 1;
      }
      com.google.rpc.Status rich = com.google.rpc.Status.parseFrom(raw);
      StringBuilder out = new StringBuilder("{\"step\":\"fail\"")
          .append(",\"code\":").append(e.getStatus().getCode().value())
          .append(",\"code_name\":").append(quote(e.getStatus().getCode().name()))
          .append(",\"message\":").append(quote(String.valueOf(e.getStatus().getDescription())))
          .append(",\"details\":[");
      StringBuilder violations = new StringBuilder();
      String reason = "";
      for (int i = 0; i < rich.getDetailsCount(); i++) {
        Any detail = rich.getDetails(i);
        out.append(i > 0 ? "," : "").append(quote(detail.getTypeUrl()));
        if (detail.is(BadRequest.class)) {
          for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
            violations.append(violations.length() > 0 ? "," : "")
                .append("{\"field\":").append(quote(v.getField()))
                .append(",\"description\":").append(quote(v.getDescription())).append('}');
          }
        } else if (detail.is(ErrorInfo.class)) {
          reason = detail.unpack(ErrorInfo.class).getReason();
        }
      }
      out.append("],\"reason\":").append(quote(reason))
          .append(",\"violations\":[").append(violations).append("]}");
      System.out.println(out);
      return 0;
    }
    System.err.println(
        "cardeck_client: UpdateVehicleState(speed_kmh=999) succeeded; expected INVALID_ARGUMENT");
    return 1;
  }

  static int usage() {
    System.err.println(
        "usage: cardeck_client --target HOST:PORT [--token TOKEN] info|watch [N]|fail\n"
            + "  info   GetInfo: API version, active profile, displays\n"
            + "  watch  WatchEvents: the snapshot's seq, then N events (default 20)\n"
            + "  fail   UpdateVehicleState(speed_kmh=999): the decoded BadRequest");
    return 2;
  }

  static int run(String[] args) throws InterruptedException, InvalidProtocolBufferException {
    String target = null;
    String token = null;
    String step = null;
    int count = 20;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--target") && i + 1 < args.length) {
        target = args[++i];
      } else if (arg.equals("--token") && i + 1 < args.length) {
        token = args[++i];
      } else if (step == null && (arg.equals("info") || arg.equals("watch") || arg.equals("fail"))) {
        step = arg;
      } else if ("watch".equals(step) && arg.matches("[0-9]+")) {
        count = Integer.parseInt(arg);
      } else {
        System.err.println("cardeck_client: unexpected argument " + quote(arg));
        return usage();
      }
    }
    if (target == null || step == null) {
      return usage();
    }
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      HeadUnitServiceGrpc.HeadUnitServiceBlockingStub stub =
          HeadUnitServiceGrpc.newBlockingStub(channel);
      if (token != null) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        stub = HeadUnitServiceGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(headers)));
      }
      switch (step) {
        case "info": return runInfo(stub);
        case "watch": return runWatch(stub, count);
        default: return runFail(stub);
      }
    } catch (StatusRuntimeException e) {
      // Code and description only: the Status's cause would print Netty's whole stack trace.
      System.err.println("cardeck_client: " + step + " failed: " + e.getStatus().getCode() + ": "
          + e.getStatus().getDescription());
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }
}
