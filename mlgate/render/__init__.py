"""Renderers: a frozen Report -> text (markdown, json, junit, html). No I/O but :mod:`.write`."""
