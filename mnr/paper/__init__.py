"""From review to paper: a methods and results draft written from the log."""
