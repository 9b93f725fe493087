"""Reading inputs: tables, prediction files, baselines and models."""
