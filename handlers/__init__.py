"""Pure message handling: typed messages, the rules of the standard, and the outcomes they produce."""
