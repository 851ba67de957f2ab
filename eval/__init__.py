"""Byline evaluation harness and gold Q&A."""
