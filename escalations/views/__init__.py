"""Pages. Views stay thin: they read through selectors and change through services."""
