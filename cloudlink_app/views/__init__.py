"""What a page shows, built from service records: plain Python, no Reflex.

A state calls one function here and assigns what it returns; the texts are rendered in
the language of the moment.
"""
