"""Where a complaint is about: the location column when there is one, else a landmark or road address
found in the text. Used to see repeated reports at one place."""

from __future__ import annotations

import re

_LANDMARK = re.compile(
    r"([가-힣A-Za-z0-9]{1,12}(?:초등학교|중학교|고등학교|초교|(?<!구)역|공원|사거리|삼거리|오거리|교차로|아파트|시장|정류장|병원|도서관|주민센터|행정복지센터|구청|상가|광장|지하차도|육교|산책로|자전거길|골목|단지))"
    r"(?:\s?(?:정문|후문|앞|입구|출구|\d번\s?출구|맞은편|근처))?"
)
_ROAD = re.compile(r"([가-힣]{1,10}(?:대로|로|길))\s?(\d{1,4})(?:-\d{1,4})?")
_SPACES = re.compile(r"\s+")


def place_key(location: str, text: str) -> str:
    """A short, comparable name of the place ("한빛초등학교 정문", "한빛로 23"); "" when none is found."""
    for source in (location, text):
        if not source:
            continue
        road = _ROAD.search(source)
        landmark = _LANDMARK.search(source)
        if landmark and (not road or landmark.start() <= road.start()):
            return _SPACES.sub(" ", landmark.group(0)).strip()
        if road:
            return f"{road.group(1)} {road.group(2)}"
        if source is location:
            return _SPACES.sub(" ", location).strip()[:30]
    return ""
