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
A model filled in that way is made from its prototype (`_Prototype`): a copy of the row of its
constant defaults, the given values put in, and only the defaults made per instance (a new
UUID, a new dict) called. Why: going through every field to find its value cost a case ~1 µs per
field, and a case has 25 (bench/HISTORY.md, "Seventeenth session").
tests/test_instances.py holds its instances equal to the keyword path's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.db import DEFAULT_DB_ALIAS, models, router
from django.db.models.base import ModelState
from django.db.models.fields import NOT_PROVIDED
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
    prototype = _prototype(model)
    if prototype is None or pre_init.receivers or post_init.receivers:
        return _new_by_fields(model, values)
    row = prototype.row.copy()
    cached: list[tuple[str, models.Model | None]] = []
    keys = prototype.keys
    for key, value in values.items():
        slot = keys.get(key)
        if slot is None:
            return model(**values)  # refused by Django's keyword path, in its words
        attname, related, target = slot
        if related is not None:  # a related object, given by the field's name
            if attname in values:
                return model(**values)  # both object and key: as Django's path takes them
            if value is not None and not isinstance(value, related):
                raise _wrong_model(model, key, value, related)
            cached.append((key, value))
            value = None if value is None else getattr(value, target)
        row[attname] = value
    for name, attname, default in prototype.made:
        if name not in values and attname not in values:
            row[attname] = default()
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(row)
    _cache_related(instance, cached)
    return instance


class _Prototype(NamedTuple):
    # Every field's attname, in field order, with its default where that is the same object
    # on every call (None, "", a constant), else None until `made` fills it.
    row: dict[str, Any]
    # name or attname -> (attname, the related model when given as an object, the related
    # object's attribute holding the key).
    keys: dict[str, tuple[str, type[models.Model] | None, str]]
    # (name, attname, default) of the fields whose default makes a new value each time.
    made: tuple[tuple[str, str, Callable[[], Any]], ...]


_PROTOTYPES: dict[type[models.Model], _Prototype | None] = {}


def _prototype(model: type[models.Model]) -> _Prototype | None:
    """The model's prototype when its instances may be made by filling their dict (`_plan` and
    `_direct_names` both allow it), else None."""
    if model in _PROTOTYPES:
        return _PROTOTYPES[model]
    plan = _plan(model)
    prototype = None
    if plan is not None and _direct_names(model) is not None:
        row: dict[str, Any] = {}
        keys: dict[str, tuple[str, type[models.Model] | None, str]] = {}
        made: list[tuple[str, str, Callable[[], Any]]] = []
        for name, attname, field, related, target, default in plan:
            constant = _is_constant(field)
            row[attname] = default() if constant else None
            if not constant:
                made.append((name, attname, default))
            keys[attname] = (attname, None, "")
            if related is not None:
                keys[name] = (attname, related, target)
        prototype = _Prototype(row, keys, tuple(made))
    _PROTOTYPES[model] = prototype
    return prototype


def _is_constant(field: models.Field[Any, Any]) -> bool:
    """Whether the field's default is the same object on every call: no database default, and
    no callable default of its own (Django's factory then answers None, "" or the one value
    given). Any field class with its own `get_default` but a plain ForeignKey is asked each
    time."""
    if field.db_default is not NOT_PROVIDED:
        return False
    if type(field).get_default is not models.Field.get_default and type(
            field) is not models.ForeignKey:
        return False
    return not (field.has_default() and callable(field.default))


def _new_by_fields(model: type[M], values: dict[str, Any]) -> M:
    """`new` going through every field in order, for a model that is not filled in directly.
    Anything left over (an unknown name, an object and its key both given) takes Django's
    keyword path, which refuses it or takes it in its own way."""
    plan = _plan(model)
    if plan is None:
        return model(**values)
    given = dict(values)
    args: list[Any] = []
    cached: list[tuple[str, models.Model | None]] = []
    for name, attname, _field, related, target, default in plan:
        if name in values:
            value = values.pop(name)
            if related is not None:
                if value is not None and not isinstance(value, related):
                    raise _wrong_model(model, name, value, related)
                cached.append((name, value))
                value = None if value is None else getattr(value, target)
        elif attname in values:
            value = values.pop(attname)
        else:
            value = default()
        args.append(value)
    if values:
        return model(**given)
    instance = _made(model, args)
    _cache_related(instance, cached)
    return instance


def _cache_related(instance: models.Model, cached: list[tuple[str, models.Model | None]]) -> None:
    # What ForwardManyToOneDescriptor.__set__ does beyond copying the key, in the same order.
    state = instance._state
    routed = bool(router.routers)
    for name, value in cached:
        if value is not None:
            if routed:
                _route(instance, value)
            else:
                # Without routers Django's answers are fixed: each takes the other's database,
                # else the default, and a relation must stay within one database.
                if state.db is None:
                    state.db = value._state.db or DEFAULT_DB_ALIAS
                if value._state.db is None:
                    value._state.db = state.db
                if value._state.db != state.db:
                    raise _across_databases(value)
        state.fields_cache[name] = value


def _route(instance: models.Model, value: models.Model) -> None:
    state = instance._state
    if state.db is None:
        state.db = router.db_for_write(type(instance), instance=value)
    if value._state.db is None:
        value._state.db = router.db_for_write(type(value), instance=instance)
    if not router.allow_relation(value, instance):
        raise _across_databases(value)


def _wrong_model(model: type[models.Model], name: str, value: Any,
                 related: type[models.Model]) -> ValueError:
    # Django's own words for it.
    return ValueError(f'Cannot assign "{value!r}": "{model.__name__}.{name}" '
                      f'must be a "{related.__name__}" instance.')


def _across_databases(value: models.Model) -> ValueError:
    return ValueError(f'Cannot assign "{value!r}": the current database router '
                      "prevents this relation.")
