// CarDeck example client in C++: GetInfo, WatchEvents and a call that fails with a
// decoded google.rpc.BadRequest, against any CarDeck head unit (`cardeck sim --headless`).
//
//   cardeck_client --target 127.0.0.1:50051 [--token TOKEN] info
//   cardeck_client --target 127.0.0.1:50051 watch 20
//   cardeck_client --target 127.0.0.1:50051 fail
//
// Every result is one JSON object per line on stdout, so a script (or the CarDeck test that
// runs this client in CI) reads it without parsing prose. Errors go to stderr, exit code 1.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "cardeck/v1/headunit_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace v1 = cardeck::v1;

namespace {

constexpr auto kCallTimeout = std::chrono::seconds(10);
constexpr auto kWatchTimeout = std::chrono::seconds(120);

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through unchanged, as JSON allows.
        }
    }
  }
  return out + "\"";
}

std::string Number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);  // round-trips a double exactly
  return buf;
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK: return "OK";
    case grpc::CANCELLED: return "CANCELLED";
    case grpc::UNKNOWN: return "UNKNOWN";
    case grpc::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND: return "NOT_FOUND";
    case grpc::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::ABORTED: return "ABORTED";
    case grpc::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::INTERNAL: return "INTERNAL";
    case grpc::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::DATA_LOSS: return "DATA_LOSS";
    case grpc::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

struct Options {
  std::string target;
  std::string token;
  std::string step;
  int count = 20;
};

void Prepare(grpc::ClientContext& ctx, const Options& opt, std::chrono::seconds timeout) {
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!opt.token.empty()) ctx.AddMetadata("authorization", "Bearer " + opt.token);
}

int Fail(const char* what, const grpc::Status& status) {
  std::cerr << "cardeck_client: " << what << " failed: " << CodeName(status.error_code()) << ": "
            << status.error_message() << "\n";
  return 1;
}

int RunInfo(v1::HeadUnitService::Stub& stub, const Options& opt) {
  grpc::ClientContext ctx;
  Prepare(ctx, opt, kCallTimeout);
  v1::GetInfoRequest request;
  request.mutable_client_api_version()->set_major(1);
  v1::GetInfoResponse info;
  grpc::Status status = stub.GetInfo(&ctx, request, &info);
  if (!status.ok()) return Fail("GetInfo", status);
  std::ostringstream out;
  out << "{\"step\":\"info\",\"api_version\":{\"major\":" << info.api_version().major()
      << ",\"minor\":" << info.api_version().minor() << "}"
      << ",\"server_version\":" << Quote(info.server_version())
      << ",\"product_name\":" << Quote(info.product_name())
      << ",\"run_id\":" << Quote(info.run_id())
      << ",\"active_profile_id\":" << Quote(info.active_profile_id())
      << ",\"simulator\":" << (info.simulator() ? "true" : "false") << ",\"displays\":[";
  for (int i = 0; i < info.displays_size(); ++i) {
    const v1::Display& d = info.displays(i);
    out << (i ? "," : "") << "{\"display_id\":" << Quote(d.display_id())
        << ",\"role\":" << Quote(v1::DisplayRole_Name(d.role()))
        << ",\"width_px\":" << d.width_px() << ",\"height_px\":" << d.height_px()
        << ",\"density_dpi\":" << d.density_dpi() << "}";
  }
  out << "]}";
  std::cout << out.str() << std::endl;
  return 0;
}

// The oneof field's name ("vehicle_state_changed", …) read from the descriptor, so a kind
// added in a later minor version prints by name once the client is regenerated.
std::string Kind(const v1::Event& event) {
  if (event.payload_case() == v1::Event::PAYLOAD_NOT_SET) return "unknown";
  return v1::Event::descriptor()->FindFieldByNumber(event.payload_case())->name();
}

int RunWatch(v1::HeadUnitService::Stub& stub, const Options& opt) {
  grpc::ClientContext ctx;
  Prepare(ctx, opt, kWatchTimeout);
  v1::WatchEventsRequest request;
  std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader(
      stub.WatchEvents(&ctx, request));
  v1::WatchEventsResponse response;
  int received = 0;
  while (received < opt.count && reader->Read(&response)) {
    if (response.has_snapshot()) {
      // Flushed at once: whoever drives the head unit waits for this line before changing state.
      std::cout << "{\"step\":\"watch\",\"snapshot_seq\":" << response.snapshot().seq()
                << ",\"run_id\":" << Quote(response.snapshot().run_id()) << "}" << std::endl;
    }
    for (const v1::Event& event : response.events()) {
      std::ostringstream line;
      line << "{\"seq\":" << event.seq() << ",\"kind\":" << Quote(Kind(event));
      if (event.has_vehicle_state_changed()) {
        const v1::VehicleState& state = event.vehicle_state_changed().state();
        line << ",\"speed_kmh\":" << Number(state.speed_kmh())
             << ",\"gear\":" << Quote(v1::Gear_Name(state.gear()));
      }
      line << "}";
      std::cout << line.str() << std::endl;
      if (++received == opt.count) break;
    }
  }
  ctx.TryCancel();  // enough events: end the stream instead of waiting for the deadline
  grpc::Status status = reader->Finish();
  if (received < opt.count) return Fail("WatchEvents", status);
  return 0;
}

// The head unit answers a bad argument with INVALID_ARGUMENT and a google.rpc.Status in the
// grpc-status-details-bin trailer; grpc++ hands that trailer over as Status::error_details().
int RunFail(v1::HeadUnitService::Stub& stub, const Options& opt) {
  grpc::ClientContext ctx;
  Prepare(ctx, opt, kCallTimeout);
  v1::UpdateVehicleStateRequest request;
  request.mutable_update()->set_speed_kmh(999);  // the range is [0, 400]
  v1::UpdateVehicleStateResponse response;
  grpc::Status status = stub.UpdateVehicleState(&ctx, request, &response);
  if (status.ok()) {
    std::cerr << "cardeck_client: UpdateVehicleState(speed_kmh=999) succeeded; expected "
                 "INVALID_ARGUMENT\n";
    return 1;
  }
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) {
    std::cerr << "cardeck_client: grpc-status-details-bin is not a google.rpc.Status\n";
    return 1;
  }
  std::ostringstream out;
  out << "{\"step\":\"fail\",\"code\":" << static_cast<int>(status.error_code())
      << ",\"code_name\":" << Quote(CodeName(status.error_code()))
      << ",\"message\":" << Quote(status.error_message()) << ",\"details\":[";
  for (int i = 0; i < rich.details_size(); ++i) {
    out << (i ? "," : "") << Quote(rich.details(i).type_url());
  }
  std::string reason;
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) reason = info.reason();
  }
  out << "],\"reason\":" << Quote(reason) << ",\"violations\":[";
  bool first = true;
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;  // another detail type (ErrorInfo, Help, …)
    for (const auto& v : bad.field_violations()) {
      out << (first ? "" : ",") << "{\"field\":" << Quote(v.field())
          << ",\"description\":" << Quote(v.description()) << "}";
      first = false;
    }
  }
  out << "]}";
  std::cout << out.str() << std::endl;
  return 0;
}

int Usage() {
  std::cerr << "usage: cardeck_client --target HOST:PORT [--token TOKEN] info|watch [N]|fail\n"
               "  info   GetInfo: API version, active profile, displays\n"
               "  watch  WatchEvents: the snapshot's seq, then N events (default 20)\n"
               "  fail   UpdateVehicleState(speed_kmh=999): the decoded BadRequest\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--target" && i + 1 < argc) {
      opt.target = argv[++i];
    } else if (arg == "--token" && i + 1 < argc) {
      opt.token = argv[++i];
    } else if (opt.step.empty() && (arg == "info" || arg == "watch" || arg == "fail")) {
      opt.step = arg;
    } else if (opt.step == "watch" && !arg.empty() &&
               arg.find_first_not_of("0123456789") == std::string::npos) {
      opt.count = std::stoi(arg);
    } else {
      std::cerr << "cardeck_client: unexpected argument " << Quote(arg) << "\n";
      return Usage();
    }
  }
  if (opt.target.empty() || opt.step.empty()) return Usage();
  auto channel = grpc::CreateChannel(opt.target, grpc::InsecureChannelCredentials());
  auto stub = v1::HeadUnitService::NewStub(channel);
  if (opt.step == "info") return RunInfo(*stub, opt);
  if (opt.step == "watch") return RunWatch(*stub, opt);
  return RunFail(*stub, opt);
}
