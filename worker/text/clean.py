"""Turn a scraped page into the article's own lines and sentences.

Line rules rather than an HTML extractor: the archive is plain text, where trafilatura and justext
either keep the boilerplate or drop content sentences (see shared reading notes).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Non-breaking and other exotic spaces become plain spaces; zero-width and direction marks go.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - "})
_URL = re.compile(r"(?:https?://|www\.|\bt\.me/|\bpic\.twitter\.com/)\S*", re.IGNORECASE)
_MULTISPACE = re.compile(r" {2,}")

# Lines that belong to the page, not the article: sign-up prompts, credits, related links, footers.
_BOILERPLATE = re.compile(
    r"""^(?:
        .{0,40}\blogo$
      | to\ make\ sure\ you\ never\ miss\ out\b.*
      | click\ '?ok'?\ then\b.*
      | we\ use\ your\ sign-up\b.*
      | source:\ read\ full\ article.*
      | (?:read\ more|just\ in|poll|related|more|watch|listen|see\ also|latest|breaking|also\ read|comment)\s*:.*
      | .*\[(?:video|poll|comment|pictures|photos|live|gallery|analysis|opinion)\]$
      | featured\ image\ credit.*
      | (?:image|photo|picture|video)\s*(?:credit|source)?s?\s*:.*
      | topics?:.*
      | tags?:.*
      | alamy | getty(?:\ images)? | reuters | ap | afp | pa | epa | twitter | shutterstock | advertisement
      | .*\b(?:alamy|getty\ images|shutterstock)(?:\ stock\ photo)?$
      | tip:\ mention\ @\w+.*
      | latest\ threads\ unrolled.*
      | you\ can\ follow\ @\w+.*
      | by\ continuing\ to\ use\ the\ site\b.*
      | .*\bcookie\ policy\b.*
      | .*\bsign\ up\ (?:to|for)\ (?:one\ of\ )?our\ newsletters?\b.*
      | to\ stay\ up\ to\ date\b.*
      | if\ you\ would\ like\ to\ donate\b.*
      | .*\bclick\ here\b.*
      | share\ (?:this|on)\b.{0,40}
      | (?:follow|subscribe)\b.{0,60}
      | (?:[•·▪►]|\*\ ).*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A sentence ends at . ! ? (and a closing quote) before a capital, quote or digit, unless the
# dot ends an abbreviation, an initial, or a number.
_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]?\s+(?=["'(\[]?[A-Z0-9])""")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:St|Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Rep|Sen|Gov|Jr|Sr|No|vs|approx|est|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|E\.U|a\.m|p\.m|etc|i\.e|e\.g)\.|\b[A-Z]\.)$"
)


@dataclass(frozen=True)
class CleanText:
    """The article once boilerplate is gone: its title and its content lines."""

    title: str | None
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalise(text: str) -> str:
    """Unicode NFC, plain spaces and quotes, no invisible or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    return text.translate(_QUOTES)


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.match(line))


def clean(text: str) -> CleanText:
    """Normalise, drop URLs, boilerplate lines and repeated lines; the first line left is the title."""
    seen: set[str] = set()
    lines: list[str] = []
    for raw_line in normalise(text).split("\n"):
        line = _MULTISPACE.sub(" ", _URL.sub("", raw_line)).strip()
        if not line or is_boilerplate(line):
            continue
        fingerprint = line.casefold()
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        lines.append(line)
    title = lines[0] if lines and len(lines[0]) <= 200 else None
    return CleanText(title=title, lines=tuple(lines))


def split_sentences(line: str) -> list[str]:
    """Split one line into sentences, keeping 'St. Petersburg', 'Jan. 23' and '1.3' whole."""
    sentences: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(line):
        candidate = line[start:boundary.start()].rstrip()
        if _ABBREVIATIONS.search(candidate.rstrip("\"')]")):
            continue
        if candidate:
            sentences.append(candidate)
        start = boundary.end()
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
