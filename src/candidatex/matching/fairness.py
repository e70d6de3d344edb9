"""Fairness audit of a job's shortlist against voluntarily disclosed demographic data.

Demographic data is optional and is never an input to scoring; it is only read here, after the fact,
to check whether the shortlist selects some groups at much lower rates than others.

- selection rate of a group = shortlisted members / members
- disparate-impact ratio = lowest group rate / highest group rate; the "four-fifths rule" (US EEOC
  Uniform Guidelines) treats a ratio below 0.8 as evidence of adverse impact
- demographic parity difference = highest rate - lowest rate

Candidates who did not disclose (None, empty, or a "prefer not to say" answer) are left out of the
groups and counted in ``excluded_without_data``. Groups smaller than ``min_group_size`` are still
reported but flagged, because a rate over three people swings wildly.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

FOUR_FIFTHS = 0.8
DEFAULT_MIN_GROUP_SIZE = 5
UNDISCLOSED = frozenset({"", "prefer not to say", "prefer_not_to_say", "declined", "undisclosed", "unknown"})


@dataclass(frozen=True, slots=True)
class GroupStats:
    selected: int
    total: int
    selection_rate: float
    small_sample: bool


@dataclass(frozen=True, slots=True)
class FairnessReport:
    attribute: str
    groups: dict[str, GroupStats]
    disparate_impact_ratio: float | None  # None when fewer than two groups or nobody was selected
    four_fifths_pass: bool | None
    demographic_parity_difference: float | None
    highest_rate_group: str | None
    lowest_rate_group: str | None
    excluded_without_data: int
    small_groups: list[str] = field(default_factory=list)
    warning: str | None = None


def fairness_audit(
    shortlisted: Iterable[Hashable],
    candidates: Iterable[tuple[Hashable, str | None]],
    attribute: str,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> FairnessReport:
    """Audit one shortlist. ``candidates`` holds every applicant considered: (id, group or None)."""
    selected_ids = set(shortlisted)
    counts: dict[str, list[int]] = {}  # group -> [selected, total]
    excluded = 0
    for candidate_id, group in candidates:
        label = group.strip() if isinstance(group, str) else None
        if not label or label.casefold() in UNDISCLOSED:
            excluded += 1
            continue
        tally = counts.setdefault(label, [0, 0])
        tally[1] += 1
        tally[0] += candidate_id in selected_ids
    groups = {
        name: GroupStats(selected, total, round(selected / total, 4), total < min_group_size)
        for name, (selected, total) in sorted(counts.items())
    }
    small = [name for name, stats in groups.items() if stats.small_sample]

    ratio = parity = None
    highest = lowest = None
    if len(groups) >= 2:
        highest = max(groups, key=lambda name: groups[name].selection_rate)
        lowest = min(groups, key=lambda name: groups[name].selection_rate)
        top, bottom = groups[highest].selection_rate, groups[lowest].selection_rate
        parity = round(top - bottom, 4)
        if top > 0:
            ratio = round(bottom / top, 4)
    passes = None if ratio is None else ratio >= FOUR_FIFTHS

    warnings = []
    if passes is False:
        warnings.append(
            f"Possible adverse impact by {attribute}: group '{lowest}' is selected at "
            f"{groups[lowest].selection_rate:.0%} against {groups[highest].selection_rate:.0%} for '{highest}' "
            f"(ratio {ratio:.2f}, below the four-fifths threshold of {FOUR_FIFTHS})."
        )
    if small:
        warnings.append(
            f"Too few candidates to judge reliably in {', '.join(small)} (fewer than {min_group_size} each)."
        )
    if len(groups) < 2:
        warnings.append(f"Fewer than two groups disclosed {attribute}; no comparison is possible.")
    return FairnessReport(
        attribute=attribute,
        groups=groups,
        disparate_impact_ratio=ratio,
        four_fifths_pass=passes,
        demographic_parity_difference=parity,
        highest_rate_group=highest,
        lowest_rate_group=lowest,
        excluded_without_data=excluded,
        small_groups=small,
        warning=" ".join(warnings) or None,
    )
