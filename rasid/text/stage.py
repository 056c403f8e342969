"""The "text" pipeline stage: sentences, tokens and (if unknown) language."""

from __future__ import annotations

from rasid.document import Document, Sentence
from rasid.text.lang import detect_language
from rasid.text.sentences import split_sentences
from rasid.text.tokens import tokenize


class TextStage:
    """Fill `sentences` and `tokens`, and `language` when it is still "und"."""

    name = "text"
    requires = ("text", "title", "language")
    assigns = ("sentences", "tokens", "language")

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        spans = split_sentences(text)
        sentences = tuple(Sentence(start=s, end=e, index=i) for i, (s, e) in enumerate(spans))
        tokens = tuple(tokenize(text, spans))
        changes: dict[str, object] = {"sentences": sentences, "tokens": tokens}
        if doc.language == "und":
            changes["language"] = detect_language(f"{doc.title}\n{text}" if doc.title else text)
        return doc.evolve(**changes)
