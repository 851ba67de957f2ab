"""One router per resource: answer, search, documents, health."""
