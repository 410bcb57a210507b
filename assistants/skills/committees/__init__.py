"""위원회 중복 위촉 점검: member lists of several committees (files or sheets), the same person found across them
by name plus birth date or affiliation, and everyone on more committees than the ordinance allows."""

from assistants.skills.committees.matching import Person, match_people, normalise_name
from assistants.skills.committees.reading import CommitteeBook, Member, read_committee_workbook
from assistants.skills.committees.tool import CommitteeArgs, CommitteeReport, CommitteeSettings, committee_tool

__all__ = [
    "CommitteeArgs",
    "CommitteeBook",
    "CommitteeReport",
    "CommitteeSettings",
    "Member",
    "Person",
    "committee_tool",
    "match_people",
    "normalise_name",
    "read_committee_workbook",
]
