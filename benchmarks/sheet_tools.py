"""How long the meal-cost and committee tools take on large workbooks: reading (in-process here; the server runs the
same function in a document worker) and computing the result with its XLSX.

Rerun: .venv/bin/python benchmarks/sheet_tools.py [rows ...]   (default 1000 10000 50000)
"""

from __future__ import annotations

import io
import random
import sys
import time
from datetime import date, timedelta

import openpyxl

from assistants.skills.committees import CommitteeArgs, CommitteeSettings, committee_tool, read_committee_workbook
from assistants.skills.meals import MealArgs, MealSettings, meal_tool, read_meal_workbook
from bot.documents import DocumentLimits

SURNAMES, GIVEN = "김이박최정강조윤장임", ["민수", "영희", "철호", "지현", "서연", "준호", "혜진", "동길"]


def meals_book(rows: int, rng: random.Random) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026년 구내식당 식비 내역"])
    sheet.append(["성명", "부서", "일자", "구분", "금액"])
    for _ in range(rows):
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        sheet.append(
            [name, f"{rng.randrange(30)}과", day, rng.choice(["중식", "석식"]), rng.choice([7000, 8000, 9000])]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def committee_book(rows: int, rng: random.Random) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["위원회", "성명", "생년월일", "소속"])
    for _ in range(rows):
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(15000))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        sheet.append([f"{rng.randrange(200)}위원회", name + " 위원", f"{born:%Y.%m.%d}", f"{rng.randrange(50)}대학교"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main(sizes: list[int]) -> None:
    rng, limits = random.Random(7), DocumentLimits()
    print(f"{'tool':<10} {'rows':>7} {'file KB':>8} {'read s':>7} {'compute s':>9}")
    for rows in sizes:
        data = meals_book(rows, rng)
        book, read = timed(read_meal_workbook, "식비.xlsx", data, 1_000_000, limits)
        _, compute = timed(meal_tool, MealArgs(), [book], MealSettings())
        print(f"{'식비':<10} {rows:>7} {len(data) // 1024:>8} {read:>7.2f} {compute:>9.2f}")
        data = committee_book(rows, rng)
        members, read = timed(read_committee_workbook, "명단.xlsx", data, 1_000_000, limits)
        _, compute = timed(committee_tool, CommitteeArgs(), [members], CommitteeSettings())
        print(f"{'위원회':<10} {rows:>7} {len(data) // 1024:>8} {read:>7.2f} {compute:>9.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000])
