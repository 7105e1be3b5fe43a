"""The dashboard's mirror of the tally topics and its map points, without a broker."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from schemas import TallyRow
from worker.web.geo import map_point, project
from worker.web.mirror import TallyMirror

WHEN = datetime(2022, 9, 24, 12, tzinfo=timezone.utc)


def row(place: str, detained: int | None = None, country: str | None = "RU") -> TallyRow:
    return TallyRow(wave="mobilisation-2022", place=place, country=country, reports=1, detained_low=detained,
                    detained_text=None if detained is None else str(detained), distinct_claims=0,
                    first_seen=WHEN, last_updated=WHEN, version=1)


def as_bytes(model) -> bytes:
    return model.model_dump_json().encode()


def test_the_latest_record_per_key_wins_and_a_tombstone_removes_the_row():
    mirror = TallyMirror()
    mirror.apply_row("mobilisation-2022/Kazan", as_bytes(row("Kazan", 10)))
    mirror.apply_row("mobilisation-2022/Kazan", as_bytes(row("Kazan", 57)))
    mirror.apply_row("mobilisation-2022/Perm", as_bytes(row("Perm")))
    assert mirror.row("mobilisation-2022/Kazan").detained_low == 57
    mirror.apply_row("mobilisation-2022/Perm", None)
    assert mirror.row("mobilisation-2022/Perm") is None
    assert [r["place"] for r in json.loads(mirror.table_json())["rows"]] == ["Kazan"]


def test_every_change_moves_the_version_and_the_rendered_table_follows_it():
    mirror = TallyMirror()
    mirror.apply_row("mobilisation-2022/Kazan", as_bytes(row("Kazan", 10)))
    first = mirror.table_json()
    assert mirror.table_json() is first, "rendered once per version"
    mirror.apply_row("mobilisation-2022/Kazan", as_bytes(row("Kazan", 57)))
    table = json.loads(mirror.table_json())
    assert table["version"] == 2 and table["rows"][0]["detained_low"] == 57


def test_a_city_has_its_geonames_point_and_nationwide_none():
    point = map_point(row("Kazan", 57))
    assert point["geonames_id"] == 551487  # GeoNames' Kazan
    assert map_point(row("nationwide", 1300, country=None)) is None
    assert map_point(row("Fooville", 3)) is None


def test_the_projection_keeps_the_map_the_right_way_round():
    moscow, novosibirsk, vladivostok = project(37.6, 55.75), project(82.9, 55.0), project(131.9, 43.1)
    murmansk, sochi = project(33.1, 68.97), project(39.7, 43.6)
    assert moscow[0] < novosibirsk[0] < vladivostok[0], "west to east, left to right"
    assert murmansk[1] < moscow[1] < sochi[1], "north above south (SVG's y grows downwards)"
    anadyr, chukotka_east = project(177.5, 64.7), project(-172.0, 66.0)
    assert chukotka_east[0] > anadyr[0], "east of the antimeridian stays east"
