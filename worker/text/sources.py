"""Who gives a figure: "according to X", "X said", or a neighbouring sentence that names the monitor."""

from __future__ import annotations

import re

#: Spelling in the text -> the name a Report carries.
KNOWN_SOURCES: dict[str, str] = {
    "ovd-info": "OVD-Info", "ovd info": "OVD-Info", "ovdinfo": "OVD-Info", "ovd-info's": "OVD-Info",
    "mediazona": "Mediazona", "meduza": "Meduza", "novaya gazeta": "Novaya Gazeta", "dozhd": "Dozhd", "tv rain": "Dozhd",
    "reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP", "associated press": "AP", "the associated press": "AP",
    "tass": "TASS", "ria novosti": "RIA Novosti", "interfax": "Interfax", "bbc": "BBC", "bbc russian": "BBC",
    "interior ministry": "Interior Ministry", "ministry of internal affairs": "Interior Ministry", "mvd": "Interior Ministry",
    "moscow police": "Moscow police", "police": "Police", "viasna": "Viasna", "amnesty international": "Amnesty International",
    "human rights watch": "Human Rights Watch", "memorial": "Memorial", "net freedoms": "Net Freedoms", "agora": "Agora",
    "sota": "SOTA", "avtozak live": "Avtozak LIVE", "znak": "Znak", "znak.com": "Znak", "kommersant": "Kommersant",
    "the moscow times": "The Moscow Times", "moscow times": "The Moscow Times", "the jerusalem post": "The Jerusalem Post",
    "jerusalem post": "The Jerusalem Post", "the guardian": "The Guardian", "cnn": "CNN", "al jazeera": "Al Jazeera",
    "the new york times": "The New York Times", "the washington post": "The Washington Post", "bloomberg": "Bloomberg",
    "rights group": None, "monitoring group": None,
}
_KNOWN = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in sorted((k for k, v in KNOWN_SOURCES.items() if v), key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:according\s+to|said|says|say|reported|reports|report|counted|counts|tallied|estimated|estimates|registered|"
    r"told|tracks|tracking|monitors|data\s+from|figures?\s+from|count\s+by|tally\s+by|cited|citing|put\s+the\s+(?:number|figure|total))\b",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(
    r"\b(?i:according\s+to)\s+(?:a\s+(?:count|tally|report)\s+(?:by|from)\s+)?(?:(?:the|independent|human|rights|monitoring|protest|group|watchdog)\s+)*"
    r"(?P<name>(?:The\s+)?[A-Z][\w.&'-]*(?:\s+(?:of\s+)?[A-Z][\w.&'-]*){0,4})"
)
# A sentence that points back to the previous figure ("This takes the total ...").
_ANAPHORIC_START = re.compile(r"^\s*(?:This|That|These|Those|It|The\s+(?:figure|number|total|tally|count))\b")


def _source_in(sentence: str) -> str | None:
    if not _ATTRIBUTION.search(sentence):
        return None
    # A named monitor or outlet first ('OVD-Info said police detained ...'), 'police' only when no one else is named.
    named = [KNOWN_SOURCES[m.group(0).lower()] for m in _KNOWN.finditer(sentence)]
    non_police = [n for n in named if n != "Police"]
    if non_police:
        return non_police[0]
    according = _ACCORDING_TO.search(sentence)
    if according:
        return according.group("name").strip().rstrip(".")
    return named[0] if named else None


def find_source(sentences: list[str], index: int) -> str | None:
    """The source of a figure in sentences[index]: its own sentence, else a neighbour that attributes it."""
    own = _source_in(sentences[index])
    if own:
        return own
    if index > 0 and _ANAPHORIC_START.match(sentences[index]):
        previous = _source_in(sentences[index - 1])
        if previous:
            return previous
    if index + 1 < len(sentences) and not re.search(r"\d", sentences[index + 1]):
        following = sentences[index + 1]
        if _ANAPHORIC_START.match(following) or re.match(r"^\s*(?:The\s+)?(?:figures?|data|count|tally)\b", following, re.IGNORECASE):
            return _source_in(following)
    return None
