"""The client runtime as a package of its own, for its unit tests and type check only.

Rendering copies the other modules of this folder into every generated package (with the
generated header); each package has its own ``__init__``, which also defines ``__version__``.
"""

__version__ = "0.0.0"
