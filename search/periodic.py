"""Search's periodic job (see core.periodic): a nightly rebuild, so sessions that have
passed drop out and anything a missed task left stale is put right."""

import datetime

from core.periodic import job

from .indexing import rebuild

job("search.rebuild_search_index", daily_at=datetime.time(3, 0))(rebuild)
