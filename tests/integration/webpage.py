"""Drive the web chat page's own JavaScript (via Node, see webpage.mjs) against a running govbot."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

HARNESS = Path(__file__).with_name("webpage.mjs")


async def run_page(base_url: str, user: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The fetch calls the page made and what it showed after loading and after each step."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed to run the web chat page's script")
    process = await asyncio.create_subprocess_exec(
        node,
        str(HARNESS),
        base_url,
        user,
        json.dumps(steps, ensure_ascii=False),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    return json.loads(out)
