from datetime import datetime, timezone

from schemas import DetentionClaim, PlaceEvidence, Place, Report
from worker.tally import apply_evidence, evidence_of, fold_tally

T0 = datetime(2022, 2, 27, tzinfo=timezone.utc)


def claim(count, place="nationwide", source=None, qualifier="exact", upper=None, country=None):
    return DetentionClaim(count=count, upper=upper, qualifier=qualifier, text=str(count), place=place, country=country,
                          source=source, scope="day", quote="...")


def evidence(doc_id, claims=(), place="nationwide", wave="anti-war-2022"):
    return PlaceEvidence(doc_id=doc_id, wave=wave, place=place, claims=list(claims), published_at=T0)


def test_first_document_creates_the_row():
    row = apply_evidence(None, evidence("a", [claim(1000, source="OVD-Info")]))
    assert (row.reports, row.detained_low, row.version, row.doc_ids) == (1, 1000, 1, ["a"])


def test_claims_are_not_summed_the_largest_is_the_headline():
    row = apply_evidence(None, evidence("a", [claim(1000)]))
    row = apply_evidence(row, evidence("b", [claim(1474, upper=1500, qualifier="about")]))
    row = apply_evidence(row, evidence("c", [claim(300)]))
    assert (row.reports, row.detained_low, row.detained_high, row.detained_text) == (3, 1474, 1500, "1474")
    assert len(row.claims) == 3


def test_same_claim_from_two_outlets_counts_once_with_two_documents():
    row = apply_evidence(None, evidence("a", [claim(1000, source="The Jerusalem Post")]))
    row = apply_evidence(row, evidence("b", [claim(1000, source="The Jerusalem Post")]))
    assert [(c.count, c.documents, c.first_doc_id) for c in row.claims] == [(1000, 2, "a")]


def test_redelivered_document_changes_nothing():
    row = apply_evidence(None, evidence("a", [claim(1000)]))
    assert apply_evidence(row, evidence("a", [claim(1000)])) is None


def test_city_figures_stay_in_city_rows_and_nationwide_in_the_nationwide_row():
    report = Report(
        doc_id="d", wave="mobilisation-2022", wave_confidence=0.9,
        cities=[Place(name="Moscow", country="RU"), Place(name="Omsk", country="RU")],
        detentions=[claim(1300, source="OVD-Info"), claim(200, place="Moscow", country="RU", qualifier="vague")],
    )
    by_place = {e.place: [c.count for c in e.claims] for e in evidence_of(report, T0)}
    assert by_place == {"Moscow": [200], "Omsk": [], "nationwide": [1300]}


def test_fold_applies_to_the_right_key():
    rows = fold_tally({}, evidence("a", [claim(5, place="Omsk", country="RU")], place="Omsk"))
    assert list(rows) == ["anti-war-2022/Omsk"]


def test_a_correction_under_a_known_doc_id_does_not_change_the_row():
    row = apply_evidence(None, evidence("a", [claim(1000)]))
    assert apply_evidence(row, evidence("a", [claim(5000)])) is None
