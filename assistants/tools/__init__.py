"""Tools: exact computations an assistant's model may call (or an official may run with a command)."""
