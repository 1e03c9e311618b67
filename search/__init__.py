"""One search document per searchable object, on Elasticsearch or the database."""
