"""Widgets of the TUI, each owning its rendering and styles."""
