"""The async service kernel. It imports no UI and no web framework."""
