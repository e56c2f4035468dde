"""hbdesk-dark and hbdesk-light."""

from textual.theme import Theme

DARK = Theme(
    name="hbdesk-dark",
    primary="#2dd4bf",
    secondary="#60a5fa",
    accent="#fbbf24",
    foreground="#e5e7eb",
    background="#0b1120",
    surface="#111827",
    panel="#1f2937",
    success="#22c55e",
    warning="#f59e0b",
    error="#ef4444",
    dark=True,
)

LIGHT = Theme(
    name="hbdesk-light",
    primary="#0f766e",
    secondary="#1d4ed8",
    accent="#b45309",
    foreground="#111827",
    background="#f8fafc",
    surface="#ffffff",
    panel="#e2e8f0",
    success="#15803d",
    warning="#b45309",
    error="#b91c1c",
    dark=False,
)
