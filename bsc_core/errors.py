"""Errors that name the input at fault, so a form can show each under its own field."""

from __future__ import annotations


class FieldError(ValueError):
    """A problem with one input; ``field`` names it (``kpi``, ``value``, ``period``, …)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
