"""Stage 2: the rules a report must follow (`catalogue`), and the checks that apply them (`validate`).

This file imports nothing, on purpose: content/ and formats/ import
`rules.catalogue` to name the rule of each problem they find, and must not load
the checks, which import them in turn.
"""
