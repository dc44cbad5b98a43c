"""Offline tooling: model building and data checks. No runtime process imports it."""
