"""Data files for Training Loop Playground: lessons, icons, style sheets.

No code lives here. Read the files with :mod:`importlib.resources`, so they are
found the same way in a checkout and in an installed wheel::

    from importlib.resources import files

    text = files("resources.lessons").joinpath("intro.toml").read_text("utf-8")
"""
