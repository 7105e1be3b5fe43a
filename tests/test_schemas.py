"""The committed JSON Schemas are the contract: they must not drift from the models."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas import MESSAGE_MODELS, DetentionClaim, FeedItem

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "json"


@pytest.mark.parametrize("name", sorted(MESSAGE_MODELS))
def test_committed_schema_matches_the_model(name):
    committed = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    assert committed == MESSAGE_MODELS[name].model_json_schema(), "run: python -m worker export-schemas"


def test_no_stray_schema_files():
    assert {p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json")} == set(MESSAGE_MODELS)


def test_validators_give_clear_errors():
    with pytest.raises(ValidationError, match="upper bound 5 is below the count 10"):
        DetentionClaim(count=10, upper=5, qualifier="about", text="10", place="nationwide", scope="day", quote="")
    with pytest.raises(ValidationError, match="doc_id"):
        FeedItem(doc_id="", text="x", sequence=0, published_at="2022-02-24T00:00:00Z")
