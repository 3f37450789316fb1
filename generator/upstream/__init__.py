"""Provenance and re-derivation of curated specs: pinned upstream snapshot + recipe -> derived spec."""
