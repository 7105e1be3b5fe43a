import asyncio

from worker.byte_budget import ByteBudget


async def taken_within(budget: ByteBudget, size: int, seconds: float = 0.05) -> bool:
    try:
        await asyncio.wait_for(budget.take(size), seconds)
    except asyncio.TimeoutError:
        return False
    return True


def test_takes_within_the_limit_do_not_wait():
    async def scenario():
        budget = ByteBudget(100)
        assert await taken_within(budget, 60)
        assert await taken_within(budget, 40)
        assert budget.used == 100

    asyncio.run(scenario())


def test_a_take_past_the_limit_waits_until_enough_is_given_back():
    async def scenario():
        budget = ByteBudget(100)
        await budget.take(60)
        await budget.take(30)
        waiting = asyncio.ensure_future(budget.take(50))
        await asyncio.sleep(0.01)
        budget.give_back(30)  # 60 + 50 is still past the limit
        await asyncio.sleep(0.01)
        assert not waiting.done()
        budget.give_back(60)
        await asyncio.wait_for(waiting, 1)
        assert budget.used == 50

    asyncio.run(scenario())


def test_a_share_larger_than_the_limit_is_taken_once_nothing_else_is_out():
    async def scenario():
        budget = ByteBudget(100)
        await budget.take(10)
        assert not await taken_within(budget, 500)
        budget.give_back(10)
        assert await taken_within(budget, 500)
        assert budget.used == 500

    asyncio.run(scenario())
