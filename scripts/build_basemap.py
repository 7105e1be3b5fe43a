"""Make the dashboard's base map, worker/web/static/basemap.json (run by a maintainer, not at run time).

Borders come from Natural Earth (public domain) as the npm package world-atlas ships them (TopoJSON, 1:50m). The
package is fetched once from the npm registry, checked against its published sha512 integrity, and cached; its
countries of the region are projected with worker.web.geo (the projection the page places cities with), thinned
and written as SVG paths, so that the page needs neither a library nor the network.

    python scripts/build_basemap.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from worker.settings import CACHE_DIR  # noqa: E402
from worker.web.geo import VIEW_BOX, project, unwrap_longitude  # noqa: E402

PACKAGE = "world-atlas"
VERSION = "2.0.2"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
MEMBER = "package/countries-50m.json"
OUTPUT = ROOT / "worker" / "web" / "static" / "basemap.json"

#: The region drawn: a ring enters the map when one of its points lies in it (longitudes unwrapped past 180).
LONGITUDES = (12.0, 192.0)
LATITUDES = (34.0, 82.0)
#: Points closer than this to the last one kept are dropped (a map unit is about 6.4 km: 16 km).
MIN_STEP = 2.5


def fetch_package() -> bytes:
    cached = CACHE_DIR / f"{PACKAGE}-{VERSION}.tgz"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(TARBALL, timeout=60) as response:
            cached.write_bytes(response.read())
    data = cached.read_bytes()
    algorithm, expected = INTEGRITY.split("-", 1)
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        cached.unlink()
        raise SystemExit(f"{TARBALL}: integrity check failed (the cached copy is removed)")
    return data


def read_topology(package: bytes) -> dict:
    with tarfile.open(fileobj=io.BytesIO(package), mode="r:gz") as archive:
        return json.load(archive.extractfile(MEMBER))


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as (longitude, latitude) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring's arcs joined; index ~i is arc i reversed, and each arc starts where the previous one ended."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def in_region(points: list[tuple[float, float]]) -> bool:
    return any(LONGITUDES[0] <= unwrap_longitude(lon) <= LONGITUDES[1] and LATITUDES[0] <= lat <= LATITUDES[1]
               for lon, lat in points)


def thinned_path(points: list[tuple[float, float]]) -> str:
    kept: list[tuple[float, float]] = []
    for lon, lat in points:
        point = project(lon, min(lat, 89.0))
        if not kept or math.dist(point, kept[-1]) >= MIN_STEP:
            kept.append(point)
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.0f},{y:.0f}" for x, y in kept) + "Z"


def country_rings(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "Polygon":
        return geometry["arcs"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def build() -> dict:
    topology = read_topology(fetch_package())
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        rings = [ring_points(ring, arcs) for ring in country_rings(geometry)]
        path = "".join(thinned_path(points) for points in rings if in_region(points))
        if path:
            countries.append({"name": geometry["properties"]["name"], "path": path})
    return {"source": f"Natural Earth 1:50m via {PACKAGE} {VERSION} (public domain)",
            "projection": "Albers equal-area conic, worker.web.geo", "view_box": VIEW_BOX,
            "countries": sorted(countries, key=lambda c: c["name"])}


def main() -> None:
    basemap = build()
    OUTPUT.write_text(json.dumps(basemap, separators=(",", ":")) + "\n")
    print(f"{OUTPUT}: {len(basemap['countries'])} countries, {OUTPUT.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
