"""여비 계산 on hand-checked trips: each expected figure is worked out in the docstring from the 별표 2 제2호 rates
(일비 25,000원/일, 식비 25,000원/일, 숙박비 상한 서울 100,000 · 광역시 80,000 · 그 밖 70,000원/박) and 제16조·제18조."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from assistants.tools.registry import TOOLS, tool_map
from assistants.tools.travel import parsing
from assistants.tools.travel.calculator import TravelArgs, calculate, lodging_cap
from assistants.tools.travel.settings import TravelSettings
from assistants.tools.travel.tool import TRAVEL_TOOL
from bot.tools import ToolContext, ToolInputError

TODAY = date(2026, 11, 30)  # a Monday
RATES = TravelSettings(work_area=["서울"])


def trip(**facts) -> TravelArgs:
    return TravelArgs.model_validate(facts, context={"today": TODAY})


def amounts(breakdown) -> list[tuple[str, int]]:
    return [(line.item, line.amount) for line in breakdown.lines]


def test_sejong_one_night_by_ktx_without_a_fare() -> None:
    """세종 1박 2일, KTX 일반실, 관용차 없음, 운임 미입력.
    세종특별자치시는 특별시·광역시가 아니므로 숙박비 상한은 그 밖의 지역 70,000원.
    1일차: 일비 25,000 + 식비 25,000 + 숙박비 70,000; 2일차: 일비 25,000 + 식비 25,000; 운임 0(실비, 미입력).
    합계 = 50,000 + 50,000 + 70,000 = 170,000원."""
    result = calculate(
        trip(destination="세종시", start_date="2026-12-08", duration="1박 2일", transport="KTX 일반실"), RATES
    )
    assert amounts(result) == [
        ("운임", 0),
        ("일비", 25_000),
        ("식비", 25_000),
        ("숙박비", 70_000),
        ("일비", 25_000),
        ("식비", 25_000),
    ]
    assert result.total == 170_000
    assert result.region == "그 밖의 지역"
    assert [line.day for line in result.lines][:5] == [date(2026, 12, 8)] * 4 + [date(2026, 12, 9)]
    assert any("운임" in note for note in result.notes)


def test_busan_two_nights_with_fare_lodging_over_the_cap_and_two_provided_meals() -> None:
    """부산 2박 3일, 철도 왕복 119,600원, 1박 실제 90,000원(광역시 상한 80,000원 초과), 식사 2끼 제공.
    일비 25,000×3 = 75,000; 식비 25,000×3 = 75,000; 숙박비 min(90,000, 80,000)×2 = 160,000;
    식비 감액 25,000×2/3 = 16,666.67 → 원 미만 절사 16,666; 운임 119,600.
    합계 = 75,000 + 75,000 + 160,000 − 16,666 + 119,600 = 412,934원."""
    result = calculate(
        trip(
            destination="부산광역시 해운대구",
            start_date="2026-12-01",
            duration="2박3일",
            transport="rail",
            fare="119,600원",
            lodging_cost=90_000,
            meals_provided="2끼",
        ),
        RATES,
    )
    assert [a for item, a in amounts(result) if item == "숙박비"] == [80_000, 80_000]
    assert ("식비 감액", -16_666) in amounts(result)
    assert ("운임", 119_600) in amounts(result)
    assert result.total == 412_934


def test_official_vehicle_halves_the_daily_allowance_and_pays_no_fare() -> None:
    """대전 당일, 공용차량: 일비 25,000 × 1/2 = 12,500 (제16조②), 식비 25,000, 운임 없음 (제15조).
    합계 = 12,500 + 25,000 = 37,500원."""
    result = calculate(trip(destination="대전", start_date="2026-12-02", duration="당일", transport="관용차"), RATES)
    assert amounts(result) == [("운임", 0), ("일비", 12_500), ("식비", 25_000)]
    assert result.total == 37_500


def test_seoul_lodging_below_the_cap_is_paid_as_spent_and_a_night_with_relatives_is_flat() -> None:
    """부산 1박(실제 65,000원 < 상한 80,000원): 숙박비 65,000. 같은 여행을 친지 집에서: 숙박비 20,000.
    버스 왕복 46,000원. 합계 = 50,000 + 50,000 + 65,000 + 46,000 = 211,000; 친지 집이면 50,000+50,000+20,000+46,000
    = 166,000원."""
    facts = dict(destination="부산", start_date="2026-12-03", duration="1박 2일", transport="고속버스", fare=46_000)
    assert calculate(trip(**facts, lodging_cost="65,000원"), RATES).total == 211_000
    assert calculate(trip(**facts, lodging_unpaid="예"), RATES).total == 166_000


def test_trips_inside_the_work_area_are_paid_by_hours() -> None:
    """근무지(서울) 내 출장(제18조①): 5시간 → 20,000원; 3시간 → 10,000원; 3시간 + 공용차량 → 10,000 − 10,000 = 0원."""
    base = dict(destination="서울 중구", start_date="2026-12-04", duration="당일", transport="bus")
    assert calculate(trip(**base, trip_hours="5시간"), RATES).total == 20_000
    assert calculate(trip(**base, trip_hours=3), RATES).total == 10_000
    assert calculate(trip(**base, trip_hours=3, official_vehicle=True), RATES).total == 0


def test_an_in_area_trip_without_hours_asks_for_them() -> None:
    context = ToolContext(RATES, TODAY)
    args = trip(destination="서울", start_date="2026-12-04", duration="당일", transport="bus")
    with pytest.raises(ToolInputError) as raised:
        TRAVEL_TOOL.run(args, context)
    assert raised.value.fields == ("trip_hours",)


def test_lodging_caps_tell_gwangju_metropolitan_city_from_gyeonggi_gwangju() -> None:
    """광주광역시 → 광역시 80,000원; 경기도 광주시 → 그 밖의 지역 70,000원; 서울 → 100,000원."""
    assert lodging_cap("광주광역시 북구", RATES) == ("광역시", 80_000)
    assert lodging_cap("광주 서구", RATES) == ("광역시", 80_000)
    assert lodging_cap("경기도 광주시", RATES) == ("그 밖의 지역", 70_000)
    assert lodging_cap("광주시", RATES) == ("그 밖의 지역", 70_000)
    assert lodging_cap("서울특별시", RATES) == ("서울특별시", 100_000)


def test_relative_dates_and_durations_read_as_officials_write_them() -> None:
    """2026-11-30은 월요일: 다음 주 화요일 = 12-08, 이번 주 금요일 = 12-04, 화요일 = 12-01, 내일 = 12-01."""
    assert parsing.parse_date("다음 주 화요일", TODAY) == date(2026, 12, 8)
    assert parsing.parse_date("이번 주 금요일", TODAY) == date(2026, 12, 4)
    assert parsing.parse_date("화요일", TODAY) == date(2026, 12, 1)
    assert parsing.parse_date("내일", TODAY) == date(2026, 12, 1)
    assert parsing.parse_date("12월 8일", TODAY) == date(2026, 12, 8)
    assert parsing.parse_duration("1박 2일") == (1, 2)
    assert parsing.parse_duration("당일") == (0, 1)
    assert parsing.parse_won("2만 3,700원") == 23_700
    assert parsing.parse_won("모름") is None
    assert parsing.parse_transport("KTX 일반실") == "rail"
    assert parsing.parse_yes_no("없음") is False


@given(st.integers(min_value=0, max_value=10**9))
def test_any_amount_written_with_commas_reads_back(amount: int) -> None:
    assert parsing.parse_won(f"{amount:,}원") == amount
    assert parsing.parse_won(str(amount)) == amount


@given(st.text(max_size=30))
def test_a_date_parser_never_fails_other_than_with_a_message(text: str) -> None:
    try:
        parsing.parse_date(text, TODAY)
    except ValueError as error:
        assert str(error)


def test_bad_facts_come_back_as_one_readable_message() -> None:
    with pytest.raises(ToolInputError) as raised:
        TRAVEL_TOOL.parse({"destination": "세종", "start_date": "언젠가", "duration": "1박 2일"}, TODAY)
    assert "출발일" in raised.value.message and "교통수단" in raised.value.message
    assert set(raised.value.fields) == {"start_date", "transport"}


def test_the_statement_is_an_xlsx_with_every_row_and_the_total() -> None:
    result = TRAVEL_TOOL.run(
        trip(destination="세종시", start_date="2026-12-08", duration="1박 2일", transport="KTX 일반실"),
        ToolContext(RATES, TODAY),
    )
    (statement,) = result.files
    sheet = load_workbook(io.BytesIO(statement.data)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert ("", "합계", "", 170_000) in [tuple("" if v is None else v for v in row[:4]) for row in values]
    assert sum(1 for row in values if row[1] in {"일비", "식비", "숙박비", "운임"}) == 6
    assert "| | **합계** | | **170,000원** |" in result.text


def test_the_registry_offers_each_tool_once_with_its_schema() -> None:
    tools = tool_map(TOOLS)
    schema = tools["travel_expenses"].definition().parameters
    assert set(schema["required"]) == {"destination", "start_date", "duration", "transport"}  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        tool_map((TRAVEL_TOOL, TRAVEL_TOOL))
