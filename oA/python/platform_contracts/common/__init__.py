"""Contracts under common/ (generated; do not edit)."""
