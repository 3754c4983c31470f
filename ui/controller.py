"""The page's behaviour: NewsUI's plain methods (no gradio objects) call the Assistant for each event."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant import Answer, AssistantError, IndexingError
from ui.conversation import ChatView, Turn, chat_messages, llm_history
from ui.filters import describe_filters, make_filters
from ui.render import published_day, render_sources_html, render_status_html
from ui.reports import LANG_NAMES, render_add_report, render_index_overview, report_line_html
from ui.uploads import UploadError, parse_urls, store_upload
from ui.workdir import discard_gradio_copy

__all__ = ["BUILTIN", "LANG_NAMES", "LLM_ENDPOINT", "NewsUI", "user_message"]

logger = logging.getLogger(__name__)

BUILTIN = "Built-in (extractive, offline)"
LLM_ENDPOINT = "LLM endpoint"


def user_message(exc: BaseException) -> str:
    """The message the page shows for an error: its own text when expected, else what happened."""
    if isinstance(exc, AssistantError | IndexingError | ValueError | UploadError):
        return str(exc) or type(exc).__name__
    return f"Something went wrong ({type(exc).__name__}): {exc}. The app is still running; try again."


class NewsUI:
    """The page's behaviour over one Assistant; each method is one callback of the page."""

    def __init__(
        self,
        bot: Any,
        *,
        upload_dir: Path,
        export_dir: Path | None = None,
        max_upload_mb: int = 50,
        default_llm: str | None = None,
        default_k: int = 6,
        allow_private_urls: bool = False,
    ) -> None:
        self.bot = bot
        # URLs typed in the page are fetched by the server: by default only public addresses
        self.allow_private_urls = allow_private_urls
        self.upload_dir = Path(upload_dir).resolve()
        self.export_dir = Path(export_dir or self.upload_dir.parent / "exports").resolve()
        self.max_upload_mb = max_upload_mb
        self.default_llm = default_llm
        self.default_k = default_k
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        self.export_dir.mkdir(parents=True, exist_ok=True)

    # -- chat -------------------------------------------------------------------------------------

    def ask(
        self,
        message: str | None,
        turns: list[Turn] | None,
        date_from: Any = None,
        date_to: Any = None,
        outlets: Sequence[str] | None = None,
        langs: Sequence[str] | None = None,
        answerer: str = BUILTIN,
        endpoint: str | None = None,
        k: int | float | None = None,
    ) -> Iterator[ChatView]:
        """Answer ``message`` with streaming: yields the growing answer, then the final view."""
        turns = list(turns or [])
        question = (message or "").strip()

        def fail(msg: str) -> ChatView:
            return ChatView(
                message or "",
                chat_messages(turns),
                render_sources_html(turns),
                turns,
                render_status_html(msg, "error"),
                self._last_markdown(turns),
                self._last_export(turns),
                msg,
            )

        if not question:
            yield fail("Type a question first, in Arabic or English.")
            return
        try:
            filters = make_filters(date_from, date_to, outlets, langs)
            llm = self._llm_choice(answerer, endpoint)
        except ValueError as exc:
            yield fail(str(exc))
            return
        n_sources = int(k) if k else None
        history = llm_history(turns)
        pending = [*turns, Turn(question)]
        yield ChatView("", chat_messages(pending), render_sources_html(pending), turns, "", "", None)
        final: Answer | None = None
        try:
            for item in self.bot.stream(question, history, filters=filters, k=n_sources, llm=llm):
                if isinstance(item, str):
                    yield ChatView(
                        "", chat_messages(pending, item), render_sources_html(pending), turns, "", "", None
                    )
                else:
                    final = item
        except Exception as exc:  # shown in the page, logged with its traceback
            logger.warning("question failed: %r", question, exc_info=not isinstance(exc, AssistantError))
            yield fail(user_message(exc))
            return
        if final is None:
            yield fail("The assistant returned no answer; try again.")
            return
        done = [*turns, Turn(question, final)]
        status = ""
        if filters is not None:
            status = render_status_html("Filters applied: " + describe_filters(filters), "info")
        yield ChatView(
            "",
            chat_messages(done),
            render_sources_html(done),
            done,
            status,
            final.to_markdown(),
            self._export(final),
        )

    def new_chat(self) -> ChatView:
        """Forget the conversation: the next question starts without history."""
        return ChatView("", [], render_sources_html([]), [], "", "", None)

    def _llm_choice(self, answerer: str, endpoint: str | None) -> str:
        if answerer == LLM_ENDPOINT:
            spec = (endpoint or "").strip()
            if not spec:
                raise ValueError(
                    "Enter the LLM endpoint in Settings (e.g. openai:http://127.0.0.1:8080/v1#model), "
                    "or choose the built-in answerer."
                )
            return spec
        return "extractive"

    def _last_markdown(self, turns: Sequence[Turn]) -> str:
        last = next((t.answer for t in reversed(turns) if t.answer is not None), None)
        return last.to_markdown() if last is not None else ""

    def _last_export(self, turns: Sequence[Turn]) -> str | None:
        last = next((t.answer for t in reversed(turns) if t.answer is not None), None)
        return self._export(last) if last is not None else None

    def _export(self, answer: Answer) -> str:
        text = answer.to_markdown()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        path = self.export_dir / f"answer-{digest}.md"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        return str(path)

    # -- adding articles --------------------------------------------------------------------------

    def add(
        self,
        files: Sequence[Any] | None,
        urls_text: str | None,
        progress: Callable[..., Any] | None = None,
    ) -> tuple[str, str]:
        """Add uploaded files and pasted URLs to the index; returns (summary HTML, error message)."""
        problems: list[str] = []
        inputs: list[tuple[str, str]] = []  # (shown name, path or URL)
        for f in files or []:
            path = Path(f if isinstance(f, str | Path) else getattr(f, "name", str(f)))
            original = getattr(f, "orig_name", None) or path.name
            try:
                stored = store_upload(
                    path, self.upload_dir, max_bytes=self.max_upload_mb * 1_000_000, original_name=original
                )
                inputs.append((original, str(stored)))
            except (UploadError, OSError) as exc:
                problems.append(str(exc) if isinstance(exc, UploadError) else f"{original}: {exc}")
            finally:
                discard_gradio_copy(path)
        urls, url_problems = parse_urls(urls_text)
        problems.extend(url_problems)
        inputs.extend((u, u) for u in urls)
        if not inputs and not problems:
            msg = "Choose files to upload or paste article or feed URLs first."
            return render_status_html(msg, "error"), msg
        totals = {
            "added": 0,
            "updated": 0,
            "skipped": 0,
            "duplicates": 0,
            "failed": len(problems),
            "chunks": 0,
        }
        seconds = 0.0
        lines: list[str] = []
        for i, (shown, target) in enumerate(inputs):
            if progress is not None:
                progress(i / max(len(inputs), 1), desc=f"Reading {shown}")

            def step(seen: int, status: str, i: int = i, shown: str = shown) -> None:
                if progress is not None:
                    frac = (i + min(0.95, seen / (seen + 10))) / len(inputs)
                    progress(frac, desc=f"{shown}: {seen} article{'s' if seen != 1 else ''} read · {status}")

            try:
                report = self.bot.add([target], progress=step, allow_private_urls=self.allow_private_urls)
            except Exception as exc:
                logger.warning("adding %s failed", target, exc_info=not isinstance(exc, AssistantError))
                totals["failed"] += 1
                problems.append(f"{shown}: {user_message(exc)}")
                lines.append(report_line_html(shown, "failed", "na-bad"))
                continue
            for key in totals:
                totals[key] += int(getattr(report, key, 0) or 0)
            seconds += float(getattr(report, "seconds", 0.0) or 0.0)
            problems.extend(str(p) for p in getattr(report, "problems", []) or [])
            ok = (report.added + report.updated) > 0
            detail = f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, {report.duplicates} duplicates"
            if report.failed:
                detail += f", {report.failed} failed"
            lines.append(report_line_html(shown, detail, "na-good" if ok else "na-meh"))
        if progress is not None:
            progress(1.0, desc="Done")
        kind = "error" if totals["failed"] and not (totals["added"] or totals["updated"]) else "info"
        report_html = render_add_report(totals, seconds, lines, problems, kind)
        error = (
            "" if kind == "info" else "Nothing was added: " + (problems[0] if problems else "see the report")
        )
        return report_html, error

    # -- the index --------------------------------------------------------------------------------

    def overview(self) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]:
        """(header line HTML, statistics HTML, outlet choices, language choices)."""
        try:
            s = self.bot.stats()
        except Exception as exc:
            logger.warning("stats failed", exc_info=True)
            msg = user_message(exc)
            return render_status_html(msg, "error"), render_status_html(msg, "error"), [], []
        header, stats_html = render_index_overview(s)
        outlet_choices = [(k, k) for k in sorted(s.sources)]
        lang_choices = [(f"{LANG_NAMES.get(k, k)} ({k})", k) for k in sorted(s.languages)]
        return header, stats_html, outlet_choices, lang_choices

    def articles(
        self, query: str | None = "", limit: int = 200
    ) -> tuple[list[list[Any]], list[tuple[str, str]]]:
        """Rows for the article table (title, outlet, date, language, chunks, id) and remove choices."""
        try:
            infos = self.bot.list_articles((query or "").strip(), limit=limit)
        except Exception:
            logger.warning("listing articles failed", exc_info=True)
            return [], []
        rows = [
            [a.title or "(untitled)", a.source or "", published_day(a.published), a.lang, a.n_chunks, a.id]
            for a in infos
        ]
        choices = [(f"{(a.title or '(untitled)')[:70]} · {a.id}", a.id) for a in infos]
        return rows, choices

    def remove(self, article_id: str | None) -> tuple[str, str]:
        """Remove one article; returns (status HTML, error message or '')."""
        if not article_id:
            msg = "Choose an article to remove first (search, then pick it in the list)."
            return render_status_html(msg, "error"), msg
        try:
            article = self.bot.get_article(article_id)
            removed = self.bot.remove([article_id])
        except Exception as exc:
            logger.warning("remove failed", exc_info=not isinstance(exc, AssistantError))
            msg = user_message(exc)
            return render_status_html(msg, "error"), msg
        if not removed:
            msg = f"No article with id {article_id} in the index (already removed?)."
            return render_status_html(msg, "error"), msg
        title = f"“{article.title}” ({article_id})" if article is not None and article.title else article_id
        return render_status_html(f"Removed {title}. It no longer appears in answers.", "info"), ""
