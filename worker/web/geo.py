"""Where a tally row goes on the dashboard's map: its GeoNames place and its point in the map's projection.

The map is an Albers equal-area conic centred on Russia, the projection atlases of Russia use; the base map
(`static/basemap.json`, made once by scripts/build_basemap.py) is drawn in the same projection, so the page
needs no projection code of its own.
"""

from __future__ import annotations

import math

from schemas import Place, TallyRow
from worker.text.places import gazetteer

#: Standard parallels, origin latitude and central meridian, in degrees.
STANDARD_PARALLELS = (52.0, 64.0)
ORIGIN = (56.0, 100.0)
#: Map units per radian of the unit sphere: the base map's coordinates come out in a few thousand units.
SCALE = 1000.0
#: What the page shows, in map units (x, y, width, height): Russia and its neighbours, Kaliningrad to Chukotka.
VIEW_BOX = (-820, -700, 1420, 900)

_phi1, _phi2 = (math.radians(p) for p in STANDARD_PARALLELS)
_N = (math.sin(_phi1) + math.sin(_phi2)) / 2
_C = math.cos(_phi1) ** 2 + 2 * _N * math.sin(_phi1)
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(math.radians(ORIGIN[0]))) / _N


def unwrap_longitude(longitude: float) -> float:
    """Chukotka crosses the antimeridian: its western-hemisphere part continues east of 180."""
    return longitude + 360 if longitude < -150 else longitude


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) in map units, y growing downwards as in SVG."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(latitude))) / _N
    theta = _N * math.radians(unwrap_longitude(longitude) - ORIGIN[1])
    return round(SCALE * rho * math.sin(theta), 1), round(-SCALE * (_RHO0 - rho * math.cos(theta)), 1)


def row_place(row: TallyRow) -> Place | None:
    """The gazetteer's place of a row (None for `nationwide` and for a name the gazetteer does not hold)."""
    if row.country is None:
        return None
    return gazetteer().place(row.place, row.country)


def on_the_map(x: float, y: float) -> bool:
    left, top, width, height = VIEW_BOX
    return left <= x <= left + width and top <= y <= top + height


def map_point(row: TallyRow) -> dict | None:
    """What the page needs to place a row: GeoNames id, coordinates and projected point (None for nationwide, for a
    name the gazetteer does not hold and for a place off the map, such as Tel Aviv or New York)."""
    place = row_place(row)
    if place is None or place.latitude is None or place.longitude is None:
        return None
    x, y = project(place.longitude, place.latitude)
    if not on_the_map(x, y):
        return None
    return {"geonames_id": place.geonames_id, "latitude": place.latitude, "longitude": place.longitude, "x": x, "y": y}
