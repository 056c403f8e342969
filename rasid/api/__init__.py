"""Python API. `Rasid` is the entry point; the HTTP API will wrap the same object."""

from rasid.api.core import Rasid, sample_corpus_path

__all__ = ["Rasid", "sample_corpus_path"]
