"""The inference worker's serving side: loaded models kept in memory, requests batched through
them, answers published for the web process that waits."""
