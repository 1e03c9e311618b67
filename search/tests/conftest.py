"""The stores under test: the database store always; Elasticsearch when ELASTICSEARCH_URL
is set (e.g. the docker-compose service), with a throwaway index prefix."""

from __future__ import annotations

import os
import uuid

import pytest

STORES = ["database"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])


@pytest.fixture(params=STORES)
def store(request, db):
    if request.param == "database":
        from search.database_store import DatabaseStore

        yield DatabaseStore()
        return
    from search.elasticsearch_store import ElasticsearchStore

    store = ElasticsearchStore(
        os.environ["ELASTICSEARCH_URL"], index_prefix=f"test-{uuid.uuid4().hex[:8]}"
    )
    yield store
    store.drop()


@pytest.fixture
def commit_hooks(django_capture_on_commit_callbacks):
    """`with commit_hooks():` runs the index updates queued for after the commit, at once."""

    class Runner:
        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

    return Runner()
