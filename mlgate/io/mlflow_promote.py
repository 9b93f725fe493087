"""Promotion after merge: the MLflow candidate becomes a version of the baseline's registered model and
the baseline's alias moves to it (``mlgate baseline save``).

Idempotent: the versions of the registered model made from the candidate's run are looked up first
(``MlflowClient.search_model_versions("name='...' and run_id='...'")``, MLflow docs "Search model
versions"); re-running the job after a retry or a re-merge moves the alias but registers nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.io.mlflow_registry import (
    ModelRef,
    connect,
    failure,
    is_model_uri,
    mlflow_errors,
    parse_model_uri,
    resolve,
)

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig


@dataclass(frozen=True)
class Promotion:
    name: str
    version: str
    alias: str
    run_id: str
    created: bool


def promotion_target(loaded: LoadedConfig) -> ModelRef | None:
    """The baseline's ``models:/NAME@ALIAS`` when the candidate is an MLflow model too, else None."""
    cfg = loaded.config
    cand = cfg.candidate.model
    base = cfg.baseline.model if cfg.baseline is not None else None
    if not is_model_uri(cand) or not is_model_uri(base):
        return None
    assert base is not None
    ref = parse_model_uri(base, f"baseline.model: {base}")
    if ref.alias is None:
        raise InputError(
            f"baseline.model: {base}: promotion moves an alias, but this names "
            + ("a run" if ref.run_id else f"a fixed version ({ref.version})"),
            hint="name the production model by alias: baseline.model: models:/NAME@ALIAS",
        )
    return ref


def promote(loaded: LoadedConfig, target: ModelRef, model_id: str | None = None) -> Promotion:
    """Register the candidate under ``target.name`` (unless its run already is) and point
    ``target.alias`` at that version. ``model_id``: the candidate's logged model (MLflow 3), to tell
    two models of one run apart."""
    cand = loaded.config.candidate.model
    assert cand is not None and target.name is not None and target.alias is not None
    where = f"candidate.model: {cand}"
    client = connect(loaded, where)
    resolved = resolve(client, parse_model_uri(cand, where), where)
    run_id = resolved.run_id
    if not run_id:
        raise InputError(f"{where}: the model has no run id; promotion registers a run's model")
    server = client.tracking_uri
    try:
        existing = _versions_of_run(client, target.name, run_id)
        sources = {s for s in (resolved.source, cand, f"models:/{model_id}" if model_id else None) if s}
        same = [v for v in existing if v.source in sources] or (existing if model_id is None else [])
        created = not same
        if same:
            version = str(max(int(v.version) for v in same))
        else:
            version = _register(client, target.name, resolved.source, run_id, model_id)
        client.set_registered_model_alias(target.name, target.alias, version)
    except InputError:
        raise
    except mlflow_errors() as exc:
        raise failure(exc, f"baseline.model: models:/{target.name}@{target.alias}", server) from None
    return Promotion(name=target.name, version=version, alias=target.alias, run_id=run_id, created=created)


def _versions_of_run(client: Any, name: str, run_id: str) -> list[Any]:
    errors = mlflow_errors()
    try:
        # Names are checked by parse_model_uri (no quotes), run ids are [A-Za-z0-9_-]: safe in the filter.
        return list(client.search_model_versions(f"name='{name}' and run_id='{run_id}'"))
    except errors as exc:
        if getattr(exc, "error_code", None) == "RESOURCE_DOES_NOT_EXIST":
            return []
        raise


def _register(client: Any, name: str, source: str | None, run_id: str, model_id: str | None) -> str:
    errors = mlflow_errors()
    try:
        client.get_registered_model(name)
    except errors as exc:
        if getattr(exc, "error_code", None) != "RESOURCE_DOES_NOT_EXIST":
            raise
        client.create_registered_model(name)
    # MLflow 3 registers a logged model by its id (source models:/<model_id>, as register_model does).
    if model_id:
        mv = client.create_model_version(name, f"models:/{model_id}", run_id=run_id, model_id=model_id)
    else:
        mv = client.create_model_version(name, source, run_id=run_id)
    return str(mv.version)
