"""Knowledge search in chat: `/search`, `/knowledge add`, and the skill behind `법령·지침 검색`."""

from assistants.skills.knowledge.skill import KnowledgeSkill, build_knowledge_skill

__all__ = ["KnowledgeSkill", "build_knowledge_skill"]
