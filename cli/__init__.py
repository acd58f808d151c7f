"""The ``annotator`` command line: corpus commands, and the desktop app through ``gui``."""
