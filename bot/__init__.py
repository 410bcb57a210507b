"""govbot: a messenger assistant for local-government officials."""
