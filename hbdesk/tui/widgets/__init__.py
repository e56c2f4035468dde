"""Widgets shared by every plugin's screens."""
