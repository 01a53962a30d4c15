"""New, unsaved model instances made with less work than `Model(**values)`.

Why: Django's keyword path looks up every field among the keywords and assigns each related
object through its descriptor (type check, two router calls, the key copied, the object cached).
A case submitted through the API builds three such instances, a case with seven relations among
them, and that took ~8% of the web process's time per submission (bench/HISTORY.md, "Ninth
session"). `new` gives Django's positional path, the one it uses itself for rows read from the
database, every value in field order, then caches the related objects as the descriptor would.
Where Django's positional path would only store each value (no signal receivers for building
models, no `__init__` of the model's own, no field whose attribute converts what is set), the
values go into the instance's dict at once: that path's `setattr` calls a key's descriptor for
every relation (ten on a case), to clear a cache a new instance does not have yet.
tests/test_instances.py holds its instances equal to the keyword path's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.db import models, router
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)


class _Slot(NamedTuple):
    name: str
    attname: str
    field: models.Field[Any, Any]
    # For a many-to-one relation: the related model and the attribute its key is read from.
    related: type[models.Model] | None
    target: str
    # What `field.get_default()` calls: for a field that keeps Django's `get_default`, the
    # factory it wraps (one call fewer for each field left to its default).
    default: Callable[[], Any]


_PLANS: dict[type[models.Model], tuple[_Slot, ...] | None] = {}
# Per model, its fields' attnames when its instances may be made by filling their dict, else
# None (`_direct_names`).
_DIRECT: dict[type[models.Model], tuple[str, ...] | None] = {}


def _plan(model: type[models.Model]) -> tuple[_Slot, ...] | None:
    """The model's concrete fields in order; None when one is a relation `new` does not copy
    (a one-to-one sets a cache on the other side too, a multi-column key has several values):
    such a model takes Django's keyword path."""
    if model in _PLANS:
        return _PLANS[model]
    slots: list[_Slot] = []
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            slots.append(_Slot(field.name, field.attname, field, None, "", _default_of(field)))
        elif type(field) is models.ForeignKey and len(field.related_fields) == 1:
            target = field.related_fields[0][1].attname
            related = field.remote_field.model._meta.concrete_model
            slots.append(_Slot(field.name, field.attname, field, related, target,
                               _default_of(field)))
        else:
            _PLANS[model] = None
            return None
    plan = _PLANS[model] = tuple(slots)
    return plan


def _direct_names(model: type[models.Model]) -> tuple[str, ...] | None:
    """The attnames of `model`'s fields when `model(*values)` only stores each value under its
    field's attname: the model has no `__init__` of its own, and each field's class attribute
    either has no `__set__` or is a key's (which only clears a cached object, and a new
    instance has none). None otherwise."""
    if model in _DIRECT:
        return _DIRECT[model]
    fields = model._meta.concrete_fields
    direct = model.__init__ is models.Model.__init__ and all(
        type(getattr(model, f.attname, None)) is ForeignKeyDeferredAttribute
        or not hasattr(type(getattr(model, f.attname, None)), "__set__") for f in fields)
    names = _DIRECT[model] = tuple(f.attname for f in fields) if direct else None
    return names


def _made(model: type[M], args: list[Any]) -> M:
    """`model(*args)`, `args` a value for every field. Receivers of pre_init or post_init are
    looked for on every call: one connected later still hears every instance."""
    names = _direct_names(model)
    if names is None or pre_init.receivers or post_init.receivers:
        return model(*args)
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(zip(names, args, strict=True))
    return instance


def _default_of(field: models.Field[Any, Any]) -> Callable[[], Any]:
    if type(field).get_default is models.Field.get_default:
        # Django's own cached factory: the default itself when callable, else a function
        # answering it (or None, or '').
        factory: Callable[[], Any] = field._get_default  # type: ignore[attr-defined]
        return factory
    return field.get_default  # a field class with its own rule (a ForeignKey's)


def new(model: type[M], **values: Any) -> M:
    """`model(**values)`, the same instance: fields by name (a related object) or by attname
    (its key), every other field its default. An unknown name, or a related object of the wrong
    model, is refused as Django refuses it."""
    plan = _plan(model)
    if plan is None:
        return model(**values)
    args: list[Any] = []
    cached: list[tuple[str, models.Model | None]] = []
    for name, attname, _field, related, target, default in plan:
        if name in values:
            value = values.pop(name)
            if related is not None:
                if value is not None and not isinstance(value, related):
                    raise ValueError(f'Cannot assign "{value!r}": "{model.__name__}.{name}" '
                                     f'must be a "{related.__name__}" instance.')
                cached.append((name, value))
                value = None if value is None else getattr(value, target)
        elif attname in values:
            value = values.pop(attname)
        else:
            value = default()
        args.append(value)
    if values:
        raise TypeError(f"{model.__name__}() got unexpected keyword arguments: "
                        f"{', '.join(sorted(values))}")
    instance = _made(model, args)
    _cache_related(instance, cached)
    return instance


def _cache_related(instance: models.Model, cached: list[tuple[str, models.Model | None]]) -> None:
    # What ForwardManyToOneDescriptor.__set__ does beyond copying the key, in the same order.
    state = instance._state
    for name, value in cached:
        if value is not None:
            if state.db is None:
                state.db = router.db_for_write(type(instance), instance=value)
            if value._state.db is None:
                value._state.db = router.db_for_write(type(value), instance=instance)
            if not router.allow_relation(value, instance):
                raise ValueError(f'Cannot assign "{value!r}": the current database router '
                                 "prevents this relation.")
        state.fields_cache[name] = value
