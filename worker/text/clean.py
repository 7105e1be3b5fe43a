"""Turn a scraped page into the article's own lines and sentences.

Line rules rather than an HTML extractor: the archive is plain text, where trafilatura and justext
either keep the boilerplate or drop content sentences (see shared reading notes).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# One pass over the odd characters: non-breaking and other exotic spaces become plain spaces, zero-width and
# direction marks go, control characters become spaces, typographic quotes and dashes become plain ones.
_REPLACEMENTS = {
    **{chr(c): " " for c in [0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x09, 0x0C, 0x0B]},
    **{chr(c): "" for c in [0x00AD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                            *range(0x2066, 0x206A), 0xFEFF]},
    **{chr(c): " " for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)]},
    "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - ", "\r": "\n",
}
#: A lone surrogate is no character (the feed refuses such items; a text handed to `analyze` may hold one): it becomes
#: U+FFFD, as a decoder makes of bytes it cannot read, so that every later step can encode the text.
_LONE_SURROGATES = "\ud800-\udfff"
_ODD = re.compile("[" + "".join(re.escape(c) for c in _REPLACEMENTS) + _LONE_SURROGATES + "]")
# The look-ahead names the letters a URL can start with: the engine then skips other positions at once (3x faster).
_URL = re.compile(r"(?=[hwtp])(?:https?://|www\.|\bt\.me/|\bpic\.twitter\.com/)\S*", re.IGNORECASE)
_URL_HINTS = ("http", "www.", "t.me/", "pic.twitter")
_MULTISPACE = re.compile(r" {2,}")

# Lines that belong to the page, not the article: sign-up prompts, credits, related links, footers.
_BOILERPLATE_START = re.compile(
    r"""(?:
        to\ make\ sure\ you\ never\ miss\ out\b
      | click\ '?ok'?\ then\b
      | we\ use\ your\ sign-up\b
      | source:\ read\ full\ article
      | (?:read\ more|just\ in|poll|related|more|watch|listen|see\ also|latest|breaking|also\ read|comment)\s*:
      | featured\ image\ credit
      | topics?:
      | tags?:
      | (?:alamy|getty(?:\ images)?|reuters|ap|afp|pa|epa|twitter|shutterstock|advertisement)$
      | tip:\ mention\ @\w+
      | latest\ threads\ unrolled
      | you\ can\ follow\ @\w+
      | by\ continuing\ to\ use\ the\ site\b
      | to\ stay\ up\ to\ date\b
      | if\ you\ would\ like\ to\ donate\b
      | share\ (?:this|on)\b.{0,40}$
      | (?:follow|subscribe)\b.{0,60}$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_BOILERPLATE_ANYWHERE = re.compile(
    r"\bcookie policy\b|\bclick here\b|\bsign up (?:to|for) (?:one of )?our newsletters?\b|"
    r"\[(?:video|poll|comment|pictures|photos|live|gallery|analysis|opinion)\]$|"
    r"\b(?:alamy|getty images|shutterstock)(?: stock photo)?$|^.{0,40}\blogo$",
    re.IGNORECASE,
)

# A sentence ends at . ! ? (and a closing quote) before a capital, quote or digit, unless the
# dot ends an abbreviation, an initial, or a number.
_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]?\s+(?=["'(\[]?[A-Z0-9])""")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:St|Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Rep|Sen|Gov|Jr|Sr|No|vs|approx|est|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|E\.U|a\.m|p\.m|etc|i\.e|e\.g)\.|\b[A-Z]\.)$"
)


#: Longer than any abbreviation the pattern knows ("approx."): it is searched for in the last characters only.
_ABBREVIATION_SPAN = 8


def ends_with_abbreviation(text: str) -> bool:
    # From a position near the end: the pattern is anchored there, and a search from the start tries every position.
    # (\b still sees the character before that position.)
    return _ABBREVIATIONS.search(text, max(0, len(text) - _ABBREVIATION_SPAN)) is not None


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
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _ODD.sub(lambda m: _REPLACEMENTS.get(m.group(), "\ufffd"), text.replace("\r\n", "\n"))


_ANYWHERE_HINTS = ("cookie", "click here", "sign up", "[", "alamy", "getty", "shutterstock", "logo")


# "Photo: EPA-EFE", "Video: OVD-Info / Facebook"; a long line after the label is a caption or a headline.
_MEDIA_CREDIT = re.compile(r"(?:image|photo|picture|video)\s*(?:credit|source)?s?\s*:", re.IGNORECASE)
MAX_CREDIT_LINE = 60


def is_boilerplate(line: str) -> bool:
    line = line.lstrip("\u2022\u00b7\u25aa\u25ba* ")  # a bullet of links is as much boilerplate as the links
    if _BOILERPLATE_START.match(line):
        return True
    if len(line) <= MAX_CREDIT_LINE and _MEDIA_CREDIT.match(line):
        return True
    lowered = line.lower()
    # Substring tests first: the regex runs only on the few lines that can match it.
    return any(hint in lowered for hint in _ANYWHERE_HINTS) and bool(_BOILERPLATE_ANYWHERE.search(line))


#: A repeated headline or caption is dropped; card fields repeat for real ("Number of detentions: four" on two cards).
MAX_CARD_FIELD = 40


def is_card_field(line: str) -> bool:
    return len(line) <= MAX_CARD_FIELD and ":" in line


def clean(text: str) -> CleanText:
    """Normalise, drop URLs, boilerplate lines and repeated lines; the first line left is the title."""
    seen: set[str] = set()
    lines: list[str] = []
    text = normalise(text)
    lowered = text.lower()
    if any(hint in lowered for hint in _URL_HINTS):
        text = _URL.sub("", text)
    for raw_line in text.split("\n"):
        line = (_MULTISPACE.sub(" ", raw_line) if "  " in raw_line else raw_line).strip()
        if not line or is_boilerplate(line):
            continue
        fingerprint = line.casefold()
        if fingerprint in seen and not is_card_field(line):
            continue
        seen.add(fingerprint)
        lines.append(line)
    title = lines[0] if lines and len(lines[0]) <= 200 else None
    return CleanText(title=title, lines=tuple(lines))


#: Longer runs without a sentence end are cut at a space: news sentences are far shorter, and bounded
#: sentences keep the per-figure pattern work linear in the size of the input.
MAX_SENTENCE = 1000


def _bounded(sentence: str) -> list[str]:
    pieces = []
    while len(sentence) > MAX_SENTENCE:
        cut = sentence.rfind(" ", MAX_SENTENCE // 2, MAX_SENTENCE)
        cut = cut if cut > 0 else MAX_SENTENCE
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:]
    if sentence.strip():
        pieces.append(sentence.strip())
    return pieces


def split_sentences(line: str) -> list[str]:
    """Split one line into sentences, keeping 'St. Petersburg', 'Jan. 23' and '1.3' whole."""
    return [piece for sentence in _split(line) for piece in _bounded(sentence)]


def _split(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(line):
        candidate = line[start:boundary.start()].rstrip()
        if ends_with_abbreviation(candidate.rstrip("\"')]")):
            continue
        if candidate:
            sentences.append(candidate)
        start = boundary.end()
    tail = line[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
