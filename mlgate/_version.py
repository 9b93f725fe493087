"""The package version, in one place: read by the build backend (pyproject.toml, ``dynamic``) and by
``mlgate.__version__``. A leaf module without imports, so setuptools can read it statically without
importing mlgate (https://setuptools.pypa.io/en/latest/userguide/pyproject_config.html#dynamic-metadata).
"""

__version__ = "0.1.0"
