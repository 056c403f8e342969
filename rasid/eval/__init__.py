"""Evaluation, training and benchmark entry points (`rasid eval`, `rasid train`, `rasid bench`).

These sit above the domain packages: they may run the pipeline, open stores and use the API,
and nothing in the domain packages imports them. Model code used at run time (the CRF tagger,
the stance and claim classifiers, the dense retriever) stays in its domain package.

| module | what |
|---|---|
| `events` | event detection on PLOVER-coded XML and on the sample corpus's gold key |
| `ner`, `ner_train` | CoNLL scores of the NER tagger; training and cross-validation of it |
| `dates` | time and number recognition on the external temporal suites |
| `stories` | pairwise scores of story grouping against a gold key |
| `verify`, `verify_train` | stance, claim and check-worthiness datasets, metrics and training |
| `dense_train` | fitting the LSA dense retriever |
| `bench` | ingest and pipeline throughput and memory |
"""
