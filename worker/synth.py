"""A synthetic archive with known answers: news-style items built from templates, each with its expected reading.

    python -m worker synth --count 2000 --seed 7 --out synth.jsonl

Each JSONL line is {"doc_id", "text", "expected": {"wave", "cities", "detentions"}}; the replayer reads doc_id
and text. A share of items are exact duplicates (same doc id again) and syndicated near-copies (a new doc id,
the same story under another outlet's boilerplate), as a live feed has them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

WAVES = {
    "navalny-2021": ("Police detain protesters demanding Navalny's release",
                     "Supporters of jailed Kremlin critic Alexei Navalny rallied on January 23 to demand his release."),
    "anti-war-2022": ("Russians protest against the invasion of Ukraine",
                      "Protesters chanted 'No to war' after the invasion of Ukraine began on February 24."),
    "mobilisation-2022": ("Protests against Putin's partial mobilisation",
                          "Crowds opposed the partial mobilisation and the call-up of reservists announced on September 21."),
    "other": ("Khabarovsk marches for arrested governor Sergei Furgal",
              "Thousands marched in support of Sergei Furgal, as they have every weekend since July 2020."),
}
CITIES = ["Moscow", "Yekaterinburg", "Novosibirsk", "Kazan", "Omsk", "Tomsk", "Perm", "Ufa", "Samara", "Irkutsk",
          "Krasnoyarsk", "Vladivostok", "Voronezh", "Tyumen", "Barnaul", "Chelyabinsk"]
# (sentence template, qualifier, how the figure is written)
DETENTIONS = [
    ("Police detained {n} people in {city}, OVD-Info said.", "exact", "{n:,}"),
    ("More than {n} protesters were arrested in {city}.", "more_than", "{n:,}"),
    ("At least {n} people were detained in {city} on Sunday.", "at_least", "{n:,}"),
    ("Some {n} demonstrators were detained in {city}, local media reported.", "about", "{n:,}"),
    ("Up to {n} people may have been detained in {city}, activists said.", "up_to", "{n:,}"),
]
DECOYS = [
    "About {n} people gathered in {city}, according to local media.",
    "The rally in {city} lasted {small} hours.",
    "Protesters in {city} were fined {n} roubles each.",
    "{city}, a city of {big} people, saw one of its largest protests in years.",
]
BOILERPLATE = ["Share this article", "READ MORE: What we know so far", "Image credit: Getty Images", "Topics: Russia, World"]
OUTLETS = ["Daily Wire Service", "World Desk", "Evening Bulletin"]


def synth_item(rng: random.Random, doc_id: str) -> dict:
    wave = rng.choice(list(WAVES))
    headline, lede = WAVES[wave]
    city = "Khabarovsk" if wave == "other" else rng.choice(CITIES)
    template, qualifier, written = rng.choice(DETENTIONS)
    n = rng.randrange(5, 3000)
    decoy = rng.choice(DECOYS).format(n=rng.randrange(100, 20000), city=city, small=rng.randrange(2, 6),
                                      big=f"{rng.randrange(300, 1500)},000")
    lines = [headline, rng.choice(BOILERPLATE), lede, template.format(n=f"{n:,}", city=city), decoy, rng.choice(BOILERPLATE)]
    return {
        "doc_id": doc_id,
        "text": "\n\n".join(lines),
        "expected": {
            "wave": wave,
            "cities": [city],
            "detentions": [{"count": n, "qualifier": qualifier, "text": written.format(n=n), "place": city}],
        },
    }


def synth_archive(count: int, seed: int, duplicate_share: float = 0.05, syndicated_share: float = 0.05) -> list[dict]:
    rng = random.Random(seed)
    items: list[dict] = []
    while len(items) < count:
        roll = rng.random()
        if items and roll < duplicate_share:
            items.append(dict(rng.choice(items)))  # the same document delivered again
        elif items and roll < duplicate_share + syndicated_share:
            original = rng.choice(items)
            copy = dict(original, doc_id=f"synth-{seed}-{len(items):06d}")
            copy["text"] = f"{rng.choice(OUTLETS)}\n\n{original['text']}\n\nSource: {rng.choice(OUTLETS)}"
            items.append(copy)
        else:
            items.append(synth_item(rng, f"synth-{seed}-{len(items):06d}"))
    return items


def write_archive(items: list[dict], out: Path) -> None:
    out.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")
