"""The store: schema, migrations and every query. The rest of mnr sees typed objects."""

from mnr.library.models import DatabaseCount, NewSearch, Search, Status
from mnr.library.store import Library, RecordSink

__all__ = ["DatabaseCount", "Library", "NewSearch", "RecordSink", "Search", "Status"]
