"""Messages on `protest.reports`: what one document says, read by the text logic."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Wave = Literal["navalny-2021", "anti-war-2022", "mobilisation-2022", "other"]
Qualifier = Literal["exact", "more_than", "at_least", "about", "up_to", "vague"]
Scope = Literal["day", "cumulative", "unknown"]

NATIONWIDE = "nationwide"


class Place(BaseModel):
    """A city where the text reports protests or detentions."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, description="Common English name, as English encyclopedias title it, e.g. 'Saint Petersburg'.")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")
    geonames_id: int | None = Field(default=None, gt=0, description="GeoNames id: the key to join on.")
    latitude: float | None = Field(default=None, ge=-90, le=90, description="WGS84 degrees, from GeoNames.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="WGS84 degrees, from GeoNames.")


class DetentionClaim(BaseModel):
    """One detention figure as a document states it."""

    model_config = ConfigDict(frozen=True)

    count: int = Field(ge=0, description="The lower bound of the figure.")
    upper: int | None = Field(default=None, ge=0, description="The upper bound, when the text gives one.")
    qualifier: Qualifier
    text: str = Field(description="The figure as written, e.g. 'over 1,000' or 'hundreds'.")
    place: str = Field(min_length=1, description="Canonical city name, or 'nationwide'.")
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO code of the city; null when nationwide.")
    source: str | None = Field(default=None, description="Who gives the figure, e.g. 'OVD-Info'.")
    scope: Scope = Field(description="'day' for one day's count, 'cumulative' for a running total.")
    quote: str = Field(description="The sentence the figure came from, as in the cleaned text.")

    @model_validator(mode="after")
    def _upper_not_below_count(self) -> DetentionClaim:
        if self.upper is not None and self.upper < self.count:
            raise ValueError(f"upper bound {self.upper} is below the count {self.count}")
        return self


class Report(BaseModel):
    """The reading of one document (key: `doc_id`)."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(min_length=1)
    title: str | None = None
    wave: Wave
    wave_confidence: float = Field(ge=0.0, le=1.0)
    wave_evidence: list[str] = Field(default_factory=list, description="The cues that decided the wave.")
    cities: list[Place] = Field(default_factory=list, description="Places where protests or detentions are reported.")
    detentions: list[DetentionClaim] = Field(default_factory=list)
    text_digest: str = Field(default="", description="sha256 of the raw text, to tell a correction from a redelivery.")
