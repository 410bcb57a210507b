"""app.yaml's knowledge collections loaded when `govbot serve` starts, in the background.

Serving starts at once: the sync runs as a task beside the server (files are read and parsed in worker threads,
never on the event loop), logs its progress, and a failure is logged, never raised into the server. Unchanged
files are skipped by their hash, so a restart costs only reading and hashing them.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.gateway.pipeline import Gateway
from bot.knowledge.service import KnowledgeService

log = logging.getLogger(__name__)
PROGRESS_EVERY = 50  # files between progress lines


async def sync_collections(service: KnowledgeService, base: Path, gateway: Gateway | None = None) -> None:
    """Ingest every app.yaml collection, logging progress and a summary per collection."""
    names = [source.name for source in service.config.knowledge.collections]
    log.info("knowledge: loading %d app.yaml collection(s) in the background: %s", len(names), ", ".join(names))
    seen = 0

    def progress(source: str) -> None:
        nonlocal seen
        seen += 1
        if seen % PROGRESS_EVERY == 0:
            log.info("knowledge: %d files read (last: %s)", seen, source)

    try:
        reports = await service.sync(base, progress=progress, gateway=gateway)
    except asyncio.CancelledError:
        log.info("knowledge: start-up loading stopped after %d files (server shutting down)", seen)
        raise
    except Exception:
        log.exception("knowledge: start-up loading failed; run `govbot knowledge sync` to see why")
        return
    for report in reports:
        log.info(
            "knowledge: %s: added %d, replaced %d, unchanged %d, failed %d (%d passages)",
            report.collection,
            len(report.added),
            len(report.replaced),
            len(report.unchanged),
            len(report.failed),
            report.chunks,
        )
        if report.unembedded:
            log.warning(
                "knowledge: %s: %d passages without vectors (searched lexically)", report.collection, report.unembedded
            )
        for source, reason in report.failed:
            log.warning("knowledge: %s: %s: %s", report.collection, source, reason)


def start_sync(
    service: KnowledgeService | None, base: Path, gateway: Gateway | None = None
) -> asyncio.Task[None] | None:
    """The background task loading app.yaml's collections (embedding their passages through `gateway` when
    app.yaml sets an embeddings model), or None when there are none to load."""
    if service is None or not service.config.knowledge.collections:
        return None
    return asyncio.create_task(sync_collections(service, base, gateway), name="knowledge-start-up-sync")
