"""A read function whose module prints as it loads and as it reads, as a library might: imported by the reader
process (tests/test_readers.py), whose answers to the worker must not be disturbed by it."""

from worker.records import read_article

print("noisy_reading loaded", flush=True)


def noisy_read_article(item):
    print("reading", item.doc_id, flush=True)
    return read_article(item)
