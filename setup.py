"""Build hook: the wheel carries the top-level templates/ and migrations/ inside the package,
so that a plain ``pip install .`` gives an app that can serve pages and migrate its database.
Everything else about the package is declared in pyproject.toml."""

import os

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplatesAndMigrations(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install reads them from the source tree
        for name in ("templates", "migrations"):
            self.copy_tree(name, os.path.join(self.build_lib, "carers", f"_{name}"))


setup(cmdclass={"build_py": BuildWithTemplatesAndMigrations})
