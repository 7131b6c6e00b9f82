"""AIP-134 update_mask on SetCamera and UpdateVehicleState, on a real head unit."""

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

import cardeck
from cardeck import Camera, Gear, LatLng
from cardeck.v1 import headunit_service_pb2 as hu_pb
from cardeck.v1 import headunit_service_pb2_grpc as hu_grpc
from cardeck.v1 import maps_service_pb2 as pb
from cardeck.v1 import maps_service_pb2_grpc as pb_grpc
from cardeck.v1 import types_pb2

HELSINKI = types_pb2.LatLng(latitude_deg=60.17, longitude_deg=24.94)


async def _refusal(call) -> cardeck.InvalidArgumentError:
    with pytest.raises(grpc.RpcError) as caught:
        await call
    err = cardeck._exceptions.error_from_rpc(caught.value)
    assert isinstance(err, cardeck.InvalidArgumentError)
    return err


async def test_async_set_camera_with_mask_changes_only_the_named_fields(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = pb_grpc.MapsServiceStub(channel)
        full = types_pb2.Camera(center=HELSINKI, zoom=15, tilt_deg=30, follow_vehicle=False)
        await stub.SetCamera(pb.SetCameraRequest(camera=full))
        resp = await stub.SetCamera(
            pb.SetCameraRequest(
                camera=types_pb2.Camera(zoom=12), update_mask=FieldMask(paths=["zoom"])
            )
        )
        expected = types_pb2.Camera(center=HELSINKI, zoom=12, tilt_deg=30, follow_vehicle=False)
        assert resp.camera == expected
        assert (await stub.GetCamera(pb.GetCameraRequest())).camera == expected
        # A named field takes the request's value, even its zero value.
        resp = await stub.SetCamera(
            pb.SetCameraRequest(update_mask=FieldMask(paths=["tilt_deg", "follow_vehicle"]))
        )
        assert (resp.camera.zoom, resp.camera.tilt_deg, resp.camera.follow_vehicle) == (
            12,
            0,
            False,
        )
        # "*" and no mask replace the whole camera, as before update_mask existed.
        for mask in (FieldMask(paths=["*"]), None):
            resp = await stub.SetCamera(
                pb.SetCameraRequest(camera=types_pb2.Camera(zoom=10), update_mask=mask)
            )
            assert (resp.camera.zoom, resp.camera.tilt_deg, resp.camera.follow_vehicle) == (
                10,
                0,
                False,
            )
            assert resp.camera.center != HELSINKI  # unset centre: the vehicle's position


async def test_async_set_camera_mask_refusals_name_the_field(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = pb_grpc.MapsServiceStub(channel)
        err = await _refusal(
            stub.SetCamera(
                pb.SetCameraRequest(
                    camera=types_pb2.Camera(zoom=3), update_mask=FieldMask(paths=["zoom", "pitch"])
                )
            )
        )
        assert [v.field for v in err.field_violations] == ["update_mask.paths[1]"]
        assert '"tilt_deg"' in err.field_violations[0].description
        err = await _refusal(
            stub.SetCamera(pb.SetCameraRequest(update_mask=FieldMask(paths=["center"])))
        )
        assert [v.field for v in err.field_violations] == ["camera.center"]
        err = await _refusal(
            stub.SetCamera(
                pb.SetCameraRequest(
                    camera=types_pb2.Camera(zoom=40, tilt_deg=90),
                    update_mask=FieldMask(paths=["zoom"]),
                )
            )
        )
        # Values outside the mask are not read, so the tilt does not count.
        assert [v.field for v in err.field_violations] == ["camera.zoom"]
        err = await _refusal(
            stub.SetCamera(pb.SetCameraRequest(update_mask=FieldMask(paths=["*", "zoom"])))
        )
        assert [v.field for v in err.field_violations] == ["update_mask.paths[0]"]


def test_sync_sdk_set_camera_keywords_keep_the_rest(thread_unit):
    with cardeck.Client(thread_unit.target) as client:
        client.maps.set_camera(Camera(LatLng(60.17, 24.94), zoom=15, tilt_deg=30))
        camera = client.maps.set_camera(zoom=13)
        assert (camera.center, camera.zoom, camera.tilt_deg) == (LatLng(60.17, 24.94), 13, 30)
        camera = client.maps.set_camera(center=(60.16, 24.93), follow_vehicle=False)
        assert camera == Camera(LatLng(60.16, 24.93), 13, 30, False)
        with pytest.raises(cardeck.UsageError):
            client.maps.set_camera(Camera(), zoom=3)


async def test_async_update_vehicle_state_with_mask_applies_only_named_fields(aio_unit):
    async with grpc.aio.insecure_channel(f"127.0.0.1:{aio_unit.port}") as channel:
        stub = hu_grpc.HeadUnitServiceStub(channel)
        await stub.UpdateVehicleState(
            hu_pb.UpdateVehicleStateRequest(
                update=hu_pb.VehicleStateUpdate(
                    speed_kmh=30, gear=types_pb2.GEAR_DRIVE, parking_brake_on=False
                )
            )
        )
        resp = await stub.UpdateVehicleState(
            hu_pb.UpdateVehicleStateRequest(
                update=hu_pb.VehicleStateUpdate(
                    speed_kmh=0, gear=types_pb2.GEAR_PARK, parking_brake_on=True
                ),
                update_mask=FieldMask(paths=["speed_kmh"]),
            )
        )
        # Set but not named: ignored.
        assert resp.state.speed_kmh == 0
        assert resp.state.gear == types_pb2.GEAR_DRIVE
        assert not resp.state.parking_brake_on
        err = await _refusal(
            stub.UpdateVehicleState(
                hu_pb.UpdateVehicleStateRequest(
                    update=hu_pb.VehicleStateUpdate(speed_kmh=10),
                    update_mask=FieldMask(paths=["speed_kmh", "night", "gear"]),
                )
            )
        )
        assert [v.field for v in err.field_violations] == ["update.night", "update.gear"]
        err = await _refusal(
            stub.UpdateVehicleState(
                hu_pb.UpdateVehicleStateRequest(
                    update=hu_pb.VehicleStateUpdate(speed_kmh=10),
                    update_mask=FieldMask(paths=["speed"]),
                )
            )
        )
        assert [v.field for v in err.field_violations] == ["update_mask.paths[0]"]
        # A named value out of range is still refused.
        err = await _refusal(
            stub.UpdateVehicleState(
                hu_pb.UpdateVehicleStateRequest(
                    update=hu_pb.VehicleStateUpdate(speed_kmh=999),
                    update_mask=FieldMask(paths=["speed_kmh"]),
                )
            )
        )
        assert [v.field for v in err.field_violations] == ["update.speed_kmh"]


async def test_async_sdk_update_vehicle_state_sends_the_fields_it_sets(aio_unit):
    async with cardeck.AsyncClient(f"127.0.0.1:{aio_unit.port}") as client:
        await client.update_vehicle_state(speed_kmh=50, gear=Gear.DRIVE)
        state = await client.update_vehicle_state(night=True)
        assert (state.speed_kmh, state.gear, state.night) == (50, Gear.DRIVE, True)
