"""Contracts under json_schema_org/draft_07/ (generated; do not edit)."""
