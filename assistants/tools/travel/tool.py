"""여비 계산 as a tool: the model (or `/여비`) gives the trip's facts, the calculator gives the figures."""

from __future__ import annotations

from assistants.tools.travel.calculator import TravelArgs, TravelError, calculate
from assistants.tools.travel.settings import TravelSettings
from assistants.tools.travel.statement import XLSX, markdown, xlsx
from bot.conversation import FilePart
from bot.tools import Tool, ToolContext, ToolInputError, ToolResult


def travel_expenses(args: TravelArgs, context: ToolContext) -> ToolResult:
    settings = context.settings if isinstance(context.settings, TravelSettings) else TravelSettings()
    try:
        breakdown = calculate(args, settings)
    except TravelError as error:
        fields = ("trip_hours",) if "출장 시간" in str(error) else ("duration",)
        raise ToolInputError(str(error), fields) from None
    name = f"여비계산서_{args.start_date:%Y%m%d}_{''.join(args.destination.split())}.xlsx"
    statement = FilePart(name, XLSX, xlsx(breakdown, settings), title="여비 계산서")
    return ToolResult(markdown(breakdown, settings), (statement,))


TRAVEL_TOOL = Tool(
    name="travel_expenses",
    description=(
        "공무원 여비 규정에 따른 국내 출장 여비(운임·일비·식비·숙박비)를 정확히 계산하고 여비 계산서(XLSX)를 만든다. "
        "출장지, 출발일, 기간, 교통수단을 알면 호출한다. 운임·숙박비 실비를 모르면 비워 둔다. 금액을 직접 계산하지 말 것."
    ),
    description_en=(
        "Domestic official-trip expenses under the Public Officials Travel Expenses Regulation (fare, daily "
        "allowance, meals, lodging up to the regional cap), with a statement as XLSX."
    ),
    arguments=TravelArgs,
    run=travel_expenses,
    command="여비",
    aliases=("travel", "출장비"),
    ask=("start_date", "destination", "duration", "transport", "fare", "official_vehicle"),
    section="travel",
    settings_model=TravelSettings,
    labels={
        "출장지": "destination",
        "목적지": "destination",
        "출발일": "start_date",
        "날짜": "start_date",
        "기간": "duration",
        "교통": "transport",
        "교통수단": "transport",
        "운임": "fare",
        "관용차": "official_vehicle",
        "공용차량": "official_vehicle",
        "제공식사": "meals_provided",
        "숙박비": "lodging_cost",
        "친지숙박": "lodging_unpaid",
        "출장시간": "trip_hours",
    },
)
