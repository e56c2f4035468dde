"""The Textual desk: a thin app hosting the screens and commands plugins contribute."""
