"""Knowledge search: statutes and manuals split into citable passages and ranked by BM25 over morphemes.

Pure modules only (chunking, tokenising, ranking); storage lives in bot/store/knowledge_repository.py.
"""
