"""Language rules shared by readers and analysis: words, sentences, clean-ups and list roles.

Pure functions over strings, no I/O: the bottom layer beside `model` and `errors`.
"""
