"""Pure calculations behind the wijkteam insight: working days, deadlines, signals, waiting times, usage."""
