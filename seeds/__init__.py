"""Sample articles imported into a new default corpus (data, read through importlib.resources)."""
