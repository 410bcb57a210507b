"""The arithmetic of a domestic official trip (공무원 여비 규정 제9조~제18조), pure and exact.

Every figure an official signs comes from here, never from a model: the model (or the `/여비` dialogue) only fills
in `TravelArgs`. Amounts are whole won; a fraction of a won is cut off (원 미만 절사), as 여비 is paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from assistants.tools.travel import parsing
from assistants.tools.travel.settings import TravelSettings


def _today(info: ValidationInfo) -> date:
    context = info.context or {}
    today = context.get("today")
    return today if isinstance(today, date) else date.today()


def _date(value: Any, info: ValidationInfo) -> date:
    return parsing.parse_date(value, _today(info))


class Duration(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nights: int = Field(ge=0, le=60, description="숙박하는 밤의 수")
    days: int = Field(ge=1, le=61, description="여행 일수")

    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, Duration):
            return value
        nights, days = parsing.parse_duration(value)
        return {"nights": nights, "days": days}


def _duration(value: Any) -> Any:
    return Duration._from_text(value)


class TravelArgs(BaseModel):
    """One trip, as the official describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    destination: str = Field(min_length=1, max_length=60, description="출장지 시·군 (예: 세종특별자치시, 부산광역시)")
    start_date: Annotated[date, BeforeValidator(_date)] = Field(description="출발일 (YYYY-MM-DD)")
    duration: Annotated[Duration, BeforeValidator(_duration)] = Field(
        description="기간: 숙박 수와 여행 일수 (1박 2일이면 nights=1, days=2)"
    )
    transport: Annotated[str, BeforeValidator(parsing.parse_transport)] = Field(
        description="교통수단: rail(KTX·SRT 일반실 등 철도), bus, air, ship, car(자가용), official(공용차량)",
        json_schema_extra={"enum": list(parsing.TRANSPORT_LABELS)},
    )
    transport_class: str = Field("", max_length=40, description="등급·차종 그대로 (예: KTX 일반실)")
    fare: Annotated[int | None, BeforeValidator(parsing.parse_won)] = Field(
        None, description="왕복 운임 실비(원). 모르면 비워 둠"
    )
    official_vehicle: Annotated[bool, BeforeValidator(parsing.parse_yes_no)] = Field(
        False, description="공용차량(관용차)을 이용하는지"
    )
    meals_provided: Annotated[int, BeforeValidator(parsing.parse_count)] = Field(
        0, ge=0, description="출장 중 제공받은 식사 수(끼)"
    )
    lodging_cost: Annotated[int | None, BeforeValidator(parsing.parse_won)] = Field(
        None, description="1박당 실제 숙박비(원). 모르면 비워 둠: 상한액으로 계산"
    )
    lodging_unpaid: Annotated[bool, BeforeValidator(parsing.parse_yes_no)] = Field(
        False, description="숙박비를 쓰지 않았는지(친지 집 등)"
    )
    trip_hours: Annotated[float | None, BeforeValidator(parsing.parse_hours)] = Field(
        None, description="근무지 내 출장의 출장 시간(시간)"
    )

    @model_validator(mode="before")
    @classmethod
    def _class_from_transport(cls, data: Any) -> Any:
        """ "KTX 일반실" as the transport keeps its words as the class, so a typed answer and a model's
        (transport=rail, transport_class="KTX 일반실") give the same statement."""
        if isinstance(data, dict) and not data.get("transport_class"):
            transport = str(data.get("transport", "")).strip()
            if transport and transport.casefold() not in parsing.TRANSPORT_LABELS:
                data = {**data, "transport_class": transport}
        return data

    @field_validator("destination")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the breakdown: a day (or the whole trip, day None), an item, how it was reckoned, the amount."""

    day: date | None
    item: str
    basis: str
    amount: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    args: TravelArgs
    in_area: bool
    region: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def won(amount: int) -> str:
    return f"{amount:,}원"


def normalise_place(text: str) -> str:
    return "".join(text.split())


def in_work_area(destination: str, settings: TravelSettings) -> bool:
    place = normalise_place(destination)
    return any(place.startswith(normalise_place(area)) for area in settings.work_area if area.strip())


def lodging_cap(destination: str, settings: TravelSettings) -> tuple[str, int]:
    """(region name, 1박 상한액) for the destination; '그 밖의 지역' when no listed place matches."""
    place = normalise_place(destination)
    for cap in settings.lodging_caps:
        if any(place.startswith(normalise_place(x)) for x in cap.excludes):
            continue
        if any(place.startswith(normalise_place(p)) for p in cap.places):
            return cap.region, cap.cap
    return "그 밖의 지역", settings.lodging_cap_other


class TravelError(ValueError):
    """The facts do not make a trip that can be calculated (say what is missing)."""


def calculate(args: TravelArgs, settings: TravelSettings) -> Breakdown:
    """The breakdown per day and item. In the work area (제18조): a flat amount by hours; elsewhere (제16조):
    일비 and 식비 per day, 숙박비 per night up to the region's cap, the fare as paid (제15조: none by 공용차량)."""
    if args.duration.days != args.duration.nights + 1 and args.duration.days != args.duration.nights:
        raise TravelError(f"{args.duration.nights}박 {args.duration.days}일은 맞지 않는 기간입니다 (예: 1박 2일)")
    days = [args.start_date + timedelta(days=i) for i in range(args.duration.days)]
    vehicle = args.official_vehicle or args.transport == "official"
    if in_work_area(args.destination, settings):
        return _in_area(args, settings, days, vehicle)
    region, cap = lodging_cap(args.destination, settings)
    lines: list[Line] = []
    notes: list[str] = []
    transport: list[Line] = []
    label = parsing.TRANSPORT_LABELS[args.transport] + (f" ({args.transport_class})" if args.transport_class else "")
    if vehicle:
        transport.append(Line(days[0], "운임", "공용차량 이용: 운임 없음 (제15조)", 0))
    elif args.fare is None:
        transport.append(Line(days[0], "운임", f"{label}: 실비 (금액 미입력, 영수증 금액으로 정산)", 0))
        notes.append("운임은 실제 낸 금액을 알려 주시면 합계에 넣어 드립니다.")
    else:
        transport.append(Line(days[0], "운임", f"{label}: 실비 (왕복)", args.fare))
    lines.extend(transport)  # the fare first: paid once for the journey, on the first day
    allowance = settings.daily_allowance
    if vehicle:
        allowance = int(settings.daily_allowance * settings.official_vehicle_allowance_ratio)
    for index, day in enumerate(days):
        basis = f"{won(settings.daily_allowance)}"
        if vehicle:
            basis += f" × {settings.official_vehicle_allowance_ratio:g} (공용차량 이용, 제16조②)"
        lines.append(Line(day, "일비", basis, allowance))
        lines.append(Line(day, "식비", won(settings.meals_per_day), settings.meals_per_day))
        if index < args.duration.nights:
            lines.append(_lodging(day, args, settings, region, cap, notes))
    if args.meals_provided:
        meals = min(args.meals_provided, 3 * len(days))
        deduction = settings.meals_per_day * meals // 3
        basis = f"{won(settings.meals_per_day)} × {meals}/3 (제공받은 식사 {meals}끼)"
        lines.append(Line(None, "식비 감액", basis, -deduction))
    return Breakdown(args, False, region, tuple(lines), tuple(notes))


def _lodging(day: date, args: TravelArgs, settings: TravelSettings, region: str, cap: int, notes: list[str]) -> Line:
    if args.lodging_unpaid:
        return Line(day, "숙박비", "숙박비를 쓰지 않음 (친지 집 등)", settings.lodging_unpaid_per_night)
    if args.lodging_cost is None:
        if not notes or "숙박비" not in notes[-1]:
            notes.append("숙박비는 상한액으로 계산했습니다: 실제 숙박비가 적으면 실비로 정산합니다.")
        return Line(day, "숙박비", f"상한액 ({region}) — 실비 정산", cap)
    paid = min(args.lodging_cost, cap)
    basis = f"실비 {won(args.lodging_cost)}" + (f", 상한액 {won(cap)} ({region})" if args.lodging_cost > cap else "")
    return Line(day, "숙박비", basis, paid)


def _in_area(args: TravelArgs, settings: TravelSettings, days: list[date], vehicle: bool) -> Breakdown:
    if args.trip_hours is None:
        raise TravelError("근무지 내 출장입니다: 출장 시간이 4시간 이상인지 미만인지 알려 주세요 (예: 3시간)")
    over = args.trip_hours >= 4
    amount = settings.in_area_over_4h if over else settings.in_area_under_4h
    basis = f"근무지 내 출장 {'4시간 이상' if over else '4시간 미만'} (제18조①)"
    lines: list[Line] = []
    for day in days:
        lines.append(Line(day, "근무지 내 출장비", basis, amount))
        if vehicle:
            deduction = min(amount, settings.in_area_official_vehicle_deduction)
            lines.append(Line(day, "공용차량 감액", "공용차량 이용 (제18조① 단서)", -deduction))
    return Breakdown(args, True, "근무지 내", tuple(lines), ())
