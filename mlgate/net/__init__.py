"""HTTP plumbing shared by the publishers and the baseline-artifact downloads: the REST client and
the token rules. It imports neither :mod:`mlgate.publish` nor :mod:`mlgate.io`."""
