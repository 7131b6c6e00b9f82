"""The maps engine of the reference head unit: OSM roads, routing, search, guidance.

Load a map once (in a worker thread; it parses the whole file), then query it::

    from cardeck_sim.maps import GuidanceSimulator, LatLon, find_route, load_map, place_index

    data = load_map()  # the bundled Helsinki extract, © OpenStreetMap contributors
    place = place_index(data).search("stockmann", near=LatLon(60.1699, 24.9384))[0]
    route = find_route(data, LatLon(60.1699, 24.9384), place.position)
    sim = GuidanceSimulator(route, time_scale=10.0, map_data=data)

``MapData`` is plain data: the road graph, its snapping index and the parsed
places. Routing (``find_route``), search (``place_index``) and the draw list
(``build_draw_list``) are modules that depend on it, each keeping its own
per-map state; nothing in ``MapData`` depends on them.

Nothing here speaks gRPC; the service maps these types to ``cardeck.v1``.
"""

from ._drawlist import (
    ATTRIBUTION,
    DrawList,
    DrawMarker,
    DrawVehicle,
    RoadLabel,
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
from ._load import load_map
from ._maneuvers import (
    ARRIVED,
    RECALCULATING,
    Maneuver,
    ManeuverType,
    instruction,
    localize_maneuvers,
    road_name,
    spoken_distance,
)
from ._markers import Camera, Marker, MarkerShape, MarkerStore, MarkerStyle, VehiclePose
from ._osm import parse_maxspeed
from ._routing import Route, find_route, route_between_nodes
from ._scale import ScaleBar, scale_bar
from ._search import (
    Place,
    PlaceIndex,
    display_name,
    fold_ascii,
    normalize_name,
    place_index,
    search_key,
)
from ._traffic import Traffic, TrafficAhead, traffic_ahead
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
    "ARRIVED",
    "ATTRIBUTION",
    "DEFAULT_MAP_DATA",
    "OFF_ROUTE_FIXES",
    "OFF_ROUTE_M",
    "RECALCULATING",
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
    "RoadLabel",
    "RoadLayer",
    "Route",
    "ScaleBar",
    "SnapPoint",
    "SpeedProfile",
    "Traffic",
    "TrafficAhead",
    "VehiclePose",
    "build_draw_list",
    "display_name",
    "find_route",
    "fold_ascii",
    "haversine_m",
    "instruction",
    "load_map",
    "localize_maneuvers",
    "normalize_name",
    "parse_maxspeed",
    "place_index",
    "road_name",
    "route_between_nodes",
    "scale_bar",
    "search_key",
    "spoken_distance",
    "traffic_ahead",
]
