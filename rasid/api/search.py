"""Full-text search over normalised Arabic with snippets cut from the original text."""

from __future__ import annotations

from dataclasses import dataclass

from rasid.document import Token
from rasid.records import ArticleRow
from rasid.store.base import Store
from rasid.text.query import query_groups
from rasid.text.sentences import split_sentences
from rasid.text.tokens import tokenize


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: tuple[tuple[int, int], ...]  # offsets into `text`

    def marked(self, open_mark: str = "[", close_mark: str = "]") -> str:
        out, last = [], 0
        for start, end in self.highlights:
            out.append(self.text[last:start])
            out.append(open_mark + self.text[start:end] + close_mark)
            last = end
        out.append(self.text[last:])
        return "".join(out)


@dataclass(frozen=True)
class SearchResult:
    article: ArticleRow
    score: float
    snippet: Snippet


def make_snippet(text: str, terms: set[str], *, width: int = 28) -> Snippet:
    """The window of `width` tokens with the most query terms, highlights on matching words."""
    tokens: list[Token] = [t for t in tokenize(text, split_sentences(text)) if t.is_word]
    if not tokens:
        return Snippet(text[:200], ())
    hits = [i for i, t in enumerate(tokens) if t.norm in terms]
    if not hits:
        start_i = 0
    else:
        def coverage(i: int) -> tuple[int, int]:
            window = [j for j in hits if i <= j < i + width]
            return len({tokens[j].norm for j in window}), len(window)

        best_i = max(hits, key=coverage)
        start_i = max(0, best_i - 4)
    end_i = min(len(tokens), start_i + width)
    char_start = tokens[start_i].start
    char_end = tokens[end_i - 1].end
    snippet_text = text[char_start:char_end].replace("\n", " ")
    highlights = tuple((t.start - char_start, t.end - char_start) for t in tokens[start_i:end_i] if t.norm in terms)
    prefix = "… " if start_i > 0 else ""
    suffix = " …" if end_i < len(tokens) else ""
    shift = len(prefix)
    return Snippet(prefix + snippet_text + suffix, tuple((s + shift, e + shift) for s, e in highlights))


def search(store: Store, query: str, *, limit: int = 10) -> list[SearchResult]:
    # The index holds single words, so multi-word spellings in a variant group cannot match.
    groups = [[t for t in g if " " not in t] for g in query_groups(query)]
    terms = [t for g in groups for t in g]
    results = []
    for article_id, score in store.search(groups, limit=limit):
        article = store.get_article(article_id)
        if article is None:
            continue
        snippet = make_snippet(store.get_text(article_id), set(terms))
        results.append(SearchResult(article=article, score=round(score, 4), snippet=snippet))
    return results
