"""GET /metrics: the worker's Prometheus metrics (worker.metrics), on Faust's web server next to /health."""

from __future__ import annotations

from worker.app import app, worker_tally
from worker.metrics import WorkerState, metrics
from worker.progress import progress
from worker.stages.watchdog import unhandled_records


def tally_rows() -> int:
    # Rows made stale by a recovery (worker.state) are derived again here when no event has done it yet.
    return len(worker_tally.current_rows())


metrics.watch(WorkerState(rows=tally_rows, lag=unhandled_records, last_event_at=lambda: progress.last_handled_at))


@app.page("/metrics")
async def metrics_page(web, request):
    body, content_type = metrics.render()
    # As a header: aiohttp refuses a content_type argument that carries a charset, as Prometheus' type does.
    return web.bytes(body, headers={"Content-Type": content_type})
