"""What other apps show on a dataset's page without the lake importing them: the data
resources of the catalog mounted on the dataset. An app registers a provider at start-up (the
sharing app in its AppConfig.ready); the page asks every provider.

A provider is called with a dataset code and answers a list of (code, name, url).
"""

from __future__ import annotations

from collections.abc import Callable

Link = tuple[str, str, str]
Provider = Callable[[str], list[Link]]

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider (once: registering the same one again changes nothing)."""
    if provider not in _providers:
        _providers.append(provider)


def links_for(dataset_code: str) -> list[Link]:
    """Every registered provider's links for the dataset, in registration order."""
    return [link for provider in _providers for link in provider(dataset_code)]
