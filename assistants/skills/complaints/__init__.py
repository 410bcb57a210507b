"""Complaint (민원) triage: read a list, keep a topic, mask personal information, cluster, prioritise
with reasons and route to a department. Pure modules do the work; skill.py and cli.py are thin."""

from assistants.skills.complaints.skill import ComplaintTriageSkill

__all__ = ["ComplaintTriageSkill"]
