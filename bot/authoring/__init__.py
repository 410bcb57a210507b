"""Department assistants made by prompt: create, try, publish, version and share them from chat and the CLI."""
