"""Scope: which articles a question may be answered from (dates and outlets, named in it or set as filters),
and searching within it (`facts`, `filters`, `plan`, `retriever`)."""
