"""Messenger adapters: each translates a platform event into a Message and a Reply into platform calls."""
