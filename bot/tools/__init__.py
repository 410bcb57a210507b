"""Tools an assistant's model may call and officials may run by command: the interface and the tool loop."""

from bot.tools.base import Tool, ToolContext, ToolInputError, ToolResult

__all__ = ["Tool", "ToolContext", "ToolInputError", "ToolResult"]
