"""archivegen: a static site generator for digital archives of historical records.

The pipeline, one module a stage: load -> validate -> model -> render -> index -> write.
"""

__version__ = "0.1.0"

from archivegen.build.pipeline import BuildResult, build_archive, check_archive
from archivegen.problems import Problem, Severity

__all__ = ["BuildResult", "Problem", "Severity", "__version__", "build_archive", "check_archive"]
