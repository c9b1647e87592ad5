"""Parts of the Review panel: the organiser view and the blinded reading view."""
