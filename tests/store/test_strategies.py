"""Strategies and their immutable versions on SQLite and PostgreSQL: the documents' shapes, history, scoping."""

from __future__ import annotations

import re
import threading
from itertools import pairwise
from typing import Any

import pytest
from sqlmodel import Session

from lean_runner.runners.errors import InvalidRequestError
from lean_runner.store import (
    BacktestRecord,
    BacktestStore,
    ImmutableVersionError,
    StrategyNotFoundError,
    StrategyStore,
)

SPEC: dict[str, Any] = {"universe": ["AAPL"], "entry": {"conditions": [{"type": "sma_cross",
                                                                        "params": {"fast": 50, "slow": 200}}]}}
ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z")
STRATEGY_KEYS = ["id", "user_id", "name", "description", "current_version_id", "created_at", "updated_at"]
VERSION_KEYS = ["id", "strategy_id", "json_spec", "nl_summary", "origin", "created_by", "created_at"]


def _create(strategies: StrategyStore, user_id: str = "u_123", name: str = "Trend + Positive News",
            origin: str = "user") -> Any:
    return strategies.create_strategy(user_id=user_id, name=name, description="Momentum plus news sentiment filter.",
                                      json_spec=SPEC, nl_summary="Buys when 50d > 200d...", origin=origin)


def test_create_strategy_stores_it_with_its_first_version_in_the_documents_shapes(strategies: StrategyStore) -> None:
    strategy, version = _create(strategies)

    shown, first = strategy.to_dict(), version.to_dict()
    assert list(shown) == STRATEGY_KEYS and list(first) == VERSION_KEYS
    assert shown == {"id": strategy.id, "user_id": "u_123", "name": "Trend + Positive News",
                     "description": "Momentum plus news sentiment filter.", "current_version_id": version.id,
                     "created_at": shown["created_at"], "updated_at": shown["created_at"]}
    assert first == {"id": version.id, "strategy_id": strategy.id, "json_spec": SPEC,
                     "nl_summary": "Buys when 50d > 200d...", "origin": "user", "created_by": "u_123",
                     "created_at": shown["created_at"]}
    assert ISO_Z.fullmatch(shown["created_at"])
    assert strategies.get_strategy(strategy.id).to_dict() == shown
    assert strategies.get_version(version.id).to_dict() == first
    assert re.fullmatch(r"s_[a-z0-9]{20}", strategy.id) and re.fullmatch(r"sv_[a-z0-9]{20}", version.id)


def test_add_version_moves_the_current_version_and_updated_at_together(strategies: StrategyStore) -> None:
    strategy, first = _create(strategies)
    refined = {**SPEC, "risk": {"max_drawdown": 0.2}}

    version, updated = strategies.add_version(strategy.id, json_spec=refined, nl_summary="Now with a cap.",
                                              origin="agent", created_by="agent_system")

    assert (version.strategy_id, version.json_spec, version.origin, version.created_by) == (
        strategy.id, refined, "agent", "agent_system")
    assert updated.current_version_id == version.id != first.id
    assert updated.updated_at == version.created_at > strategy.updated_at
    assert updated.created_at == strategy.created_at
    assert strategies.get_strategy(strategy.id).to_dict() == updated.to_dict()
    assert strategies.get_version(first.id).to_dict() == first.to_dict()  # the old version is untouched


def test_versions_list_oldest_first_even_when_added_within_one_clock_tick(strategies: StrategyStore) -> None:
    strategy, first = _create(strategies)
    added = [strategies.add_version(strategy.id, json_spec={"n": n}, origin="mixed", created_by="u_123")[0]
             for n in range(10)]

    versions = strategies.list_versions(strategy.id)

    assert [v.id for v in versions] == [first.id] + [v.id for v in added]
    assert all(a.created_at < b.created_at for a, b in pairwise(versions))
    assert versions[-1].to_summary_dict() == {"id": added[-1].id, "origin": "mixed",
                                              "created_at": added[-1].to_dict()["created_at"]}
    assert strategies.get_strategy(strategy.id).current_version_id == added[-1].id


def test_concurrent_add_version_calls_all_land_and_the_newest_is_current(strategies: StrategyStore) -> None:
    strategy, _ = _create(strategies)
    errors: list[BaseException] = []

    def add(n: int) -> None:
        try:
            strategies.add_version(strategy.id, json_spec={"n": n}, origin="agent", created_by="agent_system")
        except BaseException as error:  # reported below; a thread's exception would vanish otherwise
            errors.append(error)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    versions = strategies.list_versions(strategy.id)
    assert len(versions) == 9 and len({v.created_at for v in versions}) == 9
    current = strategies.get_strategy(strategy.id)
    assert current.current_version_id == versions[-1].id and current.updated_at == versions[-1].created_at


def test_a_stored_version_cannot_be_changed(strategies: StrategyStore) -> None:
    _, version = _create(strategies)
    assert not [name for name in dir(StrategyStore) if "update" in name or "edit" in name]

    with Session(strategies.engine) as session:
        stored = session.get(type(version), version.id)
        assert stored is not None
        stored.nl_summary = "rewritten history"
        with pytest.raises(ImmutableVersionError, match="immutable"):
            session.commit()

    assert strategies.get_version(version.id).nl_summary == "Buys when 50d > 200d..."


def test_list_by_user_shows_only_that_users_strategies_newest_update_first(strategies: StrategyStore) -> None:
    older, _ = _create(strategies, name="older")
    newer, _ = _create(strategies, name="newer")
    _create(strategies, user_id="u_other", name="someone else's")
    strategies.add_version(older.id, json_spec=SPEC, origin="mixed", created_by="agent_system")

    listed = strategies.list_strategies("u_123")

    assert [(item.strategy.name, item.origin_latest) for item in listed] == [("older", "mixed"), ("newer", "user")]
    assert list(listed[0].to_dict()) == ["id", "user_id", "name", "description", "current_version_id",
                                         "origin_latest", "created_at", "updated_at"]
    assert {item.strategy.user_id for item in listed} == {"u_123"}
    assert [item.strategy.name for item in strategies.list_strategies("u_other")] == ["someone else's"]
    assert strategies.list_strategies("u_nobody") == []
    assert newer.id in {item.strategy.id for item in listed}


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: s.get_strategy("s_missing"), "no strategy with id 's_missing'"),
    (lambda s: s.get_version("sv_missing"), "no strategy version with id 'sv_missing'"),
    (lambda s: s.list_versions("s_missing"), "no strategy with id 's_missing'"),
    (lambda s: s.add_version("s_missing", json_spec={}, origin="user", created_by="u_1"),
     "no strategy with id 's_missing'"),
])
def test_unknown_ids_are_a_404_not_found(strategies: StrategyStore, call: Any, message: str) -> None:
    with pytest.raises(StrategyNotFoundError, match=message) as raised:
        call(strategies)
    assert (raised.value.code, raised.value.http_status) == ("not_found", 404)
    assert strategies.list_versions(_create(strategies)[0].id)  # and nothing was half-written


def test_an_unknown_origin_is_refused_and_nothing_is_stored(strategies: StrategyStore) -> None:
    with pytest.raises(InvalidRequestError, match="user, agent, mixed") as raised:
        _create(strategies, origin="robot")
    assert raised.value.details == [{"path": "origin", "message": "Must be one of user, agent, mixed"}]
    assert strategies.list_strategies("u_123") == []


def test_backtests_of_a_version_are_found_by_user_version_and_conversation(store: BacktestStore,
                                                                           strategies: StrategyStore) -> None:
    _, version = _create(strategies)
    common: dict[str, Any] = {"algorithm_id": "1", "status": "queued", "strategy": "dsl", "engine": "local"}
    store.add(BacktestRecord(user_id="u_123", strategy_version_id=version.id, conversation_id="conv_789",
                             config={"initial_capital": 100000}, tags=["chat_session:conv_789"], **common))
    store.add(BacktestRecord(user_id="u_other", strategy_version_id=version.id, **common))

    mine, total = store.list(user_id="u_123", strategy_version_id=version.id)

    assert total == 1 and re.fullmatch(r"bt_[a-z0-9]{20}", mine[0].id)
    assert store.list(conversation_id="conv_789")[0] == mine
    assert store.list(strategy_version_id=version.id)[1] == 2
