"""The complaint-triage skill's own settings: app.yaml's `complaints:` section.

Declared here, next to the code that uses them; assistants/skills/registry.py adds the section to app.yaml's
model, so `govbot check-config` reports a wrong value with its YAML path (e.g. `complaints.levels`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.i18n import LocalizedValueError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriorityWeights(Strict):
    """Points each signal adds to a complaint's priority score (defaults sum to 100)."""

    safety: float = Field(40, ge=0, le=100, description="사고·부상·화재·붕괴·침수, 어린이·노인·장애인, 스쿨존")
    urgency: float = Field(15, ge=0, le=100, description="긴급·당장·즉시 같은 표현")
    repetition: float = Field(15, ge=0, le=100, description="같은 민원의 반복 접수, 묶음 크기")
    location: float = Field(10, ge=0, le=100, description="같은 장소에 몰린 신고")
    recency: float = Field(5, ge=0, le=100, description="최근 접수")
    deadline: float = Field(10, ge=0, le=100, description="법정 처리기한 임박·경과")
    tone: float = Field(5, ge=0, le=100, description="강한 불만 표현")


class PriorityLevels(Strict):
    """Lowest score of each level; below `normal` is 낮음."""

    urgent: float = Field(60, ge=0, le=100)
    high: float = Field(33, ge=0, le=100)
    normal: float = Field(13, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> PriorityLevels:
        if not self.urgent >= self.high >= self.normal:
            raise LocalizedValueError("config_levels_order")
        return self


class ComplaintSettings(Strict):
    """app.yaml `complaints:` (issue 7): synonyms, priority weights and levels, with defaults an office can tune."""

    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    weights: PriorityWeights = PriorityWeights()
    levels: PriorityLevels = PriorityLevels()
    handling_days: int = Field(7, ge=1, le=90, description="법정 처리기간(근무일): 고충민원 7일")
    model_clusters: int = Field(12, ge=0, le=50, description="모델이 제목·요약·담당 부서를 다는 최대 묶음 수")
    model_levels: bool = Field(
        False,
        description="모델 연결 시 민원을 기준표로 다시 읽어 긴급도와 한 줄 이유를 받음(실패하면 오프라인 등급 유지)",
    )
    model_levels_confirm_over: int = Field(
        200, ge=0, description="이보다 많은 민원(사본 제외)은 호출 수와 토큰을 보여 주고 확인을 받은 뒤 읽음"
    )
    max_rows: int = Field(
        20_000, ge=1, le=1_000_000, description="채팅에서 한 번에 분석하는 최대 행 수(명령줄은 --max-rows로 조정)"
    )
