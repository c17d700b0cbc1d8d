"""Thin Rasa SDK actions: read slots, call `directory`, pick domain responses. No wording, no SQL."""
