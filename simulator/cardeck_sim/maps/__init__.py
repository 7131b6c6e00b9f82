"""The maps engine of the reference head unit: OSM roads, routing, search, guidance.

Load a map once (in a worker thread; it parses the whole file), then query it::

    from cardeck_sim.maps import GuidanceSimulator, LatLon, MapData

    data = MapData.load()  # the bundled Helsinki extract, © OpenStreetMap contributors
    place = data.search("stockmann", near=LatLon(60.1699, 24.9384))[0]
    route = data.route(LatLon(60.1699, 24.9384), place.position)
    sim = GuidanceSimulator(route, time_scale=10.0, map_data=data)

Nothing here speaks gRPC; the service maps these types to ``cardeck.v1``.
"""

from ._drawlist import (
    ATTRIBUTION,
    DrawList,
    DrawMarker,
    DrawVehicle,
    RoadLayer,
    build_draw_list,
)
from ._graph import DEFAULT_MAP_DATA, MapData, SnapPoint
from ._guidance import (
    OFF_ROUTE_FIXES,
    OFF_ROUTE_M,
    GuidanceSimulator,
    GuidanceUpdate,
    SpeedProfile,
)
from ._maneuvers import Maneuver, ManeuverType, instruction, spoken_distance
from ._markers import Camera, Marker, MarkerShape, MarkerStore, MarkerStyle, VehiclePose
from ._osm import parse_maxspeed
from ._routing import Route
from ._search import Place, PlaceIndex, fold_ascii, normalize_name
from ._types import (
    LatLon,
    MapDataError,
    MapsError,
    MarkerNotFoundError,
    NoRouteError,
    PlaceNotFoundError,
    haversine_m,
)

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_MAP_DATA",
    "OFF_ROUTE_FIXES",
    "OFF_ROUTE_M",
    "Camera",
    "DrawList",
    "DrawMarker",
    "DrawVehicle",
    "GuidanceSimulator",
    "GuidanceUpdate",
    "LatLon",
    "Maneuver",
    "ManeuverType",
    "MapData",
    "MapDataError",
    "MapsError",
    "Marker",
    "MarkerNotFoundError",
    "MarkerShape",
    "MarkerStore",
    "MarkerStyle",
    "NoRouteError",
    "Place",
    "PlaceIndex",
    "PlaceNotFoundError",
    "RoadLayer",
    "Route",
    "SnapPoint",
    "SpeedProfile",
    "VehiclePose",
    "build_draw_list",
    "fold_ascii",
    "haversine_m",
    "instruction",
    "normalize_name",
    "parse_maxspeed",
    "spoken_distance",
]
