"""The one exception tree of tipguard.

Every error a caller may want to catch derives from ``TipguardError``; each also derives from
the builtin that generic handlers expect, so ``except ValueError`` still works::

    TipguardError
    ├── ConfigError (ValueError)
    │   └── UnknownDetectorError (KeyError)
    ├── InputError (ValueError)
    │   ├── DecodeError              bytes that are not valid text in the declared encoding
    │   ├── EmptyInputError          nothing to analyse
    │   ├── InputTooLargeError       over the configured size limit
    │   └── BundleError              a shared-indicator (STIX) bundle that is malformed
    ├── LexiconError (ValueError)    a lexicon data file that does not compile
    ├── DetectorError (RuntimeError) a detector failed on a batch (recorded, not raised, by default)
    ├── ModelLoadError (RuntimeError)
    ├── NotLoadedError (RuntimeError)
    └── StorageError (RuntimeError)   the case store failed (after its own retries)
        ├── RecordNotFoundError (LookupError)   no such case, review item or key
        ├── InvalidRecordError (ValueError)     a value outside its picklist or a missing field
        └── StateConflictError                  e.g. deciding a review item twice

Messages never contain input text: they name item ids, parameters, files and limits only.
"""

from __future__ import annotations


class TipguardError(Exception):
    """Base class of every tipguard error."""


class ConfigError(TipguardError, ValueError):
    """Invalid configuration: an unknown key, a value out of range, an unknown profile."""


class UnknownDetectorError(ConfigError, KeyError):
    """A detector name that is not registered; the message lists the registered ones."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


class InputError(TipguardError, ValueError):
    """One input item cannot be analysed; the batch goes on without it."""

    code = "invalid_input"


class DecodeError(InputError):
    """The bytes are not valid text."""

    code = "decode_error"


class EmptyInputError(InputError):
    """The item has no text to analyse."""

    code = "empty_input"


class InputTooLargeError(InputError):
    """The item exceeds the configured maximum size."""

    code = "input_too_large"


class BundleError(InputError):
    """A partner's indicator bundle is not valid JSON, not STIX 2.1, or has a malformed
    tipguard indicator; the message names the problem and the object's position only."""

    code = "malformed_bundle"


class LexiconError(TipguardError, ValueError):
    """A lexicon data file is malformed; the message names the file and the rule."""


class DetectorError(TipguardError, RuntimeError):
    """A detector failed while processing a batch."""


class ModelLoadError(TipguardError, RuntimeError):
    """A packaged model or data file could not be loaded."""


class NotLoadedError(TipguardError, RuntimeError):
    """A detector was used before ``load()``."""


class StorageError(TipguardError, RuntimeError):
    """The case store could not complete an operation (after retrying a busy database)."""

    code = "storage_error"


class RecordNotFoundError(StorageError, LookupError):
    """No record with the given id."""

    code = "not_found"


class InvalidRecordError(StorageError, ValueError):
    """A record value outside its picklist, or a required field missing."""

    code = "invalid_record"


class StateConflictError(StorageError):
    """The record is not in a state that allows the operation (a review item decided twice)."""

    code = "conflict"
