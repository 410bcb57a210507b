"""식비 집계: cafeteria meal records from attached workbooks, totalled per person, department and month, with
duplicates, weekends, public holidays and over-limit amounts flagged. The numbers are computed, never guessed."""

from assistants.skills.meals.reading import MealBook, MealRecord, read_meal_workbook
from assistants.skills.meals.tool import MealArgs, MealReport, MealSettings, aggregate_meals, meal_tool

__all__ = [
    "MealArgs",
    "MealBook",
    "MealRecord",
    "MealReport",
    "MealSettings",
    "aggregate_meals",
    "meal_tool",
    "read_meal_workbook",
]
