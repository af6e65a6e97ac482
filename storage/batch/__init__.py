"""The batch fast path: state read from a preloaded snapshot, commands applied to it, written in bulk."""
