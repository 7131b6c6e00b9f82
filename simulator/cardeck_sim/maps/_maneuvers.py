"""Turn-by-turn maneuvers derived from route geometry, with spoken sentences."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace

from ._graph import MapData
from ._types import LatLon, bearing_deg, haversine_m, turn_angle_deg

__all__ = ["Maneuver", "ManeuverType", "derive_maneuvers", "instruction", "spoken_distance"]

UNNAMED_ROAD = "unnamed road"
# Bearings are measured over this distance either side of a vertex, so that
# a short kink in the OSM geometry does not read as a turn.
_BEARING_SPAN_M = 20.0
# Angle thresholds in degrees (absolute turn angle, right positive).
_STRAIGHT_MAX = 20.0
_SLIGHT_MAX = 45.0
_TURN_MAX = 135.0
_SHARP_MAX = 170.0
# A street that keeps its name through a junction only gets an instruction
# when it bends at least this much; smaller bends are just the road's course.
_SAME_STREET_TURN_MIN = 45.0


class ManeuverType(enum.StrEnum):
    """What the driver does at a maneuver point."""

    #: Start of the route.
    DEPART = "depart"
    #: The road changes its name without a junction decision.
    CONTINUE = "continue"
    #: Go straight through a junction onto a differently named road.
    STRAIGHT = "straight"
    #: Turn of 20–45°.
    SLIGHT_LEFT = "slight_left"
    SLIGHT_RIGHT = "slight_right"
    #: Turn of 45–135°.
    LEFT = "left"
    RIGHT = "right"
    #: Turn of 135–170°.
    SHARP_LEFT = "sharp_left"
    SHARP_RIGHT = "sharp_right"
    #: Turn of 170° or more: drive back the way you came.
    U_TURN = "u_turn"
    #: Enter a roundabout (``junction=roundabout``); ``exit_number`` says which exit.
    ROUNDABOUT_ENTER = "roundabout_enter"
    #: Leave the roundabout at the exit announced on entry.
    ROUNDABOUT_EXIT = "roundabout_exit"
    #: End of the route.
    ARRIVE = "arrive"


@dataclass(frozen=True, slots=True)
class Maneuver:
    """One instruction along a route.

    ``street_name`` is the road the driver is on after the maneuver ("unnamed
    road" when OSM has no name). ``instruction`` is the sentence to speak when
    the previous maneuver is done, e.g. "In 200 metres, turn left onto
    Mannerheimintie."; :func:`instruction` phrases it for any other distance.
    """

    type: ManeuverType
    position: LatLon
    street_name: str
    distance_from_start_m: float
    distance_to_next_m: float
    bearing_before_deg: float
    bearing_after_deg: float
    exit_number: int | None
    instruction: str
    #: The OSM ``turn:lanes`` of the road driven up to the maneuver, left to right,
    #: e.g. "left|left|through" ("" where the map tags none).
    lanes: str = ""


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_COMPASS = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")


def spoken_distance(metres: float) -> str:
    """Return a distance the way a navigator says it ("200 metres", "1.5 kilometres")."""
    if metres >= 950:
        km = round(metres / 1000, 1)
        text = f"{km:g}"
        return f"{text} kilometre" if text == "1" else f"{text} kilometres"
    if metres >= 100:
        rounded = int(round(metres / 50) * 50)
    else:
        rounded = max(10, int(round(metres / 10) * 10))
    return f"{rounded} metres"


def _action(m: Maneuver) -> str:
    """Return the verb phrase of a maneuver, without the distance."""
    onto = f"onto {m.street_name}"
    match m.type:
        case ManeuverType.DEPART:
            heading = _COMPASS[int(((m.bearing_after_deg + 22.5) % 360) // 45)]
            return f"head {heading} on {m.street_name}"
        case ManeuverType.CONTINUE:
            return f"continue {onto}"
        case ManeuverType.STRAIGHT:
            return f"go straight {onto}"
        case ManeuverType.U_TURN:
            return f"make a U-turn {onto}"
        case ManeuverType.ROUNDABOUT_ENTER:
            exit_number = m.exit_number or 1
            ordinal = (
                _ORDINALS[exit_number - 1] if exit_number <= len(_ORDINALS) else f"{exit_number}th"
            )
            return f"at the roundabout, take the {ordinal} exit"
        case ManeuverType.ROUNDABOUT_EXIT:
            return f"exit the roundabout {onto}"
        case ManeuverType.ARRIVE:
            return "you have arrived at your destination"
        case _:
            return f"turn {m.type.value.replace('_', ' ')} {onto}"


def instruction(maneuver: Maneuver, distance_m: float | None = None) -> str:
    """Return the spoken sentence for a maneuver ``distance_m`` ahead.

    With ``distance_m`` None (or for depart) the sentence has no distance.
    """
    action = _action(maneuver)
    if maneuver.type is ManeuverType.DEPART:
        return (
            f"{action[0].upper()}{action[1:]} for {spoken_distance(maneuver.distance_to_next_m)}."
        )
    if distance_m is None or distance_m < 5:
        return f"{action[0].upper()}{action[1:]}."
    return f"In {spoken_distance(distance_m)}, {action}."


def _classify(angle: float) -> ManeuverType:
    """Return the turn type of a signed turn angle (right positive)."""
    magnitude = abs(angle)
    right = angle > 0
    if magnitude < _STRAIGHT_MAX:
        return ManeuverType.STRAIGHT
    if magnitude < _SLIGHT_MAX:
        return ManeuverType.SLIGHT_RIGHT if right else ManeuverType.SLIGHT_LEFT
    if magnitude < _TURN_MAX:
        return ManeuverType.RIGHT if right else ManeuverType.LEFT
    if magnitude < _SHARP_MAX:
        return ManeuverType.SHARP_RIGHT if right else ManeuverType.SHARP_LEFT
    return ManeuverType.U_TURN


def _bearings(points: list[LatLon], cumulative: list[float], i: int) -> tuple[float, float]:
    """Return the bearing into and out of vertex ``i``, each over ~20 m of road."""
    j = max(i - 1, 0)
    while j > 0 and cumulative[i] - cumulative[j] < _BEARING_SPAN_M:
        j -= 1
    k = min(i + 1, len(points) - 1)
    while k < len(points) - 1 and cumulative[k] - cumulative[i] < _BEARING_SPAN_M:
        k += 1
    before = bearing_deg(points[j], points[i]) if haversine_m(points[j], points[i]) > 0 else 0.0
    after = bearing_deg(points[i], points[k]) if haversine_m(points[i], points[k]) > 0 else before
    return before, after


def _has_exit(data: MapData, node: int, skip_edge: int) -> bool:
    """Return True if a car can leave the roundabout at ``node`` onto another road."""
    for e in data.edges_out(node):
        if e != skip_edge and not data.way_roundabout[data.edge_way[e]]:
            return True
    return False


_Raw = tuple[ManeuverType, int, str, float, float, int | None]
# Turns, straights and name changes: the maneuvers that may be merged.
_MERGEABLE = frozenset(ManeuverType) - {
    ManeuverType.DEPART,
    ManeuverType.ARRIVE,
    ManeuverType.ROUNDABOUT_ENTER,
    ManeuverType.ROUNDABOUT_EXIT,
}
# Maneuvers closer than this are one decision for the driver: crossing a dual
# carriageway, or a short connector between two streets.
_COLLAPSE_M = 20.0


def _collapse(raw: list[_Raw], cumulative: list[float], street: Callable[[int], str]) -> list[_Raw]:
    """Merge maneuvers a few metres apart into one, with the combined turn."""
    out: list[_Raw] = [raw[0]]
    for item in raw[1:]:
        prev = out[-1]
        if (
            prev[0] not in _MERGEABLE
            or item[0] not in _MERGEABLE
            or cumulative[item[1]] - cumulative[prev[1]] >= _COLLAPSE_M
        ):
            out.append(item)
            continue
        angle = turn_angle_deg(prev[3], item[4])
        if street(prev[1] - 1) == item[2] and abs(angle) < _SAME_STREET_TURN_MIN:
            out.pop()  # a jog that ends on the same street: nothing to say
            continue
        kind = _classify(angle)
        out[-1] = (kind, prev[1], item[2], prev[3], item[4], None)
    return out


def derive_maneuvers(
    data: MapData, points: list[LatLon], seg_edges: list[int], lengths: list[float]
) -> list[Maneuver]:
    """Derive maneuvers from a route's polyline and the edges it follows.

    :param points: The route polyline.
    :param seg_edges: The edge of each polyline segment.
    :param lengths: The length of each polyline segment in metres.
    """
    cumulative = [0.0]
    for length in lengths:
        cumulative.append(cumulative[-1] + length)

    def street(seg: int) -> str:
        return data.way_name[data.edge_way[seg_edges[seg]]] or UNNAMED_ROAD

    # (type, vertex index, street, before, after, exit number)
    raw: list[tuple[ManeuverType, int, str, float, float, int | None]] = []
    _, first_bearing = _bearings(points, cumulative, 0)
    raw.append((ManeuverType.DEPART, 0, street(0), first_bearing, first_bearing, None))
    i = 1
    n_vertices = len(points)
    while i < n_vertices - 1:
        way_in = data.edge_way[seg_edges[i - 1]]
        way_out = data.edge_way[seg_edges[i]]
        node = int(data.edge_target[seg_edges[i - 1]])
        if way_in == way_out and int(data.node_degree[node]) <= 2:
            # A shape point along one way: nothing to announce.
            i += 1
            continue
        before, after = _bearings(points, cumulative, i)
        angle = turn_angle_deg(before, after)
        if data.way_roundabout[way_out] and not data.way_roundabout[way_in]:
            # Count the exits passed up to the one the route takes.
            exits = 0
            j = i + 1
            while j < n_vertices - 1 and data.way_roundabout[data.edge_way[seg_edges[j]]]:
                if _has_exit(data, int(data.edge_target[seg_edges[j - 1]]), seg_edges[j]):
                    exits += 1
                j += 1
            if j < n_vertices - 1:
                exits += 1  # the exit taken
                raw.append((ManeuverType.ROUNDABOUT_ENTER, i, street(i), before, after, exits))
                exit_before, exit_after = _bearings(points, cumulative, j)
                raw.append(
                    (ManeuverType.ROUNDABOUT_EXIT, j, street(j), exit_before, exit_after, exits)
                )
            else:
                raw.append((ManeuverType.ROUNDABOUT_ENTER, i, street(i), before, after, None))
            i = j + 1
            continue
        name_in = data.way_name[way_in]
        name_out = data.way_name[way_out]
        junction = int(data.node_degree[node]) > 2
        kind = _classify(angle)
        if kind is ManeuverType.U_TURN:
            raw.append((kind, i, street(i), before, after, None))
        elif name_in != name_out:
            if kind is ManeuverType.STRAIGHT and not junction:
                kind = ManeuverType.CONTINUE
            raw.append((kind, i, street(i), before, after, None))
        elif junction and abs(angle) >= _SAME_STREET_TURN_MIN:
            raw.append((kind, i, street(i), before, after, None))
        i += 1
    last = n_vertices - 1
    end_before, _ = _bearings(points, cumulative, last)
    raw.append(
        (ManeuverType.ARRIVE, last, street(len(seg_edges) - 1), end_before, end_before, None)
    )
    raw = _collapse(raw, cumulative, street)

    maneuvers: list[Maneuver] = []
    for k, (kind, vertex, name, before, after, exit_number) in enumerate(raw):
        from_start = cumulative[vertex]
        to_next = cumulative[raw[k + 1][1]] - from_start if k + 1 < len(raw) else 0.0
        draft = Maneuver(
            type=kind,
            position=points[vertex],
            street_name=name,
            distance_from_start_m=from_start,
            distance_to_next_m=to_next,
            bearing_before_deg=before,
            bearing_after_deg=after,
            exit_number=exit_number,
            instruction="",
            lanes=data.turn_lanes(seg_edges[vertex - 1]) if vertex > 0 else "",
        )
        since_previous = from_start - maneuvers[-1].distance_from_start_m if maneuvers else None
        maneuvers.append(replace(draft, instruction=instruction(draft, since_previous)))
    return maneuvers
