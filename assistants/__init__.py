"""Assistant specs, the registry that serves them, and the skills they may use."""
