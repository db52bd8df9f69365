# bench: speed and memory, never run by make check.
