"""The service directory: models, loader, matching, places and API. Usable without Rasa."""
