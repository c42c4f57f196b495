"""Pieces every screen uses: messages a person understands, empty states, number formats."""

from __future__ import annotations

import math
from typing import Any

import panel as pn


def message_alert(text: str, kind: str = "danger") -> pn.pane.Alert:
    """An alert that hides itself while ``text`` is empty."""
    return pn.pane.Alert(text, alert_type=kind, visible=bool(text), margin=(5, 10))


def bind_alert(alert: pn.pane.Alert, text: str) -> None:
    alert.object = text
    alert.visible = bool(text)


def empty_state(text: str) -> pn.pane.Markdown:
    return pn.pane.Markdown(f"*{text}*", styles={"color": "var(--secondary-text-color, #666)"},
                            css_classes=["empty-state"], margin=(20, 10))


def number(value: Any, digits: int = 2, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}{suffix}"
    return str(value)


SYNTHETIC_BADGE = ("<span style='background:#b45309;color:white;padding:2px 8px;border-radius:4px;"
                   "font-weight:600'>SYNTHETIC DATA</span>")
