"""Contracts under customer/ (generated; do not edit)."""
