"""Dataset ingestion: validate an upload once and convert it to NumPy shards and a manifest.

NumPy and Pillow only: it runs on the cpu worker, which never imports TensorFlow.
"""
