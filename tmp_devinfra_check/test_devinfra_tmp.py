import asyncio, os
import asyncpg, redis

def test_services_env():
    assert os.environ["DATABASE_URL"].startswith("postgresql+asyncpg://cadenza@127.0.0.1:")
    url = os.environ["DATABASE_URL"].replace("+asyncpg", "")
    async def q():
        c = await asyncpg.connect(url)
        try:
            return await c.fetchval("select current_user")
        finally:
            await c.close()
    assert asyncio.run(q()) == "cadenza"
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
    assert os.path.isabs(os.environ["CADENZA_VAR_DIR"])
    assert os.path.isfile(os.path.join(os.environ["CADENZA_PG_BINDIR"], "pg_ctl"))
