"""The creditor REST API. Only :mod:`kleinkasso.api.app` imports FastAPI, so
domain code can record events without loading the web stack."""
