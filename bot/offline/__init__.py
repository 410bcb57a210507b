"""The offline engine: useful, honest answers with no model at all."""
