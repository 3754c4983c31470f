"""A small, deterministic stand-in for ``assistant.Assistant`` for the UI tests (no model, no Chroma).

It keeps articles in memory, reads files with the real ``index.readers.read_articles`` (so
uploads behave as in the app), finds passages by shared words, and answers with canned, cited
answers: the Yevkurov–Haftar question in English and Arabic, and otherwise the best matching
sentence of the best matching article. Questions containing ``llm-down`` raise
``LLMUnavailableError``, like an unreachable endpoint.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from assistant import (
    AddReport,
    Answer,
    ArticleInfo,
    Citation,
    EmptyQuestionError,
    IndexStats,
    LLMUnavailableError,
    Passage,
    SearchFilters,
)
from index.schema import Article

__all__ = ["SEED_ARTICLE", "XSS_ARTICLE", "Call", "FakeAssistant"]

SEED_TEXT = (
    "أعلن الجيش الوطني الليبي الثلاثاء، أن قائده العام، المشير خليفة حفتر، بدأ زيارة إلى روسيا تلبية لدعوة رسمية.\n"
    "واستقبل نائب وزير الدفاع الروسي، يونس بيك يوفكيورف، حفتر لدى وصوله روسيا، حيث أجريت له مراسم استقبال رسمية.\n"
    "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري، في ثاني زيارة له إلى ليبيا خلال أقل من شهر.\n"
    "ويكثف الجانبان في الفترة الأخيرة الزيارات المتبادلة واللقاءات."
)
SEED_ARTICLE = Article(
    id="seed-haftar-russia",
    text=SEED_TEXT,
    title="حفتر يبدأ زيارة إلى روسيا تلبية لدعوة رسمية",
    published="2023-09-26",
    source="unknown Arabic news site",
    url=None,
    lang="ar",
    origin="seed",
)
SEED_QUOTE = "والتقى يوفكيورف حفتر في بنغازي في 17 سبتمبر الجاري"
# Untrusted text that must never run in the page: tags, handlers, template syntax, a javascript: URL.
XSS_ARTICLE = Article(
    id="xss-test",
    text=(
        'Evil outlet reports <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned=2">.\n'
        "The harbour of Tobruk reopened on 3 March 2024 ${window.__pwned=3} {{constructor.constructor('x')()}}."
    ),
    title="<b>Harbour</b> news <script>alert(1)</script>",
    published="2024-03-04",
    source="Evil <i>Outlet</i>",
    url="javascript:alert(1)",
    lang="en",
    origin="fake",
)

_WORD = re.compile(r"\w+", re.UNICODE)
_YEVKUROV = ("yevkurov", "يفكوروف", "يوفكيورف", "haftar", "حفتر")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2}


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^\n.!?؟]+[.!?؟]?", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


@dataclass
class Call:
    """One call the UI made, recorded for assertions."""

    method: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


class FakeAssistant:
    """The public API of ``assistant.Assistant`` over an in-memory list of articles."""

    def __init__(
        self, articles: Sequence[Article] = (SEED_ARTICLE,), *, top_k: int = 6, delay: float = 0.0
    ) -> None:
        self.articles: dict[str, Article] = {a.id: a for a in articles}
        self.top_k = top_k
        self.delay = delay  # seconds between streamed pieces (browser tests can watch it grow)
        self.calls: list[Call] = []
        self.closed = False

    # -- index side -----------------------------------------------------------------------------
    def add(
        self,
        inputs: Sequence[str],
        *,
        limit: int | None = None,
        progress: Callable[[int, str], None] | None = None,
        allow_private_urls: bool = True,
    ) -> AddReport:
        from index.readers import read_articles

        self.calls.append(
            Call("add", (list(inputs),), {"limit": limit, "allow_private_urls": allow_private_urls})
        )
        report = AddReport()
        started = time.perf_counter()
        seen = 0
        for item in read_articles(list(inputs), allow_private_urls=allow_private_urls):
            if isinstance(item, Article):
                seen += 1
                if item.id in self.articles:
                    if self.articles[item.id].text == item.text:
                        report.skipped += 1
                    else:
                        report.updated += 1
                        self.articles[item.id] = item
                else:
                    report.added += 1
                    report.added_ids.append(item.id)
                    self.articles[item.id] = item
                report.chunks += max(1, len(item.text) // 500)
            else:
                report.failed += 1
                report.problems.append(str(item))
            if progress:
                progress(seen, "read")
            if limit is not None and seen >= limit:
                break
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, ids: Sequence[str]) -> list[str]:
        self.calls.append(Call("remove", (list(ids),)))
        return [i for i in ids if self.articles.pop(i, None) is not None]

    def stats(self) -> IndexStats:
        arts = list(self.articles.values())
        sources: dict[str, int] = {}
        langs: dict[str, int] = {}
        for a in arts:
            if a.source:
                sources[a.source] = sources.get(a.source, 0) + 1
            langs[a.lang] = langs.get(a.lang, 0) + 1
        days = sorted(a.published[:10] for a in arts if a.published)
        return IndexStats(
            articles=len(arts),
            chunks=sum(max(1, len(a.text) // 500) for a in arts),
            vectors=len(arts),
            sources=sources,
            languages=langs,
            date_from=days[0] if days else None,
            date_to=days[-1] if days else None,
            model="fake-model",
            dimension=8,
            location="memory://fake",
        )

    def list_articles(self, query: str = "", *, limit: int = 50, offset: int = 0) -> list[ArticleInfo]:
        q = query.lower()
        found = [a for a in self.articles.values() if q in a.title.lower()]
        return [
            ArticleInfo(
                id=a.id,
                title=a.title,
                published=a.published,
                source=a.source,
                url=a.url,
                lang=a.lang,
                n_chunks=max(1, len(a.text) // 500),
                chars=len(a.text),
                origin=a.origin,
            )
            for a in found[offset : offset + limit]
        ]

    def get_article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def close(self) -> None:
        self.closed = True

    # -- answering side -------------------------------------------------------------------------
    def _allowed(self, a: Article, filters: SearchFilters | None) -> bool:
        if filters is None:
            return True
        day = dt.date.fromisoformat(a.published[:10]) if a.published else None
        if filters.date_from and (day is None or day < filters.date_from):
            return False
        if filters.date_to and (day is None or day > filters.date_to):
            return False
        if filters.sources and a.source not in filters.sources:
            return False
        return not (filters.langs and a.lang not in filters.langs)

    def retrieve(self, question: str, k: int = 10, *, filters: SearchFilters | None = None) -> list[Passage]:
        if not question or not question.strip():
            raise EmptyQuestionError("The question is empty: type a question about the indexed articles.")
        q = _words(question)
        if any(w in question.lower() for w in _YEVKUROV):
            q |= {"يوفكيورف", "حفتر"}
        scored = []
        for a in self.articles.values():
            if not self._allowed(a, filters):
                continue
            for s, e in _sentences(a.text):
                score = len(q & _words(a.text[s:e]))
                if score:
                    scored.append((score, a, s, e))
        scored.sort(key=lambda x: (-x[0], x[1].id, x[2]))
        return [
            Passage(
                chunk_id=f"{a.id}#{s}",
                article_id=a.id,
                text=a.text[s:e],
                score=float(score),
                start=s,
                end=e,
                title=a.title,
                source=a.source,
                published=a.published,
                url=a.url,
                lang=a.lang,
            )
            for score, a, s, e in scored[:k]
        ]

    def ask(self, question: str, history=None, *, filters=None, k=None, llm=None) -> Answer:
        answer = None
        for item in self.stream(question, history, filters=filters, k=k, llm=llm):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(
        self, question: str, history=None, *, filters=None, k=None, llm=None
    ) -> Iterator[str | Answer]:
        self.calls.append(
            Call("stream", (question, list(history or [])), {"filters": filters, "k": k, "llm": llm})
        )
        if "llm-down" in (question or ""):
            raise LLMUnavailableError(
                "The LLM endpoint http://127.0.0.1:9/v1 could not be reached (connection refused)."
            )
        # follow-ups: the previous question stands in for what "they" / "it" refer to
        previous = [m["content"] for m in history or [] if m.get("role") == "user"]
        standalone = f"{question} {previous[-1]}" if previous else question
        passages = self.retrieve(standalone, k or self.top_k, filters=filters)
        arabic = bool(re.search(r"[\u0600-\u06FF]", question))
        lang = "ar" if arabic else "en"
        citations: list[Citation] = []
        if passages:
            p = passages[0]
            article = self.articles[p.article_id]
            about_yevkurov = any(w in standalone.lower() for w in _YEVKUROV)
            quote = SEED_QUOTE if SEED_QUOTE in article.text and about_yevkurov else p.text
            start = article.text.index(quote)
            citations.append(
                Citation(
                    marker=1,
                    article_id=article.id,
                    title=article.title,
                    source=article.source,
                    published=article.published,
                    url=article.url,
                    quote=quote,
                    start=start,
                    end=start + len(quote),
                    support=0.9,
                    passage_start=0,
                    passage_end=len(article.text),
                    passage=article.text,
                )
            )
        if not citations:
            text = "لا تذكر المقالات ذلك." if arabic else "The articles do not say."
        elif citations[0].quote == SEED_QUOTE:
            text = (
                "التقى يوفكيورف حفتر في بنغازي في 17 سبتمبر 2023 [1]."
                if arabic
                else "Yevkurov met Haftar in Benghazi on 17 September 2023 [1]."
            )
        else:
            text = f"{citations[0].quote} [1]"
        pieces = text.split(" ")
        for i in range(1, len(pieces)):
            if self.delay:
                time.sleep(self.delay)
            yield " ".join(pieces[:i])
        yield Answer(
            question=question,
            text=text,
            citations=tuple(citations),
            passages=tuple(passages),
            answerable=bool(citations),
            lang=lang,
            standalone_question=standalone,
            answerer="fake" if llm in (None, "extractive") else f"fake-llm({llm})",
            timings={"retrieve_ms": 1.0},
        )
