"""`python -m tests.stages.crashing_worker worker`: the worker, with a dead-letter topic that refuses every send.

A fault outside one record (the broker refusing the dead letter) is what crashes an agent once every record's own
failure is dead-lettered; the test checks that the worker then exits for its supervisor instead of idling.
"""

from aiokafka.errors import KafkaTimeoutError

import worker.stages.ingest as ingest
from worker.app import main


async def refuse_dead_letter(message, error, doc_id=None) -> None:
    raise KafkaTimeoutError(f"feed.dead-letter refused the record at offset {message.offset}")


ingest.dead_letter = refuse_dead_letter

if __name__ == "__main__":
    main()
