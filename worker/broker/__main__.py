"""`python -m worker.broker`: fetch (once) and check the Kafka jars, a set-up step of `make demo` and `make test`."""

from worker.broker.jars import fetch_kafka_jars
from worker.settings import CACHE_DIR

print(f"{len(fetch_kafka_jars(CACHE_DIR))} Kafka jars ready in {CACHE_DIR / 'kafka'}")
