"""The contract with downstream consumers: the pydantic model of every message on every topic."""

from schemas.dead_letter import DeadLetter
from schemas.feed import FeedItem
from schemas.report import NATIONWIDE, DetentionClaim, Place, Qualifier, Report, Scope, Wave
from schemas.tally import (CarriedClaim, ClaimTally, Contribution, DocumentVersion, EvidenceBatch, PlaceEvidence, TallyRow,
                           tally_key)

#: Every message model, by the file name its JSON Schema is exported to.
MESSAGE_MODELS = {
    "FeedItem": FeedItem,
    "Report": Report,
    "DetentionClaim": DetentionClaim,
    "Place": Place,
    "PlaceEvidence": PlaceEvidence,
    "EvidenceBatch": EvidenceBatch,
    "ClaimTally": ClaimTally,
    "TallyRow": TallyRow,
    "Contribution": Contribution,
    "CarriedClaim": CarriedClaim,
    "DocumentVersion": DocumentVersion,
    "DeadLetter": DeadLetter,
}

__all__ = [
    "NATIONWIDE", "MESSAGE_MODELS", "CarriedClaim", "ClaimTally", "Contribution", "DeadLetter", "DocumentVersion", "DetentionClaim", "EvidenceBatch", "FeedItem", "Place",
    "PlaceEvidence", "Qualifier", "Report", "Scope", "TallyRow", "Wave", "tally_key",
]
