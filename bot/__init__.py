"""Everything that runs inside Rasa or serves people directly: NLU components, lexicons, launcher, widget."""
