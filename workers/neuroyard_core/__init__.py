"""Rules the web process and the workers share: the spec language, data formats, safety checks,
the job-kind registry and the coded-error base. Framework-free: NumPy, Pillow and pydantic at most,
never Django, never TensorFlow."""
