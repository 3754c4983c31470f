"""The page's look: gradio theme, the CSS (page.css) and the source-panel script (page.js) as data."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

__all__ = ["CSS", "HEAD", "THEME"]

_HERE = Path(__file__).resolve().parent  # page.css and page.js ship in the wheel beside this module

THEME = gr.themes.Soft(
    primary_hue="teal",
    secondary_hue="slate",
    neutral_hue="slate",
    radius_size="md",
    font=["system-ui", "-apple-system", "'Segoe UI'", "'Noto Sans'", "'DejaVu Sans'", "sans-serif"],
    font_mono=["ui-monospace", "'DejaVu Sans Mono'", "monospace"],
)

CSS = "\n" + (_HERE / "page.css").read_text(encoding="utf-8")

# Clicking a marker shows the sources of that answer, scrolls to the source and highlights it;
# clicking elsewhere in an answer shows that answer's sources. Event delegation on the document, so
# it keeps working when gradio re-renders the chat or the panel.
HEAD = "\n<script>\n" + (_HERE / "page.js").read_text(encoding="utf-8") + "</script>\n"
