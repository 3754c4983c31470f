"""The page's layout: the gradio Blocks (chat, sources, Add articles, Index) wired to NewsUI's methods."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

from ui.controller import BUILTIN, LLM_ENDPOINT, NewsUI
from ui.conversation import ChatView
from ui.render import render_sources_html
from ui.uploads import UPLOAD_SUFFIXES

__all__ = ["EXAMPLE_QUESTIONS", "build_ui"]

EXAMPLE_QUESTIONS = (
    "When did Yevkurov meet Haftar?",
    "متى التقى يفكوروف بحفتر؟",
    "Who received Haftar when he arrived in Russia?",
)


def build_ui(
    bot: Any,
    *,
    upload_dir: Path,
    max_upload_mb: int = 50,
    export_dir: Path | None = None,
    default_llm: str | None = None,
    default_k: int = 6,
    allow_private_urls: bool = False,
) -> gr.Blocks:
    """Build the page over ``bot`` (an Assistant, or anything with its public API).

    ``allow_private_urls``: whether URLs added in the page may point at loopback, private or
    other non-public addresses (off: the server would fetch them for anyone who can log in).

    Pass the result to :func:`serve` (it adds the theme, the CSS and the script to the page).
    """
    ui = NewsUI(
        bot,
        upload_dir=upload_dir,
        export_dir=export_dir,
        max_upload_mb=max_upload_mb,
        default_llm=default_llm,
        default_k=default_k,
        allow_private_urls=allow_private_urls,
    )

    def show(view: ChatView) -> tuple[Any, ...]:
        if view.error:
            gr.Warning(html.escape(view.error), title="Could not answer")
        return (
            view.textbox,
            view.messages,
            view.sources,
            view.turns,
            view.status,
            view.markdown,
            gr.DownloadButton(value=view.download, interactive=bool(view.download)),
        )

    def on_ask(message, turns, date_from, date_to, outlets, langs, answerer, endpoint, k):
        for view in ui.ask(message, turns, date_from, date_to, outlets, langs, answerer, endpoint, k):
            yield show(view)

    def on_new_chat():
        return show(ui.new_chat())

    def on_add(files, urls_text, progress=gr.Progress()):  # noqa: B008 (how gradio injects a progress bar)
        report, error = ui.add(files, urls_text, progress=progress)
        if error:
            gr.Warning(html.escape(error), title="Nothing added")
        return report, None, "" if not error else urls_text

    def on_overview():
        header, stats_html, outlets, langs = ui.overview()
        return header, stats_html, gr.Dropdown(choices=outlets), gr.Dropdown(choices=langs)

    def on_list(query):
        rows, choices = ui.articles(query)
        return rows, gr.Dropdown(choices=choices, value=None)

    def on_pick(evt: gr.SelectData):
        row = evt.row_value or []
        return row[-1] if row else None

    def on_remove(article_id, query):
        status, error = ui.remove(article_id)
        if error:
            gr.Warning(html.escape(error), title="Not removed")
        rows, choices = ui.articles(query)
        return status, rows, gr.Dropdown(choices=choices, value=None)

    llm_default = default_llm if default_llm and default_llm != "extractive" else None
    with gr.Blocks(title="News assistant", analytics_enabled=False) as demo:
        turns = gr.State([])
        with gr.Row(elem_id="na-header"):
            gr.HTML(
                '<h1>News assistant</h1><span class="na-tag">Ask the articles in Arabic or English; '
                "every answer shows its sources.</span>",
                padding=False,
            )
            header_stats = gr.HTML("", padding=False)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=7, min_width=420):
                        chatbot = gr.Chatbot(
                            elem_id="na-chat",
                            height=560,
                            show_label=False,
                            buttons=[],
                            feedback_options=None,
                            sanitize_html=True,
                            render_markdown=True,
                            line_breaks=True,
                            latex_delimiters=[],
                            placeholder=(
                                "<div style='text-align:center;opacity:.8'><b>Ask about the news</b><br>"
                                "Answers quote the articles; click a number to see the source.</div>"
                            ),
                        )
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                elem_id="na-input",
                                show_label=False,
                                placeholder="Ask a question… / اطرح سؤالاً…",
                                lines=1,
                                max_lines=6,
                                scale=8,
                                autofocus=True,
                            )
                            send = gr.Button("Ask", variant="primary", elem_id="na-send", scale=1)
                        status = gr.HTML("", elem_id="na-status", padding=False)
                        with gr.Row(elem_id="na-examples"):
                            example_buttons = [
                                gr.Button(q, size="sm", variant="secondary", min_width=10)
                                for q in EXAMPLE_QUESTIONS
                            ]
                        with gr.Row():
                            new_chat = gr.Button("New chat", size="sm", variant="secondary", elem_id="na-new")
                            download = gr.DownloadButton(
                                "Download answer (.md)", size="sm", interactive=False, elem_id="na-download"
                            )
                        with gr.Accordion("Answer as Markdown (copy)", open=False):
                            markdown = gr.Code(
                                "", language="markdown", buttons=["copy"], interactive=False, show_label=False
                            )
                    with gr.Column(scale=5, min_width=340):
                        sources = gr.HTML(render_sources_html([]), elem_id="na-sources-box", padding=False)
                        with gr.Accordion("Filters for the next question", open=False, elem_id="na-filters"):
                            date_from = gr.DateTime(label="From", include_time=False, type="string")
                            date_to = gr.DateTime(label="To", include_time=False, type="string")
                            outlets = gr.Dropdown(label="Outlets", choices=[], multiselect=True, value=[])
                            langs = gr.Dropdown(label="Languages", choices=[], multiselect=True, value=[])
                        with gr.Accordion("Settings", open=False, elem_id="na-settings"):
                            answerer = gr.Radio(
                                [BUILTIN, LLM_ENDPOINT],
                                value=LLM_ENDPOINT if llm_default else BUILTIN,
                                label="Answerer",
                            )
                            endpoint = gr.Textbox(
                                value=llm_default or "",
                                label="LLM endpoint",
                                placeholder="openai:http://127.0.0.1:8080/v1#model",
                                info="An OpenAI-compatible server; used when 'LLM endpoint' is chosen.",
                            )
                            k = gr.Slider(1, 12, value=default_k, step=1, label="Number of sources")
            with gr.Tab("Add articles", id="add"):
                gr.Markdown(
                    "Upload article files or paste article / feed URLs. Formats: "
                    + ", ".join(f"`{s}`" for s in UPLOAD_SUFFIXES)
                    + f" (up to {max_upload_mb} MB each). JSONL records carry `text`, `title`, `published`, "
                    "`source`, `url`, `lang`."
                )
                with gr.Row(equal_height=False):
                    files = gr.File(
                        label="Article files",
                        file_count="multiple",
                        file_types=list(UPLOAD_SUFFIXES),
                        type="filepath",
                        elem_id="na-files",
                        height=180,
                    )
                    urls = gr.Textbox(
                        label="Article or feed URLs (one per line)",
                        lines=7,
                        placeholder="https://example.com/news/article.html\nhttps://example.com/feed.xml",
                        elem_id="na-urls",
                    )
                add_btn = gr.Button("Add to the index", variant="primary", elem_id="na-add")
                add_report = gr.HTML("", elem_id="na-add-report", padding=False)
            with gr.Tab("Index", id="index"):
                stats_box = gr.HTML("", elem_id="na-stats", padding=False)
                with gr.Row(equal_height=False, elem_classes="na-bottom-row"):
                    search = gr.Textbox(
                        label="Search titles", placeholder="e.g. حفتر or Haftar", scale=4, elem_id="na-search"
                    )
                    search_btn = gr.Button("Search", scale=0)
                table = gr.Dataframe(
                    headers=["Title", "Outlet", "Published", "Lang", "Chunks", "ID"],
                    datatype=["str", "str", "str", "str", "number", "str"],
                    type="array",
                    interactive=False,
                    wrap=True,
                    max_height=420,
                    elem_id="na-table",
                )
                with gr.Row(equal_height=False, elem_classes="na-bottom-row"):
                    pick = gr.Dropdown(
                        label="Article to remove (or click a row)", choices=[], scale=4, elem_id="na-pick"
                    )
                    remove_btn = gr.Button("Remove article", variant="stop", scale=0, elem_id="na-remove")
                remove_status = gr.HTML("", padding=False)

        chat_inputs = [question, turns, date_from, date_to, outlets, langs, answerer, endpoint, k]
        chat_outputs = [question, chatbot, sources, turns, status, markdown, download]
        # The Assistant answers concurrent questions; writes (add, remove) take one at a time.
        # 4 at a time: with 20 users on 2 cores, 3.52 answers/s and p95 13.6 s against 3.05 and
        # 18.5 s for 2, 3.31 and 16.9 s for 8 (benchmarks/RESULTS.md, "load").
        ask_opts = {"concurrency_id": "ask", "concurrency_limit": 4, "show_progress": "hidden"}
        send.click(on_ask, chat_inputs, chat_outputs, **ask_opts)
        question.submit(on_ask, chat_inputs, chat_outputs, **ask_opts)
        for button, q in zip(example_buttons, EXAMPLE_QUESTIONS, strict=True):
            button.click(lambda q=q: q, None, question, queue=False).then(
                on_ask, chat_inputs, chat_outputs, **ask_opts
            )
        new_chat.click(on_new_chat, None, chat_outputs, queue=False)
        chatbot.clear(on_new_chat, None, chat_outputs, queue=False)  # the chat's own trash button

        overview_outputs = [header_stats, stats_box, outlets, langs]
        list_outputs = [table, pick]
        add_btn.click(
            on_add, [files, urls], [add_report, files, urls], concurrency_id="write", concurrency_limit=1
        ).then(on_overview, None, overview_outputs).then(on_list, search, list_outputs)
        search.submit(on_list, search, list_outputs)
        search_btn.click(on_list, search, list_outputs)
        table.select(on_pick, None, pick)
        remove_btn.click(
            on_remove,
            [pick, search],
            [remove_status, *list_outputs],
            concurrency_id="write",
            concurrency_limit=1,
        ).then(on_overview, None, overview_outputs)
        demo.load(on_overview, None, overview_outputs).then(on_list, search, list_outputs)
    demo.news_ui = ui  # type: ignore[attr-defined]  # for tests and embedding
    return demo
