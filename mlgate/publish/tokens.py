"""Compatibility import: the code moved to :mod:`mlgate.net.tokens` (shared with the baseline artifact
downloads, which must not import the publishers)."""

from __future__ import annotations

from mlgate.net.tokens import (
    _BASIC_USERS as _BASIC_USERS,
)
from mlgate.net.tokens import (
    _TOKEN_CHARS as _TOKEN_CHARS,
)
from mlgate.net.tokens import (
    GITHUB_TOKEN_VARS as GITHUB_TOKEN_VARS,
)
from mlgate.net.tokens import (
    GITLAB_TOKEN_VARS as GITLAB_TOKEN_VARS,
)
from mlgate.net.tokens import (
    MIN_SECRET_LEN as MIN_SECRET_LEN,
)
from mlgate.net.tokens import (
    OTHER_SECRET_VARS as OTHER_SECRET_VARS,
)
from mlgate.net.tokens import (
    SECRET_VARS as SECRET_VARS,
)
from mlgate.net.tokens import (
    _b64_cores as _b64_cores,
)
from mlgate.net.tokens import (
    check_publish_token as check_publish_token,
)
from mlgate.net.tokens import (
    check_token as check_token,
)
from mlgate.net.tokens import (
    env_secrets as env_secrets,
)
from mlgate.net.tokens import (
    pick_token as pick_token,
)
from mlgate.net.tokens import (
    redact as redact,
)
from mlgate.net.tokens import (
    secret_forms as secret_forms,
)
