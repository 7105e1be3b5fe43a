"""`python -m tests.stages.skipping_worker worker`: the worker, with every agent's stream losing each record whose
offset is a multiple of SKIP_EVERY (default 50) the first time it arrives, acknowledged unseen.

That is what Faust does to a record that reaches a stream while flow control is suspended or that carries an older
generation id (worker.progress); around rebalances it is rare and timing-bound, here it is certain, on partitions
with a backlog, so the watchdog's re-reads (worker.stages.watchdog) are tested where records come in batches.
"""

import os

import worker.stages.ingest as ingest
import worker.stages.tally as tally
from worker.app import main
from worker.stages.watchdog import process_each

SKIP_EVERY = int(os.environ.get("SKIP_EVERY", "50"))


class SkippingStream:
    """An agent's stream, acknowledging each record at a multiple of SKIP_EVERY once without yielding it."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.skipped: set[tuple[str, int, int]] = set()

    def noack(self):
        self.manual = self.stream.noack()
        return self

    async def ack(self, event) -> None:
        await self.manual.ack(event)

    async def events(self):
        async for event in self.manual.events():
            message = event.message
            position = (message.topic, message.partition, message.offset)
            if message.offset % SKIP_EVERY == 0 and position not in self.skipped:
                self.skipped.add(position)
                await self.manual.ack(event)
                continue
            yield event


async def process_each_skipping(stream, prepare, handle, stage: str) -> None:
    await process_each(SkippingStream(stream), prepare, handle, stage=stage)


ingest.process_each = process_each_skipping
tally.process_each = process_each_skipping

if __name__ == "__main__":
    main()
