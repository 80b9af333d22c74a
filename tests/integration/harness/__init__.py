"""Helpers for gatehouse integration tests: real servers started on 127.0.0.1."""
