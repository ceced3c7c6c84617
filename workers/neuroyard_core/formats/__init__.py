"""Dataset formats: upload options, header checks of NPZ, CSV and ZIP files, the manifest."""
