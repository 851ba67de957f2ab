"""Byline: cited answers to questions about news articles (library)."""
