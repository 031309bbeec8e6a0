"""Contracts under http/ (generated; do not edit)."""
