"""The tally's stored records: compact in memory, their models' JSON on the changelog topics, unchanged by a round trip."""

from datetime import datetime, timezone

from schemas.tally import CarriedClaim, Contribution, DocumentVersion
from worker.state import StoredCodec
from worker.stored import StoredContribution, StoredVersion

CONTRIBUTION = Contribution(
    doc_id="doc-1", wave="anti-war-2022", place="Kazan", country="RU", position=7, text_digest="0123456789abcdef",
    applied=12, published_at=datetime(2022, 3, 6, 12, 30, tzinfo=timezone.utc),
    claims=[CarriedClaim(count=40, qualifier="at_least", scope="day", source="OVD-Info", text="at least 40",
                         quote="Police detained at least 40 people in Kazan, OVD-Info said."),
            CarriedClaim(count=10, upper=15, qualifier="at_least", scope="day", text="10-15", quote="10-15 detained")])
VERSION = DocumentVersion(position=7, text_digest="0123456789abcdef", rows=["anti-war-2022/Kazan"],
                          withdrawn_from=["anti-war-2022/nationwide"])


def test_the_changelog_carries_the_models_json_and_reads_back_the_stored_record():
    for model, original, stored in ((Contribution, CONTRIBUTION, StoredContribution.of(CONTRIBUTION)),
                                    (DocumentVersion, VERSION, StoredVersion.of(VERSION))):
        codec = StoredCodec(model, type(stored))
        data = codec.dumps(stored)
        assert data == original.model_dump_json().encode(), "the model's JSON, as any Kafka client reads it"
        assert codec.loads(data) == stored


def test_a_claim_ranks_as_its_model_does():
    assert StoredContribution.of(CONTRIBUTION).claims[1].rank == CONTRIBUTION.claims[1].rank


def test_versions_share_one_string_per_row_key():
    # Built at run time, as keys read from a record or made from a report are: equal strings, distinct objects.
    first, second = ("/".join(["anti-war-2022", place]) for place in ("Kazan", "Kazan"))
    assert first is not second
    third = "/".join(["anti-war-2022", "Kazan"])
    live = StoredVersion.interned(1, "0123456789abcdef", [first], [])
    recovered = StoredVersion.of(VERSION.model_copy(update={"rows": [second], "withdrawn_from": [third]}))
    assert live.rows[0] is recovered.rows[0] is recovered.withdrawn_from[0]
