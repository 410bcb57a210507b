"""app.yaml `travel`: the rates of 공무원 여비 규정 [별표 2] (국내 여비 지급표, 제2호) and the office's work area.

The defaults are the table as published with the amendment of 2023-03-02 (대통령령 제33312호), read from public
copies of the 별표 (the shared statute text holds the articles, not the tables): the finance office must check them
against the current 별표 on law.go.kr and override them here; `source` and `table_date` say where they came from.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

SOURCE = "공무원 여비 규정 [별표 2] 국내 여비 지급표 제2호 (개정 2023. 3. 2., 대통령령 제33312호) — law.go.kr"


class LodgingCap(BaseModel):
    """A lodging cap (1박당 상한액) for the places that start with one of `places` (spacing ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = Field(min_length=1)
    places: list[str] = Field(min_length=1)
    excludes: list[str] = Field(default_factory=list, description="places that look alike but are not (경기 광주시)")
    cap: int = Field(ge=0)


def _default_caps() -> list[LodgingCap]:
    return [
        LodgingCap(region="서울특별시", places=["서울"], cap=100_000),
        LodgingCap(
            region="광역시",
            places=["부산", "대구", "인천", "광주", "대전", "울산"],
            excludes=["광주시", "경기"],  # 경기도 광주시 is not 광주광역시
            cap=80_000,
        ),
    ]


class TravelSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = SOURCE
    table_date: date = date(2023, 3, 2)
    grade: str = "제2호"
    daily_allowance: int = Field(25_000, ge=0, description="일비, 1일당")
    meals_per_day: int = Field(25_000, ge=0, description="식비, 1일당 (세 끼)")
    lodging_caps: list[LodgingCap] = Field(default_factory=_default_caps)
    lodging_cap_other: int = Field(70_000, ge=0, description="그 밖의 지역 (세종특별자치시, 제주특별자치도 포함)")
    lodging_unpaid_per_night: int = Field(20_000, ge=0, description="숙박비를 쓰지 않은 밤(친지 집 등)")
    official_vehicle_allowance_ratio: float = Field(0.5, ge=0, le=1, description="공용차량 이용 시 일비 비율(제16조②)")
    in_area_over_4h: int = Field(20_000, ge=0, description="근무지 내 출장 4시간 이상(제18조①)")
    in_area_under_4h: int = Field(10_000, ge=0, description="근무지 내 출장 4시간 미만")
    in_area_official_vehicle_deduction: int = Field(10_000, ge=0, description="근무지 내 출장 공용차량 감액")
    work_area: list[str] = Field(default_factory=list, description="근무지(같은 시·군): 이곳 출장은 근무지 내 출장")
