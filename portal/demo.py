"""Demo data for `make run`: each feature registers its seed, naming the seeds it needs first."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Seed:
    """A feature's demo seed: it returns what it added (a count, or a line of its own)."""

    name: str
    label: str
    run: Callable[[], int | str]
    after: tuple[str, ...] = ()


def register(app: Flask, name: str, label: str, run: Callable[[], int | str], after: tuple[str, ...] = ()) -> None:
    """Add a feature's seed, to run after the seeds named in `after`."""
    app.extensions.setdefault("portal.demo", {})[name] = Seed(name, label, run, after)


def ordered(seeds: dict[str, Seed]) -> list[Seed]:
    """The seeds with every one after those it names (names not registered are ignored)."""
    done: dict[str, Seed] = {}

    def visit(seed: Seed, path: tuple[str, ...]) -> None:
        if seed.name in done:
            return
        if seed.name in path:
            raise RuntimeError(f"demo seeds wait on each other: {' -> '.join(path + (seed.name,))}")
        for name in seed.after:
            if name in seeds:
                visit(seeds[name], path + (seed.name,))
        done[seed.name] = seed

    for name in sorted(seeds):
        visit(seeds[name], ())
    return list(done.values())


def seed() -> Iterator[str]:
    """Run every registered seed in order, yielding one line of report per feature."""
    for each in ordered(current_app.extensions.get("portal.demo", {})):
        added = each.run()
        yield f"{each.label}: {added} added" if isinstance(added, int) else f"{each.label}: {added}"
