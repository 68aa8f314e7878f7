"""Job state and its steps."""
