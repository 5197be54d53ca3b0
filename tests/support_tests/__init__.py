"""Tests of the test infrastructure itself.

A package (unlike ``tests/``) so its module names cannot clash with project
test files of the same basename under pytest's default import mode.
"""
