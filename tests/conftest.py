import pytest


@pytest.fixture(autouse=True)
def _tom_mellemlager():
    """Every test starts with empty caches: a test's rollback brings back its rounds' and catalogues' old versions,
    and what an earlier test cached under them (after a change made straight in the database, which no page or
    service does) must not reach the next test."""
    from budgetopfolgning import mellemlager

    mellemlager.toem()
