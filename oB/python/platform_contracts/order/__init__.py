"""Contracts under order/ (generated; do not edit)."""
