"""The worker's tables (worker.state): their changelog topics are read for recovery, never acknowledged."""

import faust

from schemas.tally import Contribution
from worker.state import model_table
from worker.stored import StoredContribution


def test_a_changelog_topic_takes_no_acknowledgements():
    # With acks, Faust's monitor treats each changelog partition as a stream that never starts, and logs an ERROR
    # for each of them every second once the worker has run for 5 minutes (seen after a broker restart).
    app = faust.App("state-test", broker="kafka://127.0.0.1:9")
    table = model_table(app, "contributions", Contribution, StoredContribution, "test.contributions", partitions=4)
    assert table.changelog_topic.get_topic_name() == "test.contributions"
    assert table.changelog_topic.acks is False
