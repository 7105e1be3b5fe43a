"""`python -m tests.stages.broker_gone_at_start_worker worker`: the worker, whose producer fails its start as it
does when the broker goes away after the worker's start-up check found it (NodeNotReadyError, seen in the soak)."""

from aiokafka import AIOKafkaProducer
from aiokafka.errors import NodeNotReadyError

from worker.app import main


async def start_failing(self) -> None:
    raise NodeNotReadyError("Attempt to send a request to node which is not ready (node id 1).")


AIOKafkaProducer.start = start_failing

if __name__ == "__main__":
    main()
