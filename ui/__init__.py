"""The Qt desktop app: windows, item models and widgets over a corpus store."""
