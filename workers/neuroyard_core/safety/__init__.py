"""Checks on untrusted files: pictures, archives, uploaded Keras models."""
