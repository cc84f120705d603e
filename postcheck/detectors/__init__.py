"""Detectors find evidence and never decide.

A detector is a function `(doc, rule, ctx) -> list[Hit]` for one check kind; the kinds are named
in `postcheck.nlp.factories.KINDS`. To add a kind: write the function in the module for its
concern, add it to KINDS, and add a test module beside the others.
"""
