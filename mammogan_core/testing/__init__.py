"""Fixtures for the tests and the benchmarks, not part of the product: dataset trees shaped like
the public datasets (`datasets`) and a catalogued workspace of simple synthetic mammograms
(`catalogue`). Nothing outside this package imports it; the demo's realistic corpus is
`mammogan_core.phantom`.
"""
