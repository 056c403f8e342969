"""Rasid (راصد): a sourced, cross-checked record of conflict events from Arabic news reports."""

__version__ = "0.1.0"
