"""Knowledge search in chat: `/search`, `/knowledge add`, and the skill behind `법령·지침 검색`."""

from assistants.skills.knowledge.skill import KnowledgeSkill, register_knowledge

__all__ = ["KnowledgeSkill", "register_knowledge"]
