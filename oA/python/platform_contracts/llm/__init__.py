"""Contracts under llm/ (generated; do not edit)."""
