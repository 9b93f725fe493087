"""``baseline: {artifact: NAME}``: the baseline that ``mlgate baseline save`` stored in a CI artifact of
the base branch, fetched from GitHub Actions or GitLab CI (or a folder downloaded by hand)."""
