"""Compatibility import: the code moved to :mod:`mlgate.net.http` and :mod:`mlgate.net.retry` (shared
with the baseline artifact downloads, which must not import the publishers)."""

from __future__ import annotations

from mlgate.net.http import (
    _TRANSIENT_TRANSPORT as _TRANSIENT_TRANSPORT,
)
from mlgate.net.http import (
    MAX_PAGES as MAX_PAGES,
)
from mlgate.net.http import (
    USER_AGENT as USER_AGENT,
)
from mlgate.net.http import (
    AlreadyStored as AlreadyStored,
)
from mlgate.net.http import (
    ApiClient as ApiClient,
)
from mlgate.net.http import (
    ApiError as ApiError,
)
from mlgate.net.http import (
    MaybeStored as MaybeStored,
)
from mlgate.net.http import (
    _local_hint as _local_hint,
)
from mlgate.net.retry import (
    TRANSIENT_STATUSES as TRANSIENT_STATUSES,
)
from mlgate.net.retry import (
    RetryPolicy as RetryPolicy,
)
from mlgate.net.retry import (
    error_message as error_message,
)
from mlgate.net.retry import (
    is_rate_limited as is_rate_limited,
)
