"""Contracts under json_schema_org/ (generated; do not edit)."""
