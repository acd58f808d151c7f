"""Schema files shipped with the application (data, read through importlib.resources)."""
