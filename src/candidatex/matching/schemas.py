from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

YesNo = Literal["yes", "no", "prefer_not_to_say"]
AgeBand = Literal["under_25", "25_34", "35_44", "45_54", "55_64", "65_plus", "prefer_not_to_say"]


def _label(value: str | None) -> str | None:
    """Self-described groups are compared case- and spacing-insensitively."""
    if value is None:
        return None
    cleaned = " ".join(value.split()).lower()
    if cleaned in {"prefer not to say", "prefer_not_to_say"}:
        return "prefer_not_to_say"
    return cleaned or None


class DemographicsIn(BaseModel):
    """Voluntary. Never used in scoring; read only, in aggregate, by the fairness audit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    gender: str | None = Field(default=None, max_length=50)
    ethnicity: str | None = Field(default=None, max_length=80)
    age_band: AgeBand | None = None
    disability: YesNo | None = None
    veteran: YesNo | None = None

    @field_validator("gender", "ethnicity")
    @classmethod
    def label(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[\w .,'()/&+-]*", value):
            raise ValueError("letters, digits, spaces and simple punctuation only")
        return _label(value)


class DemographicsOut(BaseModel):
    gender: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None
    disability: str | None = None
    veteran: str | None = None
    updated_at: datetime | None = None


class RankingOut(BaseModel):
    job_id: str
    status: Literal["ready", "pending"]
    computed_at: datetime | None
    applicants: int
    weights: dict[str, float]
    items: list[dict[str, Any]]
    unscored: list[dict[str, Any]]


class RecommendationsOut(BaseModel):
    resume_id: str
    status: Literal["ready", "pending"]
    computed_at: datetime | None
    items: list[dict[str, Any]]


class FairnessOut(BaseModel):
    job_id: str
    shortlist: str
    pool_size: int
    selected: int
    attribute: str
    groups: dict[str, dict[str, Any]]
    disparate_impact_ratio: float | None
    four_fifths_pass: bool | None
    demographic_parity_difference: float | None
    highest_rate_group: str | None
    lowest_rate_group: str | None
    excluded_without_data: int
    small_groups: list[str]
    warning: str | None
