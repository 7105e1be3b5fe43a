"""How well and how fast the text logic reads: scores on the corpora, ms per article, adversarial input."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from worker.feed import ArchivedDocument, read_archive
from worker.text.analyze import analyze

ROOT = Path(__file__).resolve().parents[2]


def bench_analyze(archive: Path, repeat: int, runs: int) -> None:
    """Median ms per article over the archive (the seeds by default) and over 2,000 synthetic items, one core."""
    from worker.synth import synth_archive

    synthetic = [ArchivedDocument(item["doc_id"], item["text"]) for item in synth_archive(2000, seed=7)]
    for label, documents, times in ((str(archive), read_archive(archive), repeat), ("synthetic items", synthetic, 1)):
        analyze(documents[0].text, documents[0].doc_id)  # load the gazetteer and compile patterns once
        per_article = []
        for _ in range(runs):
            started = time.perf_counter()
            for _ in range(times):
                for document in documents:
                    analyze(document.text, document.doc_id)
            per_article.append((time.perf_counter() - started) * 1000 / (times * len(documents)))
        print(f"analyze, {label}: {len(documents)} articles x {times}, {runs} runs: median "
              f"{statistics.median(per_article):.3f} ms/article (runs: {', '.join(f'{v:.3f}' for v in per_article)})")


def bench_analyze_process(archive: Path, runs: int, articles: int = 1000) -> None:
    """The performance issue's measure: whole `python -m worker analyze` processes, one over `articles` articles
    (the archive's, cycled) and one over a single article; per article = (the first - the second) / (articles - 1),
    start-up = the single-article process. Printing the Reports as JSON is part of the work."""
    import subprocess
    import sys
    import tempfile

    documents = read_archive(archive)
    with tempfile.TemporaryDirectory() as workdir:
        many, one = Path(workdir) / "many.jsonl", Path(workdir) / "one.jsonl"
        for path, chosen in ((many, [documents[n % len(documents)] for n in range(articles)]), (one, documents[:1])):
            path.write_text("".join(json.dumps({"doc_id": d.doc_id, "text": d.text}) + "\n" for d in chosen), encoding="utf-8")
        seconds: dict[Path, list[float]] = {many: [], one: []}
        for _ in range(runs):
            for path in (many, one):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "worker", "analyze", str(path)], stdout=subprocess.DEVNULL, check=True)
                seconds[path].append(time.perf_counter() - started)
    per_article = [(m - o) * 1000 / (articles - 1) for m, o in zip(seconds[many], seconds[one])]
    print(f"analyze, whole process, {archive}: {articles} articles against 1, {runs} runs: median "
          f"{statistics.median(per_article):.3f} ms/article (runs: {', '.join(f'{v:.3f}' for v in per_article)}); "
          f"start-up (one article) median {statistics.median(seconds[one]):.2f} s")


#: Inputs that would expose catastrophic backtracking or quadratic work, repeated to any size.
ADVERSARIAL_INPUTS = {
    "archive": "\n".join(p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))),
    "figures": "1, ",
    "qualifiers": "more than at least ",
    "detentions": "Police detained 1,474 people in Moscow and 300 in St Petersburg, OVD-Info said. ",
    "digits": "9",
    "no spaces": "a",
    "dots": ". ",
    "cities": "Moscow St Petersburg ",
    "thousands": "100 000 ",
}


def bench_adversarial(size: int, runs: int) -> None:
    for name, unit in ADVERSARIAL_INPUTS.items():
        text = (unit * (size // len(unit) + 1))[:size]
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            analyze(text, name)
            seconds.append(time.perf_counter() - started)
        print(f"{name:>12}: {size / 1e6:.1f} MB in median {statistics.median(seconds):.3f} s ({runs} runs)")


#: Where the development corpus sits beside a checkout (CI always has it; a user's clone may not).
DEVCORPUS = ROOT.parent / "shared" / "devcorpus"


def score_corpus(folder: Path, scorer: Path | None = None) -> str:
    """Run analyze over FOLDER/articles, score it with the corpus's own score.py against FOLDER/gold.jsonl and
    return the scorer's output (its last line is the summary)."""
    import subprocess
    import sys
    import tempfile

    scorer = scorer or (folder / "score.py")
    with tempfile.TemporaryDirectory() as workdir:
        reports = Path(workdir) / "reports.jsonl"
        with reports.open("w", encoding="utf-8") as out:
            for document in read_archive(folder / "articles"):
                out.write(analyze(document.text, document.doc_id).model_dump_json() + "\n")
        result = subprocess.run([sys.executable, str(scorer), str(folder / "gold.jsonl"), str(folder / "articles"),
                                 str(reports), "--verbose"], capture_output=True, text=True, check=True)
    return result.stdout


def parse_summary(output: str) -> dict[str, float]:
    """'SUMMARY wave=0.92 recall=0.49 ...' -> {'wave': 0.92, 'recall': 0.49, ...}."""
    summary = next(line for line in output.splitlines() if line.startswith("SUMMARY"))
    return {key: float(value) for key, value in (item.split("=") for item in summary.split()[1:])}


def claim_key(claim: dict, strict: bool) -> tuple:
    return (claim["count"], claim["place"], claim["qualifier"]) if strict else (claim["count"], claim["place"])


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, label: str, expected: list[tuple], predicted: list[tuple]) -> None:
        remaining = list(predicted)
        for item in expected:
            if item in remaining:
                remaining.remove(item)
                self.true_positives += 1
            else:
                self.misses.append(f"{label}: missed {item}")
        self.misses.extend(f"{label}: extra {item}" for item in remaining)
        self.predicted += len(predicted)
        self.expected += len(expected)

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_devset(folder: Path) -> dict[str, float]:
    sentences = [json.loads(line) for line in (folder / "sentences.jsonl").read_text().splitlines() if line.strip()]
    articles = [json.loads(line) for line in (folder / "articles.jsonl").read_text().splitlines() if line.strip()]
    sentence_claims, sentence_strict = Score(), Score()
    for number, case in enumerate(sentences):
        report = analyze(case["text"], f"s{number}")
        got = [c.model_dump() for c in report.detentions]
        sentence_claims.add(f"s{number}", [claim_key(c, False) for c in case["claims"]], [claim_key(c, False) for c in got])
        sentence_strict.add(f"s{number}", [claim_key(c, True) for c in case["claims"]], [claim_key(c, True) for c in got])
    waves_right = 0
    article_claims, cities = Score(), Score()
    for article in articles:
        report = analyze(article["text"], article["id"])
        waves_right += report.wave == article["wave"]
        if report.wave != article["wave"]:
            cities.misses.append(f"{article['id']}: wave {report.wave} != {article['wave']}")
        got = [c.model_dump() for c in report.detentions]
        article_claims.add(article["id"], [claim_key(c, True) for c in article["claims"]], [claim_key(c, True) for c in got])
        cities.add(article["id"], sorted(article["cities"]), sorted(c.name for c in report.cities))
    figures = {
        "sentence_cases": len(sentences),
        "sentence_recall": sentence_claims.recall,
        "sentence_precision": sentence_claims.precision,
        "sentence_strict_recall": sentence_strict.recall,
        "articles": len(articles),
        "wave_accuracy": waves_right / len(articles),
        "article_detention_recall": article_claims.recall,
        "article_detention_precision": article_claims.precision,
        "city_f1": cities.f1,
    }
    for name, value in figures.items():
        print(f"{name:>28}: {value:.3f}" if isinstance(value, float) else f"{name:>28}: {value}")
    for miss in sentence_strict.misses + article_claims.misses + cities.misses:
        print(f"  {miss}")
    return figures
