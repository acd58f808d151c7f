# peewee's query builder is dynamic; the stubs it bundles type query rows as model instances, so
# `.tuples()` rows and implicit `id` fields fail under --strict. mypy reads this file instead
# (mypy_path in pyproject.toml) and treats peewee as untyped; our own code stays strict.
from typing import Any

def __getattr__(name: str) -> Any: ...
