"""The learned categorisation: the household's threshold, and the model's suggestions."""
