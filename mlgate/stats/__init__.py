"""Statistics: metrics, paired tests, intervals, drift. Pure numpy/scipy; no I/O."""
