"""/tally, /tally/{wave} and /tally/{wave}/{place} over HTTP on running workers: each of two workers in one group
answers for the whole table, as the tally topic holds it."""

from __future__ import annotations

import json
import urllib.parse

from tests.web.conftest import get, get_json, wait_for


def table_as_topic_holds_it(pipeline) -> dict[str, dict]:
    return {key: json.loads(row.model_dump_json()) for key, row in pipeline.tally().items()}


def served_table(worker) -> dict[str, dict]:
    status, table = get_json(worker, "/tally")
    assert status == 200
    return {f"{row['wave']}/{row['place']}": {k: v for k, v in row.items() if k != "map"} for row in table["rows"]}


def test_each_worker_serves_the_whole_table(served_seeds):
    expected = table_as_topic_holds_it(served_seeds)
    assert len(expected) > 20
    for worker in served_seeds.workers:
        wait_for(lambda: served_table(worker) == expected, timeout=30)


def test_a_city_row_carries_its_geonames_place_and_nationwide_none(served_seeds):
    worker = served_seeds.workers[0]
    status, rows = get_json(worker, "/tally/mobilisation-2022")
    assert status == 200 and rows["wave"] == "mobilisation-2022"
    by_place = {row["place"]: row for row in rows["rows"]}
    assert by_place["Moscow"]["map"]["geonames_id"] == 524901  # GeoNames' Moscow
    assert abs(by_place["Moscow"]["map"]["latitude"] - 55.75) < 0.1
    assert by_place["nationwide"]["map"] is None
    assert {row["wave"] for row in rows["rows"]} == {"mobilisation-2022"}


def test_one_row_has_every_distinct_claim(served_seeds):
    worker = served_seeds.workers[1]
    expected = served_seeds.tally()["anti-war-2022/nationwide"]
    status, row = get_json(worker, "/tally/anti-war-2022/nationwide")
    assert status == 200
    assert row["detained_low"] == 4000
    assert len(row["claims"]) == expected.distinct_claims > 1
    assert {claim["count"] for claim in row["claims"]} == {claim.count for claim in expected.claims}
    assert all(claim["quote"] and claim["first_doc_id"] for claim in row["claims"])


def test_unknown_waves_places_and_files_are_404(served_seeds):
    worker = served_seeds.workers[0]
    assert get(worker, "/tally/spring-2030")[0] == 404
    assert get(worker, "/tally/anti-war-2022/" + urllib.parse.quote("Fooville"))[0] == 404
    assert get(worker, "/static/app.py")[0] == 404
    assert get(worker, "/static/..%2Fdashboard.py")[0] == 404


def test_polling_an_unchanged_table_is_a_304(served_seeds):
    worker = served_seeds.workers[0]
    status, headers, _ = get(worker, "/tally")
    assert status == 200 and headers["ETag"]
    assert get(worker, "/tally", {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(worker, "/tally", {"If-None-Match": '"-1"'})[0] == 200


def test_the_page_and_what_it_loads_are_served(served_seeds):
    worker = served_seeds.workers[0]
    status, headers, page = get(worker, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    for asset, content_type in (("/static/dashboard.js", "text/javascript"), ("/static/dashboard.css", "text/css"),
                                ("/static/basemap.json", "application/json")):
        assert asset.encode() in page or asset.endswith("basemap.json")
        status, headers, body = get(worker, asset)
        assert status == 200 and headers["Content-Type"].startswith(content_type) and body
    assert b"http://" not in page and b"https://" not in page, "nothing is fetched from elsewhere"


def test_each_worker_gives_the_ids_behind_a_row_from_the_worker_that_tallies_it(served_seeds):
    row = served_seeds.tally()["anti-war-2022/nationwide"]
    answers = [get_json(worker, "/tally/anti-war-2022/nationwide/documents") for worker in served_seeds.workers]
    assert [status for status, _ in answers] == [200, 200], answers
    assert answers[0][1] == answers[1][1], "one worker forwards to the other: the same answer"
    documents = answers[0][1]
    assert len(documents["documents"]) == row.reports
    carried = {(c["count"], c["upper"], c["qualifier"], c["scope"], c["source"]): c["documents"] for c in documents["claims"]}
    for claim in row.claims:
        ids = carried[(claim.count, claim.upper, claim.qualifier, claim.scope, claim.source)]
        assert len(ids) == claim.documents and ids[0] == claim.first_doc_id
        assert set(ids) <= set(documents["documents"])
    assert get(served_seeds.workers[1], "/tally/anti-war-2022/Fooville/documents")[0] == 404
