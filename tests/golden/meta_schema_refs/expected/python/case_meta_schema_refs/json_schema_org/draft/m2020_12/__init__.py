"""Contracts under json_schema_org/draft/m2020_12/ (generated; do not edit)."""
