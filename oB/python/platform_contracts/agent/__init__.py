"""Contracts under agent/ (generated; do not edit)."""
