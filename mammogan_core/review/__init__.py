"""Blinded visual Turing test: review sets, portable reading packages, answers and reader statistics."""
