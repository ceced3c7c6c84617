"""The Keras training engine. Import its modules directly; this package stays import-light."""
