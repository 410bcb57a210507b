"""여비 계산: domestic official-trip expenses under 공무원 여비 규정 (rates from app.yaml `travel`)."""
