"""Byline's exception tree. Every error a user can cause or meet is one of these.

    BylineError
    ├── InvalidInput            the request itself is wrong (empty question, bad date, ...)
    │   ├── PayloadTooLarge     an upload or field over its size limit
    │   └── ContextOverflow     the prompt plus the answer does not fit the model's context
    ├── NotFound                a document or path that does not exist
    ├── ArticleReadError        one file could not be read as an article
    ├── ModelError              the local model files are missing or corrupt
    ├── BackendUnavailable      the LLM/embedding endpoint or store cannot be reached
    │   └── BackendTimeout      ... or did not answer in time
    └── Overloaded              too many answers in flight; retry later

The CLI prints `str(error)` as one line; the HTTP layer maps each class to a status
code in one place (api/errors.py).
"""


class BylineError(Exception):
    """Base of every Byline error; the message is meant for the user."""


class InvalidInput(BylineError):
    """The question, filter or document given is not acceptable."""


class PayloadTooLarge(InvalidInput):
    """An input is over its configured size limit."""


class ContextOverflow(InvalidInput):
    """The prompt (question plus passages) and the answer tokens exceed the model's context
    window, whether the local model or an OpenAI-compatible endpoint says so."""


class NotFound(BylineError):
    """A document id or a path that does not exist."""


class ArticleReadError(BylineError):
    """A file could not be turned into an article (binary, empty, bad JSON, ...)."""


class ModelError(BylineError):
    """Local model weights are missing, incomplete or fail their checksum."""


class BackendUnavailable(BylineError):
    """The LLM or embedding endpoint, or the vector store, cannot be reached."""


class BackendTimeout(BackendUnavailable):
    """A backend did not answer within its timeout."""


class Overloaded(BylineError):
    """Too much work in flight; the caller should retry after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after
