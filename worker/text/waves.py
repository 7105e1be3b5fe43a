"""Which protest wave a document is about: cue phrases and dates scored against data/waves.json."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from schemas import Wave
from worker.text.phrase_index import PhraseIndex

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}
# Case-sensitive (Title and UPPER case, as news writes months): far faster than IGNORECASE over a whole text.
_MONTH = r"(?P<month{n}>" + "|".join(
    sorted({f(m) for m in _MONTHS for f in (str.title, str.upper)}, key=len, reverse=True)
) + r")\.?"
_DATE = re.compile(
    rf"\b(?:{_MONTH.format(n=1)}\s+(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.format(n=2)})"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
)
# "date 2022-09-21" (a scraper's stamp), "21.09.2022": numeric dates with the year.
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
_DOTTED_DATE = re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b")
_MONTH_NAMES = PhraseIndex(dict.fromkeys({f(m) for m in _MONTHS for f in (str.title, str.upper)}))
#: A date with its year in a wave's window is enough for that wave (with a mention of Russia); a day and month
#: alone ("May 6") fits every year of a long window, so it only helps.
DATED_WITH_YEAR_WEIGHT = 3.0
DATED_WITHOUT_YEAR_WEIGHT = 2.5


@dataclass(frozen=True)
class WaveDefinition:
    id: Wave
    description: str
    window: tuple[date, date] | None
    cues: dict[str, float]


@dataclass(frozen=True)
class WaveReading:
    wave: Wave
    confidence: float
    evidence: list[str]


class WaveClassifier:
    def __init__(self, definitions: list[WaveDefinition], russia_cues: list[str], min_score: float, min_margin: float) -> None:
        self.definitions = definitions
        self.min_score = min_score
        self.min_margin = min_margin
        self._cue_waves: dict[str, list[tuple[Wave, float]]] = {}
        for definition in definitions:
            for cue, weight in definition.cues.items():
                self._cue_waves.setdefault(cue, []).append((definition.id, weight))
        # Aho-Corasick over the lower-cased text: one pass whatever the number of cues.
        self._cues = PhraseIndex({cue: cue for cue in self._cue_waves})
        self._russia = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in russia_cues) + r")\b", re.IGNORECASE)

    def classify(self, text: str, names_a_russian_city: bool = False) -> WaveReading:
        """The wave of a text; `names_a_russian_city` (a protest in Perm) is a mention of Russia as good as its name."""
        scores: dict[Wave, float] = {d.id: 0.0 for d in self.definitions}
        evidence: dict[Wave, list[str]] = {d.id: [] for d in self.definitions}
        # Waves with a cue or a date with its year: days and months alone only help.
        firm: set[Wave] = set()
        for cue in self._cues_in(text.lower()):
            for wave, weight in self._cue_waves[cue]:
                scores[wave] += weight
                evidence[wave].append(cue)
                firm.add(wave)
        for wave, when, with_year in self._dated_waves(text):
            scores[wave] += DATED_WITH_YEAR_WEIGHT if with_year else DATED_WITHOUT_YEAR_WEIGHT
            evidence[wave].append(when)
            if with_year:
                firm.add(wave)
        ranked = sorted((w for w in scores if w != "other"), key=scores.get, reverse=True)
        best, runner_up = ranked[0], ranked[1]
        probabilities = _softmax(scores)
        if not names_a_russian_city and not self._russia.search(text):
            return WaveReading("other", round(1 - max(probabilities[w] for w in ranked), 3), ["no mention of Russia"])
        if (
            scores[best] < self.min_score
            or scores[best] - scores[runner_up] < self.min_margin
            or scores["other"] > scores[best]
        ):
            reasons = evidence["other"] or [f"no wave scored clearly (best {best} {scores[best]:.1f})"]
            return WaveReading("other", round(1 - probabilities[best], 3), sorted(reasons))
        if best not in firm:
            return WaveReading("other", round(1 - probabilities[best], 3), [f"{best}: only days and months without a year"])
        return WaveReading(best, round(probabilities[best], 3), sorted(evidence[best]))

    def _cues_in(self, lowered: str) -> set[str]:
        found = set()
        for start, end, cue in self._cues.hits(lowered):
            before = lowered[start - 1] if start > 0 else " "
            after = lowered[end] if end < len(lowered) else " "
            if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
                found.add(cue)
        return found

    def _numeric_dated_waves(self, text: str) -> list[tuple[Wave, str, bool]]:
        found = []
        # Substring tests first: the patterns run only on the few texts that can hold such a date.
        patterns = [pattern for pattern, hints in ((_ISO_DATE, ("-0", "-1")), (_DOTTED_DATE, (".19", ".20")))
                    if any(hint in text for hint in hints)]
        for pattern in patterns:
            for match in pattern.finditer(text):
                month, day, year = int(match.group("month")), int(match.group("day")), int(match.group("year"))
                for definition in self.definitions:
                    if definition.window and _in_window(definition.window, month, day, year):
                        found.append((definition.id, match.group(0), True))
        return found

    def _dated_waves(self, text: str) -> list[tuple[Wave, str, bool]]:
        found = self._numeric_dated_waves(text)
        years_in_no_window = False
        for start, end, _ in _MONTH_NAMES.hits(text):
            # Only around month names found in one Aho-Corasick pass: a regex scan of the whole text costs far more.
            match = _DATE.search(text, max(0, start - 6), end + 15)
            if match is None:
                continue
            month = _MONTHS[(match.group("month1") or match.group("month2")).lower().rstrip(".")]
            day = int(match.group("day1") or match.group("day2"))
            year = int(match.group("year")) if match.group("year") else None
            waves = [d.id for d in self.definitions if d.window and _in_window(d.window, month, day, year)]
            years_in_no_window = years_in_no_window or (year is not None and not waves)
            found.extend((wave, match.group(0), year is not None) for wave in waves)
        if years_in_no_window and not any(with_year for _, _, with_year in found):
            # A page whose dates with a year are all in another year ('3-21 August 2020') gives its days and months
            # alone that year: they are no wave's.
            found = []
        return list(dict.fromkeys(found))


def _in_window(window: tuple[date, date], month: int, day: int, year: int | None) -> bool:
    start, end = window
    candidates = [year] if year else list(range(start.year, end.year + 1))
    for candidate in candidates:
        try:
            when = date(candidate, month, day)
        except ValueError:
            return False
        if start <= when <= end:
            return True
    return False


def _softmax(scores: dict[Wave, float], temperature: float = 2.0) -> dict[Wave, float]:
    top = max(scores.values())
    exps = {w: math.exp((s - top) / temperature) for w, s in scores.items()}
    total = sum(exps.values())
    return {w: e / total for w, e in exps.items()}


@cache
def wave_classifier() -> WaveClassifier:
    data = json.loads(resources.files("worker.text").joinpath("data/waves.json").read_text(encoding="utf-8"))
    definitions = [
        WaveDefinition(
            id=w["id"],
            description=w["description"],
            window=(date.fromisoformat(w["window"]["from"]), date.fromisoformat(w["window"]["to"])) if w["window"] else None,
            cues=w["cues"],
        )
        for w in data["waves"]
    ]
    return WaveClassifier(definitions, data["russia_cues"], data["min_score"], data["min_margin"])
