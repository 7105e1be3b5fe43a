"""The dashboard and the tally as JSON, on the worker's own web server (Faust's web):

    GET /                       the page (static/index.html; its script and styles under /static/)
    GET /tally                  every row, with its map point; ETag and If-None-Match, so polling is cheap
    GET /tally/{wave}           the rows of one wave (404 for a wave that does not exist)
    GET /tally/{wave}/{place}   one row with every distinct claim (404 when there is no such row; 503 while the
                                worker that tallies it rebalances, recovers it or does not answer)
    GET /tally/{wave}/{place}/documents   the ids of the documents behind the row and behind each of its claims

Every worker answers for the whole table: it mirrors the tally's compacted topic (worker.web.mirror). A row's
every distinct claim and the ids of its documents are kept only by the worker that tallies the row; requests for
them are forwarded there (Faust's router, by the row's partition of protest.place-evidence).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from importlib import resources
from typing import get_args

import aiohttp
from faust.exceptions import SameNode

from schemas import Wave, tally_key
from worker.app import app, evidence_topic, settings, worker_tally
from worker.tally import RowState
from worker.web.mirror import TallyMirror, dashboard_row, follow_tally

WAVES = get_args(Wave)
#: What the page loads besides itself: name -> content type. Nothing else is served from the folder.
STATIC_FILES = {"dashboard.js": "text/javascript", "dashboard.css": "text/css", "basemap.json": "application/json"}
STATIC = resources.files("worker.web").joinpath("static")

tally_mirror = TallyMirror()
#: In the ETag with the mirror's version, which starts again at 0 in every process: a restarted worker, or another
#: worker behind the same address, never answers 304 to a page that holds other rows.
PROCESS_TAG = uuid.uuid4().hex[:8]


@app.task
async def mirror_tally() -> None:
    await follow_tally(tally_mirror, settings.kafka, settings.topics)


@app.page("/")
async def dashboard_page(web, request):
    return web.html(STATIC.joinpath("index.html").read_text(encoding="utf-8"))


@app.page("/static/{name}")
async def static_file(web, request, name: str):
    if name not in STATIC_FILES:
        return web.json({"error": f"no such file: {name}"}, status=404)
    response = web.bytes(STATIC.joinpath(name).read_bytes(), content_type=STATIC_FILES[name],
                         headers={"Cache-Control": "max-age=3600"})
    response.enable_compression()  # gzip when the client accepts it: the base map shrinks to 42 KB from 111 KB
    return response


@app.page("/tally")
async def tally_table(web, request):
    etag = f'"{PROCESS_TAG}-{tally_mirror.version}"'
    if request.headers.get("If-None-Match") == etag:
        return web.bytes(b"", status=304, headers={"ETag": etag})
    response = web.bytes(tally_mirror.table_json(), content_type="application/json", headers={"ETag": etag})
    response.enable_compression()
    return response


@app.page("/tally/{wave}")
async def wave_rows(web, request, wave: str):
    if wave not in WAVES:
        return web.json({"error": f"no such wave: {wave}", "waves": list(WAVES)}, status=404)
    return web.json({"wave": wave, "rows": [row for row in tally_mirror.page_rows() if row["wave"] == wave]})


@app.page("/tally/{wave}/{place}")
async def place_row(web, request, wave: str, place: str):
    # Every claim of every row mirrored in every worker was the largest part of its memory after 100,000 items
    # (34 MB): the worker that tallies the row answers from its own state.
    return await answer_from_owner(web, request, tally_key(wave, place),
                                   lambda row: dashboard_row(row.row(), row.every_claim()))


async def answer_from_owner(web, request, key: str, render: Callable[[RowState], dict]):
    """A page about one row, rendered from its state by the worker that tallies it (forwarded there if need be)."""
    if (answer := await owners_answer(web, request, key)) is not None:
        return answer
    row = worker_tally.current_rows().get(key)
    if row is None:
        return missing_row(web, key)
    return web.json(render(row))


async def owners_answer(web, request, key: str):
    """The answer of the worker that tallies the row, forwarded by Faust's router (by the row's partition of
    protest.place-evidence); None when it is this worker. A worker that does not answer (killed, its group not yet
    rebalanced) is a 503, which the page asks again, not an error of ours (500)."""
    try:
        return await app.router.route_topic_req(evidence_topic, key.encode(), web, request)
    except SameNode:
        return None
    except aiohttp.ClientError as error:
        return web.json({"error": f"the worker that tallies {key} did not answer ({type(error).__name__})"}, status=503)


def missing_row(web, key: str):
    """A row this worker tallies but does not hold: none (404), or one its tables are still recovering (503, as when
    its worker is rebalancing: the tally topic has it)."""
    if tally_mirror.row(key) is not None:
        return web.json({"error": f"row {key} is being recovered by its worker"}, status=503)
    return web.json({"error": f"no row {key}"}, status=404)


def documents_of(row: RowState) -> dict:
    """The ids of the row's current documents, and of those carrying each of its claims (in the order applied)."""
    claims = []
    for carriers in row.carriers.values():
        claim = next(iter(carriers.values()))
        claims.append({"count": claim.count, "upper": claim.upper, "qualifier": claim.qualifier, "scope": claim.scope,
                       "source": claim.source, "documents": list(carriers)})
    claims.sort(key=lambda c: (c["count"], c["upper"] or 0), reverse=True)
    return {"wave": row.wave, "place": row.place, "documents": sorted(row.documents), "claims": claims}


@app.page("/tally/{wave}/{place}/documents")
async def place_documents(web, request, wave: str, place: str):
    return await answer_from_owner(web, request, tally_key(wave, place), documents_of)
