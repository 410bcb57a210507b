"""Microsoft Teams adapter on botbuilder (Bot Framework SDK 4.17).

Every botbuilder type stays inside this package, so moving to the Microsoft 365 Agents SDK later
touches nothing else: dispatch only ever sees bot.conversation Messages, Actions and Replies.
"""

from __future__ import annotations

from aiohttp import web

from bot.host import AdapterHost


def mount(app: web.Application, host: AdapterHost) -> None:
    from adapters.teams.app import mount as mount_teams

    mount_teams(app, host)
