"""The local learner: the single-user store keeps one learner, under this name."""

LEARNER = "me"
"""The local learner's name in the store (what every local command and page reads and writes)."""
