"""Streaming form uploads (recordings, profile photos): the body, the multipart parser, the form."""

from __future__ import annotations

from api.uploads.body import FormBody, drain
from api.uploads.form import FormLimits, PrepareFile, StoredForm, StreamingForm, as_declared

__all__ = ["FormBody", "FormLimits", "PrepareFile", "StoredForm", "StreamingForm", "as_declared", "drain"]
