"""Contracts under json_schema_org/draft/ (generated; do not edit)."""
