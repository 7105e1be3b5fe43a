"""The tally rules, without a broker: headline, distinct claims, idempotence, corrections, bounded rows."""

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import DetentionClaim, Place, PlaceEvidence, Report
from schemas.tally import TOP_CLAIMS
from worker.tally import Outcome, Tally, evidence_of, route_report

T0 = datetime(2022, 2, 27, tzinfo=timezone.utc)
ROW = "anti-war-2022/nationwide"


def claim(count, place="nationwide", source=None, qualifier="exact", upper=None, country=None, quote="..."):
    return DetentionClaim(count=count, upper=upper, qualifier=qualifier, text=str(count), place=place, country=country,
                          source=source, scope="day", quote=quote)


def evidence(doc_id, claims=(), place="nationwide", position=0, digest=None, withdrawn=False):
    return PlaceEvidence(doc_id=doc_id, wave="anti-war-2022", place=place, claims=list(claims), published_at=T0,
                         position=position, text_digest=digest or f"{doc_id}@{position}", withdrawn=withdrawn)


class Applied:
    """A tally fed in order; `rows` are the rows as they would be published."""

    def __init__(self, *pieces) -> None:
        self.tally, self.offset = Tally({}), 0
        for piece in pieces:
            self.apply(piece)

    def apply(self, piece):
        self.offset += 1
        return self.tally.apply(piece, self.offset)

    @property
    def rows(self) -> dict:
        return {key: row.row() for key, row in self.tally.current_rows().items()}


applied = Applied


def test_first_document_creates_the_row():
    row = applied(evidence("a", [claim(1000, source="OVD-Info")])).rows[ROW]
    assert (row.reports, row.detained_low, row.version, row.distinct_claims) == (1, 1000, 1, 1)


def test_claims_are_not_summed_the_largest_is_the_headline():
    state = applied(evidence("a", [claim(1000)]), evidence("b", [claim(1474, upper=1500, qualifier="about")]),
                    evidence("c", [claim(300)]))
    row = state.rows[ROW]
    assert (row.reports, row.detained_low, row.detained_high, row.detained_text) == (3, 1474, 1500, "1474")
    assert [c.count for c in row.claims] == [1474, 1000, 300]


def test_same_claim_from_two_outlets_counts_once_with_two_documents():
    state = applied(evidence("a", [claim(1000, source="JP", quote="first")]), evidence("b", [claim(1000, source="JP")]))
    assert [(c.count, c.documents, c.first_doc_id, c.quote) for c in state.rows[ROW].claims] == [(1000, 2, "a", "first")]


def test_one_document_stating_a_claim_twice_carries_it_once():
    row = applied(evidence("a", [claim(1000), claim(1000)])).rows[ROW]
    assert [c.documents for c in row.claims] == [1]


def test_a_redelivery_changes_nothing():
    state = applied(evidence("a", [claim(1000)], position=3))
    change = state.apply(evidence("a", [claim(1000)], position=3))
    assert change.outcome is Outcome.REDELIVERED, "published again, in case the first publication was lost"
    published = state.tally.publication([change])
    assert published.rows == {ROW: state.rows[ROW]} and state.rows[ROW].version == 1
    assert [(c.count, c.documents) for c in published.claims.values()] == [(1000, 1)]


def test_the_same_text_again_at_a_later_position_changes_nothing():
    state = applied(evidence("a", [claim(1000)], position=3, digest="d1"))
    assert state.apply(evidence("a", [claim(1000)], position=9, digest="d1")).outcome is Outcome.UNCHANGED


def test_a_correction_replaces_the_earlier_version():
    state = applied(evidence("a", [claim(5000)], position=1), evidence("b", [claim(300)], position=2),
                    evidence("a", [claim(1000)], position=7))
    row = state.rows[ROW]
    assert (row.reports, row.detained_low, row.distinct_claims, row.version) == (2, 1000, 2, 3), "version: the 3rd change"
    assert [(c.count, c.documents) for c in row.claims] == [(1000, 1), (300, 1)]


def test_an_older_version_arriving_after_its_correction_changes_nothing():
    state = applied(evidence("a", [claim(5000)], position=1), evidence("a", [claim(1000)], position=7))
    assert state.apply(evidence("a", [claim(5000)], position=1)).outcome is Outcome.UNCHANGED
    assert state.rows[ROW].detained_low == 1000


def test_the_next_carrier_takes_over_the_quote_when_the_first_is_corrected():
    state = applied(evidence("a", [claim(900, quote="from a")], position=1), evidence("b", [claim(900, quote="from b")], position=2),
                    evidence("c", [claim(900, quote="from c")], position=3), evidence("a", [claim(10)], position=4))
    top = state.rows[ROW].claims[0]
    assert (top.count, top.documents, top.first_doc_id, top.quote) == (900, 2, "b", "from b")


def test_a_middle_carrier_is_unlinked():
    state = applied(*(evidence(d, [claim(900, quote=d)], position=i) for i, d in enumerate("abc")),
                    evidence("b", [], position=5), evidence("a", [], position=6))
    top = state.rows[ROW].claims[0]
    assert (top.documents, top.first_doc_id, top.quote) == (1, "c", "c")


def test_a_withdrawal_of_the_only_document_removes_the_row():
    state = applied(evidence("a", [claim(5)], position=1))
    change = state.apply(evidence("a", position=4, withdrawn=True))
    published = state.tally.publication([change])
    assert change.outcome is Outcome.REMOVED
    assert (published.rows, list(published.claims.values())) == ({ROW: None}, [None]), "tombstones"
    assert ROW not in state.rows


def test_a_redelivered_correction_publishes_the_claims_it_retracted_again():
    # Their tombstones were published when it was first applied, but may have been lost with that worker.
    state = applied(evidence("a", [claim(100)], position=1), evidence("a", [claim(200)], position=5))
    change = state.apply(evidence("a", [claim(200)], position=5))
    assert change.outcome is Outcome.REDELIVERED
    published = {key.split("|")[1]: c and c.documents for key, c in state.tally.publication([change]).claims.items()}
    assert published == {"200": 1, "100": None}


def test_a_redelivered_withdrawal_publishes_its_tombstones_again():
    state = applied(evidence("a", [claim(100)], place="Omsk", position=1), evidence("a", [claim(7)], position=1))
    withdrawal = evidence("a", place="Omsk", position=5, withdrawn=True)
    state.apply(withdrawal)
    published = state.tally.publication([state.apply(withdrawal)])
    assert (list(published.rows.values()), list(published.claims.values())) == ([None], [None])


def test_a_row_changed_by_several_pieces_is_published_once_as_it_stands_after_the_last():
    state = applied()
    changes = [state.apply(evidence("a", [claim(100)], position=1)), state.apply(evidence("b", [claim(300)], position=2)),
               state.apply(evidence("a", [claim(200)], position=3)), state.apply(evidence("b", [claim(300)], position=2))]
    published = state.tally.publication(changes)
    assert published.rows == {ROW: state.rows[ROW]}
    assert (published.rows[ROW].reports, published.rows[ROW].detained_low, published.rows[ROW].version) == (2, 300, 3)
    assert {key.split("|")[1]: claim and claim.documents for key, claim in published.claims.items()} == {
        "100": None, "300": 1, "200": 1}, "the retracted claim as a tombstone, each claim once"


def test_unchanged_pieces_publish_nothing():
    state = applied(evidence("a", [claim(100)], position=5, digest="same"))
    assert state.tally.publication([state.apply(evidence("a", [claim(100)], position=1))]).rows == {}


def test_a_row_carries_its_largest_claims_and_refills_when_they_are_retracted():
    state = applied(*(evidence(f"d{n}", [claim(n)], position=n) for n in range(1, 26)))
    assert ([c.count for c in state.rows[ROW].claims], state.rows[ROW].distinct_claims) == (list(range(25, 15, -1)), 25)
    for n in range(25, 14, -1):
        state.apply(evidence(f"d{n}", position=100 + n, withdrawn=True))
    row = state.rows[ROW]
    assert (row.detained_low, row.distinct_claims, [c.count for c in row.claims]) == (14, 14, list(range(14, 4, -1)))


def test_every_claim_of_a_row_largest_first_and_retracted_ones_gone():
    state = applied(*(evidence(d, [claim(n)], position=i) for i, (d, n) in enumerate(zip("abc", (40, 57, 12)))))
    row = state.tally.current_rows()[ROW]
    assert [(c.count, c.first_doc_id) for c in row.every_claim()] == [(57, "b"), (40, "a"), (12, "c")]
    state.apply(evidence("b", [], position=9))
    assert [c.count for c in row.every_claim()] == [40, 12]


def test_city_figures_stay_in_city_rows_and_nationwide_in_the_nationwide_row():
    report = Report(
        doc_id="d", wave="mobilisation-2022", wave_confidence=0.9,
        cities=[Place(name="Moscow", country="RU"), Place(name="Omsk", country="RU")],
        detentions=[claim(1300, source="OVD-Info"), claim(200, place="Moscow", country="RU", qualifier="vague")],
    )
    by_place = {e.place: [c.count for c in e.claims] for e in evidence_of(report, T0, 0, "x")}
    assert by_place == {"Moscow": [200], "Omsk": [], "nationwide": [1300]}


def report_on(doc_id, city, digest):
    return Report(doc_id=doc_id, wave="anti-war-2022", wave_confidence=1.0, cities=[Place(name=city, country="RU")],
                  text_digest=digest)


def test_the_router_withdraws_a_corrected_document_from_the_rows_it_left():
    versions = {}
    route_report(versions, report_on("a", "Omsk", "v1"), 3, T0)
    pieces = route_report(versions, report_on("a", "Tomsk", "v2"), 8, T0)
    assert [(p.place, p.withdrawn) for p in pieces] == [("Tomsk", False), ("Omsk", True)]
    # The same version redelivered sends the same again; an older one or the same text again sends nothing.
    assert route_report(versions, report_on("a", "Tomsk", "v2"), 8, T0) == pieces
    assert route_report(versions, report_on("a", "Omsk", "v1"), 3, T0) == []
    assert route_report(versions, report_on("a", "Tomsk", "v2"), 12, T0) == []


# A property test: any sequence of versions, repeats and redeliveries, applied incrementally, gives the rows
# recomputed from scratch from each document's current version.
versions_of_documents = st.lists(
    st.tuples(st.sampled_from("abcdef"), st.lists(st.integers(0, 14), max_size=3), st.booleans()), max_size=40)


def from_scratch(events) -> dict:
    """Each document's current claims (its last version at a later position with another text), and when that
    version was applied; rows as (reports, headline, sorted claims with documents and first carrier)."""
    current: dict[str, tuple[int, tuple, str]] = {}
    for position, (doc_id, counts, _) in enumerate(events):
        digest = repr(sorted(set(counts)))
        if doc_id not in current or current[doc_id][2] != digest:
            current[doc_id] = (position, tuple(sorted(set(counts))), digest)
    if not current:
        return {}
    carriers: dict[int, list[tuple[int, str]]] = {}
    for doc_id, (position, counts, _) in current.items():
        for count in counts:
            carriers.setdefault(count, []).append((position, doc_id))
    claims = sorted((count, len(docs), min(docs)[1]) for count, docs in carriers.items())
    return {ROW: (len(current), max(carriers, default=None), claims)}


def incremental(events) -> dict:
    state = Applied()
    for position, (doc_id, counts, redeliver) in enumerate(events):
        piece = evidence(doc_id, [claim(n, quote=f"{doc_id}:{n}") for n in counts], position=position,
                         digest=repr(sorted(set(counts))))
        # Published after each change, as the worker does: rows are built along the way, not only at the end.
        state.tally.publication([state.apply(piece)])
        if redeliver:
            assert state.apply(piece).outcome in (Outcome.REDELIVERED, Outcome.UNCHANGED)
    rows = {}
    for key, row_state in state.tally.current_rows().items():
        row = row_state.row()
        everything = sorted((c.count, c.documents, c.first_doc_id)
                            for c in map(row_state.claim_tally, row_state.carriers))
        assert [c.count for c in row.claims] == sorted((c[0] for c in everything), reverse=True)[:TOP_CLAIMS]
        assert all(c.quote == f"{c.first_doc_id}:{c.count}" for c in row.claims)
        rows[key] = (row.reports, row.detained_low, everything)
    rebuilt = Tally(state.tally.contributions)
    assert {k: r.row() for k, r in rebuilt.current_rows().items()} == state.rows, "a rebuild gives the same rows"
    return rows


@settings(max_examples=300, deadline=None)
@given(versions_of_documents)
def test_incremental_tally_equals_the_tally_from_scratch(events):
    assert incremental(events) == from_scratch(events)


def test_every_version_names_a_row_by_one_shared_string():
    # A worker keeps each document's version while it runs: a row named by thousands of them is one string.
    versions = {}
    route_report(versions, report_on("a", "Omsk", "v1"), 3, T0)
    route_report(versions, report_on("b", "Omsk", "v1"), 4, T0)
    route_report(versions, report_on("a", "Tomsk", "v2"), 8, T0)
    assert versions["a"].withdrawn_from == ("anti-war-2022/Omsk",)
    assert versions["a"].withdrawn_from[0] is versions["b"].rows[0]
    route_report(versions, report_on("c", "Tomsk", "v1"), 9, T0)
    assert versions["c"].rows[0] is versions["a"].rows[0]
